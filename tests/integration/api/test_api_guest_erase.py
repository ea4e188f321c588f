"""Erase a guest through the API (moto): afterwards the table, each of its indexes and the bucket hold nothing
of them, their conversations are 404, the counts equal a recount, the receipt counts what was there, and one
``erased`` audit entry without personal data remains. Admins only; an unknown contact is 404."""

from __future__ import annotations

import json

import boto3
import pytest
from guest_data_helpers import PERSONAL, files_under, guest_with_history, held_anywhere, recount, scan_all
from lobby_env import GROUP, PARTNER

from auth.principal import Principal
from inbox.audit import ERASED
from inbox.model import Actor, ActorType
from store import keys


@pytest.fixture
def history(api, hotels, bucket, team):
    return guest_with_history(api, team)


def erase(api, contact_id, as_, hotel="h1"):
    return api.post(f"/v1/hotels/{hotel}/contacts/{contact_id}/erase", as_=as_)


def what_was_there(table, region, history) -> dict:
    """The guest's items by kind, counted in a Scan before the erase (what the receipt must say)."""
    items = held_anywhere(table, region, [history.contact_id, *history.conversations]).get("table", [])
    sks = [i["sk"]["S"] for i in items]
    counts = {"contact": sks.count(keys.contact_sk(history.contact_id)), "conversations": sks.count(keys.CONVERSATION_SK),
              "messages": sum(sk.startswith(keys.MESSAGE_PREFIX) for sk in sks),
              "activity": sum(sk.startswith(keys.ACTIVITY_PREFIX) for sk in sks),
              "files": sum(len(files_under(region, "h1", c)) for c in history.conversations)}
    counts["other"] = len(items) - sum(v for k, v in counts.items() if k != "files")
    return counts


def test_after_an_erase_nothing_of_the_guest_remains_and_the_counts_are_a_recount(api, history, team, table, region,
                                                                                  store):
    admin = team["camille"]
    before = what_was_there(table, region, history)
    assert before["conversations"] == 3 and before["files"] == 2 and before["other"] > 0
    assert held_anywhere(table, region, PERSONAL)  # the guest's data is there, in the table and its indexes
    scheduler = boto3.client("scheduler", region_name=region)
    assert len(scheduler.list_schedules(GroupName=GROUP)["Schedules"]) == 1  # the held conversation's wake-up

    reply = erase(api, history.contact_id, admin)

    assert reply.status == 202, reply.json
    receipt = reply.json["receipt"]
    assert receipt["contact_id"] == history.contact_id and receipt["erased_at"].endswith("Z")
    assert receipt["items"] == before
    left = held_anywhere(table, region, [history.contact_id, *history.conversations, *PERSONAL])
    # Only the audit entry names the contact (by its opaque id: the contract's one `erased` entry).
    assert [i["pk"]["S"] for where in left.values() for i in where] == [keys.audit_pk("h1")]
    assert all(files_under(region, "h1", c) == [] for c in history.conversations)
    assert scheduler.list_schedules(GroupName=GROUP)["Schedules"] == []
    for conversation_id in history.conversations:
        assert api.get(f"/v1/hotels/h1/conversations/{conversation_id}", as_=admin).status == 404
    # The other guest keeps everything, and the counts (everyone's, mine, nobody's) are a recount.
    assert api.get(f"/v1/hotels/h1/conversations/{history.other}", as_=admin).status == 200
    for caller in (admin, team["ben"], team["ana"]):
        counts = api.get("/v1/hotels/h1/inbox", as_=caller).json
        assert counts == recount(api, caller)
    assert counts["tabs"] == {"open": 1, "on_hold": 0, "closed": 0, "spam": 0, "all": 1}
    # The audit log: one entry, the contact's opaque id and the counts, nothing personal.
    (entry,) = [e for e in store.list_audit("h1", 50).items if e.action == ERASED]
    assert (entry.target.type, entry.target.id, entry.actor.id) == ("contact", history.contact_id, admin.actor.id)
    assert dict(entry.details) == receipt["items"]
    written = json.dumps([i for i in scan_all(table, region) if i["pk"]["S"] == keys.audit_pk("h1")],
                         ensure_ascii=False).lower()
    assert not [p for p in PERSONAL if p in written]
    assert erase(api, history.contact_id, admin).status == 404  # erased: unknown now


def test_only_the_hotels_admins_may_erase(api, history, team, table, region):
    other_admin = Principal(Actor(ActorType.AGENT, "agent-hilde", "Hilde"), frozenset({"h2"}), role="admin")
    for caller in (team["ben"], PARTNER, other_admin):
        hotel = "h1"
        reply = erase(api, history.contact_id, caller, hotel)
        assert reply.status == 403 and reply.json["message"], caller
        assert api.get(f"/v1/hotels/{hotel}/contacts/{history.contact_id}/export", as_=caller).status == 403
    assert erase(api, "ct_nobody", team["camille"]).status == 404
    assert erase(api, history.contact_id, other_admin, "h2").status == 404  # not a contact of h2
    assert what_was_there(table, region, history)["conversations"] == 3  # nothing was touched


def test_the_routes_are_documented_admin_only_with_their_errors(api):
    paths = api.get("/v1/openapi.json", as_=None).json["paths"]
    exported = paths["/v1/hotels/{hotel_id}/contacts/{contact_id}/export"]["get"]
    erased = paths["/v1/hotels/{hotel_id}/contacts/{contact_id}/erase"]["post"]
    assert set(exported["responses"]) == {"200", "401", "403", "404", "422"}
    assert set(erased["responses"]) == {"202", "400", "401", "403", "404", "409", "413", "415", "422"}
    assert exported["security"] == erased["security"] == [{"cognito": []}]
    assert "admins" in erased["responses"]["403"]["description"]
