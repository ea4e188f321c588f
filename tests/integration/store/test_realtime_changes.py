"""The table's stream read back as changes: records captured from moto's stream shard after real writes
through the inbox service (a guest message, a reply, a move, an assignment, a note, a delivery), and
records of ours that cannot be read."""

from __future__ import annotations

import copy
import os
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from conversations_helpers import AGENT, open_one
from lobby_env import TABLE
from moto import mock_aws
from realtime_store_helpers import StreamTap, hotel_team, moto_table

from inbox.errors import Conflict
from inbox.inbound import GuestProfile, InboundMessage
from inbox.machine import AgentReply, Close, apply
from inbox.model import Delivery, Direction, Message, Sender, Tab
from inbox.ports import Change, Hotel, TeamCounts
from store import keys
from store.changes import UnreadableChange, decode
from store.dynamo import DynamoStore
from store.schema import table_definition


@pytest.fixture
def table(aws, region):
    """The table with its stream (new images), as the local stack and AWS have it."""
    boto3.client("dynamodb", region_name=region).create_table(**table_definition(TABLE, stream=True))
    return TABLE


@pytest.fixture
def team(region, monkeypatch):
    pool_id, actors = hotel_team(region, "h1", {"Ana Lima": "ana@lumiere.example", "Ben Martin": "ben@lumiere.example"})
    monkeypatch.setenv("USER_POOL_ID", pool_id)
    return actors


@pytest.fixture
def service(api_settings, team, store):
    from wiring import container

    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris"))
    container.reset()
    return container.inbox()


@pytest.fixture
def tap(table, region) -> StreamTap:
    return StreamTap(table, region)


def guest_says(text: str, n: int = 1, thread: str = "thr-1") -> InboundMessage:
    return InboundMessage(hotel_id="h1", channel="expedia", external_conversation_id=thread,
                          external_message_id=f"{thread}-m{n}", text=text,
                          sent_at=datetime.now(UTC) - timedelta(minutes=10 - n),
                          sender=GuestProfile(external_id=f"guest-{thread}", name="Inès Moreau"), wants_human=True)


def changes_of(records) -> list[Change]:
    return [c for c in (decode(r) for r in records) if c is not None]


def kinds(changes: list[Change]) -> list[tuple[str, str, str | None]]:
    return sorted({(c.kind, c.hotel_id, c.conversation_id) for c in changes})


def test_a_guest_message_is_its_message_its_conversation_and_the_counts(service, tap):
    received = service.receive(guest_says("Bonjour, I need a person please"))
    records = tap.read()
    changes = changes_of(records)
    cid = received.conversation_id
    assert kinds(changes) == [("conversation", "h1", cid), ("counts", "h1", None), ("message", "h1", cid)]
    (guest_message,) = [c.message for c in changes if c.kind == "message" and c.message.sender is Sender.GUEST]
    # The message is read as a page of messages reads it.
    stored = service.messages("h1", cid, 10, None).items
    assert guest_message in stored and guest_message.text == "Bonjour, I need a person please"
    # The other items of the write (activity, guard, contact...) are not fanned out.
    assert len(records) > len(changes)
    assert {r["dynamodb"]["Keys"]["sk"]["S"].split("#")[0] for r, c in zip(records, map(decode, records), strict=True)
            if c is None} >= {"ACT", "GUARD", "CONTACT"}


def test_a_reply_is_the_agent_message_and_its_conversation(service, tap, team):
    cid = service.receive(guest_says("I need a person")).conversation_id
    tap.read()
    reply = service.reply("h1", cid, team["Ana Lima"], "Bonjour Inès, je regarde.")
    changes = changes_of(tap.read())
    assert ("message", "h1", cid) in kinds(changes) and ("conversation", "h1", cid) in kinds(changes)
    (message,) = [c.message for c in changes if c.kind == "message"]
    assert message in service.messages("h1", cid, 10, None).items  # as stored (times to the millisecond)
    assert message.id == reply.id and message.text == reply.text and message.sender is Sender.AGENT and message.agent_id == team["Ana Lima"].id


def test_a_move_is_the_conversation_and_the_counts_without_a_message(service, tap, team):
    cid = service.receive(guest_says("I need a person")).conversation_id
    tap.read()
    service.close("h1", cid, team["Ana Lima"])
    assert kinds(changes_of(tap.read())) == [("conversation", "h1", cid), ("counts", "h1", None)]


