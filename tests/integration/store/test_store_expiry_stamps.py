"""Every item of a conversation carries its expiry (DynamoDB's TTL attribute ``expires_at``, epoch seconds) as
the inbox writes it on moto: the conversation its retention after its last change, renewed by each commit; each
message, activity entry and mention its retention after its own time; its guards. The contact, search entries,
counters and the hotel have none (the expiry function removes the first two); the daily figures 400 days after
their day. A changed retention applies to what is written afterwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from lobby_env import TABLE
from realtime_store_helpers import hotel_team

from inbox.inbound import GuestProfile, InboundMessage
from inbox.model import Actor
from inbox.ports import Hotel
from inbox.times import parse_time
from store import keys
from store.schema import TTL_ATTRIBUTE

DAY = timedelta(days=1)


@pytest.fixture
def agents(region, monkeypatch) -> dict[str, Actor]:
    pool_id, team = hotel_team(region, "h1", {"Ana Lima": "ana@lumiere.example", "Ben Martin": "ben@lumiere.example"})
    monkeypatch.setenv("USER_POOL_ID", pool_id)
    return {name.split()[0].lower(): actor for name, actor in team.items()}


@pytest.fixture
def service(api_settings, agents, store):
    from wiring import container

    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris"))
    container.reset()
    return container.inbox()


def guest_writes(service, n: int, sent_at: datetime) -> str:
    return service.receive(InboundMessage(
        hotel_id="h1", channel="webchat", external_conversation_id="thr-1", external_message_id=f"m{n}",
        text="Could someone call me back?", sent_at=sent_at,
        sender=GuestProfile("g-1", "Inès Moreau", "ines@example.com", "+33 6 12 34 56 78"),
        wants_human=True)).conversation_id


def every_item(region: str) -> list[dict]:
    client = boto3.client("dynamodb", region_name=region)
    return [item for page in client.get_paginator("scan").paginate(TableName=TABLE) for item in page["Items"]]


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def expires(item: dict) -> int | None:
    stored = item.get(TTL_ATTRIBUTE)
    return int(stored["N"]) if stored else None


def of(items: list[dict], pk: str, prefix: str = "") -> list[dict]:
    return [i for i in items if i["pk"]["S"] == pk and i["sk"]["S"].startswith(prefix)]


def test_every_item_of_a_conversation_expires_with_the_hotels_retention(service, store, agents, region):
    sent = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    cid = guest_writes(service, 1, sent)
    service.assign("h1", cid, agents["ana"], agents["ana"].id)
    service.add_note("h1", cid, agents["ana"], "Ben, can you call her?", mentions=[agents["ben"].id])
    service.mark_read("h1", cid, agents["ana"])

    items = every_item(region)
    partition = keys.conversation_pk("h1", cid)
    conversation = store.get_conversation("h1", cid)
    (own,) = of(items, partition, keys.CONVERSATION_SK)
    assert expires(own) == epoch(max(conversation.updated_at, conversation.last_message_at) + 730 * DAY)
    messages, activity = of(items, partition, keys.MESSAGE_PREFIX), of(items, partition, keys.ACTIVITY_PREFIX)
    assert len(messages) == 2 and len(activity) >= 2  # the guest's message and the note; the handoff, the assignment
    for item in messages:
        assert expires(item) == epoch(parse_time(item["sent_at"]["S"]) + 730 * DAY)
    for item in activity:
        assert expires(item) == epoch(parse_time(item["at"]["S"]) + 730 * DAY)
    assert {i["sk"]["S"][:4] for i in of(items, partition)} <= {"CONV", "MSG#", "ACT#"}
    assert all(expires(i) for i in of(items, partition))  # every item of the conversation's own partition

    guards = [i for i in items if i["pk"]["S"].startswith(keys.guard_pk("h1", ""))]
    assert guards and all(expires(g) and expires(g) >= epoch(sent + 730 * DAY) for g in guards)
    (mention,) = of(items, keys.mentions_pk("h1", agents["ben"].id))
    assert expires(mention) == epoch(parse_time(mention["at"]["S"]) + 730 * DAY)

    # The hotel's daily figures (counts, no guest data) expire 400 days after their day, whatever the retention.
    reports = of(items, keys.hotel_pk("h1"), keys.REPORT_PREFIX)
    assert reports and all(expires(r) == epoch(datetime.combine(keys.report_day(r["sk"]["S"]) + 400 * DAY,
                                                                datetime.min.time(), tzinfo=UTC)) for r in reports)

    # What the expiry function removes itself, and what is the hotel's, has no expiry.
    kept = [i for i in items if not i["pk"]["S"].startswith((partition, keys.guard_pk("h1", ""),
                                                             keys.mentions_pk("h1", "")))
            and i not in reports]
    assert {i["sk"]["S"].split("#")[0] for i in kept if i["pk"]["S"] == keys.hotel_pk("h1")} >= {
        "PROFILE", "COUNTERS", "CONTACT"}
    assert of(items, keys.find_pk("h1")) and not any(expires(i) for i in kept)


def test_a_later_message_renews_the_conversation_under_the_retention_of_the_moment(service, store, agents, region):
    first = datetime.now(UTC).replace(microsecond=0) - timedelta(days=20)
    cid = guest_writes(service, 1, first)
    partition = keys.conversation_pk("h1", cid)
    (own,) = of(every_item(region), partition, keys.CONVERSATION_SK)
    before = expires(own)

    hotel = service.update_hotel_settings("h1", agents["ana"], retention_days=30)
    assert hotel.retention_days == 30
    later = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    assert guest_writes(service, 2, later) == cid

    items = every_item(region)
    conversation = store.get_conversation("h1", cid)
    (own,) = of(items, partition, keys.CONVERSATION_SK)
    assert expires(own) == epoch(max(conversation.updated_at, conversation.last_message_at) + 30 * DAY) != before
    by_time = {parse_time(i["sent_at"]["S"]): expires(i) for i in of(items, partition, keys.MESSAGE_PREFIX)}
    assert by_time == {first: epoch(first + 730 * DAY), later: epoch(later + 30 * DAY)}  # each as it was written
