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


class S3Counter:
    """Counts the S3 requests the function's client sends (presigning sends none)."""

    def __init__(self):
        self.names: list[str] = []
        from wiring.container import s3_client

        s3_client().meta.events.register("before-send.s3", lambda request, **_: self.names.append(request.method))


def test_files_cost_one_write_per_grant_one_batch_read_per_reply_and_no_request_to_list(api, bucket, counted):
    from attachment_helpers import grant, upload
    from sample_files import PDF, PNG

    s3 = S3Counter()
    grants, ids = [], []
    for data, content_type in ((PDF, "application/pdf"), (PNG, "image/png")):
        counted.reset()
        granted = grant(api, content_type=content_type, size=len(data))
        grants.append(dict(counted.counts))
        upload(granted.json, data, content_type)
        ids.append(granted.json["id"])
    counted.reset()
    s3.names.clear()
    sent = api.post(f"{C1}/messages", body={"text": "Voici", "attachment_ids": ids})
    reply_dynamodb, reply_s3 = dict(counted.counts), list(s3.names)
    counted.reset()
    s3.names.clear()
    listed = api.get(f"{C1}/messages")
    print(f"\ngrant: {grants[0]}; reply with 2 files: {reply_dynamodb}, S3 {reply_s3}; "
          f"list: {dict(counted.counts)}, S3 {s3.names}")

    assert sent.status == 201 and len(listed.json["items"][0]["attachments"]) == 2
    assert grants == [{"GetItem": 1, "PutItem": 1}] * 2  # the conversation, the upload
    assert reply_dynamodb == {"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 1}
    assert reply_s3 == ["HEAD", "HEAD"]  # each file is there, of its type and size
    assert dict(counted.counts) == {"Query": 1} and s3.names == []  # links are signed, not fetched


def test_a_partner_message_with_two_files_costs_the_dynamodb_requests_of_one_without_and_two_puts(api, bucket,
                                                                                                  counted):
    from lobby_env import PARTNER
    from sample_files import PDF, PNG
    from test_partner_files import file
    from test_partner_routes import INBOUND, message

    s3 = S3Counter()
    api.post(INBOUND, body=message(external_conversation_id="wa-1", external_message_id="m-1"), as_=PARTNER)
    counted.reset()
    api.post(INBOUND, body=message(external_conversation_id="wa-2", external_message_id="m-2"), as_=PARTNER)
    without = dict(counted.counts)
    counted.reset()
    s3.names.clear()
    accepted = api.post(INBOUND, as_=PARTNER, body=message(
        external_conversation_id="wa-3", external_message_id="m-3",
        attachments=[file("a.pdf", "application/pdf", PDF), file("b.png", "image/png", PNG)]))
    print(f"\ninbound without files: {without}; with two: {dict(counted.counts)}, S3 {s3.names}")

    assert accepted.status == 202
    assert dict(counted.counts) == without  # the files ride on the message item
    assert s3.names == ["PUT", "PUT"]