def test_an_assignment_is_the_conversation_and_the_counts(service, tap, team, store):
    cid = service.receive(guest_says("I need a person")).conversation_id
    tap.read()
    ben = team["Ben Martin"]
    service.assign("h1", cid, team["Ana Lima"], ben.id)
    assert kinds(changes_of(tap.read())) == [("conversation", "h1", cid), ("counts", "h1", None)]
    assert store.team_counts("h1").mine(ben.id)[Tab.OPEN] == 1


def test_a_note_is_an_internal_message_and_no_counts(service, tap, team):
    cid = service.receive(guest_says("I need a person")).conversation_id
    tap.read()
    ben = team["Ben Martin"]
    note = service.add_note("h1", cid, team["Ana Lima"], "@Ben Martin can you take this one?")
    changes = changes_of(tap.read())
    assert kinds(changes) == [("conversation", "h1", cid), ("message", "h1", cid)]
    (message,) = [c.message for c in changes if c.kind == "message"]
    assert message in service.messages("h1", cid, 10, None).items
    assert message.id == note.id and message.internal and message.mentions == (ben.id,)


def test_a_message_that_changes_again_is_sent_again(service, tap, team, store):
    """Its delivery, for instance: consoles replace the message by its id."""
    cid = service.receive(guest_says("I need a person")).conversation_id
    reply = service.reply("h1", cid, team["Ana Lima"], "On it.")
    tap.read()
    store.update_delivery(reply, Delivery.FAILED, error="Expedia said no")
    records = tap.read()
    assert [r["eventName"] for r in records] == ["MODIFY"]
    (change,) = changes_of(records)
    assert change.kind == "message" and change.message.id == reply.id
    assert change.message.delivery is Delivery.FAILED and change.message.delivery_error == "Expedia said no"


def test_a_removed_conversation_is_a_conversation_change(service, tap, region):
    cid = service.receive(guest_says("I need a person")).conversation_id
    tap.read()
    boto3.client("dynamodb", region_name=region).delete_item(TableName=TABLE, Key={
        "pk": {"S": keys.conversation_pk("h1", cid)}, "sk": {"S": keys.CONVERSATION_SK}})
    (record,) = tap.read()
    assert record["eventName"] == "REMOVE" and "NewImage" not in record["dynamodb"]
    assert decode(record) == Change("h1", "conversation", cid)


def test_team_counts_are_every_agent_at_once_in_one_query(service, team, store, requests_sent):
    ana, ben = team["Ana Lima"], team["Ben Martin"]
    first = service.receive(guest_says("I need a person", thread="t1")).conversation_id
    second = service.receive(guest_says("I need a person", thread="t2")).conversation_id
    service.receive(guest_says("I need a person", thread="t3"))
    service.assign("h1", first, ana, ana.id)
    service.assign("h1", second, ana, ben.id)
    service.close("h1", second, ben)
    requests_sent.reset()
    counts = store.team_counts("h1")
    assert requests_sent.counts == {"Query": 1}
    assert counts.tabs[Tab.OPEN] == 2 and counts.tabs[Tab.CLOSED] == 1 and counts.tabs[Tab.ALL] == 3
    assert counts.mine(ana.id) == {Tab.OPEN: 1, Tab.ON_HOLD: 0, Tab.CLOSED: 0, Tab.SPAM: 0, Tab.ALL: 1}
    assert counts.mine(ben.id) == {Tab.OPEN: 0, Tab.ON_HOLD: 0, Tab.CLOSED: 1, Tab.SPAM: 0, Tab.ALL: 1}
    assert counts.unassigned[Tab.OPEN] == 1 and counts.mine("nobody-here") == dict.fromkeys(Tab, 0)
    # GET /inbox's counts are the same numbers, for one agent.
    inbox = store.inbox_counts("h1", ben.id)
    assert (inbox.tabs, inbox.mine, inbox.unassigned) == (counts.tabs, counts.mine(ben.id), counts.unassigned)
    assert store.team_counts("h-empty") == TeamCounts(dict.fromkeys(Tab, 0), dict.fromkeys(Tab, 0), {})


# --- records that cannot be read ------------------------------------------------------------------


