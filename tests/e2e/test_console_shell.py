"""The console around the inbox: sign-in and out, an expired token, French and English, the
keyboard, a tablet's width, and what the first load weighs."""

from __future__ import annotations

import base64
import json
import time

import pytest
from console_helpers import ARTIFACTS
from playwright.sync_api import expect

pytest_plugins = ["console_plugin"]

FIRST_LOAD_BUDGET = 150 * 1024  # bytes over the wire
TOKEN_KEY = "lobby.idToken"


def _forged_token(claims: dict) -> str:
    part = lambda value: base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")  # noqa: E731
    return f"{part({'alg': 'RS256', 'kid': 'forged'})}.{part(claims)}.{part('not-a-signature')}"


def test_sign_in_refuses_a_wrong_password_then_signs_in_and_out(page, local_stack):
    page.open()
    expect(page.locator("#username")).to_be_focused()
    page.fill("#username", local_stack["demo"]["agent_username"])
    page.fill("#password", "not-the-password")
    page.click("#sign-in")
    expect(page.locator("#login-error")).to_have_text("Incorrect email or password.")

    page.sign_in()
    expect(page.locator('[role="tablist"] [role="tab"]')).to_have_count(5)
    assert page.evaluate(f"sessionStorage.getItem('{TOKEN_KEY}')")

    page.click("#sign-out")
    expect(page.locator("#sign-in")).to_be_visible()
    assert page.evaluate(f"sessionStorage.getItem('{TOKEN_KEY}')") is None
    page.reload()
    expect(page.locator("#sign-in")).to_be_visible()  # signed out stays signed out


def test_a_token_the_api_refuses_returns_to_sign_in_with_a_message(page, local_stack):
    hotel = local_stack["demo"]["hotel_id"]
    page.with_token(_forged_token({"sub": "someone", "custom:hotel_ids": hotel, "exp": int(time.time()) + 3600}))
    expect(page.locator("#login-error")).to_have_text("Your session has expired. Sign in again.")
    assert any(call.startswith(f"GET /v1/hotels/{hotel}/") for call in page.api_calls)  # the API said 401
    assert page.evaluate(f"sessionStorage.getItem('{TOKEN_KEY}')") is None


def test_an_expired_token_returns_to_sign_in_without_calling_the_api(page, local_stack):
    page.with_token(_forged_token(
        {"sub": "someone", "custom:hotel_ids": local_stack["demo"]["hotel_id"], "exp": int(time.time()) - 60}))
    expect(page.locator("#login-error")).to_have_text("Your session has expired. Sign in again.")
    assert page.api_calls == []


@pytest.mark.parametrize("browser_context_options", [{"viewport": {"width": 1280, "height": 800}, "locale": "fr-FR"}])
def test_french_from_the_browser_then_english_remembered(page):
    page.open()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Connexion à votre boîte de réception")
    page.sign_in()
    labels = lambda: [t.strip() for t in page.locator('[role="tab"] .tab-label').all_inner_texts()]  # noqa: E731
    assert labels() == ["Ouvertes", "En attente", "Fermées", "Spam", "Toutes"]
    expect(page.locator("#sign-out")).to_have_text("Se déconnecter")

    page.select_option("#lang", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert labels() == ["Open", "On hold", "Closed", "Spam", "All"]
    expect(page.locator("#sign-out")).to_have_text("Sign out")

    page.reload()
    page.wait_for_selector('[role="tab"]')
    assert labels() == ["Open", "On hold", "Closed", "Spam", "All"]


def test_the_keyboard_moves_between_tabs_and_opens_the_help(signed_in):
    page = signed_in
    page.tab("open").focus()
    page.keyboard.press("ArrowRight")
    expect(page.tab("on_hold")).to_be_focused()
    expect(page.tab("on_hold")).to_have_attribute("aria-selected", "true")
    expect(page.tab("open")).to_have_attribute("tabindex", "-1")
    page.keyboard.press("End")
    expect(page.tab("all")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowRight")  # wraps around
    expect(page.tab("open")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("3")
    expect(page.tab("closed")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#tabpanel")).to_have_attribute("aria-labelledby", "tab-closed")

    page.keyboard.press("?")
    help = page.locator("dialog#help")
    expect(help).to_be_visible()
    expect(help).to_contain_text("Close the conversation")
    page.keyboard.press("Escape")
    expect(help).to_have_count(0)


@pytest.mark.parametrize("browser_context_options", [{"viewport": {"width": 768, "height": 1024}, "locale": "en-GB"}])
def test_a_tablet_shows_the_list_and_the_conversation_without_sideways_scrolling(signed_in, agent):
    page = signed_in
    conversation = agent.everything("open")[0]
    page.open_conversation(conversation)
    expect(page.locator("#tabpanel")).to_be_visible()
    expect(page.locator("#composer")).to_be_visible()
    expect(page.locator("#profile-name")).to_be_attached()
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    box = page.locator("#pane").bounding_box()
    assert box["x"] >= 200 and box["x"] + box["width"] <= 768


def test_the_first_load_weighs_at_most_150_kb(page):
    """Sum of the encoded (over the wire) sizes of every response of the first page load, from Chromium's
    own network events (headers included), with an empty cache."""
    cdp = page.context.new_cdp_session(page.page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.open()
    expect(page.locator("#sign-in")).to_be_visible()
    page.wait_for_load_state("networkidle")

    total = sum(sizes.values())
    lines = [f"{sizes[r]:>8}  {urls.get(r, '?')}" for r in sorted(sizes, key=sizes.get, reverse=True)]
    report = f"first load: {total} bytes over the wire in {len(sizes)} responses\n" + "\n".join(lines)
    print(report)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "first-load.txt").write_text(report + "\n")
    assert len(sizes) >= 8  # the page, its style, its modules and config.json were all counted
    assert total <= FIRST_LOAD_BUDGET, report
