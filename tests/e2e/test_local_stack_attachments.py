"""The local stack's attachment bucket and reconciler, as the console's browser and a developer reach them.

The console (served on the stack's origin) uploads straight to moto's S3 with a presigned POST:
the browser first sends a CORS preflight, which must answer the console's origin and only it.
"""

from __future__ import annotations

import base64
import io
import json

import boto3
import pytest
import requests
from botocore.config import Config
from stack_client import ExpediaSim, StackAws, StackClient, new_id

from inbox.attachments import UPLOAD_GRANT_SECONDS, storage_key
from inbox.inbound import conversation_id_for
from infra import names
from storage.s3 import S3AttachmentStorage

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _storage(local_stack) -> S3AttachmentStorage:
    """The storage adapter on the stack's bucket, signed as the functions sign (SigV4, path-style on moto)."""
    client = boto3.client("s3", region_name=local_stack["region"], endpoint_url=local_stack["aws_endpoint_url"],
                          aws_access_key_id="testing", aws_secret_access_key="testing",
                          config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
    return S3AttachmentStorage(client, local_stack["attachments_bucket"])


def _preflight(url: str, origin: str) -> requests.Response:
    return requests.options(url, timeout=10, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})


def test_the_stack_has_the_attachment_bucket_private_and_encrypted(local_stack):
    s3 = StackAws(local_stack).client("s3")
    bucket = local_stack["attachments_bucket"]

    assert bucket == names.ATTACHMENTS_BUCKET
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values())
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"


def test_the_console_origin_may_upload_from_the_browser_and_no_other_origin(local_stack):
    console_origin = local_stack["api_url"]  # the console is served on the stack's own origin
    grant = _storage(local_stack).grant_upload(storage_key("lumiere", "c-e2e", "att_e2e"), "image/png", len(PNG),
                                               UPLOAD_GRANT_SECONDS, retention_days=730)

    allowed = _preflight(grant.url, console_origin)
    refused = _preflight(grant.url, "http://evil.example")
    upload = requests.post(grant.url, data=grant.fields, files={"file": ("a.png", PNG, "image/png")},
                           headers={"Origin": console_origin}, timeout=10)

    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == console_origin
    assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
    assert refused.status_code == 403  # the browser refuses the upload
    assert upload.status_code == 204
    assert upload.headers["Access-Control-Allow-Origin"] == console_origin  # the page may read the answer
    assert _storage(local_stack).read(storage_key("lumiere", "c-e2e", "att_e2e")) == PNG


@pytest.mark.parametrize(("data", "content_type", "status", "code"), [
    (PNG + b"\x00", "image/png", 400, "EntityTooLarge"),  # one byte more than granted
    (PNG, "text/html", 403, "AccessDenied"),  # another type than granted
])
def test_an_upload_that_breaks_its_policy_is_refused_as_s3_refuses_it(local_stack, data, content_type, status, code):
    """moto stores anything; the local stack checks the policy as S3 does, so the console's error path runs."""
    console_origin = local_stack["api_url"]
    storage = _storage(local_stack)
    key = storage_key("lumiere", "c-e2e", f"att_refused_{status}")
    grant = storage.grant_upload(key, "image/png", len(PNG), UPLOAD_GRANT_SECONDS, retention_days=730)

    answer = requests.post(grant.url, data={**grant.fields, "Content-Type": content_type},
                           files={"file": ("a.png", data, content_type)}, headers={"Origin": console_origin},
                           timeout=10)

    assert answer.status_code == status
    assert f"<Code>{code}</Code>" in answer.text
    assert answer.headers["Access-Control-Allow-Origin"] == console_origin  # the console can read why
    assert storage.stored(key) is None


def test_a_message_missed_during_an_outage_reaches_the_inbox_when_the_reconciler_runs_on_demand(local_stack):
    expedia = ExpediaSim(local_stack)
    agent = StackClient.as_agent(local_stack)
    thread = new_id("thr-outage")
    conversation = conversation_id_for(local_stack["demo"]["hotel_id"], "expedia", thread)
    requests.post(f"{local_stack['expedia_sim_url']}/outage", json={"callbacks": False}, timeout=10).raise_for_status()
    try:
        sent = expedia.traveler_writes(thread, "Le parking est-il couvert ?")
        missing = agent.get(f"/hotels/{agent.hotel}/conversations/{conversation}").status_code
        answer = requests.post(local_stack["reconcile_url"], timeout=120)
    finally:
        requests.post(f"{local_stack['expedia_sim_url']}/outage", json={"callbacks": True},
                      timeout=10).raise_for_status()

    assert missing == 404
    assert answer.status_code == 200, answer.text
    summary = answer.json()
    assert summary["queued"] >= 2  # the thread's creation and its message
    assert summary["undelivered"] == summary["queued"] + summary["unknown_property"] + summary["unreadable"]
    # The reconciler answers once the ingest took what it queued: the message is in the inbox now.
    stored = [m for m in agent.messages(conversation) if m["external_message_id"] == sent["messageId"]]
    assert len(stored) == 1 and stored[0]["text"] == "Le parking est-il couvert ?"
    assert requests.get(local_stack["reconcile_url"], timeout=10).status_code == 405


def test_an_expired_upload_grant_is_refused_as_s3_refuses_it():
    from datetime import UTC, datetime, timedelta

    from werkzeug.datastructures import FileStorage, MultiDict

    from local.s3_policy import refuse

    policy = {"expiration": "2026-01-01T00:00:00Z", "conditions": [{"bucket": "b"}, ["content-length-range", 1, 9]]}
    form = MultiDict({"policy": base64.b64encode(json.dumps(policy).encode()).decode(), "key": "k"})
    files = MultiDict({"file": FileStorage(io.BytesIO(b"1234"), "a.png")})
    moment = datetime(2026, 1, 1, tzinfo=UTC)

    assert refuse(form, files, bucket="b", now=moment - timedelta(seconds=1)) is None
    assert refuse(form, files, bucket="b", now=moment)[1:] == (
        "AccessDenied", "Invalid according to Policy: Policy expired.")
    assert refuse(form, files, bucket="other", now=moment - timedelta(seconds=1))[1] == "AccessDenied"
