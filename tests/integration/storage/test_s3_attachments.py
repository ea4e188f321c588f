"""The S3 attachment storage on moto: the browser's presigned POST, HEAD, the presigned GET and its headers.

moto does not enforce a POST policy, so the policy's conditions are decoded and asserted: AWS
enforces exactly what is written there.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote, urlparse

import boto3
import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from inbox.attachments import LINK_SECONDS, UPLOAD_GRANT_SECONDS, StoredFile, storage_key
from storage.s3 import content_disposition

BUCKET = "lobby-attachments-test"
PDF = b"%PDF-1.7\n" + b"x" * 2048
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.fixture
def files(aws, region, configure):
    """The storage exactly as the composition root builds it, on a moto bucket."""
    boto3.client("s3", region_name=region).create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": region})
    configure(attachments_bucket=BUCKET, aws_region=region)
    from wiring import container

    return container.files()


def policy_of(fields: dict[str, str]) -> dict:
    return json.loads(base64.b64decode(fields["policy"]))


def test_the_upload_grant_lets_the_browser_post_exactly_that_file(files):
    key = storage_key("h1", "c1", "att_1")
    grant = files.grant_upload(key, "application/pdf", len(PDF), UPLOAD_GRANT_SECONDS, retention_days=730)

    answer = requests.post(grant.url, data=grant.fields, files={"file": ("stay.pdf", PDF, "application/pdf")},
                           timeout=10)

    assert answer.status_code in (200, 201, 204), answer.text
    assert files.stored(key) == StoredFile(size=len(PDF), content_type="application/pdf")
    assert files.read(key) == PDF


def test_the_upload_policy_fixes_key_type_size_and_five_minutes(files):
    key = storage_key("h1", "c1", "att_2")
    before = datetime.now(UTC)
    grant = files.grant_upload(key, "image/png", 1234, UPLOAD_GRANT_SECONDS, retention_days=730)
    policy = policy_of(grant.fields)
    conditions = policy["conditions"]

    assert {"bucket": BUCKET} in conditions
    assert {"key": key} in conditions  # exactly this key, not a prefix
    assert not any(isinstance(c, list) and c[0] == "starts-with" for c in conditions)
    assert {"Content-Type": "image/png"} in conditions
    assert ["content-length-range", 1, 1234] in conditions
    assert grant.fields["Content-Type"] == "image/png"
    assert grant.fields["key"] == key
    assert grant.fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"  # SigV4
    expiration = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert before + timedelta(seconds=UPLOAD_GRANT_SECONDS - 5) <= expiration
    assert expiration <= datetime.now(UTC) + timedelta(seconds=UPLOAD_GRANT_SECONDS + 1)
    assert abs((grant.expires_at - expiration).total_seconds()) < 2


def test_a_key_never_uploaded_is_not_stored(files):
    assert files.stored(storage_key("h1", "c1", "att_never")) is None


def test_an_image_link_shows_it_inline_with_its_type(files):
    key = storage_key("h1", "c1", "att_3")
    files.put(key, PNG, "image/png", retention_days=730)

    url = files.link(key, "chambre 12.png", "image/png", LINK_SECONDS)
    answer = requests.get(url, timeout=10)

    assert answer.status_code == 200
    assert answer.content == PNG
    assert answer.headers["Content-Type"] == "image/png"
    assert answer.headers["Content-Disposition"] == (
        "inline; filename=\"chambre 12.png\"; filename*=UTF-8''chambre%2012.png")
    query = parse_qs(urlparse(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == [str(LINK_SECONDS)]


def test_a_pdf_link_downloads_it_under_its_unicode_name(files):
    key = storage_key("h1", "c1", "att_4")
    files.put(key, PDF, "application/pdf", retention_days=730)

    answer = requests.get(files.link(key, "Facture été.pdf", "application/pdf", LINK_SECONDS), timeout=10)

    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"] == (
        "attachment; filename=\"Facture ete.pdf\"; filename*=UTF-8''Facture%20%C3%A9t%C3%A9.pdf")


def test_a_link_to_a_type_lobby_does_not_serve_is_a_download_of_bytes(files):
    """A stored HTML file (say, a channel's) must never be rendered by the browser as a page."""
    key = storage_key("h1", "c1", "att_5")
    files.put(key, b"<script>alert(1)</script>", "text/html", retention_days=730)

    answer = requests.get(files.link(key, "x.html", "text/html", LINK_SECONDS), timeout=10)

    assert answer.headers["Content-Type"] == "application/octet-stream"
    assert answer.headers["Content-Disposition"].startswith("attachment;")


def test_a_hostile_file_name_cannot_break_out_of_the_disposition_header():
    header = content_disposition('a"; filename="evil.html\r\nSet-Cookie: x=1\\..\\b.pdf', inline=False)

    assert "\r" not in header and "\n" not in header
    assert header.count('"') == 2
    assert header.startswith('attachment; filename="b.pdf"')


@given(st.text(max_size=80), st.booleans())
def test_every_name_gives_a_header_s3_can_send_and_the_browser_reads_back(name, inline):
    header = content_disposition(name, inline=inline)

    header.encode("ascii")  # an HTTP header value S3 will carry as is
    kind, fallback, extended = header.split("; ")
    assert kind == ("inline" if inline else "attachment")
    assert fallback.startswith('filename="') and fallback.endswith('"') and '"' not in fallback[10:-1]
    assert extended.startswith("filename*=UTF-8''")
    shown = unquote(extended.removeprefix("filename*=UTF-8''"))
    assert shown and "/" not in shown and "\\" not in shown
    assert not any(ord(ch) < 0x20 for ch in shown)
