"""Counts of everyone, mine and nobody's: one Query of the counter shards; after any sequence of moves and
assignments they equal a recount of the indexes themselves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
from conversations_helpers import AGENT, create, open_one, step
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from team_store_helpers import ANA, BEN, assign_to, recount

from inbox.errors import TransitionNotAllowed
from inbox.machine import AgentReply, Close, Hold, MarkNotSpam, MarkSpam, Reopen, Resume
from inbox.model import Tab
from store import keys


def test_counts_are_one_query_with_mine_and_unassigned(store, now, requests_sent):
    a = assign_to(store, open_one(store, "h1", "c1", now), ANA, now, AGENT)
    assign_to(store, open_one(store, "h1", "c2", now), BEN, now, AGENT)
    open_one(store, "h1", "c3", now)
    step(store, a, Close(AGENT, now + timedelta(minutes=1)))
    requests_sent.reset()
    counts = store.inbox_counts("h1", ANA.id)
    assert requests_sent.counts == {"Query": 1}
    assert counts.tabs == {Tab.OPEN: 2, Tab.ON_HOLD: 0, Tab.CLOSED: 1, Tab.SPAM: 0, Tab.ALL: 3}
    assert counts.mine == {Tab.OPEN: 0, Tab.ON_HOLD: 0, Tab.CLOSED: 1, Tab.SPAM: 0, Tab.ALL: 1}
    assert counts.unassigned == {Tab.OPEN: 1, Tab.ON_HOLD: 0, Tab.CLOSED: 0, Tab.SPAM: 0, Tab.ALL: 1}
    assert store.inbox_counts("h1", None).mine == dict.fromkeys(Tab, 0)
    assert store.tab_counts("h1") == counts.tabs


def test_a_move_with_an_assignee_is_one_update_of_one_shard(store, now, requests_sent):
    c = assign_to(store, open_one(store, "h1", "c1", now), ANA, now, AGENT)
    requests_sent.reset()
    step(store, c, Close(AGENT, now + timedelta(minutes=1)))
    (name, params), = requests_sent.calls
    shards = [i["Update"] for i in params["TransactItems"] if "Update" in i and "COUNTERS#" in str(i["Update"]["Key"])]
    assert name == "TransactWriteItems" and len(shards) == 1
    update = shards[0]
    assert sorted(update["ExpressionAttributeNames"].values()) == ["closed", "closed@agent-ana", "open", "open@agent-ana"]


def test_counters_written_before_assignment_existed_count_as_unassigned(store, now, table, region):
    """Old shards hold only "<tab>": every conversation they count is nobody's, with no migration."""
    boto3.client("dynamodb", region_name=region).put_item(TableName=table, Item={
        "pk": {"S": keys.hotel_pk("h1")}, "sk": {"S": keys.counter_sk(0)}, "open": {"N": "7"}, "all": {"N": "7"}})
    assign_to(store, open_one(store, "h1", "c1", now), ANA, now, AGENT)
    counts = store.inbox_counts("h1", ANA.id)
    assert counts.tabs[Tab.OPEN] == 8 and counts.mine[Tab.OPEN] == 1 and counts.unassigned[Tab.OPEN] == 7


def test_an_unreadable_counter_is_reported_and_skipped(store, now, table, region):
    reported = []
    store.on_unreadable = lambda key, error: reported.append(key)
    boto3.client("dynamodb", region_name=region).put_item(TableName=table, Item={
        "pk": {"S": keys.hotel_pk("h1")}, "sk": {"S": keys.counter_sk(1)}, "open@x": {"S": "lots"}})
    open_one(store, "h1", "c1", now)
    assert store.inbox_counts("h1", "x").unassigned[Tab.OPEN] == 1 and len(reported) == 1


T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
MOVES = st.lists(st.tuples(st.integers(0, 2), st.sampled_from(
    ["ana", "ben", "nobody", "reply", "hold", "close", "reopen", "spam", "not_spam", "resume"])), max_size=12)
_runs = iter(range(10_000))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=MOVES)
def test_counts_equal_a_recount_of_the_indexes_after_any_moves(store, table, region, moves):
    hotel_id = f"hyp{next(_runs)}"  # one table for every example: each gets its own hotel
    conversations = [open_one(store, hotel_id, f"c{n}", T0) if n else create(store, hotel_id, "c0", T0)
                     for n in range(3)]
    at = T0
    for which, move in moves:
        at += timedelta(minutes=1)
        c = conversations[which]
        try:
            if move in ("ana", "ben", "nobody"):
                conversations[which] = assign_to(store, c, {"ana": ANA, "ben": BEN}.get(move), at, AGENT)
                continue
            event = {"reply": AgentReply(AGENT, "Bonjour", at), "hold": Hold(AGENT, at + timedelta(days=1), at),
                     "close": Close(AGENT, at), "reopen": Reopen(AGENT, at), "spam": MarkSpam(AGENT, at),
                     "not_spam": MarkNotSpam(AGENT, at), "resume": Resume(AGENT, at)}[move]
            conversations[which] = step(store, c, event)
        except TransitionNotAllowed:
            continue
    tabs, per_agent, unassigned = recount(table, region, hotel_id, [ANA.id, BEN.id])
    for agent in (ANA.id, BEN.id):
        counts = store.inbox_counts(hotel_id, agent)
        assert counts.tabs == tabs and counts.mine == per_agent[agent] and counts.unassigned == unassigned
    stored = {c.id: store.get_conversation(hotel_id, c.id) for c in conversations}
    assert all(c.status.value != "spam" or c.assignee is None for c in stored.values())
