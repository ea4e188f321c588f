"""How many DynamoDB requests each store operation sends, counted from botocore's events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.awsrequest import AWSResponse
from conversations_helpers import AGENT, open_one

from inbox.machine import Close, Hold, apply
from inbox.model import Tab


@pytest.fixture
def opened(store, now):
    return [open_one(store, "h1", f"c{n}", now + timedelta(minutes=n)) for n in range(30)]


def test_a_tab_page_is_one_query_on_its_index(store, opened, requests_sent):
    page = store.list_tab("h1", Tab.OPEN, limit=25)
    assert len(page.items) == 25
    (name, params), = requests_sent.calls
    assert name == "Query" and params["IndexName"] == "tab-open" and params["Limit"] == 26
    requests_sent.reset()
    store.list_tab("h1", Tab.OPEN, limit=25, cursor=page.next_cursor)
    assert requests_sent.counts == {"Query": 1}


def test_tab_counts_are_one_read(store, opened, requests_sent):
    counts = store.tab_counts("h1")
    assert counts[Tab.OPEN] == 30 and counts[Tab.ALL] == 30
    assert requests_sent.counts == {"Query": 1}


def test_a_change_of_status_is_one_transaction(store, opened, requests_sent, now):
    c = opened[0]
    outcome = apply(c, Hold(AGENT, now + timedelta(hours=1), now + timedelta(minutes=40)))
    store.commit(c, outcome.conversation, [outcome.activity])
    (name, params), = requests_sent.calls
    assert name == "TransactWriteItems"
    kinds = sorted(next(iter(item)) for item in params["TransactItems"])
    assert kinds == ["Put", "Update", "Update"]  # activity entry; conversation and counter shard


def test_a_transaction_conflict_is_retried_with_backoff(store, opened, requests_sent, now):
    """moto never raises TransactionConflict: inject one through botocore's before-call hook."""
    injected = []

    def conflict_once(model, **_):
        if model.name == "TransactWriteItems" and not injected:
            injected.append(1)
            error = {"Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
                     "CancellationReasons": [{"Code": "None"}, {"Code": "TransactionConflict"}, {"Code": "None"}],
                     "ResponseMetadata": {"HTTPStatusCode": 400}}
            return AWSResponse("https://dynamodb.invalid", 400, {}, None), error
        return None

    for client in store.botocore_clients():
        client.meta.events.register_first("before-call.dynamodb", conflict_once)
    c = opened[0]
    outcome = apply(c, Close(AGENT, now + timedelta(minutes=40)))
    store.commit(c, outcome.conversation, [outcome.activity])
    assert injected == [1]
    assert requests_sent.counts == {"TransactWriteItems": 2}
    assert store.get_conversation("h1", c.id).status.value == "closed"
    assert store.tab_counts("h1")[Tab.CLOSED] == 1
