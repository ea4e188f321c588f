"""Roles, filters and clocks through the API on moto: what admins, agents and partners may do; Mine/Unassigned
filters and counts (one Query each); the waiting order; the hotel's reply target and each conversation's
reply clock; allowed_actions per caller."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conversations_helpers import RequestCounter, open_one
from lobby_env import PARTNER

from inbox.model import iso

H1 = "/v1/hotels/h1"


@pytest.fixture
def three(api, team, store, hotels, now):
    """Three open conversations: c1 Ben's, c2 Ana's, c3 nobody's (c1 the oldest)."""
    for n in (1, 2, 3):
        open_one(store, "h1", f"c{n}", now - timedelta(minutes=30 - n))
    for conversation, who in (("c1", "ben"), ("c2", "ana")):
        reply = api.post(f"{H1}/conversations/{conversation}/assign", body={"agent_id": team.id(who)},
                         as_=team["ben"])
        assert reply.status == 200, reply.json


def ids(reply) -> list[str]:
    assert reply.status == 200, reply.json
    return [c["id"] for c in reply.json["items"]]


def test_mine_unassigned_and_one_agents_list(api, team, three):
    ben = team["ben"]
    assert ids(api.get(f"{H1}/conversations?tab=open&assignee=me", as_=ben)) == ["c1"]
    assert ids(api.get(f"{H1}/conversations?tab=open&assignee=none", as_=ben)) == ["c3"]
    assert ids(api.get(f"{H1}/conversations?tab=all&assignee={team.id('ana')}", as_=ben)) == ["c2"]
    assert ids(api.get(f"{H1}/conversations?tab=open", as_=ben)) == ["c3", "c2", "c1"]
    assert ids(api.get(f"{H1}/conversations?tab=open&assignee=me", as_=team["camille"])) == []


def test_an_assignee_of_another_hotel_or_me_from_a_partner_is_422(api, team, three):
    reply = api.get(f"{H1}/conversations?assignee={team.id('olaf')}", as_=team["ben"])
    assert reply.status == 422 and "does not work for this hotel" in reply.json["message"]
    reply = api.get(f"{H1}/conversations?assignee=me", as_=PARTNER)
    assert reply.status == 422 and "partner" in reply.json["message"]
    assert ids(api.get(f"{H1}/conversations?tab=open&assignee=none", as_=PARTNER)) == ["c3"]


def test_the_counts_add_mine_and_unassigned(api, team, three):
    counts = api.get(f"{H1}/inbox", as_=team["ben"])
    assert counts.status == 200, counts.json
    assert counts.json["tabs"]["open"] == 3 and counts.json["tabs"]["all"] == 3
    assert counts.json["mine"] == {"open": 1, "on_hold": 0, "closed": 0, "spam": 0, "all": 1}
    assert counts.json["unassigned"]["open"] == 1 and counts.json["unassigned"]["all"] == 1
    partner = api.get(f"{H1}/inbox", as_=PARTNER).json
    assert partner["mine"] == {"open": 0, "on_hold": 0, "closed": 0, "spam": 0, "all": 0}
    assert partner["unassigned"]["open"] == 1


def test_pages_and_counts_are_one_query(api, team, three):
    from wiring.container import store as live_store

    counter = RequestCounter()
    counter.attach(live_store())
    api.get(f"{H1}/conversations?tab=open&assignee=me", as_=team["ben"])  # warms the hotel and the directory
    for target in ("/inbox", "/conversations?tab=open&assignee=me", "/conversations?tab=closed&assignee=none",
                   f"/conversations?tab=all&assignee={team.id('ana')}", "/conversations?tab=open&sort=waiting",
                   "/conversations?tab=open&sort=waiting&assignee=none"):
        counter.reset()
        assert api.get(f"{H1}{target}", as_=team["ben"]).status == 200, target
        assert counter.counts == {"Query": 1}, target


def test_spam_of_an_agent_is_empty_without_a_request(api, team, three):
    from wiring.container import store as live_store

    counter = RequestCounter()
    counter.attach(live_store())
    api.get(f"{H1}/conversations?tab=spam&assignee=me", as_=team["ben"])
    counter.reset()
    assert ids(api.get(f"{H1}/conversations?tab=spam&assignee=me", as_=team["ben"])) == []
    assert counter.counts == {}


def test_waiting_longest_first_on_open_only(api, team, three):
    waiting = ids(api.get(f"{H1}/conversations?tab=open&sort=waiting", as_=team["ben"]))
    assert sorted(waiting) == ["c1", "c2", "c3"]
    reply = api.get(f"{H1}/conversations?tab=closed&sort=waiting", as_=team["ben"])
    assert reply.status == 422 and "open" in reply.json["message"]
    assert api.get(f"{H1}/conversations?sort=oldest", as_=team["ben"]).status == 422


