"""The team inbox in Chromium against the local stack (issue 12): two agents, each in a browser context of
their own, assignment seen by the other, the Mine filter and its counts, "start replying brings it back",
the search, notes and mentions, and buttons that follow the API's allowed_actions.

Every test makes its own conversations (a partner hands in a guest with a profile, or a traveler writes
through the Expedia simulator), so the tests do not depend on one another or on the demo's conversations.
"""

from __future__ import annotations

import re
import uuid

import pytest
from console_helpers import AgentApi, console_as, eventually
from playwright.sync_api import expect

pytest_plugins = ["console_plugin"]


@pytest.fixture(scope="module")
def ana_api(local_stack) -> AgentApi:
    return AgentApi(local_stack, who="ana")


@pytest.fixture(scope="module")
def ben_api(local_stack) -> AgentApi:
    return AgentApi(local_stack, who="ben")


def _unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:5]}"


def _actions(console) -> list[str]:
    return console.eval_on_selector_all("#conv-head [data-action]", "bs => bs.map(b => b.dataset.action)")


def test_one_agent_assigns_to_herself_and_the_other_sees_it(page, browser, local_stack, agent, ana_api, ben_api):
    conversation = agent.new_guest_conversation(_unique("Nora Petit"), "fr")
    cid = conversation["id"]
    assert conversation["assignee"] is None
    ben = page
    ben.sign_in_as("ben")
    # A guest message Ben has not opened: the list marks it, the browser tab counts it.
    row = ben.row(cid)
    expect(row).to_be_visible(timeout=12_000)
    expect(row.locator(".unread-dot")).to_have_count(1)
    expect(row.locator(".assignee")).to_have_count(0)
    expect(ben.page).to_have_title(re.compile(r"^\(\d+\) Lobby$"))

    with console_as(browser, local_stack, "ana") as ana:
        ana.open_conversation(conversation)
        expect(ana.locator("#assignee")).to_have_value("")
        ana.locator("#messages").focus()
        ana.keyboard.press("a")  # assign to me
        expect(ana.locator("#assignee")).to_have_value(ana_api.me["id"])
        expect(ana.locator("#take")).to_have_count(0)  # hers already
        assert agent.conversation(cid)["assignee"] == {"id": ana_api.me["id"], "name": "Ana Lima"}
        assigned = [a for a in agent.activity(cid) if a["type"] == "assigned"]
        assert len(assigned) == 1 and assigned[0]["details"]["assignee"]["id"] == ana_api.me["id"], assigned
        expect(ana.row(cid).locator(".unread-dot")).to_have_count(0)  # opening it marked it read for her
        assert any(c.startswith("POST ") and c.endswith(f"/conversations/{cid}/read") for c in ana.api_calls)

        # Ben's console sees it by its own refresh, without a reload.
        expect(row.locator(".assignee")).to_have_text("Ana Lima", timeout=12_000)
        expect(row.locator(".unread-dot")).to_have_count(1)  # still unread for Ben

        # Mine: hers in her console, not in his; the counts are GET /inbox's "mine".
        ana.click('button[data-assignee="mine"]')
        expect(ana.row(cid)).to_be_visible()
        expect(ana.locator('button[data-assignee="mine"]')).to_have_attribute("aria-pressed", "true")
        assert all("assignee=me" in c for c in ana.api_calls[-1:] if "/conversations?" in c)
        eventually(lambda: ana.counts()["open"] == ana_api.get("/inbox")["mine"]["open"], 10,
                   message="Ana's Open count under Mine is GET /inbox's mine.open")
        assert ana.listed_ids() == [c["id"] for c in ana_api.get("/conversations", tab="open", assignee="me")["items"]]

        ben.click('button[data-assignee="mine"]')
        ben.wait_for_list()
        expect(ben.row(cid)).to_have_count(0)
        ben.click('button[data-assignee="unassigned"]')
        ben.wait_for_list()
        expect(ben.row(cid)).to_have_count(0)
        eventually(lambda: ben.counts()["open"] == ben_api.get("/inbox")["unassigned"]["open"], 10,
                   message="Ben's Open count under Unassigned is GET /inbox's unassigned.open")
        ben.click('button[data-assignee="all"]')
        expect(ben.row(cid).locator(".assignee")).to_have_text("Ana Lima")

        # Ben hands it back to nobody from the picker; Ana's console follows.
        ben.row(cid).click()
        ben.wait_for_selector("#conv-status")
        expect(ben.locator("#assignee")).to_have_value(ana_api.me["id"])
        ben.select_option("#assignee", "")
        eventually(lambda: agent.conversation(cid)["assignee"] is None, 10, message="unassigned through the API")
        expect(ana.locator("#assignee")).to_have_value("", timeout=12_000)
        assert [a["type"] for a in agent.activity(cid)][:2] == ["unassigned", "assigned"]
    assert ben.errors == [] and ben.dialogs == []


