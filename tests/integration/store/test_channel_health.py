"""Channel health on moto: one item per hotel and channel, later times win, blocked replies per UTC day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.ports import ChannelHealthRecord
from store.dynamo import DynamoStore
from store.schema import table_definition

T0 = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def reported():
    return []


@pytest.fixture
def store(table, region, reported) -> DynamoStore:
    return DynamoStore(table, region, on_unreadable=lambda key, error: reported.append((key, str(error))))


def test_nothing_noted_is_none(store):
    assert store.channel_health("h1", "expedia") is None


def test_a_later_notification_replaces_an_earlier_one_never_the_reverse(store):
    store.note_notification("h1", "expedia", T0)
    store.note_notification("h1", "expedia", T0 - timedelta(minutes=5))  # a slow ingest of an older one
    assert store.channel_health("h1", "expedia").last_notification_at == T0
    store.note_notification("h1", "expedia", T0 + timedelta(seconds=1))
    assert store.channel_health("h1", "expedia").last_notification_at == T0 + timedelta(seconds=1)


def test_hotels_and_channels_are_noted_apart(store):
    store.note_notification("h1", "expedia", T0)
    store.note_blocked_reply("h2", "expedia", T0)
    store.note_reconciled("h1", "webchat", T0, 3, None)
    assert store.channel_health("h1", "expedia") == ChannelHealthRecord(last_notification_at=T0)
    assert store.channel_health("h2", "expedia") == ChannelHealthRecord(blocked_by_day={"2026-12-01": 1})
    assert store.channel_health("h1", "webchat") == ChannelHealthRecord(last_reconciled_at=T0, undelivered=3)


def test_blocked_replies_are_counted_per_utc_day(store):
    paris = timezone(timedelta(hours=1))
    store.note_blocked_reply("h1", "expedia", datetime(2026, 12, 1, 0, 30, tzinfo=paris))  # still 30 Nov in UTC
    for minute in range(3):
        store.note_blocked_reply("h1", "expedia", T0 + timedelta(minutes=minute))
    store.note_blocked_reply("h1", "expedia", T0 + timedelta(days=1))
    assert store.channel_health("h1", "expedia").blocked_by_day == {
        "2026-11-30": 1, "2026-12-01": 3, "2026-12-02": 1}


def test_days_older_than_eight_are_dropped_by_later_writes(store):
    for days_ago in (21, 12, 8, 7, 0):
        store.note_blocked_reply("h1", "expedia", T0 - timedelta(days=days_ago))
    assert set(store.channel_health("h1", "expedia").blocked_by_day) == {
        "2026-12-01", "2026-11-24"}  # today and 7 days ago kept; 8, 12 and 21 days ago removed by today's write
    store.note_blocked_reply("h1", "expedia", T0 - timedelta(days=30))  # late, out of order: counted, not harmful
    store.note_reconciled("h1", "expedia", T0 + timedelta(days=8), 0, None)  # the hourly reconciliation prunes too
    assert set(store.channel_health("h1", "expedia").blocked_by_day) == {"2026-11-01"}  # 38 days back: not met


def test_a_reconciliation_sets_its_figures_and_an_older_one_never_overwrites_them(store):
    store.note_reconciled("h1", "expedia", T0, 4, "UNAUTHORIZED: callback answered 401")
    health = store.channel_health("h1", "expedia")
    assert (health.last_reconciled_at, health.undelivered, health.last_error) == (
        T0, 4, "UNAUTHORIZED: callback answered 401")
    store.note_reconciled("h1", "expedia", T0 - timedelta(hours=1), 9, "older")
    assert store.channel_health("h1", "expedia").undelivered == 4
    store.note_reconciled("h1", "expedia", T0 + timedelta(hours=1), 0, None)
    health = store.channel_health("h1", "expedia")
    assert (health.last_reconciled_at, health.undelivered, health.last_error) == (T0 + timedelta(hours=1), 0, None)


def test_notes_keep_each_others_fields(store):
    store.note_reconciled("h1", "expedia", T0, 2, "timeout")
    store.note_notification("h1", "expedia", T0 + timedelta(minutes=1))
    store.note_blocked_reply("h1", "expedia", T0 + timedelta(minutes=2))
    assert store.channel_health("h1", "expedia") == ChannelHealthRecord(
        last_notification_at=T0 + timedelta(minutes=1), last_reconciled_at=T0, undelivered=2, last_error="timeout",
        blocked_by_day={"2026-12-01": 1})


def test_an_unreadable_field_is_left_out_and_reported(store, table, region, reported):
    store.note_notification("h1", "expedia", T0)
    store.note_blocked_reply("h1", "expedia", T0)
    boto3.client("dynamodb", region_name=region).update_item(
        TableName=table, Key={"pk": {"S": "HOTEL#h1"}, "sk": {"S": "CHANNEL#expedia"}},
        UpdateExpression="SET last_reconciled_at = :bad, #d = :s, #x = :one",
        ExpressionAttributeNames={"#d": "blocked_2026-11-30", "#x": "blocked_someday"},
        ExpressionAttributeValues={":bad": {"S": "91-01-20T17:51:29Z"}, ":s": {"S": "two"}, ":one": {"N": "1"}})
    health = store.channel_health("h1", "expedia")
    assert health == ChannelHealthRecord(last_notification_at=T0, blocked_by_day={"2026-12-01": 1})
    (key, error), = reported
    assert key == "HOTEL#h1 | CHANNEL#expedia"
    assert "last_reconciled_at" in error and "blocked_2026-11-30" in error and "blocked_someday" in error


def test_the_health_item_leaves_the_tab_counts_alone(store, hotel):
    store.note_blocked_reply(hotel.id, "expedia", T0)
    store.note_reconciled(hotel.id, "expedia", T0, 5, None)
    assert set(store.tab_counts(hotel.id).values()) == {0}
    assert store.get_hotel(hotel.id) == hotel


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offsets=st.lists(st.integers(-10_000, 10_000), min_size=1, max_size=8))
def test_the_noted_notification_is_the_latest_whatever_the_order(aws, region, offsets):
    name = f"health-{abs(hash(tuple(offsets)))}"
    boto3.client("dynamodb", region_name=region).create_table(**table_definition(name))
    store = DynamoStore(name, region)
    for seconds in offsets:
        store.note_notification("h1", "expedia", T0 + timedelta(seconds=seconds))
    assert store.channel_health("h1", "expedia").last_notification_at == T0 + timedelta(seconds=max(offsets))


# --- the channel's reconciliation runs (one item per channel, for every hotel) -------------------------

def test_no_run_noted_is_none(store):
    assert store.last_run("expedia") is None


def test_a_later_run_replaces_an_earlier_one_never_the_reverse(store):
    store.note_run("expedia", T0)
    store.note_run("expedia", T0 - timedelta(hours=1))  # a slow run that started earlier ends later
    assert store.last_run("expedia") == T0
    store.note_run("expedia", T0 + timedelta(hours=1))
    assert store.last_run("expedia") == T0 + timedelta(hours=1)


def test_a_run_is_the_channels_and_leaves_every_hotels_own_notes_alone(store, hotel):
    store.note_reconciled(hotel.id, "expedia", T0, 3, "CALLBACK_UNREACHABLE")
    store.note_run("expedia", T0 + timedelta(hours=1))
    store.note_run("webchat", T0 + timedelta(hours=2))
    assert store.last_run("expedia") == T0 + timedelta(hours=1)
    assert store.last_run("webchat") == T0 + timedelta(hours=2)
    assert store.channel_health(hotel.id, "expedia") == ChannelHealthRecord(
        last_reconciled_at=T0, undelivered=3, last_error="CALLBACK_UNREACHABLE")
    assert set(store.tab_counts(hotel.id).values()) == {0}
    assert store.get_hotel(hotel.id) == hotel


def test_an_unreadable_run_time_is_none_and_reported(store, table, region, reported):
    boto3.client("dynamodb", region_name=region).put_item(TableName=table, Item={
        "pk": {"S": "CHANNEL#expedia"}, "sk": {"S": "RECONCILED"}, "last_run_at": {"S": "91-01-20T17:51:29Z"}})
    assert store.last_run("expedia") is None
    (key, error), = reported
    assert key == "CHANNEL#expedia | RECONCILED" and "last_run_at" in error
