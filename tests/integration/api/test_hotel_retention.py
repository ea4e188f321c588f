"""PATCH /v1/hotels/{h} retention_days through the API on moto: 730 unless set, 30 to 3,650 accepted, anything
else 422 with a message and nothing written; each change one hotel_updated audit entry (who, from, to)."""

from __future__ import annotations

import pytest
from lobby_env import PARTNER

from inbox.audit import HOTEL_UPDATED
from inbox.model import ActorType

H1 = "/v1/hotels/h1"


def test_a_hotel_keeps_its_guests_data_730_days_unless_set(api, admin, hotels):
    reply = api.get(H1, as_=admin)
    assert reply.status == 200 and reply.json["retention_days"] == 730


@pytest.mark.parametrize("days", [30, 3650])
def test_the_bounds_are_accepted_stored_and_audited(api, admin, hotels, store, days):
    reply = api.call("PATCH", H1, body={"retention_days": days}, as_=admin)
    assert reply.status == 200, reply.json
    assert reply.json["retention_days"] == days and api.get(H1, as_=admin).json["retention_days"] == days
    assert store.get_hotel("h1").retention_days == days
    (entry,) = store.list_audit("h1", 10).items
    assert entry.action == HOTEL_UPDATED and (entry.target.type, entry.target.id) == ("hotel", "h1")
    assert (entry.actor.type, entry.actor.id) == (ActorType.AGENT, admin.actor.id)
    assert entry.details == {"retention_days": {"from": 730, "to": days}}


@pytest.mark.parametrize("days", [29, 3651, 0, -1, None, "365", 365.5, True])
def test_a_retention_outside_its_range_is_422_with_a_message(api, admin, hotels, store, days):
    reply = api.call("PATCH", H1, body={"retention_days": days}, as_=admin)
    assert reply.status == 422, reply.json
    assert "retention_days" in reply.json["message"]
    assert store.get_hotel("h1").retention_days == 730 and store.list_audit("h1", 10).items == []


@pytest.mark.parametrize("days", [29, 3651])
def test_the_message_says_the_range(api, admin, hotels, days):
    message = api.call("PATCH", H1, body={"retention_days": days}, as_=admin).json["message"]
    assert ("30" if days < 30 else "3650") in message


def test_both_settings_in_one_patch_are_one_entry_and_an_unchanged_one_none(api, admin, hotels, store):
    reply = api.call("PATCH", H1, body={"retention_days": 365, "reply_target_minutes": 60}, as_=admin)
    assert reply.status == 200 and (reply.json["retention_days"], reply.json["reply_target_minutes"]) == (365, 60)
    (entry,) = store.list_audit("h1", 10).items
    assert entry.details == {"retention_days": {"from": 730, "to": 365},
                             "reply_target_minutes": {"from": None, "to": 60}}
    # The same values again change nothing, and nothing is recorded.
    assert api.call("PATCH", H1, body={"retention_days": 365}, as_=admin).status == 200
    assert len(store.list_audit("h1", 10).items) == 1
    # A bad value next to a good one: nothing is written at all.
    bad = api.call("PATCH", H1, body={"retention_days": 20, "reply_target_minutes": 90}, as_=admin)
    assert bad.status == 422 and store.get_hotel("h1").reply_target_minutes == 60


def test_only_admins_set_the_retention(api, team, hotels, store):
    for caller in (team["ben"], PARTNER):
        reply = api.call("PATCH", H1, body={"retention_days": 30}, as_=caller)
        assert reply.status == 403 and "admins" in reply.json["message"]
    assert store.get_hotel("h1").retention_days == 730 and store.list_audit("h1", 10).items == []


def test_the_contract_describes_the_setting(api, admin):
    document = api.get("/v1/openapi.json", as_=admin).json
    patch = document["paths"]["/v1/hotels/{hotel_id}"]["patch"]
    assert "retention_days is 30 to 3,650" in patch["responses"]["422"]["description"]
    schema = document["components"]["schemas"]["HotelPatchIn"]["properties"]["retention_days"]
    assert (schema["minimum"], schema["maximum"]) == (30, 3650)