def test_the_first_keystroke_on_a_held_conversation_moves_it_to_open(signed_in, agent):
    conversation = agent.new_guest_conversation(_unique("Hugo Laurent"), "fr")
    cid = conversation["id"]
    held = agent.hold(cid, seconds=6 * 3600)
    assert held["status"] == "on_hold" and "resume" in held["allowed_actions"]
    signed_in.open_conversation(agent.conversation(cid))
    expect(signed_in.status()).to_have_attribute("data-status", "on_hold")
    expect(signed_in.locator("#hold-info")).to_be_visible()

    composer = signed_in.locator("#composer")
    composer.click()
    signed_in.keyboard.type("B")  # the first keystroke of a reply
    expect(signed_in.status()).to_have_attribute("data-status", "open")
    assert agent.conversation(cid)["status"] == "open"  # the API says open, before anything is sent
    resumed = [a for a in agent.activity(cid) if a["type"] == "resumed"]
    assert len(resumed) == 1 and resumed[0]["reason"] == "agent_started_reply", resumed

    signed_in.keyboard.type("onjour Hugo, je regarde tout de suite.")  # more keys: no other call
    expect(composer).to_be_focused()
    expect(composer).to_have_value("Bonjour Hugo, je regarde tout de suite.")
    assert sum(c.endswith(f"/conversations/{cid}/resume") for c in signed_in.api_calls) == 1
    expect(signed_in.locator("#hold-info")).to_have_count(0)
    expect(signed_in.row(cid)).to_have_count(0, timeout=12_000)  # gone from the On hold list
    assert cid in [c["id"] for c in agent.page("open")["items"]]

    # Sending the reply is unchanged.
    signed_in.keyboard.press("Control+Enter")
    reply = signed_in.locator("#messages .message.from-agent").filter(has_text="Bonjour Hugo")
    expect(reply).to_have_count(1)
    expect(composer).to_have_value("")
    assert agent.conversation(cid)["status"] == "open"


def test_a_search_by_reservation_id_finds_the_conversation(signed_in, agent):
    reservation = f"LUM-{uuid.uuid4().hex[:8].upper()}"
    conversation = agent.new_guest_conversation(_unique("Léa Moreau"), "fr", reservation_id=reservation)
    signed_in.fill("#search", reservation.lower())
    signed_in.press("#search", "Enter")
    expect(signed_in.locator("#list-caption")).to_contain_text(reservation.lower())
    eventually(lambda: signed_in.listed_ids() == [conversation["id"]], 10, message="the search's one result")
    assert any(c.startswith(f"GET /v1/hotels/{agent.hotel_id}/search?q=") for c in signed_in.api_calls)

    # Too short: the API's 422, said in place of the results.
    signed_in.fill("#search", "x")
    signed_in.press("#search", "Enter")
    expect(signed_in.locator("#search-error")).to_be_visible()
    expect(signed_in.locator("#search-error")).not_to_be_empty()
    assert signed_in.listed_ids() == []

    # Escape gives the tab back.
    signed_in.press("#search", "Escape")
    expect(signed_in.locator("#search")).to_have_value("")
    expect(signed_in.locator("#search-error")).to_have_count(0)
    eventually(lambda: signed_in.listed_ids() == [c["id"] for c in agent.page("open")["items"]], 10,
               message="the Open tab's list again")


def test_buttons_follow_allowed_actions(signed_in, agent):
    conversation = agent.new_guest_conversation(_unique("Paul Girard"), "fr")
    cid = conversation["id"]
    signed_in.open_conversation(conversation)
    api = agent.conversation(cid)["allowed_actions"]
    # Every action listed has its button (resume only while on hold), and nothing else.
    shown = _actions(signed_in)
    assert set(shown) == set(api) - {"resume"}, (shown, api)

    assert agent.post(f"/conversations/{cid}/spam").status_code == 200
    spam = agent.conversation(cid)
    assert "not_spam" in spam["allowed_actions"] and "reply" not in spam["allowed_actions"]
    expect(signed_in.status()).to_have_attribute("data-status", "spam", timeout=12_000)  # by its refresh
    expect(signed_in.locator('#conv-head [data-action="not_spam"]')).to_be_enabled()
    expect(signed_in.locator('[data-action="reply"]')).to_have_count(0)
    expect(signed_in.locator('[data-action="close"]')).to_have_count(0)
    assert set(_actions(signed_in)) == set(spam["allowed_actions"]) - {"resume"}
    expect(signed_in.locator("#composer")).to_be_disabled()  # no reply to spam
    expect(signed_in.locator('button[data-mode="reply"]')).to_be_disabled()

    signed_in.click('#conv-head [data-action="not_spam"]')
    expect(signed_in.status()).to_have_attribute("data-status", "open")
    expect(signed_in.locator('#conv-head [data-action="reply"]')).to_be_visible()
    expect(signed_in.locator("#composer")).to_be_enabled()
    assert set(_actions(signed_in)) == set(agent.conversation(cid)["allowed_actions"]) - {"resume"}


