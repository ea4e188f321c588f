"""The live console in Chromium against the local stack (issue 13): a guest's message pushed over the WebSocket
shows in the list and in the open conversation with no reload and no API call; the console does not poll while
the socket is open and polls as before while it is down; a second agent's presence ("viewing", then
"typing") shows on the conversation.

The page's requests are Playwright's request log (``ConsolePage.api_calls``); "live" is the console's own
word for its socket being open and its catch-up refresh done (``#app[data-realtime="live"]``).
"""

from __future__ import annotations

import re
import uuid

import pytest
from console_helpers import ASKS_FOR_A_PERSON, NO_WEBSOCKET, AgentApi, console_as, eventually
from playwright.sync_api import expect

pytest_plugins = ["console_plugin"]

LIVE = '#app[data-realtime="live"]'
# The page's WebSocket refused outright, as a proxy that blocks WebSockets would.
@pytest.fixture(scope="module")
def ana_api(local_stack) -> AgentApi:
    return AgentApi(local_stack, who="ana")


def _unique(text: str) -> str:
    return f"{text} {uuid.uuid4().hex[:6]}"


class InFlight:
    """The page's API requests not answered yet, to start counting only once the page is quiet."""

    def __init__(self, console):
        self.pending: set = set()
        base = f"{console.api_base}/v1/"
        console.page.on("request", lambda r: self.pending.add(r) if r.url.startswith(base) else None)
        console.page.on("requestfinished", lambda r: self.pending.discard(r))
        console.page.on("requestfailed", lambda r: self.pending.discard(r))

    def settle(self, console) -> int:
        """Waits until no API request is on its way; the number of API calls made so far."""
        def quiet():
            console.page.wait_for_timeout(100)  # Playwright reports the page's events while it is called
            return not self.pending

        eventually(quiet, 10, 0, "the console's API requests answered")
        return len(console.api_calls)


def test_a_guest_message_shows_in_the_list_and_the_open_conversation_with_no_api_call(page, agent):
    first_name = _unique("Lina")
    conversation = agent.new_open_conversation(first_name=first_name, last_name="Rossi")
    cid, thread = conversation["id"], conversation["external_conversation_id"]
    newer = agent.new_open_conversation(first_name=_unique("Omar"))  # listed above `conversation` (newest first)
    flight = InFlight(page)
    page.sign_in()
    expect(page.locator(LIVE)).to_be_attached(timeout=15_000)
    page.open_conversation(conversation)
    assert page.listed_ids().index(newer["id"]) < page.listed_ids().index(cid)
    page.evaluate("window.__notReloaded = true")
    before = flight.settle(page)

    text = _unique("Is the spa open on Sunday?")
    agent.traveler_writes(text, thread_id=thread, first_name=first_name, last_name="Rossi")
    expect(page.locator("#messages .message.from-guest .text", has_text=text)).to_be_visible(timeout=10_000)
    expect(page.row(cid).locator(".ci-preview")).to_have_text(text)
    assert page.listed_ids()[0] == cid  # moved to the top of Open (newest first), as the API lists it
    calls = page.api_calls[before:]
    # Nothing read from the API; the only call is the read mark of the message that arrived while open.
    assert all(c == f"POST /v1/hotels/{agent.hotel_id}/conversations/{cid}/read" for c in calls), calls
    assert page.evaluate("window.__notReloaded") is True
    expect(page.locator(LIVE)).to_be_attached()

    # A new guest asking for a person: in Open and in its count, still without a call.
    before = flight.settle(page)
    newcomer = _unique("Maya")
    agent.traveler_writes(ASKS_FOR_A_PERSON, first_name=newcomer, last_name="Stone")
    expect(page.locator("#tabpanel .conv-item .ci-name", has_text=newcomer)).to_be_visible(timeout=15_000)
    eventually(lambda: page.counts()["open"] == agent.counts()["open"], 10,
               message="the Open count follows the counts pushed")
    assert [c for c in page.api_calls[before:] if not c.startswith("POST ")] == [], page.api_calls[before:]
    assert page.errors == [], page.errors


