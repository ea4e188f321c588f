"""Read marks: top-level ``read@<agent>`` attributes of the conversation item, one UpdateItem a mark,
only moving forward, written by commit when they change, never bumping the version."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest
from conversations_helpers import AGENT, GUEST, open_one
from team_store_helpers import ANA, BEN, raw_conversation

from inbox.errors import NotFound
from inbox.machine import start_conversation
from inbox.model import Direction, Message, Sender
from inbox.ports import Mention


def test_mark_read_is_one_update_that_only_moves_forward(store, now, requests_sent, table, region):
    c = open_one(store, "h1", "c1", now)
    requests_sent.reset()
    store.mark_read("h1", "c1", ANA.id, now + timedelta(minutes=5))
    assert requests_sent.counts == {"UpdateItem": 1}
    store.mark_read("h1", "c1", ANA.id, now + timedelta(minutes=1))  # older: kept as it was
    read = store.get_conversation("h1", "c1")
    assert read.read_at[ANA.id] == (now + timedelta(minutes=5)).replace(microsecond=(now.microsecond // 1000) * 1000)
    assert read.version == c.version  # no version bump: a read mark never conflicts with a change
    assert raw_conversation(table, region, "h1", "c1")[f"read@{ANA.id}"]["S"].endswith("Z")
    assert not read.unread_for(ANA.id) and read.unread_for(BEN.id) == (read.attention_at is not None)


def test_mark_read_of_a_missing_conversation_is_not_found(store, now, table, region):
    with pytest.raises(NotFound):
        store.mark_read("h1", "nope", ANA.id, now)
    open_one(store, "h1", "c1", now)
    with pytest.raises(NotFound):  # another hotel's id is not this hotel's
        store.mark_read("h2", "c1", ANA.id, now)
    assert "Item" not in boto3.client("dynamodb", region_name=region).get_item(
        TableName=table, Key={"pk": {"S": "HOTEL#h1#CONV#nope"}, "sk": {"S": "CONVERSATION"}})


def test_a_note_commit_writes_the_changed_marks_and_its_mentions(store, now, requests_sent, table, region):
    before = open_one(store, "h1", "c1", now)
    store.mark_read("h1", "c1", BEN.id, now + timedelta(minutes=1))
    at = now + timedelta(minutes=2)
    note = Message(id="n1", conversation_id="c1", hotel_id="h1", direction=Direction.OUTBOUND, sender=Sender.AGENT,
                   text="@Ben regarde", sent_at=at, agent_id=ANA.id, internal=True, mentions=(BEN.id,))
    after = before.evolve(attention_at=at, read_at={**before.read_at, ANA.id: at}, updated_at=at)
    requests_sent.reset()
    store.commit(before, after, [], [note], mentions=[Mention(BEN.id, "c1", "n1", at)])
    (name, params), = requests_sent.calls
    assert name == "TransactWriteItems" and len(params["TransactItems"]) == 3  # note, mention, conversation
    read = store.get_conversation("h1", "c1")
    assert set(read.read_at) == {ANA.id, BEN.id}  # Ben's mark (written meanwhile) survives: only Ana's changed
    assert not read.unread_for(ANA.id) and read.unread_for(BEN.id)
    stored = store.list_messages("h1", "c1", 5).items[0]
    assert stored.internal is True and stored.mentions == (BEN.id,)


def test_a_new_conversation_can_carry_read_marks(store, now):
    outcome = start_conversation(conversation_id="c9", hotel_id="h1", channel="webchat", at=now, actor=GUEST)
    store.commit(None, outcome.conversation.evolve(read_at={AGENT.id: now}), [outcome.activity])
    assert AGENT.id in store.get_conversation("h1", "c9").read_at


def test_an_unreadable_mark_reads_as_never_read(store, now, table, region):
    open_one(store, "h1", "c1", now)
    boto3.client("dynamodb", region_name=region).update_item(
        TableName=table, Key={"pk": {"S": "HOTEL#h1#CONV#c1"}, "sk": {"S": "CONVERSATION"}},
        UpdateExpression="SET #r = :v", ExpressionAttributeNames={"#r": f"read@{ANA.id}"},
        ExpressionAttributeValues={":v": {"S": "yesterday"}})
    assert store.get_conversation("h1", "c1").read_at == {}
