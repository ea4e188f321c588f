"""The console calls the agent back: a browser notification naming the guest (and the chime, when chosen)
when a conversation enters Open (a handoff through the Expedia stand-in) or when a guest writes in a
conversation assigned to the agent, fed by the pushed events; the Open count in the page's title; the Alerts toggles (notifications,
sound) kept by the browser across a reload; with notifications off, none is raised.

Chromium runs with the notifications permission granted; an init script records every Notification the
page constructs (and every WebAudio note started), while the real constructor still makes it."""

from __future__ import annotations

import uuid

import pytest
from console_helpers import ASKS_FOR_A_PERSON, AgentApi, eventually
from playwright.sync_api import expect

pytest_plugins = ["console_plugin"]

RECORD_NOTIFICATIONS = """(() => {
  window.__tones = 0;  // the chime's notes, as WebAudio starts them
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) { window.__tones += 1; return start.apply(this, args); };
  const Real = window.Notification;
  if (typeof Real !== 'function') return;
  window.__notifications = [];
  window.Notification = class extends Real {
    constructor(title, options = {}) {
      super(title, options);
      window.__notifications.push({ title, body: options.body || '', tag: options.tag || '' });
    }
  };
})();"""


@pytest.fixture
def browser_context_options() -> dict:
    return {"viewport": {"width": 1400, "height": 860}, "locale": "en-GB", "permissions": ["notifications"]}


@pytest.fixture
def console(page):
    page.add_init_script(RECORD_NOTIFICATIONS)
    return page


def _surname() -> str:
    return f"Notify{uuid.uuid4().hex[:6]}"


def _notifications(page) -> list[dict]:
    return page.evaluate("window.__notifications || []")


def _raised_for(page, name: str) -> list[dict]:
    return [n for n in _notifications(page) if name in n["title"]]


def _settle(page) -> None:
    """Lets the console finish with the frame it received (notify.js decides a frame's events after it)."""
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 0))")


def _title(agent) -> str:
    return f"({agent.counts()['open']}) Lobby"


def _live(page) -> None:
    expect(page.locator("#app")).to_have_attribute("data-realtime", "live", timeout=30_000)


def _set_notifications(page, on: bool) -> None:
    page.click("#prefs-button")
    box = page.locator("#pref-notify")
    box.set_checked(on)
    expect(box).to_be_checked(checked=on)
    page.click("#prefs-button")


def test_a_handoff_raises_a_notification_naming_the_guest_and_the_title_counts_open(console, agent):
    page = console
    page.sign_in()
    _live(page)
    expect(page.locator("#pref-notify")).not_to_be_checked()  # off until the agent turns it on
    _set_notifications(page, True)
    page.click("#prefs-button")
    page.locator("#pref-sound").check()  # the chime plays once, as a sample
    page.click("#prefs-button")
    tones = page.evaluate("window.__tones")
    assert tones > 0
    eventually(lambda: page.title() == _title(agent), 15, message="the title counts the hotel's Open conversations")

    surname = _surname()
    thread = agent.traveler_writes(ASKS_FOR_A_PERSON, first_name="Zoé", last_name=surname)
    handed = agent.wait_for(thread, status="open")
    expect(page.row(handed["id"])).to_be_visible(timeout=15_000)
    page.wait_for_function("name => (window.__notifications || []).some(n => n.title.includes(name))",
                           arg=surname, timeout=15_000)
    [raised] = _raised_for(page, surname)
    assert raised["title"] == f"Zoé {surname} is waiting in Open", raised
    assert raised["tag"] == f"lobby-{handed['id']}"
    assert page.evaluate("window.__tones") > tones  # and the sound with it
    eventually(lambda: page.title() == _title(agent), 15, message="the title counts the handoff too")
    assert page.errors == []


def test_a_guest_writing_in_a_conversation_assigned_to_the_agent_notifies_them(console, agent, local_stack):
    page = console
    surname = _surname()
    thread = agent.traveler_writes(ASKS_FOR_A_PERSON, first_name="Hugo", last_name=surname)
    conversation = agent.wait_for(thread, status="open")
    ben = AgentApi(local_stack, who="ben")
    assert ben.me["role"] != "admin"
    assert ben.post(f"/conversations/{conversation['id']}/assign", {"agent_id": ben.me["id"]}).status_code == 200
    page.sign_in_as("ben")
    expect(page.locator("#settings-button")).to_have_count(0)  # not an admin: no settings, but the Alerts
    expect(page.locator("#prefs-button")).to_be_visible()
    _live(page)
    _set_notifications(page, True)

    agent.traveler_writes("Also, is breakfast included?", thread_id=thread, first_name="Hugo", last_name=surname)
    page.wait_for_function("name => (window.__notifications || []).some(n => n.title.includes(name))",
                           arg=surname, timeout=15_000)
    [raised] = _raised_for(page, surname)
    assert raised["title"] == f"Hugo {surname} wrote to you"
    assert raised["body"] == "Also, is breakfast included?"


def test_the_toggles_are_remembered_and_with_notifications_off_none_is_raised(console, agent):
    page = console
    page.sign_in()
    _set_notifications(page, True)
    page.click("#prefs-button")
    page.locator("#pref-sound").check()
    page.reload()
    page.wait_for_selector('[role="tab"]')
    expect(page.locator("#pref-notify")).to_be_checked()
    expect(page.locator("#pref-sound")).to_be_checked()

    _set_notifications(page, False)
    page.click("#prefs-button")
    page.locator("#pref-sound").uncheck()
    page.reload()
    page.wait_for_selector('[role="tab"]')
    expect(page.locator("#pref-notify")).not_to_be_checked()
    expect(page.locator("#pref-sound")).not_to_be_checked()
    _live(page)

    surname = _surname()
    thread = agent.traveler_writes(ASKS_FOR_A_PERSON, first_name="Inès", last_name=surname)
    handed = agent.wait_for(thread, status="open")
    expect(page.row(handed["id"])).to_be_visible(timeout=15_000)  # the event came (the socket is live)
    _settle(page)
    assert _raised_for(page, surname) == []
