"""The console in Chromium against the local stack: the inbox, one conversation, and the actions.

Each test that changes a conversation makes its own (a traveler writes through the Expedia
simulator), so the tests do not depend on one another or on the demo's conversations.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from console_helpers import ASKS_FOR_A_PERSON, NO_WEBSOCKET, eventually
from playwright.sync_api import expect

pytest_plugins = ["console_plugin"]

SCRIPT_IN_TEXT = "<img src=x onerror=alert(1)>"


# The inbox

def test_the_tab_counts_are_the_apis_and_follow_it(signed_in, agent):
    expect(signed_in.tab("open")).to_have_attribute("aria-selected", "true")

    def same_counts():
        shown, api = signed_in.counts(), agent.counts()
        assert shown == api, (shown, api)
        return True

    eventually(same_counts, 10, message="the console's counts equal GET /inbox")

    # A guest asks for a person: the conversation shows up in Open, and the counts follow, without a reload.
    conversation = agent.new_open_conversation()
    expect(signed_in.row(conversation["id"])).to_be_visible(timeout=12_000)
    eventually(same_counts, 10, message="the console's counts equal GET /inbox after a new conversation")


def test_every_tab_lists_what_the_api_lists_and_a_switch_costs_one_call(signed_in, agent):
    hotel = agent.hotel_id
    for tab in ("on_hold", "closed", "spam", "all", "open"):
        # The periodic refresh paused, whatever is called now is the switch's doing.
        signed_in.pause_refresh()
        signed_in.wait_for_timeout(200)  # calls already on their way are reported before counting starts
        before = len(signed_in.api_calls)
        signed_in.select_tab(tab)
        signed_in.wait_for_timeout(300)  # room for any extra call to show up
        calls = signed_in.api_calls[before:]
        assert len(calls) == 1, calls
        assert calls[0].startswith(f"GET /v1/hotels/{hotel}/conversations?") and f"tab={tab}" in calls[0], calls
        expect(signed_in.locator("#tabpanel")).to_have_attribute("aria-labelledby", f"tab-{tab}")
        signed_in.resume_refresh()

        def same_rows(tab=tab):  # bound now: the check belongs to this tab
            shown, api = signed_in.listed_ids(), [c["id"] for c in agent.page(tab)["items"]]
            assert shown == api, (tab, shown, api)
            return True

        eventually(same_rows, 10, message=f"the {tab} tab lists what GET /conversations?tab={tab} lists")


def test_load_more_brings_the_next_page(signed_in, agent):
    # Enough conversations for a second page of All (25 a page): partner guests whose questions the bot takes.
    missing = 26 - agent.counts()["all"]
    for _ in range(max(0, missing)):
        key = uuid.uuid4().hex[:10]
        response = agent.inbound({
            "channel": "webchat", "external_conversation_id": f"web-e2e-{key}", "external_message_id": f"m-{key}",
            "sender": {"external_id": f"visitor-{key}", "name": "Web Visitor"}, "text": "What time is check-in?",
            "sent_at": datetime.now(UTC).isoformat().replace("+00:00", "Z")})
        assert response.status_code == 202, response.text
    first = agent.page("all")
    assert first["next_cursor"], "All needs a second page for this test"

    signed_in.select_tab("all")
    eventually(lambda: len(signed_in.listed_ids()) == 25, 10, message="a first page of 25")
    signed_in.click("#load-more")

    def both_pages():
        page1 = agent.page("all")
        page2 = agent.page("all", cursor=page1["next_cursor"])
        expected = [c["id"] for c in page1["items"] + page2["items"]]
        shown = signed_in.listed_ids()
        assert shown == expected, (shown, expected)
        assert signed_in.locator("#load-more").count() == (1 if page2["next_cursor"] else 0)
        return True

    eventually(both_pages, 10, message="Load more appends the second page")
    assert any("cursor=" in call for call in signed_in.api_calls)


# One conversation

def test_a_conversation_shows_messages_profile_and_activity(signed_in, agent):
    thread = agent.traveler_writes("What time is check-in?", first_name="Marta", last_name="Nowak",
                                   check_in_in_days=4, nights=3)
    agent.wait_for(thread)
    agent.traveler_writes(ASKS_FOR_A_PERSON, thread_id=thread)
    conversation = agent.wait_for(thread, status="open")
    assert agent.post(f"/conversations/{conversation['id']}/messages",
                      {"text": "Hello Marta, I am here. How can I help?"}).status_code == 201

    signed_in.open_conversation(conversation)
    expect(signed_in.locator("#conv-title")).to_have_text("Marta Nowak")
    expect(signed_in.row(conversation["id"]).locator(".ci-name")).to_have_text("Marta Nowak")  # the list learns it
    expect(signed_in.status()).to_have_attribute("data-status", "open")

    # Messages: oldest first, guest / bot / agent told apart, delivery shown on the reply.
    messages = list(reversed(agent.messages(conversation["id"])))
    expect(signed_in.locator("#messages .message")).to_have_count(len(messages))
    for row, message in zip(signed_in.locator("#messages .message").all(), messages, strict=True):
        expect(row).to_have_class(f"message from-{message['sender']} {message['direction']}")
        expect(row.locator(".text")).to_have_text(message["text"])
    assert {m["sender"] for m in messages} >= {"guest", "agent"}
    expect(signed_in.locator(".message.from-agent .delivery").first).to_have_attribute(
        "data-delivery", re.compile(r"^(pending|delivered|failed)$"))

    # The guest's profile, with the reservation from Expedia.
    contact = agent.conversation(conversation["id"])["contact"]
    expect(signed_in.locator("#profile-name")).to_have_text("Marta Nowak")
    (reservation,) = contact["reservations"]
    expect(signed_in.locator("#reservations")).to_contain_text(reservation["reservation_id"])
    expect(signed_in.locator("#reservations")).to_contain_text("3 nights")
    if reservation.get("guests"):
        expect(signed_in.locator("#reservations")).to_contain_text(f"{reservation['guests']} guests")

    # The activity: who, what, when, why; newest first like the API.
    activity = agent.activity(conversation["id"])
    events = signed_in.locator("#timeline .event")
    expect(events).to_have_count(min(len(activity), 20))
    assert [e.get_attribute("data-type") for e in events.all()] == [a["type"] for a in activity[:20]]
    handed_off = next(a for a in activity if a["to_status"] == "open" and a["from_status"] != "open")
    row = events.nth(activity.index(handed_off))
    expect(row.locator(".transition")).to_contain_text("Open")
    if handed_off["reason"] == "human_requested":
        expect(row.locator(".why")).to_contain_text("asked for a person")


def test_replying_to_a_held_conversation_brings_it_back_to_open(signed_in, agent):
    conversation = agent.new_open_conversation()
    until = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert agent.post(f"/conversations/{conversation['id']}/hold", {"until": until}).status_code == 200
    signed_in.open_conversation(agent.conversation(conversation["id"]))
    expect(signed_in.status()).to_have_attribute("data-status", "on_hold")
    expect(signed_in.locator("#hold-info")).to_be_visible()

    signed_in.locator("#messages").focus()
    signed_in.keyboard.press("r")  # focuses the reply box (and types nothing)
    expect(signed_in.locator("#composer")).to_be_focused()
    expect(signed_in.locator("#composer")).to_have_value("")
    text = f"We have booked your table for 8 pm. ({uuid.uuid4().hex[:6]})"
    signed_in.keyboard.type(text)
    signed_in.keyboard.press("Control+Enter")

    reply = signed_in.locator("#messages .message.from-agent").filter(has_text=text)
    expect(reply).to_have_count(1)
    expect(reply.locator(".who")).to_have_text("You")
    expect(reply.locator(".delivery")).to_have_attribute("data-delivery", re.compile(r"^(pending|delivered|failed)$"))
    expect(signed_in.status()).to_have_attribute("data-status", "open")
    expect(signed_in.locator("#hold-info")).to_have_count(0)
    expect(signed_in.locator("#composer")).to_have_value("")
    assert agent.conversation(conversation["id"])["status"] == "open"
    assert any(m["sender"] == "agent" and m["text"] == text for m in agent.messages(conversation["id"]))

    # Expedia refuses bodies with HTML tags: the reply shows as not delivered, with the reason, by itself.
    tagged = "<b>See you soon!</b>"
    signed_in.fill("#composer", tagged)
    signed_in.click("#send")
    refused = signed_in.locator("#messages .message.from-agent").filter(has_text=tagged)
    expect(refused.locator(".text")).to_have_text(tagged)
    expect(refused.locator(".delivery")).to_have_attribute("data-delivery", "failed", timeout=15_000)
    stored = next(m for m in agent.messages(conversation["id"]) if m["text"] == tagged)
    assert stored["delivery"] == "failed"
    # The reason in the agent's words: Expedia's refusal, with what Expedia said.
    code, _, detail = (stored.get("delivery_error") or "").partition(": ")
    assert code == "rejected_by_expedia" and detail, stored
    expect(refused.locator(".delivery")).to_have_text(f"Not delivered: refused by Expedia ({detail})")


def test_a_short_hold_comes_back_to_open_by_itself(signed_in, agent):
    conversation = agent.new_open_conversation(first_name="Holly", last_name="Waite")
    signed_in.open_conversation(conversation)
    signed_in.evaluate("window.__sameDocument = true")

    signed_in.locator("#messages").focus()
    signed_in.keyboard.press("h")
    menu = signed_in.locator("#hold-menu")
    expect(menu).to_be_visible()
    for preset in ("#hold-1h", "#hold-4h", "#hold-tomorrow", "#hold-checkin"):  # the reservation is known
        expect(menu.locator(preset)).to_be_enabled()
    expect(menu.locator("#hold-1h")).to_be_focused()

    tz = ZoneInfo(signed_in.hotel_timezone())
    until = datetime.now(tz) + timedelta(seconds=5)
    signed_in.fill("#hold-custom", until.strftime("%Y-%m-%dT%H:%M:%S"))
    signed_in.click("#hold-submit")
    expect(signed_in.status()).to_have_attribute("data-status", "on_hold")
    expect(signed_in.locator("#hold-info")).to_be_visible()
    held = agent.conversation(conversation["id"])
    assert held["status"] == "on_hold"
    assert abs(datetime.fromisoformat(held["hold_until"].replace("Z", "+00:00")) - until) < timedelta(seconds=2)

    # No reload, no click: the scheduler fires, the periodic refresh shows it.
    expect(signed_in.status()).to_have_attribute("data-status", "open", timeout=20_000)
    expect(signed_in.row(conversation["id"])).to_be_visible()  # back in the Open tab's list
    expect(signed_in.locator('#timeline .event[data-type="woken"]')).to_have_count(1)
    assert signed_in.evaluate("window.__sameDocument") is True


def test_close_reopen_spam_and_not_spam_and_a_refusal_explained(page, agent):
    # On polling: a pushed change would otherwise refresh the view the test needs stale (below).
    page.page.add_init_script(NO_WEBSOCKET)
    signed_in = page
    signed_in.sign_in()
    conversation = agent.new_open_conversation()
    signed_in.open_conversation(conversation)
    status = signed_in.status()
    button = lambda action: signed_in.locator(f'#conv-head [data-action="{action}"]')  # noqa: E731

    # Only what the conversation's allowed_actions lists has a button.
    expect(button("reopen")).to_have_count(0)
    expect(button("not_spam")).to_have_count(0)
    button("hold").click()
    signed_in.click("#hold-1h")
    expect(status).to_have_attribute("data-status", "on_hold")
    hold_until = datetime.fromisoformat(agent.conversation(conversation["id"])["hold_until"].replace("Z", "+00:00"))
    assert abs(hold_until - datetime.now(UTC) - timedelta(hours=1)) < timedelta(seconds=30)
    signed_in.locator("#messages").focus()
    signed_in.keyboard.press("c")  # close, from On hold
    expect(status).to_have_attribute("data-status", "closed")
    for action, shown in (("hold", False), ("close", False), ("reopen", True), ("spam", True), ("not_spam", False)):
        (expect(button(action)).to_be_enabled() if shown else expect(button(action)).to_have_count(0))

    button("reopen").click()
    expect(status).to_have_attribute("data-status", "open")
    button("spam").click()
    expect(status).to_have_attribute("data-status", "spam")
    expect(signed_in.locator("#composer")).to_be_disabled()
    expect(signed_in.locator("#attach")).to_be_disabled()  # no files for spam either
    expect(button("not_spam")).to_be_enabled()
    signed_in.select_tab("spam")
    expect(signed_in.row(conversation["id"])).to_be_visible()
    button("not_spam").click()
    expect(status).to_have_attribute("data-status", "open")
    assert [a["type"] for a in agent.activity(conversation["id"])][:5] == [
        "unmarked_spam", "marked_spam", "reopened", "closed", "held"]

    # Someone else closes it while this console still shows it open (its refresh paused, as when hidden).
    signed_in.pause_refresh()
    assert agent.post(f"/conversations/{conversation['id']}/close").status_code == 200
    expect(status).to_have_attribute("data-status", "open")
    button("close").click()
    notice = signed_in.locator("#notice")
    expect(notice).to_be_visible()
    expect(notice).to_have_attribute("role", "alert")
    expect(notice).to_contain_text("Closed")
    expect(status).to_have_attribute("data-status", "closed")  # the view refreshed itself
    signed_in.resume_refresh()


def test_a_script_in_a_guest_message_stays_text(signed_in, agent):
    thread = agent.traveler_writes(f"Hello {SCRIPT_IN_TEXT} is my name", first_name="<b>Eve</b>",
                                   last_name=SCRIPT_IN_TEXT)
    conversation = agent.wait_for(thread)
    stored = next(m["text"] for m in agent.messages(conversation["id"]) if m["sender"] == "guest")
    assert "onerror=alert(1)" in stored
    signed_in.open_conversation(conversation)

    guest = signed_in.locator("#messages .message.from-guest .text").first
    expect(guest).to_have_text(stored)
    expect(signed_in.row(conversation["id"]).locator(".ci-preview")).to_contain_text(SCRIPT_IN_TEXT)
    expect(signed_in.locator("#conv-title")).to_contain_text("<b>Eve</b>")
    assert signed_in.locator("#app img, #app b").count() == 0
    signed_in.wait_for_timeout(300)
    assert signed_in.dialogs == [] and signed_in.errors == []
