"""Files on replies through the API, on moto's S3: the grant, the browser's presigned POST, the reply
that names the upload, and the links every message list carries (only for the hotel's own callers)."""

from __future__ import annotations

import json

import boto3
import pytest
import requests
from attachment_helpers import grant, messages, upload, uploaded
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lobby_env import OTHER_AGENT
from sample_files import PDF, PNG

from inbox.attachments import ALLOWED_CONTENT_TYPES, MAX_ATTACHMENT_BYTES


def test_an_agent_attaches_a_pdf_uploaded_straight_to_storage_and_every_list_links_to_it(api, opened, bucket):
    granted = grant(api)
    assert granted.status == 201
    assert granted.json["id"] and granted.json["upload"]["url"]
    assert granted.json["upload"]["fields"]["key"] == f"hotels/h1/conversations/c1/{granted.json['id']}"
    assert upload(granted.json, PDF, "application/pdf").status_code in (200, 201, 204)

    sent = api.post("/v1/hotels/h1/conversations/c1/messages", body={"attachment_ids": [granted.json["id"]]})

    assert sent.status == 201, sent.json
    assert sent.json["text"] == ""
    (file,) = sent.json["attachments"]
    assert {k: file[k] for k in ("id", "name", "content_type", "size", "available", "reason")} == {
        "id": granted.json["id"], "name": "plan.pdf", "content_type": "application/pdf", "size": len(PDF),
        "available": True, "reason": None}
    listed = next(m for m in messages(api).json["items"] if m["id"] == sent.json["id"])
    (link,) = [a["url"] for a in listed["attachments"]]
    fetched = requests.get(link, timeout=10)
    assert fetched.status_code == 200 and fetched.content == PDF
    assert fetched.headers["Content-Type"] == "application/pdf"
    conversation = api.get("/v1/hotels/h1/conversations/c1").json
    assert "plan.pdf" in conversation["last_message_preview"]  # a files-only reply still previews something


def test_a_reply_with_text_and_two_files_keeps_them_in_order(api, opened, bucket):
    ids = [uploaded(api), uploaded(api, data=PNG, content_type="image/png", name="room.png")]

    sent = api.post("/v1/hotels/h1/conversations/c1/messages", body={"text": "Voici", "attachment_ids": ids})

    assert sent.status == 201
    assert [a["id"] for a in sent.json["attachments"]] == ids
    assert [a["name"] for a in sent.json["attachments"]] == ["plan.pdf", "room.png"]


def test_another_hotels_caller_never_gets_a_link(api, opened, elsewhere, bucket):
    theirs = uploaded(api, "c1")
    assert api.post("/v1/hotels/h1/conversations/c1/messages", body={"attachment_ids": [theirs]}).status == 201

    other_hotel = messages(api, "c1", as_=OTHER_AGENT)  # an agent of h2 asks for h1's conversation
    under_mine = messages(api, "c1", hotel="h2", as_=OTHER_AGENT)  # ... or for it under h2

    assert other_hotel.status == 403 and under_mine.status == 404
    for reply in (other_hotel, under_mine):
        assert "X-Amz-Signature" not in json.dumps(reply.json) and theirs not in json.dumps(reply.json)


def test_an_upload_granted_on_another_conversation_is_422_and_nothing_is_stored_or_sent(
        api, opened, expedia_conversation, bucket, outbound_queue, region):
    granted_on_c1 = uploaded(api, "c1")
    before = api.get("/v1/hotels/h1/conversations/cx").json

    sent = api.post("/v1/hotels/h1/conversations/cx/messages", body={"text": "here", "attachment_ids": [granted_on_c1]})

    assert sent.status == 422 and granted_on_c1 in sent.json["message"]
    assert api.get("/v1/hotels/h1/conversations/cx").json == before
    assert messages(api, "cx").json["items"] == []
    queued = boto3.client("sqs", region_name=region).receive_message(QueueUrl=outbound_queue, WaitTimeSeconds=0)
    assert "Messages" not in queued  # nothing went out to Expedia


