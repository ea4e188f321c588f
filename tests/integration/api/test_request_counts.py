"""DynamoDB requests per route, counted from botocore's events on the function's own clients.

The hotel's settings are read once a minute per warm function, so each route is called
once to warm it before counting.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conversations_helpers import open_one

from inbox.model import Contact

C1 = "/v1/hotels/h1/conversations/c1"
UNTIL = (datetime.now(UTC) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def counted(api, store, hotels, now):
    from conversations_helpers import RequestCounter

    from wiring.container import store as live_store

    for n in range(30):
        open_one(store, "h1", f"c{n + 1}", now - timedelta(minutes=60 - n))
    store.put_contact(Contact(id="g1", hotel_id="h1", channel="webchat", name="Guest"))
    c1 = store.get_conversation("h1", "c1")
    store.commit(c1, c1.evolve(contact_id="g1"), [])
    counter = RequestCounter()
    counter.attach(live_store())
    api.get("/v1/hotels/h1/conversations?tab=open")  # warms the hotel settings cache
    counter.reset()
    return counter


@pytest.mark.parametrize(("method", "target", "body", "expected"), [
    ("GET", "/v1/hotels/h1/inbox", None, {"Query": 1}),
    ("GET", "/v1/hotels/h1/conversations?tab=open&limit=25", None, {"Query": 1}),
    ("GET", "/v1/hotels/h1/conversations?tab=all&limit=100", None, {"Query": 1}),
    ("GET", C1, None, {"GetItem": 2}),  # the conversation and the guest's profile
    ("GET", f"{C1}/messages", None, {"Query": 1}),
    ("GET", f"{C1}/activity", None, {"Query": 1}),
    ("POST", f"{C1}/messages", {"text": "hello"}, {"GetItem": 1, "TransactWriteItems": 1}),
    ("POST", f"{C1}/hold", {"until": UNTIL}, {"GetItem": 1, "TransactWriteItems": 1}),
    ("POST", f"{C1}/close", None, {"GetItem": 1, "TransactWriteItems": 1}),
    ("POST", f"{C1}/spam", None, {"GetItem": 1, "TransactWriteItems": 1}),
])
def test_requests_per_route(api, counted, method, target, body, expected):
    reply = api.call(method, target, body=body)
    assert reply.status in (200, 201), reply.json
    assert counted.counts == expected
    assert "Scan" not in counted.counts


def test_reopen_and_not_spam_cost_the_same(api, counted):
    api.post(f"{C1}/close")
    counted.reset()
    api.post(f"{C1}/reopen")
    assert counted.counts == {"GetItem": 1, "TransactWriteItems": 1}
    api.post(f"{C1}/spam")
    counted.reset()
    api.post(f"{C1}/not-spam")
    assert counted.counts == {"GetItem": 1, "TransactWriteItems": 1}