def test_a_note_stays_inside_the_team_and_reaches_the_mentioned_agent(page, browser, local_stack, agent, ben_api):
    conversation = agent.new_guest_conversation(_unique("Inès Roux"), "fr")
    cid = conversation["id"]
    camille = page
    camille.sign_in_as(None)
    camille.open_conversation(conversation)
    camille.locator("#messages").focus()
    camille.keyboard.press("n")  # note mode, composer focused
    composer = camille.locator("#composer")
    expect(composer).to_be_focused()
    expect(camille.locator('button[data-mode="note"]')).to_have_attribute("aria-pressed", "true")
    expect(camille.locator("#attach")).to_be_disabled()
    text = f"@Ben Martin can you call the guest about the late check-in? ({uuid.uuid4().hex[:6]})"
    camille.keyboard.type(text)
    camille.keyboard.press("Escape")  # closes a completion list, if any is open
    composer.focus()
    camille.keyboard.press("Control+Enter")

    note = camille.locator("#messages .message.note").filter(has_text="can you call the guest")
    expect(note).to_have_count(1)
    expect(note.locator(".note-label")).to_be_visible()
    expect(note.locator(".delivery")).to_have_count(0)  # never shown as sent or delivered
    stored = next(m for m in agent.messages(cid) if m.get("internal"))
    assert stored["delivery"] is None and stored["mentions"] == [ben_api.me["id"]], stored
    expect(camille.status()).to_have_attribute("data-status", "open")

    with console_as(browser, local_stack, "ben") as ben:
        ben.click('button[data-view="mentions"]')
        expect(ben.row(cid)).to_be_visible()
        expect(ben.row(cid).locator(".unread-dot")).to_have_count(1)
        assert any(c.startswith(f"GET /v1/hotels/{agent.hotel_id}/mentions") for c in ben.api_calls)
        ben.row(cid).click()
        expect(ben.locator("#messages .message.note").filter(has_text="can you call the guest")).to_have_count(1)
        expect(ben.row(cid).locator(".unread-dot")).to_have_count(0)
        ben.click('button[data-view="mentions"]')  # back to the tab
        expect(ben.locator('button[data-view="mentions"]')).to_have_attribute("aria-pressed", "false")


def test_the_reply_clock_counts_down_in_the_list_without_calling_the_api(page, agent):
    conversation = agent.new_guest_conversation(_unique("Jules Bernard"), "fr")
    cid = conversation["id"]
    assert conversation["reply_due_at"], "the demo hotel answers within 240 minutes: a due time"
    page.clock.install()  # the page's clock, moved forward below
    page.sign_in_as(None)
    due = page.row(cid).locator(".due")
    expect(due).to_have_text(re.compile(r"^answer within 3 h [345]\d$"))
    expect(due).not_to_have_class(re.compile(r"\b(due-soon|overdue)\b"))
    page.select_option("#lang", "fr")
    expect(due).to_have_text(re.compile(r"^répondre sous 3 h [345]\d$"))

    page.pause_refresh()  # from now on, no call at all: the countdown runs on the clock alone
    page.wait_for_timeout(300)
    before = len(page.api_calls)
    page.clock.fast_forward("03:31:00")
    expect(due).to_have_class(re.compile(r"\bdue-soon\b"))  # its last hour
    expect(due).to_have_text(re.compile(r"^répondre sous \d+ min$"))
    page.clock.fast_forward("00:30:00")
    expect(due).to_have_class(re.compile(r"\boverdue\b"))
    expect(due).to_have_text(re.compile(r"^réponse en retard de \d+ min$"))
    assert page.api_calls[before:] == []


def test_the_open_tab_sorts_by_waiting_longest(signed_in, agent):
    expect(signed_in.locator("select#sort")).to_have_value("newest")
    signed_in.select_option("select#sort", "waiting")
    signed_in.wait_for_list()
    last = [c for c in signed_in.api_calls if "/conversations?" in c][-1]
    assert "tab=open" in last and "sort=waiting" in last, last

    def same_order():
        shown = signed_in.listed_ids()
        api = [c["id"] for c in agent.get("/conversations", tab="open", sort="waiting")["items"]]
        assert shown == api, (shown, api)
        return True

    eventually(same_order, 10, message="the Open tab in GET /conversations?sort=waiting's order")
    signed_in.select_tab("closed")  # the order is Open's only
    expect(signed_in.locator("select#sort")).to_have_count(0)
    assert "sort=" not in [c for c in signed_in.api_calls if "/conversations?" in c][-1]