def test_open_by_waiting_time_keeps_the_api_order_as_guests_write(page, agent):
    flight = InFlight(page)
    page.sign_in()
    expect(page.locator(LIVE)).to_be_attached(timeout=15_000)
    page.select_option("#sort", "waiting")
    page.wait_for_list()
    before = flight.settle(page)
    first_name = _unique("Waits")
    thread = agent.traveler_writes(ASKS_FOR_A_PERSON, first_name=first_name, last_name="Least")  # the newest wait

    def same_order():
        shown = page.listed_ids()
        api = [c["id"] for c in agent.get("/conversations", tab="open", sort="waiting", limit=len(shown) or 1)["items"]]
        assert shown == api, (shown, api)
        return True

    agent.wait_for(thread, status="open")
    eventually(same_order, 15, 0.5, "Open by waiting time lists what GET /conversations?sort=waiting lists")
    assert [c for c in page.api_calls[before:] if not c.startswith("POST ")] == [], page.api_calls[before:]


def test_no_polling_while_the_socket_is_open(page):
    page.clock.install()  # the page's timers, moved forward below
    flight = InFlight(page)
    page.sign_in()
    expect(page.locator(LIVE)).to_be_attached(timeout=15_000)
    before = flight.settle(page)
    page.clock.run_for("02:00")  # 30 refresh periods of 4 s, and the keep-alive's first ping later
    page.clock.run_for("04:00")
    assert page.api_calls[before:] == []
    expect(page.locator(LIVE)).to_be_attached()


def test_while_the_socket_is_down_the_console_polls_as_before(page, agent):
    page.page.add_init_script(NO_WEBSOCKET)
    page.sign_in()
    expect(page.locator('#app[data-realtime="down"], #app[data-realtime="connecting"]')).to_be_attached()
    # The periodic refresh reads the counts again (the first load read them once).
    with page.expect_request(lambda r: r.url.endswith(f"/v1/hotels/{agent.hotel_id}/inbox"), timeout=30_000):
        pass
    # And a guest's message still reaches the list, by that refresh.
    conversation = agent.new_open_conversation(first_name=_unique("Polled"))
    expect(page.row(conversation["id"])).to_be_visible(timeout=15_000)


def test_a_dropped_socket_reconnects_and_catches_up(page, agent):
    routes = []

    def through(ws):  # the page's socket passed on to the stack's, so that the test can drop it
        routes.append((ws, ws.connect_to_server()))

    page.page.route_web_socket(re.compile(r"^wss?://"), through)
    page.sign_in()
    expect(page.locator(LIVE)).to_be_attached(timeout=15_000)
    assert len(routes) == 1
    inbox = f"/v1/hotels/{agent.hotel_id}/inbox"
    with page.expect_request(lambda r: r.url.endswith(inbox), timeout=20_000):  # the catch-up's read
        ws, server = routes[0]
        server.close()
        ws.close(code=1001, reason="dropped by the test")
    expect(page.locator(LIVE)).to_be_attached(timeout=20_000)
    assert len(routes) == 2  # a new socket, after the backoff
    conversation = agent.new_open_conversation(first_name=_unique("Again"))
    expect(page.row(conversation["id"])).to_be_visible(timeout=15_000)


def test_a_second_agent_viewing_then_typing_shows_on_the_conversation(page, browser, local_stack, agent, ana_api):
    conversation = agent.new_guest_conversation(_unique("Élise Martin"), "fr")
    cid = conversation["id"]
    camille = page
    camille.sign_in()
    expect(camille.locator(LIVE)).to_be_attached(timeout=15_000)
    camille.open_conversation(conversation)
    presence = camille.locator("#presence")
    expect(presence).to_be_hidden()  # nobody else on it yet

    with console_as(browser, local_stack, "ana") as ana:
        expect(ana.locator(LIVE)).to_be_attached(timeout=15_000)
        ana.open_conversation(conversation)
        on_it = presence.locator(f'.presence-agent[data-agent-id="{ana_api.me["id"]}"]')
        expect(on_it).to_have_attribute("data-state", "viewing", timeout=10_000)
        expect(on_it).to_have_text("Ana Lima is viewing")
        # She learns that Camille is there too, at once (not at the next 30 s re-send), and never sees herself.
        expect(ana.locator("#presence .presence-agent")).to_have_text([f"{agent.me['name']} is viewing"],
                                                                      timeout=10_000)

        ana.locator("#composer").press_sequentially("Bonjour Élise, ")
        expect(on_it).to_have_attribute("data-state", "typing", timeout=10_000)
        expect(on_it).to_have_text("Ana Lima is typing…")
        expect(on_it).to_have_attribute("data-state", "viewing", timeout=15_000)  # 5 s after her last key

        ana.locator(f'#tabpanel .conv-item:not([data-id="{cid}"])').first.click()  # she moves on to another one
        expect(on_it).to_have_count(0, timeout=10_000)
        expect(presence).to_be_hidden()
    assert camille.errors == [], camille.errors
    assert agent.conversation(cid)["status"] == "open"