@pytest.fixture(scope="module")
def captured():
    """One real record of each kind, {"message": ..., "conversation": ..., "counts": ...}, from a guest's
    conversation and an agent's reply written through the store (once for the module: records are data)."""
    region = os.environ["AWS_DEFAULT_REGION"]
    with mock_aws():
        boto3.client("dynamodb", region_name=region).create_table(**table_definition(TABLE, stream=True))
        store, tap, now = DynamoStore(TABLE, region), StreamTap(TABLE, region), datetime.now(UTC)
        c = open_one(store, "h1", "c1", now)
        at = now + timedelta(seconds=5)
        reply = Message(id="m1", conversation_id="c1", hotel_id="h1", direction=Direction.OUTBOUND,
                        sender=Sender.AGENT, text="On it.", sent_at=at, agent_id=AGENT.id, delivery=Delivery.PENDING)
        store.commit(c, apply(c, AgentReply(AGENT, "On it.", at)).conversation, [], [reply])
        found: dict[str, dict] = {}
        for record in tap.read():
            change = decode(record)
            if change is not None:
                found.setdefault(change.kind, record)
    assert set(found) == {"message", "conversation", "counts"}
    return found


def broken(record, edit):
    record = copy.deepcopy(record)
    edit(record)
    return record


@pytest.mark.parametrize(("kind", "edit", "reason"), [
    ("message", lambda r: r["dynamodb"].pop("NewImage"), "without a NewImage"),
    ("message", lambda r: r["dynamodb"]["NewImage"].pop("sent_at"), "sent_at"),
    ("message", lambda r: r["dynamodb"]["NewImage"].update(sent_at={"S": "yesterday"}), "sent_at"),
    ("message", lambda r: r["dynamodb"]["NewImage"].update(direction={"S": "sideways"}), "direction"),
    ("message", lambda r: r["dynamodb"]["NewImage"].update(hotel_id={"S": "h2"}), "the message says hotel 'h2'"),
    ("message", lambda r: r["dynamodb"]["Keys"].update(pk={"S": "HOTEL#h1"}), "not a conversation's partition key"),
    ("conversation", lambda r: r["dynamodb"]["NewImage"].update(hotel_id={"S": "h2"}), "hotel_id is 'h2'"),
    ("conversation", lambda r: r["dynamodb"]["Keys"].update(pk={"S": "CONV#c1"}), "not a conversation's partition"),
    ("conversation", lambda r: r["dynamodb"]["Keys"].pop("sk"), "Keys.sk"),
    ("conversation", lambda r: r["dynamodb"].update(Keys={"pk": {"N": "1"}, "sk": {"S": "CONVERSATION"}}), "Keys.pk"),
    ("conversation", lambda r: r.update(eventName="UPSERT"), "unknown eventName"),
    ("counts", lambda r: r["dynamodb"]["Keys"].update(pk={"S": "HOTEL#h1#CONV#c1"}), "not a hotel's counter shard"),
    ("counts", lambda r: r.pop("dynamodb"), "not a DynamoDB stream record"),
])
def test_a_record_of_ours_that_cannot_be_read_says_why(captured, kind, edit, reason):
    with pytest.raises(UnreadableChange, match=reason):
        decode(broken(captured[kind], edit))


def test_a_message_with_an_unreadable_attachment_is_sent_without_it_and_reported(captured):
    record = broken(captured["message"], lambda r: r["dynamodb"]["NewImage"].update(
        attachments={"L": [{"M": {"id": {"S": "f1"}}}]}))
    reported = []
    change = decode(record, on_unreadable=lambda key, error: reported.append((key, str(error))))
    assert change is not None and change.kind == "message" and change.message.attachments == ()
    assert len(reported) == 1 and "attachments[0]" in reported[0][1]


def test_a_record_that_is_not_a_mapping_cannot_be_read():
    with pytest.raises(UnreadableChange):
        decode("INSERT")  # type: ignore[arg-type]


# --- moto's transaction backup and the stream --------------------------------------------------------


def test_a_transaction_backup_shares_the_stream_records_instead_of_copying_them(service, tap, team, store, region):
    """The backup made before each TransactWriteItems (``local.moto_server``, installed for every test) copies
    the table's item maps only: the shard with every record stays one object, in a rolled back state too."""
    cid = service.receive(guest_says("I need a person")).conversation_id
    shard = moto_table(TABLE, region).stream_shard
    records = shard.items
    stale = service.conversation("h1", cid)
    service.close("h1", cid, team["Ana Lima"])
    tap.read()
    moved = apply(stale, Close(team["Ben Martin"], stale.updated_at + timedelta(seconds=1)))
    with pytest.raises(Conflict):  # written under an old version: the transaction fails and is rolled back
        store.commit(stale, moved.conversation, [moved.activity])
    table = moto_table(TABLE, region)
    assert table.stream_shard is shard and shard.items is records
    # Its activity and counter writes, applied before moto found the conflict, leave no record either.
    assert tap.read() == []