def test_an_upload_of_another_hotel_is_422_even_with_the_same_conversation_id(api, store, hotels, now, bucket):
    from conversations_helpers import open_one

    open_one(store, "h1", "same", now)
    open_one(store, "h2", "same", now)
    granted_in_h2 = uploaded(api, "same", hotel="h2", as_=OTHER_AGENT)  # h1's agent names it on h1's "same"

    sent = api.post("/v1/hotels/h1/conversations/same/messages", body={"attachment_ids": [granted_in_h2]})

    assert sent.status == 422
    assert messages(api, "same").json["items"] == []


def test_an_upload_never_completed_is_422_and_nothing_is_stored(api, opened, bucket):
    granted = grant(api)
    before = messages(api).json["items"]

    sent = api.post("/v1/hotels/h1/conversations/c1/messages", body={"attachment_ids": [granted.json["id"]]})

    assert sent.status == 422 and "never uploaded" in sent.json["message"]
    assert messages(api).json["items"] == before


@pytest.mark.parametrize(("data", "content_type"), [(PDF + b"more than granted", "application/pdf"),
                                                     (PDF, "text/html")],
                         ids=["larger than granted", "another type than granted"])
def test_a_file_other_than_the_one_granted_is_422_at_the_reply(api, opened, bucket, data, content_type):
    """The policy refuses these in S3; moto's S3 does not enforce it, so the reply's own check is what
    this shows: a file that is not the one granted is never sent."""
    granted = grant(api, size=len(PDF))
    upload(granted.json, data, content_type)
    before = messages(api).json["items"]

    sent = api.post("/v1/hotels/h1/conversations/c1/messages", body={"attachment_ids": [granted.json["id"]]})

    assert sent.status == 422 and "not the file that was granted" in sent.json["message"]
    assert messages(api).json["items"] == before


@pytest.mark.parametrize(("overrides", "says"), [
    ({"content_type": "text/html"}, "cannot be attached"),
    ({"content_type": "application/x-msdownload"}, "cannot be attached"),
    ({"size": MAX_ATTACHMENT_BYTES + 1}, "size"),
    ({"size": 0}, "size"),
    ({"size": -5}, "size"),
    ({"size": "12"}, "size"),
    ({"size": True}, "size"),
    ({"name": ""}, "name"),
    ({"name": ".."}, "name"),
    ({"name": "/"}, "name"),
    ({"name": "\u0000\u0007"}, "name"),
    ({"name": "x" * 201 + ".pdf"}, "name"),
])
def test_a_file_that_may_not_be_attached_gets_422_with_a_message(api, opened, bucket, overrides, says):
    reply = grant(api, **overrides)
    assert reply.status == 422
    assert says in reply.json["message"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content_type=st.sampled_from(sorted(ALLOWED_CONTENT_TYPES)) | st.text(max_size=40),
       size=st.integers(min_value=-10, max_value=MAX_ATTACHMENT_BYTES + 10) | st.integers())
def test_a_grant_answers_201_exactly_for_an_allowed_type_of_1_byte_to_5_mb(api, opened, bucket, content_type, size):
    reply = grant(api, content_type=content_type, size=size)
    allowed = content_type in ALLOWED_CONTENT_TYPES and 1 <= size <= MAX_ATTACHMENT_BYTES
    assert reply.status == (201 if allowed else 422), reply.json


def test_a_grant_for_a_conversation_outside_the_hotel_is_404_and_for_another_hotel_403(api, opened, elsewhere, bucket):
    assert grant(api, "nope").status == 404
    assert grant(api, "c-h2").status == 404
    assert grant(api, "c-h2", hotel="h2").status == 403


@pytest.mark.parametrize(("body", "says"), [
    ({}, "blank"),
    ({"text": ""}, "blank"),
    ({"text": "   ", "attachment_ids": ["att_1"]}, "blank"),
    ({"text": "hi", "attachment_ids": [f"att_{n}" for n in range(11)]}, "10"),
    ({"text": "hi", "attachment_ids": ["att_1", "att_1"]}, "twice"),
    ({"text": "hi", "attachment_ids": ["../../etc"]}, "attachment_ids"),
])
def test_a_reply_without_text_or_files_or_with_too_many_is_422(api, opened, bucket, body, says):
    reply = api.post("/v1/hotels/h1/conversations/c1/messages", body=body)
    assert reply.status == 422
    assert says in reply.json["message"]
