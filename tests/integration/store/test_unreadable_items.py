"""One item the store cannot read never breaks a read: lists skip it or show it with
placeholders, readers show what they can, and each such item is reported with its key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import boto3
import pytest
from conversations_helpers import AGENT, open_one
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.errors import NotFound
from inbox.machine import AgentReply, Close, MarkSpam, apply, start_conversation
from inbox.model import Actor, ActorType, Delivery, Direction, Message, Sender, Status, Tab, iso
from store.dynamo import DynamoStore
from store.reading import PLACEHOLDER_TIME
from store.schema import table_definition

OLD_YEAR_91 = "91-01-20T17:51:29.000Z"  # what the old code stored for a partner's "0091-01-20T17:51:29Z"
BAD_KEY = "HOTEL#h1#CONV#cv_year91 | CONVERSATION"


@pytest.fixture
def reported():
    return []


@pytest.fixture
def store(table, region, reported) -> DynamoStore:
    return DynamoStore(table, region, on_unreadable=lambda key, error: reported.append((key, str(error))))


def put_raw(table, region, item: dict) -> None:
    boto3.client("dynamodb", region_name=region).put_item(TableName=table, Item=item)


def put_year_91_conversation(table, region, hotel_id="h1", conversation_id="cv_year91"):
    """The exact items the old code wrote for a new partner conversation dated year 91, asking for a person."""
    s = lambda v: {"S": v}  # noqa: E731
    pk = f"HOTEL#{hotel_id}#CONV#{conversation_id}"
    put_raw(table, region, {
        "pk": s(pk), "sk": s("CONVERSATION"), "conversation_id": s(conversation_id), "hotel_id": s(hotel_id),
        "channel": s("webchat"), "status": s("open"), "created_at": s(OLD_YEAR_91), "updated_at": s(OLD_YEAR_91),
        "last_message_at": s(OLD_YEAR_91), "last_message_preview": s("I want to talk to a person"),
        "automated": {"BOOL": False}, "contact_id": s("ct_1"), "contact_name": s("Zoé"),
        "external_conversation_id": s("chat-1"), "guest_text_digest": s("0123456789abcdef"), "version": {"N": "1"},
        "open_pk": s(hotel_id), "open_sk": s(f"{OLD_YEAR_91}#{conversation_id}"),
        "all_pk": s(hotel_id), "all_sk": s(f"{OLD_YEAR_91}#{conversation_id}"),
    })
    put_raw(table, region, {
        "pk": s(pk), "sk": s(f"MSG#{OLD_YEAR_91}#msg_1"), "message_id": s("msg_1"),
        "conversation_id": s(conversation_id), "hotel_id": s(hotel_id), "direction": s("inbound"),
        "sender": s("guest"), "text": s("I want to talk to a person"), "sent_at": s(OLD_YEAR_91),
        "external_message_id": s("m-1"),
    })
    put_raw(table, region, {
        "pk": s(pk), "sk": s(f"ACT#{OLD_YEAR_91}#act_1"), "activity_id": s("act_1"),
        "conversation_id": s(conversation_id), "hotel_id": s(hotel_id), "type": s("created"),
        "actor": {"M": {"type": s("guest"), "id": s("visitor-1")}}, "to_status": s("bot"), "at": s(OLD_YEAR_91),
    })
    boto3.client("dynamodb", region_name=region).update_item(
        TableName=table, Key={"pk": s(f"HOTEL#{hotel_id}"), "sk": s("COUNTERS#0")},
        UpdateExpression="ADD #o :one, #a :one", ExpressionAttributeNames={"#o": "open", "#a": "all"},
        ExpressionAttributeValues={":one": {"N": "1"}})


def every_page(store, tab, limit):
    ids, cursor = [], None
    while True:
        page = store.list_tab("h1", tab, limit=limit, cursor=cursor)
        ids += [c.id for c in page.items]
        if (cursor := page.next_cursor) is None:
            return ids


@pytest.mark.parametrize("limit", [1, 2, 25])
def test_a_conversation_stored_in_year_91_unpadded_leaves_the_open_and_all_tabs_listing(
        store, table, region, now, reported, limit):
    good = [open_one(store, "h1", f"c{n}", now + timedelta(minutes=n)).id for n in range(3)]
    put_year_91_conversation(table, region)
    for tab in (Tab.OPEN, Tab.ALL):
        listed = every_page(store, tab, limit)
        assert [i for i in listed if i != "cv_year91"] == list(reversed(good)), tab
    assert store.tab_counts("h1")[Tab.OPEN] == 4 and store.tab_counts("h1")[Tab.ALL] == 4
    assert BAD_KEY in {key for key, _ in reported}
    assert any("last_message_at" in error and OLD_YEAR_91 in error for _, error in reported)


def test_a_year_91_conversation_opens_with_placeholder_times_and_its_good_fields(store, table, region, reported):
    put_year_91_conversation(table, region)
    conversation = store.get_conversation("h1", "cv_year91")
    assert conversation.degraded and conversation.status is Status.OPEN
    assert conversation.last_message_at == PLACEHOLDER_TIME and conversation.contact_name == "Zoé"
    assert [key for key, _ in reported] == [BAD_KEY]


@pytest.mark.parametrize(("event", "status"), [(Close, Status.CLOSED), (MarkSpam, Status.SPAM)])
def test_a_year_91_conversation_can_be_closed_or_marked_spam_and_is_repaired(
        store, table, region, now, reported, event, status):
    put_year_91_conversation(table, region)
    before = store.get_conversation("h1", "cv_year91")
    outcome = apply(before, event(AGENT, now))
    after = store.commit(before, outcome.conversation, [outcome.activity])
    assert after.status is status and not after.degraded
    reported.clear()
    stored = store.get_conversation("h1", "cv_year91")
    assert stored.status is status and not stored.degraded and reported == []  # every field rewritten
    assert "cv_year91" not in every_page(store, Tab.OPEN, 10)
    assert store.tab_counts("h1")[Tab.OPEN] == 0
    assert ("cv_year91" in every_page(store, Tab.ALL, 10)) is (status is not Status.SPAM)


def test_a_late_message_dated_year_91_on_an_existing_conversation_leaves_its_messages_listing(
        store, table, region, now, reported):
    c = open_one(store, "h1", "c1", now)
    reply = apply(c, AgentReply(AGENT, "On my way", now + timedelta(minutes=1)))
    message = Message(id="msg_ok", conversation_id="c1", hotel_id="h1", direction=Direction.OUTBOUND,
                      sender=Sender.AGENT, text="On my way", sent_at=now + timedelta(minutes=1),
                      delivery=Delivery.PENDING)
    store.commit(c, reply.conversation, [], [message])
    put_raw(table, region, {
        "pk": {"S": "HOTEL#h1#CONV#c1"}, "sk": {"S": f"MSG#{OLD_YEAR_91}#msg_late"}, "message_id": {"S": "msg_late"},
        "conversation_id": {"S": "c1"}, "hotel_id": {"S": "h1"}, "direction": {"S": "inbound"},
        "sender": {"S": "guest"}, "text": {"S": "late"}, "sent_at": {"S": OLD_YEAR_91},
    })
    assert [m.id for m in store.list_messages("h1", "c1", limit=50).items] == ["msg_ok"]
    seen, cursor = [], None
    while True:  # page by page, the bad message first in the key order
        page = store.list_messages("h1", "c1", limit=1, cursor=cursor)
        seen += [m.id for m in page.items]
        if (cursor := page.next_cursor) is None:
            break
    assert seen == ["msg_ok"]
    assert "HOTEL#h1#CONV#c1 | MSG#91-01-20T17:51:29.000Z#msg_late" in {key for key, _ in reported}


def test_items_with_missing_attributes_or_wrong_types_are_skipped_and_reported(store, table, region, now, reported):
    open_one(store, "h1", "c-good", now)
    put_raw(table, region, {  # a conversation without a status, and a version that is not a number
        "pk": {"S": "HOTEL#h1#CONV#c-broken"}, "sk": {"S": "CONVERSATION"}, "conversation_id": {"S": "c-broken"},
        "hotel_id": {"S": "h1"}, "channel": {"N": "7"}, "version": {"S": "x"},
        "open_pk": {"S": "h1"}, "open_sk": {"S": f"{iso(now + timedelta(hours=1))}#c-broken"},
    })
    put_raw(table, region, {  # an activity entry with an actor that is not a map
        "pk": {"S": "HOTEL#h1#CONV#c-good"}, "sk": {"S": f"ACT#{iso(now + timedelta(hours=1))}#act_x"},
        "activity_id": {"S": "act_x"}, "conversation_id": {"S": "c-good"}, "hotel_id": {"S": "h1"},
        "type": {"S": "closed"}, "actor": {"S": "agent"}, "to_status": {"S": "closed"},
        "at": {"S": iso(now + timedelta(hours=1))},
    })
    assert [c.id for c in store.list_tab("h1", Tab.OPEN, limit=10).items] == ["c-good"]
    with pytest.raises(NotFound):
        store.get_conversation("h1", "c-broken")
    assert [a.type for a in store.list_activity("h1", "c-good", 10).items] == ["handed_off", "created"]
    assert {"HOTEL#h1#CONV#c-broken | CONVERSATION",
            f"HOTEL#h1#CONV#c-good | ACT#{iso(now + timedelta(hours=1))}#act_x"} <= {k for k, _ in reported}


def test_a_contact_and_a_hotel_show_what_can_be_read(store, table, region, hotel, reported):
    put_raw(table, region, {
        "pk": {"S": "HOTEL#h1"}, "sk": {"S": "CONTACT#ct_1"}, "contact_id": {"S": "ct_1"}, "hotel_id": {"S": "h1"},
        "channel": {"S": "webchat"}, "name": {"S": "Zoé"}, "reservations": {"S": "[{\"bogus\": 1}]"},
    })
    contact = store.get_contact("h1", "ct_1")
    assert contact.name == "Zoé" and contact.reservations == ()
    boto3.client("dynamodb", region_name=region).update_item(
        TableName=table, Key={"pk": {"S": f"HOTEL#{hotel.id}"}, "sk": {"S": "PROFILE"}},
        UpdateExpression="SET knowledge_z = :z", ExpressionAttributeValues={":z": {"B": b"not zlib"}})
    read = store.get_hotel(hotel.id)
    assert read.name == hotel.name and read.knowledge.entries == ()  # the bot hands off rather than failing
    assert {"HOTEL#h1 | CONTACT#ct_1", f"HOTEL#{hotel.id} | PROFILE"} <= {k for k, _ in reported}


# Any time Lobby may hold: aware, any offset, years 1 to 9999 (edges kept clear of what a zone
# offset would push past them), to the millisecond the store keeps.
MOMENTS = st.builds(
    lambda moment, minutes: moment.replace(microsecond=moment.microsecond // 1000 * 1000, tzinfo=UTC)
    .astimezone(timezone(timedelta(minutes=minutes))),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.integers(-14 * 60, 14 * 60),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moments=st.lists(MOMENTS, min_size=1, max_size=4, unique_by=iso))
def test_every_time_written_reads_back_equal_and_sorts_right(aws, region, moments):
    name = f"times-{id(moments)}"
    boto3.client("dynamodb", region_name=region).create_table(**table_definition(name))
    reported = []
    store = DynamoStore(name, region, on_unreadable=lambda key, error: reported.append(key))
    for n, moment in enumerate(moments):
        start = start_conversation(conversation_id=f"c{n}", hotel_id="h1", channel="webchat", at=moment,
                                   actor=Actor(ActorType.GUEST, "g"))
        store.commit(None, start.conversation, [start.activity])
    c0 = store.get_conversation("h1", "c0")
    store.commit(c0, c0, [], [Message(id=f"m{n}", conversation_id="c0", hotel_id="h1", direction=Direction.INBOUND,
                                      sender=Sender.GUEST, text="hi", sent_at=moment)
                              for n, moment in enumerate(moments)])
    newest_first = sorted(range(len(moments)), key=lambda n: moments[n], reverse=True)
    listed = store.list_tab("h1", Tab.ALL, limit=10).items
    assert [c.id for c in listed] == [f"c{n}" for n in newest_first]
    assert [(c.created_at, c.last_message_at) for c in listed] == [(moments[n], moments[n]) for n in newest_first]
    assert [m.sent_at for m in store.list_messages("h1", "c0", limit=10).items] == [moments[n] for n in newest_first]
    assert [a.at for a in store.list_activity("h1", "c0", 10).items] == [moments[0]]
    assert reported == []
