"""Attachments on message items and granted uploads, on moto: they round-trip, old items read as
before, one bad attachment entry never hides its message, and uploads never show in a page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from conversations_helpers import AGENT, open_one
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.attachments import Upload, storage_key
from inbox.errors import InvalidInput, NotFound
from inbox.machine import AgentReply, apply
from inbox.model import Attachment, Delivery, Direction, Message, Sender, iso
from store.dynamo import DynamoStore
from store.schema import TTL_ATTRIBUTE, table_definition

PDF = Attachment(id="att_pdf", name="facture.pdf", content_type="application/pdf", size=48_213,
                 key=storage_key("h1", "c1", "att_pdf"), external_id="exp-att-1")
REFUSED = Attachment(id="att_exe", name="setup.exe", content_type="application/x-msdownload", size=1_000,
                     unavailable_reason="type_refused", external_id="exp-att-2")


@pytest.fixture
def reported():
    return []


@pytest.fixture
def store(table, region, reported) -> DynamoStore:
    return DynamoStore(table, region, on_unreadable=lambda key, error: reported.append((key, str(error))))


def reply_with(store, conversation, at, text="Voici la facture", attachments=(), message_id="m1"):
    outcome = apply(conversation, AgentReply(AGENT, text, at))
    message = Message(id=message_id, conversation_id=conversation.id, hotel_id=conversation.hotel_id,
                      direction=Direction.OUTBOUND, sender=Sender.AGENT, text=text, sent_at=at, agent_id=AGENT.id,
                      delivery=Delivery.PENDING, attachments=tuple(attachments))
    return store.commit(conversation, outcome.conversation, [], [message]), message


def upload(n: int, created_at, conversation_id="c1", hotel_id="h1") -> Upload:
    created_at = created_at.replace(microsecond=created_at.microsecond // 1000 * 1000)  # the store keeps ms
    return Upload(id=f"up_{n}", hotel_id=hotel_id, conversation_id=conversation_id, name=f"plan-{n}.png",
                  content_type="image/png", size=1000 + n, key=storage_key(hotel_id, conversation_id, f"up_{n}"),
                  created_at=created_at)


def test_attachments_round_trip_through_list_messages_and_get_message(store, now, reported):
    c = open_one(store, "h1", "c1", now)
    reply_with(store, c, now + timedelta(minutes=1), attachments=[PDF, REFUSED])
    (listed,) = store.list_messages("h1", "c1", limit=10).items
    assert listed.attachments == (PDF, REFUSED)
    assert listed.attachments[0].available and not listed.attachments[1].available
    assert store.get_message("h1", "c1", listed.sent_at, "m1").attachments == (PDF, REFUSED)
    assert reported == []


def test_a_message_of_attachments_only_has_empty_text_and_lists(store, now, reported):
    c = open_one(store, "h1", "c1", now)
    reply_with(store, c, now + timedelta(minutes=1), text="", attachments=[PDF])
    (listed,) = store.list_messages("h1", "c1", limit=10).items
    assert listed.text == "" and listed.attachments == (PDF,)
    assert reported == []


def test_a_message_without_attachments_stores_no_attribute_and_reads_as_empty(store, table, region, now):
    c = open_one(store, "h1", "c1", now)
    _, message = reply_with(store, c, now + timedelta(minutes=1))
    raw = boto3.client("dynamodb", region_name=region).query(
        TableName=table, KeyConditionExpression="pk = :p AND begins_with(sk, :m)",
        ExpressionAttributeValues={":p": {"S": "HOTEL#h1#CONV#c1"}, ":m": {"S": "MSG#"}})["Items"]
    assert "attachments" not in raw[0]  # items written before attachments look the same
    assert store.list_messages("h1", "c1", limit=10).items[0].attachments == ()


@pytest.mark.parametrize("bad_entry", [
    {"S": "not a map"},
    {"M": {"id": {"S": "att_x"}, "name": {"S": "x.pdf"}, "content_type": {"S": "application/pdf"}}},  # no size
    {"M": {"id": {"S": "att_x"}, "name": {"S": "x.pdf"}, "content_type": {"S": "application/pdf"},
           "size": {"S": "big"}}},
    {"M": {"id": {"N": "3"}, "name": {"S": "x.pdf"}, "content_type": {"S": "application/pdf"}, "size": {"N": "1.5"}}},
])
def test_an_unreadable_attachment_entry_is_skipped_and_reported_and_its_message_still_lists(
        store, table, region, now, reported, bad_entry):
    c = open_one(store, "h1", "c1", now)
    _, message = reply_with(store, c, now + timedelta(minutes=1), attachments=[PDF])
    client = boto3.client("dynamodb", region_name=region)
    key = {"pk": {"S": "HOTEL#h1#CONV#c1"},
           "sk": {"S": f"MSG#{iso(message.sent_at)}#m1"}}
    client.update_item(TableName=table, Key=key, UpdateExpression="SET attachments = list_append(attachments, :bad)",
                       ConditionExpression="attribute_exists(pk)", ExpressionAttributeValues={":bad": {"L": [bad_entry]}})
    (listed,) = store.list_messages("h1", "c1", limit=10).items
    assert listed.id == "m1" and listed.text == "Voici la facture" and listed.attachments == (PDF,)
    assert [k for k, _ in reported] == [f"{key['pk']['S']} | {key['sk']['S']}"]
    assert "attachments[1]" in reported[0][1]


def test_granted_uploads_come_back_in_the_order_asked_and_others_are_absent(store, now):
    open_one(store, "h1", "c1", now)
    open_one(store, "h1", "c2", now)
    for n in range(3):
        store.save_upload(upload(n, now))
    store.save_upload(upload(9, now, conversation_id="c2"))
    store.save_upload(upload(8, now, hotel_id="h2"))
    found = store.get_uploads("h1", "c1", ["up_2", "up_0", "up_9", "up_8", "up_missing", "up_0"])
    assert found == [upload(2, now), upload(0, now)]  # c2's, another hotel's and unknown ids are absent
    assert store.get_uploads("h1", "c1", []) == []


def test_an_upload_is_kept_a_day_by_ttl_and_an_expired_one_not_yet_deleted_is_absent(store, table, region, now):
    open_one(store, "h1", "c1", now)
    store.save_upload(upload(1, now))
    store.save_upload(upload(2, now - timedelta(days=1, seconds=1)))  # moto never deletes expired items
    raw = boto3.client("dynamodb", region_name=region).get_item(
        TableName=table, Key={"pk": {"S": "HOTEL#h1#CONV#c1"}, "sk": {"S": "@UPLOAD#up_1"}})["Item"]
    assert int(raw[TTL_ATTRIBUTE]["N"]) == int((upload(1, now).created_at + timedelta(days=1)).timestamp())
    assert store.get_uploads("h1", "c1", ["up_1", "up_2"]) == [upload(1, now)]


def test_an_unreadable_upload_is_absent_and_reported(store, table, region, now, reported):
    open_one(store, "h1", "c1", now)
    store.save_upload(upload(1, now))
    boto3.client("dynamodb", region_name=region).update_item(
        TableName=table, Key={"pk": {"S": "HOTEL#h1#CONV#c1"}, "sk": {"S": "@UPLOAD#up_1"}},
        UpdateExpression="SET #s = :s", ExpressionAttributeNames={"#s": "size"},
        ExpressionAttributeValues={":s": {"S": "huge"}})
    assert store.get_uploads("h1", "c1", ["up_1"]) == []
    assert [k for k, _ in reported] == ["HOTEL#h1#CONV#c1 | @UPLOAD#up_1"]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(messages=st.integers(0, 6), uploads=st.integers(1, 6), limit=st.integers(1, 4))
def test_uploads_never_show_in_message_or_activity_pages(aws, region, messages, uploads, limit):
    name = f"uploads-{messages}-{uploads}-{limit}"
    boto3.client("dynamodb", region_name=region).create_table(**table_definition(name))
    store = DynamoStore(name, region)
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    c = open_one(store, "h1", "c1", now)
    for n in range(messages):
        c, _ = reply_with(store, c, now + timedelta(minutes=n + 1), text=f"reply {n}", message_id=f"m{n}")
    for n in range(uploads):
        store.save_upload(upload(n, now))
    seen, cursor = [], None
    while True:
        page = store.list_messages("h1", "c1", limit=limit, cursor=cursor)
        seen += [m.id for m in page.items]
        if (cursor := page.next_cursor) is None:
            break
    assert seen == [f"m{n}" for n in reversed(range(messages))]
    entries, cursor = [], None
    while True:
        activity = store.list_activity("h1", "c1", limit=limit, cursor=cursor)
        entries += [a.type for a in activity.items]
        if (cursor := activity.next_cursor) is None:
            break
    assert entries == ["handed_off", "created"]


def test_uploads_alone_do_not_make_a_conversation_exist(store, now):
    store.save_upload(upload(1, now, conversation_id="c-gone"))
    with pytest.raises(NotFound):
        store.list_messages("h1", "c-gone", limit=10)
    with pytest.raises(NotFound):
        store.list_activity("h1", "c-gone", limit=10)


ATTACHMENTS = st.lists(st.builds(
    Attachment,
    id=st.text("abcdef0123456789", min_size=1, max_size=24).map(lambda s: f"att_{s}"),
    name=st.text(min_size=1, max_size=200).filter(str.strip),
    content_type=st.sampled_from(["application/pdf", "image/jpeg", "image/png", "text/html"]),
    size=st.integers(0, 50 * 1024 * 1024),
    key=st.none() | st.just("hotels/h1/conversations/c1/att"),
    unavailable_reason=st.none() | st.sampled_from(["type_refused", "too_large", "fetch_failed"]),
    external_id=st.none() | st.text(min_size=1, max_size=60),
), max_size=10)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=ATTACHMENTS)
def test_any_attachments_read_back_equal(aws, region, files):
    name = f"files-{abs(hash(tuple(files)))}"
    boto3.client("dynamodb", region_name=region).create_table(**table_definition(name))
    reported = []
    store = DynamoStore(name, region, on_unreadable=lambda key, error: reported.append(key))
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    c = open_one(store, "h1", "c1", now)
    reply_with(store, c, now + timedelta(minutes=1), text="", attachments=files)
    assert store.list_messages("h1", "c1", limit=10).items[0].attachments == tuple(files)
    assert reported == []


def test_more_ids_than_one_batch_read_takes_are_refused_before_any_request(store, requests_sent):
    with pytest.raises(InvalidInput):
        store.get_uploads("h1", "c1", [f"up_{n}" for n in range(101)])
    assert requests_sent.counts == {}
