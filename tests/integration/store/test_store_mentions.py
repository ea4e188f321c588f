"""The Mentions view: one Query of the agent's mention items and one BatchGetItem, newest mention first,
each conversation once, with a cursor; conversations gone or unreadable are left out."""

from __future__ import annotations

import itertools
from datetime import timedelta

import boto3
import pytest
from conversations_helpers import open_one
from team_store_helpers import ANA, BEN

from inbox.errors import InvalidInput
from inbox.model import Direction, Message, Sender
from inbox.ports import Mention

_ids = itertools.count(1)


def note(store, conversation_id, at, *mentioned):
    number = next(_ids)
    before = store.get_conversation("h1", conversation_id)
    message = Message(id=f"n{number}", conversation_id=conversation_id, hotel_id="h1", direction=Direction.OUTBOUND,
                      sender=Sender.AGENT, text="note", sent_at=at, agent_id=BEN.id, internal=True,
                      mentions=tuple(mentioned))
    store.commit(before, before.evolve(attention_at=at, updated_at=at), [], [message],
                 mentions=[Mention(a, conversation_id, message.id, at) for a in mentioned])


@pytest.fixture
def mentioned(store, now):
    for n in range(4):
        open_one(store, "h1", f"c{n}", now)
    note(store, "c0", now + timedelta(minutes=1), ANA.id)
    note(store, "c1", now + timedelta(minutes=2), ANA.id, BEN.id)
    note(store, "c0", now + timedelta(minutes=3), ANA.id)
    note(store, "c2", now + timedelta(minutes=4), BEN.id)
    note(store, "c3", now + timedelta(minutes=5), ANA.id)


def test_newest_mention_first_each_conversation_once(store, mentioned, requests_sent):
    page = store.list_mentions("h1", ANA.id, 25)
    assert [c.id for c in page.items] == ["c3", "c0", "c1"] and page.next_cursor is None
    assert requests_sent.counts == {"Query": 1, "BatchGetItem": 1}
    assert [c.id for c in store.list_mentions("h1", BEN.id, 25).items] == ["c2", "c1"]
    requests_sent.reset()
    assert store.list_mentions("h1", "agent-nobody", 25).items == []
    assert requests_sent.counts == {"Query": 1}


def test_pages_follow_the_cursor(store, mentioned, requests_sent):
    first = store.list_mentions("h1", ANA.id, 2)
    assert [c.id for c in first.items] == ["c3", "c0"] and first.next_cursor
    second = store.list_mentions("h1", ANA.id, 2, first.next_cursor)
    assert [c.id for c in second.items] == ["c1"]
    assert requests_sent.counts == {"Query": 2, "BatchGetItem": 2}
    with pytest.raises(InvalidInput):  # another agent's cursor
        store.list_mentions("h1", BEN.id, 2, first.next_cursor)


def test_a_gone_conversation_is_left_out(store, mentioned, table, region):
    boto3.client("dynamodb", region_name=region).delete_item(
        TableName=table, Key={"pk": {"S": "HOTEL#h1#CONV#c3"}, "sk": {"S": "CONVERSATION"}})
    assert [c.id for c in store.list_mentions("h1", ANA.id, 25).items] == ["c0", "c1"]


def test_get_conversations_keeps_the_order_asked(store, now, requests_sent, table, region):
    for n in range(3):
        open_one(store, "h1", f"c{n}", now)
    boto3.client("dynamodb", region_name=region).update_item(
        TableName=table, Key={"pk": {"S": "HOTEL#h1#CONV#c1"}, "sk": {"S": "CONVERSATION"}},
        UpdateExpression="REMOVE #s", ExpressionAttributeNames={"#s": "status"})
    reported = []
    store.on_unreadable = lambda key, error: reported.append(key)
    requests_sent.reset()
    found = store.get_conversations("h1", ["c2", "nope", "c1", "c0", "c2"])
    assert [c.id for c in found] == ["c2", "c0"] and len(reported) == 1
    assert requests_sent.counts == {"BatchGetItem": 1}
    requests_sent.reset()
    assert store.get_conversations("h1", []) == [] and requests_sent.calls == []
    assert store.get_conversations("h2", ["c0"]) == []
