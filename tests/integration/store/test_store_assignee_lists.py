"""Tabs filtered by assignee and the Open tab by waiting time: one Query a page on the right index;
index key attributes REMOVED (not null) when a conversation leaves a view."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conversations_helpers import AGENT, open_one, step
from team_store_helpers import ANA, BEN, assign_to, query_ids, raw_conversation, waiting_ids

from inbox.errors import InvalidInput
from inbox.machine import AgentReply, Close, Hold, MarkSpam
from inbox.model import UNASSIGNED, ListOrder, Tab
from store.schema import OPEN_WAITING, TEAM_ALL, TEAM_TAB, TEAM_WAITING


@pytest.fixture
def team(store, now):
    """Six open conversations: c0, c1 Ana's, c2 Ben's, c3..c5 nobody's."""
    made = [open_one(store, "h1", f"c{n}", now + timedelta(minutes=n)) for n in range(6)]
    made[0] = assign_to(store, made[0], ANA, now + timedelta(hours=1), AGENT)
    made[1] = assign_to(store, made[1], ANA, now + timedelta(hours=1), AGENT)
    made[2] = assign_to(store, made[2], BEN, now + timedelta(hours=1), AGENT)
    return made


def ids(page):
    return [c.id for c in page.items]


def test_each_assignee_filter_is_one_query_on_its_index(store, team, requests_sent):
    assert ids(store.list_tab("h1", Tab.OPEN, 25, assignee=ANA.id)) == ["c1", "c0"]
    assert ids(store.list_tab("h1", Tab.OPEN, 25, assignee=UNASSIGNED)) == ["c5", "c4", "c3"]
    assert ids(store.list_tab("h1", Tab.ALL, 25, assignee=BEN.id)) == ["c2"]
    assert ids(store.list_tab("h1", Tab.OPEN, 25)) == ["c5", "c4", "c3", "c2", "c1", "c0"]
    assert [p["IndexName"] for _, p in requests_sent.calls] == ["team-tab", "team-tab", "team-all", "tab-open"]
    assert requests_sent.counts == {"Query": 4}


def test_assignee_pages_follow_their_cursor(store, team, requests_sent):
    first = store.list_tab("h1", Tab.OPEN, 2, assignee=UNASSIGNED)
    second = store.list_tab("h1", Tab.OPEN, 2, first.next_cursor, assignee=UNASSIGNED)
    assert ids(first) == ["c5", "c4"] and ids(second) == ["c3"] and second.next_cursor is None
    assert requests_sent.counts == {"Query": 2}
    with pytest.raises(InvalidInput):  # a cursor of another view is refused, not followed
        store.list_tab("h1", Tab.OPEN, 2, first.next_cursor, assignee=ANA.id)
    with pytest.raises(InvalidInput):
        store.list_tab("h1", Tab.ALL, 2, first.next_cursor, assignee=UNASSIGNED)


def test_an_agents_spam_is_empty_without_a_request(store, team, requests_sent, now):
    spam = step(store, team[3], MarkSpam(AGENT, now + timedelta(hours=2)))
    requests_sent.reset()
    assert store.list_tab("h1", Tab.SPAM, 25, assignee=ANA.id).items == []
    assert requests_sent.calls == []
    assert ids(store.list_tab("h1", Tab.SPAM, 25, assignee=UNASSIGNED)) == [spam.id]
    assert requests_sent.calls[0][1]["IndexName"] == "tab-spam"


def test_moving_removes_the_keys_of_the_views_it_leaves(store, team, now, table, region):
    c = step(store, team[0], Close(AGENT, now + timedelta(hours=2)))
    raw = raw_conversation(table, region, "h1", c.id)
    assert raw["team_tab_pk"] == {"S": "h1#agent-ana#closed"} and raw["team_all_pk"] == {"S": "h1#agent-ana"}
    for gone in ("open_pk", "open_sk", OPEN_WAITING.partition_key, OPEN_WAITING.sort_key, TEAM_WAITING.partition_key):
        assert gone not in raw  # removed, not null (AWS refuses a null index key)
    c = assign_to(store, c, None, now + timedelta(hours=3), AGENT)
    raw = raw_conversation(table, region, "h1", c.id)
    assert raw["team_tab_pk"] == {"S": "h1#-#closed"} and "assignee_id" not in raw and "assignee_name" not in raw
    c = step(store, store.get_conversation("h1", "c3"), MarkSpam(AGENT, now + timedelta(hours=3)))
    raw = raw_conversation(table, region, "h1", c.id)
    assert not {TEAM_ALL.partition_key, TEAM_TAB.partition_key, TEAM_TAB.sort_key, "all_pk", "all_sk"} & set(raw)
    assert not any("NULL" in value for value in raw.values())
    assert query_ids(table, region, TEAM_TAB.name, TEAM_TAB.partition_key, "h1#-#open") == ["c4", "c5"]


def test_the_assignee_reads_back(store, team):
    c = store.get_conversation("h1", "c2")
    assert c.assignee == BEN
    assert store.get_conversation("h1", "c3").assignee is None


def test_waiting_longest_first_then_those_nobody_waits_on(store, team, now, requests_sent, table, region):
    answered = step(store, store.get_conversation("h1", "c4"), AgentReply(AGENT, "Bonjour", now + timedelta(hours=2)))
    assert answered.waiting_since is None
    requests_sent.reset()
    page = store.list_tab("h1", Tab.OPEN, 25, order=ListOrder.WAITING)
    assert ids(page) == ["c0", "c1", "c2", "c3", "c5", "c4"]  # c4 answered: after every waiting guest
    (_, params), = requests_sent.calls
    assert params["IndexName"] == "open-waiting" and params["ScanIndexForward"] is True
    requests_sent.reset()
    first = store.list_tab("h1", Tab.OPEN, 1, order=ListOrder.WAITING, assignee=UNASSIGNED)
    rest = store.list_tab("h1", Tab.OPEN, 5, first.next_cursor, order=ListOrder.WAITING, assignee=UNASSIGNED)
    assert ids(first) + ids(rest) == ["c3", "c5", "c4"]
    assert [p["IndexName"] for _, p in requests_sent.calls] == ["team-waiting", "team-waiting"]
    assert waiting_ids(table, region, "h1", ANA.id) == ["c0", "c1"]
    held = step(store, store.get_conversation("h1", "c0"),
                Hold(AGENT, now + timedelta(days=1), now + timedelta(hours=3)))
    assert waiting_ids(table, region, "h1", ANA.id) == ["c1"] and held.status.value == "on_hold"
    with pytest.raises(InvalidInput):
        store.list_tab("h1", Tab.CLOSED, 25, order=ListOrder.WAITING)
