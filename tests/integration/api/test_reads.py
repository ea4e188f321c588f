"""Reading the inbox over HTTP: counts, tab pages, one conversation, its messages and activity."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conversations_helpers import open_one
from lobby_env import OTHER_AGENT, PARTNER

from inbox.model import Contact, Reservation


def test_tab_counts(api, opened, elsewhere):
    reply = api.get("/v1/hotels/h1/inbox")
    assert reply.status == 200
    assert reply.json == {"tabs": {"open": 1, "on_hold": 0, "closed": 0, "spam": 0, "all": 1},
                          "mine": {"open": 0, "on_hold": 0, "closed": 0, "spam": 0, "all": 0},  # nobody has it
                          "unassigned": {"open": 1, "on_hold": 0, "closed": 0, "spam": 0, "all": 1}}


def test_a_tab_page_lists_the_tab_newest_first_and_pages_on(api, store, hotels, now):
    for n in range(5):
        open_one(store, "h1", f"c{n}", now - timedelta(minutes=10 - n))
    first = api.get("/v1/hotels/h1/conversations?tab=open&limit=3")
    assert first.status == 200
    assert [c["id"] for c in first.json["items"]] == ["c4", "c3", "c2"]
    second = api.get(f"/v1/hotels/h1/conversations?tab=open&limit=3&cursor={first.json['next_cursor']}")
    assert [c["id"] for c in second.json["items"]] == ["c1", "c0"] and second.json["next_cursor"] is None
    item = first.json["items"][0]
    assert item["status"] == "open" and item["bot_enabled"] is False and item["hold_until"] is None
    assert item["last_message_at"].endswith("Z") and item["hotel_id"] == "h1"


def test_tab_defaults_to_all(api, opened):
    assert [c["id"] for c in api.get("/v1/hotels/h1/conversations").json["items"]] == ["c1"]
    assert api.get("/v1/hotels/h1/conversations?tab=spam").json == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("query", ["tab=archived", "limit=0", "limit=101", "limit=abc", "cursor=%%%garbage"])
def test_bad_list_queries_are_422_with_a_message(api, opened, query):
    reply = api.get(f"/v1/hotels/h1/conversations?{query}")
    assert reply.status == 422
    assert isinstance(reply.json["message"], str) and reply.json["message"]


def test_a_conversation_comes_with_its_guest_profile(api, store, opened):
    store.put_contact(Contact(id="g1", hotel_id="h1", channel="webchat", name="Inès Moreau", email="ines@example.com",
                              language="fr", reservations=(Reservation("R-77", "2026-12-01", "2026-12-03", "204", 2),)))
    c = store.get_conversation("h1", "c1")
    store.commit(c, c.evolve(contact_id="g1"), [])
    reply = api.get("/v1/hotels/h1/conversations/c1")
    assert reply.status == 200
    assert reply.json["contact"]["name"] == "Inès Moreau"
    assert reply.json["contact"]["reservations"] == [
        {"reservation_id": "R-77", "check_in": "2026-12-01", "check_out": "2026-12-03", "room": "204", "guests": 2}]


def test_messages_and_activity_newest_first(api, opened):
    api.post("/v1/hotels/h1/conversations/c1/messages", body={"text": "first"})
    api.post("/v1/hotels/h1/conversations/c1/messages", body={"text": "second"})
    messages = api.get("/v1/hotels/h1/conversations/c1/messages?limit=1")
    assert [m["text"] for m in messages.json["items"]] == ["second"]
    older = api.get(f"/v1/hotels/h1/conversations/c1/messages?limit=1&cursor={messages.json['next_cursor']}")
    assert [m["text"] for m in older.json["items"]] == ["first"]
    activity = api.get("/v1/hotels/h1/conversations/c1/activity").json["items"]
    assert [a["type"] for a in activity] == ["handed_off", "created"]


@pytest.mark.parametrize("suffix", ["", "/messages", "/activity"])
def test_unknown_conversation_is_404(api, hotels, suffix):
    reply = api.get(f"/v1/hotels/h1/conversations/nope{suffix}")
    assert reply.status == 404 and "not found" in reply.json["message"]


def test_a_partner_reads_its_hotels(api, opened):
    assert api.get("/v1/hotels/h1/inbox", as_=PARTNER).status == 200
    assert api.get("/v1/hotels/h2/inbox", as_=PARTNER).status == 403


def test_without_credentials_every_route_is_401(api, opened):
    for target in ("/v1/hotels/h1/inbox", "/v1/hotels/h1/conversations", "/v1/hotels/h1/conversations/c1"):
        reply = api.get(target, as_=None)
        assert reply.status == 401 and reply.json["message"]
    assert api.post("/v1/hotels/h1/conversations/c1/close", as_=None).status == 401


def test_openapi_is_served_without_credentials(api):
    reply = api.get("/v1/openapi.json", as_=None)
    assert reply.status == 200 and reply.json["info"]["title"] == "Lobby API"


def test_other_agent_sees_nothing_of_h1(api, opened):
    assert api.get("/v1/hotels/h1/conversations/c1", as_=OTHER_AGENT).status == 403


def test_answers_carry_the_consoles_cors_origin(api, opened):
    """In AWS the console is served from CloudFront, another origin than the API's."""
    reply = api.call("GET", "/v1/hotels/h1/inbox", headers={"Origin": "https://d111.cloudfront.net"})
    assert reply.headers.get("Access-Control-Allow-Origin") == "*"  # the settings' default: any origin
    refused = api.call("POST", "/v1/hotels/h1/conversations/c1/reopen", headers={"Origin": "https://d111.cloudfront.net"})
    assert refused.status == 409 and refused.headers.get("Access-Control-Allow-Origin") == "*"  # errors too
