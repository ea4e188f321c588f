"""The DynamoDB store on moto: tab indexes, pages, counters, optimistic locking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from conversations_helpers import AGENT, create, index_members, open_one, step
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.bot import Answer, HandOff, HandoffReason
from inbox.errors import Conflict, InvalidInput, NotFound, TransitionNotAllowed
from inbox.machine import AgentReply, Close, GuestMessage, Hold, MarkNotSpam, MarkSpam, Reopen, WakeUp, apply
from inbox.model import Delivery, Direction, Message, Sender, Status, Tab, tabs_of
from store.dynamo import DynamoStore
from store.schema import TAB_INDEXES, table_definition


def tabs_holding(table, region, hotel_id, conversation_id) -> set[Tab]:
    return {tab for tab in Tab if conversation_id in index_members(table, region, tab, hotel_id)}


def test_index_membership_after_every_transition(store, table, region, now):
    c = create(store, "h1", "c1", now)
    seen = [(c.status, tabs_holding(table, region, "h1", "c1"))]
    events = [
        GuestMessage("a person please", now + timedelta(seconds=1), HandOff(HandoffReason.HUMAN_REQUESTED)),
        Hold(AGENT, now + timedelta(hours=1), now + timedelta(seconds=2), token="t1"),
        WakeUp("t1", now + timedelta(seconds=3)),
        Close(AGENT, now + timedelta(seconds=4)),
        Reopen(AGENT, now + timedelta(seconds=5)),
        MarkSpam(AGENT, now + timedelta(seconds=6)),
        MarkNotSpam(AGENT, now + timedelta(seconds=7)),
        Close(AGENT, now + timedelta(seconds=8)),
        AgentReply(AGENT, "Back to you", now + timedelta(seconds=9)),
    ]
    for event in events:
        c = step(store, c, event)
        seen.append((c.status, tabs_holding(table, region, "h1", "c1")))
    for status, tabs in seen:
        assert tabs == set(tabs_of(status)), status
    assert [s for s, _ in seen] == ["bot", "open", "on_hold", "open", "closed", "open", "spam", "open", "closed", "open"]


def test_leaving_a_tab_removes_its_keys_and_never_sends_null(store, requests_sent, now):
    c = open_one(store, "h1", "c1", now)
    requests_sent.reset()
    step(store, c, Hold(AGENT, now + timedelta(hours=1), now + timedelta(seconds=5)))
    (name, params), = requests_sent.calls
    assert name == "TransactWriteItems"
    update = next(i["Update"] for i in params["TransactItems"]
                  if "Update" in i and i["Update"]["Key"]["sk"] == {"S": "CONVERSATION"})
    expression = update["UpdateExpression"]
    names = update["ExpressionAttributeNames"]
    removed = {names[token.strip(",")] for token in expression.split("REMOVE", 1)[1].split() if token.startswith("#")}
    assert {"open_pk", "open_sk"} <= removed
    index_keys = {a for spec in TAB_INDEXES.values() for a in (spec.partition_key, spec.sort_key)}
    for _call, call_params in requests_sent.calls:
        assert "NULL" not in str(call_params), "an index key (or anything) was written as NULL"
    raw = boto3.client("dynamodb").get_item(TableName=store.table_name,
                                            Key={"pk": {"S": "HOTEL#h1#CONV#c1"}, "sk": {"S": "CONVERSATION"}})["Item"]
    assert {k for k in raw if k in index_keys} == {"on_hold_pk", "on_hold_sk", "all_pk", "all_sk"}


def test_three_pages_of_a_tab_nothing_missing_nothing_twice(store, now):
    ids = [f"c{i:02d}" for i in range(25)]
    for n, cid in enumerate(ids):
        open_one(store, "h1", cid, now + timedelta(minutes=n))
    open_one(store, "h-other", "c-elsewhere", now)
    seen, cursor, pages = [], None, 0
    while True:
        page = store.list_tab("h1", Tab.OPEN, limit=10, cursor=cursor)
        pages += 1
        seen += [c.id for c in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == 3
    assert seen == list(reversed(ids))  # newest last message first, each once, other hotel absent


def test_last_page_has_no_cursor_when_it_is_exactly_full(store, now):
    for n in range(4):
        open_one(store, "h1", f"c{n}", now + timedelta(minutes=n))
    first = store.list_tab("h1", Tab.OPEN, limit=2)
    second = store.list_tab("h1", Tab.OPEN, limit=2, cursor=first.next_cursor)
    assert [c.id for c in first.items + second.items] == ["c3", "c2", "c1", "c0"]
    assert second.next_cursor is None


@pytest.mark.parametrize("cursor", ["not-base64!", "eyJ4IjoxfQ", "W10"])
def test_a_bad_cursor_is_invalid_input(store, cursor):
    with pytest.raises(InvalidInput):
        store.list_tab("h1", Tab.OPEN, limit=2, cursor=cursor)


def test_a_cursor_from_another_hotel_is_refused(store, now):
    for n in range(3):
        open_one(store, "h-other", f"c{n}", now + timedelta(minutes=n))
    foreign = store.list_tab("h-other", Tab.OPEN, limit=1).next_cursor
    with pytest.raises(InvalidInput):
        store.list_tab("h1", Tab.OPEN, limit=1, cursor=foreign)


def test_a_conversation_of_another_hotel_is_not_found(store, now):
    open_one(store, "h1", "c1", now)
    with pytest.raises(NotFound):
        store.get_conversation("h2", "c1")


def test_two_writers_one_wins_the_other_gets_conflict(store, now):
    c = open_one(store, "h1", "c1", now)
    agent_a = apply(c, Close(AGENT, now + timedelta(minutes=1)))
    agent_b = apply(c, Hold(AGENT, now + timedelta(hours=1), now + timedelta(minutes=1)))
    store.commit(c, agent_a.conversation, [agent_a.activity])
    with pytest.raises(Conflict) as lost:
        store.commit(c, agent_b.conversation, [agent_b.activity])
    assert lost.value.status == "closed"
    assert store.get_conversation("h1", "c1").status is Status.CLOSED
    assert [a.type for a in store.list_activity("h1", "c1", 10).items].count("held") == 0
    assert store.tab_counts("h1")[Tab.ON_HOLD] == 0


def test_messages_and_activity_are_paged_newest_first(store, now):
    c = open_one(store, "h1", "c1", now)
    for n in range(5):
        at = now + timedelta(minutes=n + 1)
        outcome = apply(c, AgentReply(AGENT, f"reply {n}", at))
        message = Message(id=f"m{n}", conversation_id="c1", hotel_id="h1", direction=Direction.OUTBOUND,
                          sender=Sender.AGENT, text=f"reply {n}", sent_at=at, agent_id=AGENT.id,
                          delivery=Delivery.PENDING)
        c = store.commit(c, outcome.conversation, [], [message])
    first = store.list_messages("h1", "c1", limit=3)
    rest = store.list_messages("h1", "c1", limit=3, cursor=first.next_cursor)
    assert [m.text for m in first.items + rest.items] == [f"reply {n}" for n in (4, 3, 2, 1, 0)]
    assert rest.next_cursor is None
    assert [a.type for a in store.list_activity("h1", "c1", 10).items] == ["handed_off", "created"]


TRANSITIONS = st.lists(
    st.tuples(st.integers(0, 19), st.sampled_from(["guest", "reply", "hold", "wake", "close", "reopen", "spam", "not_spam"])),
    min_size=200, max_size=200,
)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(moves=TRANSITIONS)
def test_counters_equal_a_recount_from_the_indexes(aws, region, moves):

    name = f"counters-{id(moves)}"
    boto3.client("dynamodb", region_name=region).create_table(**table_definition(name))
    store = DynamoStore(name, region)
    clock = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    convs = {n: create(store, "h1", f"c{n}", clock) for n in range(20)}
    for n, (index, move) in enumerate(moves):
        at = clock + timedelta(minutes=n + 1)
        c = convs[index]
        event = {
            "guest": GuestMessage("hi", at, HandOff(HandoffReason.BOT_UNANSWERED) if n % 2 else Answer("a", "e", 1, "en")),
            "reply": AgentReply(AGENT, "ok", at),
            "hold": Hold(AGENT, at + timedelta(hours=2), at),
            "wake": WakeUp(c.hold_token or "none", at),
            "close": Close(AGENT, at), "reopen": Reopen(AGENT, at),
            "spam": MarkSpam(AGENT, at), "not_spam": MarkNotSpam(AGENT, at),
        }[move]
        try:
            outcome = apply(c, event)
        except TransitionNotAllowed:
            continue
        if outcome.changed:
            convs[index] = store.commit(c, outcome.conversation, [outcome.activity] if outcome.activity else [])
    counts = store.tab_counts("h1")
    for tab in Tab:
        assert counts[tab] == len(index_members(name, region, tab, "h1")), tab
    assert counts[Tab.ALL] + counts[Tab.SPAM] == 20