def test_guests_waiting_are_listed_by_their_wait(api, team, hotels, store):
    """Guest messages through the partner route set waiting_since; the longest wait comes first."""
    for n, minute in ((1, "05"), (2, "01"), (3, "03")):
        reply = api.post(f"{H1}/inbound", as_=PARTNER, body={
            "channel": "webchat", "external_conversation_id": f"w{n}", "external_message_id": f"m{n}",
            "sender": {"external_id": f"g{n}"}, "text": "Hello?", "sent_at": f"2026-11-20T09:{minute}:00Z",
            "wants_human": True})
        assert reply.status == 202, reply.json
    page = api.get(f"{H1}/conversations?tab=open&sort=waiting", as_=team["ben"]).json["items"]
    assert [c["waiting_since"] for c in page] == ["2026-11-20T09:01:00.000Z", "2026-11-20T09:03:00.000Z",
                                                  "2026-11-20T09:05:00.000Z"]
    assert all(c["unread"] for c in page)


def test_the_hotels_reply_target_sets_each_conversations_clock(api, team, hotels):
    sent = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    accepted = api.post(f"{H1}/inbound", as_=PARTNER, body={
        "channel": "webchat", "external_conversation_id": "w1", "external_message_id": "m1",
        "sender": {"external_id": "g1"}, "text": "Hello?", "sent_at": iso(sent), "wants_human": True}).json
    target = f"{H1}/conversations/{accepted['conversation_id']}"
    assert api.get(target, as_=team["ben"]).json["reply_due_at"] is None  # no target yet

    patched = api.call("PATCH", H1, body={"reply_target_minutes": 240}, as_=team["camille"])
    assert patched.status == 200, patched.json
    assert patched.json["reply_target_minutes"] == 240
    shown = api.get(target, as_=team["ben"]).json
    assert shown["waiting_since"] == iso(sent)
    assert shown["reply_due_at"] == iso(sent + timedelta(minutes=240))

    api.post(f"{target}/messages", body={"text": "On it"}, as_=team["ben"])  # an agent answered
    shown = api.get(target, as_=team["ben"]).json
    assert shown["waiting_since"] is None and shown["reply_due_at"] is None

    assert api.call("PATCH", H1, body={"reply_target_minutes": None}, as_=team["camille"]).json[
        "reply_target_minutes"] is None


@pytest.mark.parametrize("body", [{"reply_target_minutes": 4}, {"reply_target_minutes": 10081},
                                  {"reply_target_minutes": "60"}, {"reply_target_minutes": True}, {"retention": 1}])
def test_a_bad_reply_target_is_422(api, team, hotels, body):
    reply = api.call("PATCH", H1, body=body, as_=team["camille"])
    assert reply.status == 422, reply.json
    assert api.get(H1, as_=team["camille"]).json["reply_target_minutes"] is None


def test_only_admins_patch_the_hotel_and_put_the_bot(api, team, hotels):
    for caller in (team["ben"], PARTNER):
        reply = api.call("PATCH", H1, body={"reply_target_minutes": 60}, as_=caller)
        assert reply.status == 403 and "admins" in reply.json["message"]
        assert api.put(f"{H1}/bot", body={"enabled": False}, as_=caller).status == 403
    assert api.get(H1, as_=team["ben"]).json["reply_target_minutes"] is None
    assert api.call("PATCH", "/v1/hotels/h2", body={"reply_target_minutes": 60}, as_=team["camille"]).status == 403


def test_allowed_actions_follow_the_status_and_the_caller(api, team, three):
    agent = api.get(f"{H1}/conversations/c3", as_=team["ben"]).json["allowed_actions"]
    assert agent == ["reply", "note", "assign", "hold", "close", "spam"]
    assert api.get(f"{H1}/conversations/c3", as_=team["camille"]).json["allowed_actions"] == agent
    assert api.get(f"{H1}/conversations/c3", as_=PARTNER).json["allowed_actions"] == ["reply", "hold", "close",
                                                                                       "spam"]
    spam = api.post(f"{H1}/conversations/c3/spam", as_=team["ben"]).json
    assert spam["allowed_actions"] == ["note", "not_spam"] and spam["assignee"] is None
    until = iso(datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2))
    held = api.post(f"{H1}/conversations/c1/hold", body={"until": until}, as_=team["ben"]).json
    assert held["allowed_actions"] == ["reply", "note", "resume", "assign", "hold", "close", "spam"]
