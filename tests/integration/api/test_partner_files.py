"""Partners hand in a guest's files in base64 on POST .../inbound: kept in the bucket before the message
is stored, a refused file listed as unavailable (never dropped), a body too large for a Lambda 413."""

from __future__ import annotations

import base64
import json
import uuid

import boto3
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lobby_env import PARTNER
from sample_files import BUCKET, PDF, PNG
from test_partner_routes import INBOUND, message

from api.schemas import INBOUND_BODY_LIMIT
from inbox.attachments import ALLOWED_CONTENT_TYPES, clean_name
from inbox.ports import Hotel


@pytest.fixture
def lumiere(store):
    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris"))


def file(name: str, content_type: str, data: bytes) -> dict:
    return {"name": name, "content_type": content_type, "base64": base64.b64encode(data).decode()}


def stored_message(api, accepted) -> dict:
    (item,) = api.get(f"/v1/hotels/h1/conversations/{accepted['conversation_id']}/messages").json["items"]
    return item


def test_a_guest_pdf_and_png_handed_in_are_kept_in_the_bucket_and_linked(api, lumiere, bucket, region):
    body = message(text="", attachments=[file("facture.pdf", "application/pdf", PDF), file("vue.png", "image/png", PNG)])

    accepted = api.post(INBOUND, body=body, as_=PARTNER)

    assert accepted.status == 202, accepted.json
    listed = stored_message(api, accepted.json)
    assert listed["text"] == "" and [a["name"] for a in listed["attachments"]] == ["facture.pdf", "vue.png"]
    assert all(a["available"] and a["reason"] is None for a in listed["attachments"])
    assert [requests.get(a["url"], timeout=10).content for a in listed["attachments"]] == [PDF, PNG]
    keys = [o["Key"] for o in boto3.client("s3", region_name=region).list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert len(keys) == 2 and all(k.startswith(f"hotels/h1/conversations/{accepted.json['conversation_id']}/")
                                  for k in keys)


def test_a_file_of_a_refused_type_is_listed_unavailable_with_its_reason_and_not_stored(api, lumiere, bucket, region):
    body = message(attachments=[file("macro.docm", "application/vnd.ms-word.document.macroEnabled.12", b"PK\x03\x04"),
                                file("vue.png", "image/png", PNG)])

    accepted = api.post(INBOUND, body=body, as_=PARTNER)

    assert accepted.status == 202
    refused, kept = stored_message(api, accepted.json)["attachments"]
    assert (refused["name"], refused["available"], refused["url"], refused["reason"]) == (
        "macro.docm", False, None, "type_refused")
    assert kept["available"] and kept["url"]
    assert len(boto3.client("s3", region_name=region).list_objects_v2(Bucket=BUCKET)["Contents"]) == 1


def test_the_same_message_with_its_files_handed_in_twice_is_stored_once_with_the_same_files(api, lumiere, bucket,
                                                                                           region):
    body = message(attachments=[file("vue.png", "image/png", PNG)])

    first = api.post(INBOUND, body=body, as_=PARTNER)
    again = api.post(INBOUND, body=body, as_=PARTNER)

    assert again.status == 202 and again.json == first.json
    assert stored_message(api, first.json)["attachments"][0]["id"] == stored_message(api, again.json)["attachments"][0]["id"]
    assert len(boto3.client("s3", region_name=region).list_objects_v2(Bucket=BUCKET)["Contents"]) == 1


def test_a_repeat_of_the_message_id_with_other_bytes_leaves_the_stored_file_as_it_was(api, lumiere, bucket):
    first = api.post(INBOUND, body=message(attachments=[file("vue.png", "image/png", PNG)]), as_=PARTNER)
    again = api.post(INBOUND, body=message(attachments=[file("vue.png", "image/png", PNG + b"other")]), as_=PARTNER)

    assert again.status == 202 and again.json == first.json
    (kept,) = stored_message(api, first.json)["attachments"]
    assert requests.get(kept["url"], timeout=10).content == PNG


@pytest.mark.parametrize(("attachments", "text", "says"), [
    ([{"name": "a.png", "content_type": "image/png", "base64": "not base64!"}], "hi", "base64"),
    ([{"name": "a.png", "content_type": "image/png", "base64": "QUI"}], "hi", "base64"),  # padding missing
    ([{"name": "a.png", "content_type": "image png", "base64": "QUJD"}], "hi", "content_type"),
    ([{"name": "..", "content_type": "image/png", "base64": "QUJD"}], "hi", "name"),
    ([{"name": "a.png", "content_type": "image/png", "url": "http://169.254.169.254/latest/meta-data/"}], "hi", "url"),
    ([file(f"{n}.png", "image/png", PNG) for n in range(11)], "hi", "attachments"),
    ([], "", "blank"),
])
def test_a_file_that_cannot_be_read_is_422_and_nothing_is_stored(api, lumiere, bucket, region, attachments, text,
                                                                  says):
    reply = api.post(INBOUND, body=message(text=text, attachments=attachments), as_=PARTNER)

    assert reply.status == 422 and says in reply.json["message"]
    assert api.get("/v1/hotels/h1/inbox").json["tabs"]["all"] == 0
    assert "Contents" not in boto3.client("s3", region_name=region).list_objects_v2(Bucket=BUCKET)


def test_files_beyond_what_a_lambda_invocation_carries_get_413_with_the_limit(api, lumiere, bucket):
    too_much = 4 * 1024 * 1024  # a 4 MB file is 5.3 MB in base64
    body = message(attachments=[file("scan.pdf", "application/pdf", b"%PDF" + b"0" * too_much)])
    assert len(json.dumps(body)) > INBOUND_BODY_LIMIT

    reply = api.post(INBOUND, body=body, as_=PARTNER)

    assert reply.status == 413 and reply.json["limit_bytes"] == INBOUND_BODY_LIMIT
    assert api.get("/v1/hotels/h1/inbox").json["tabs"]["all"] == 0


def test_a_3_5_mb_file_fits_in_the_inbound_body(api, lumiere, bucket):
    data = b"%PDF" + b"7" * (3_500_000 - 4)
    accepted = api.post(INBOUND, body=message(attachments=[file("scan.pdf", "application/pdf", data)]), as_=PARTNER)

    assert accepted.status == 202
    (kept,) = stored_message(api, accepted.json)["attachments"]
    assert kept["size"] == len(data) and requests.get(kept["url"], timeout=10).content == data


def test_files_for_a_hotel_that_does_not_exist_are_404_and_nothing_is_kept(api, bucket, region):
    body = message(attachments=[file("vue.png", "image/png", PNG)])

    reply = api.post("/v1/hotels/h3/inbound", body=body, as_=PARTNER)  # the partner's hotel list names h3

    assert reply.status == 404
    assert "Contents" not in boto3.client("s3", region_name=region).list_objects_v2(Bucket=BUCKET)


FILES = st.lists(st.tuples(st.text(min_size=1, max_size=40),
                           st.sampled_from(sorted(ALLOWED_CONTENT_TYPES)) | st.sampled_from(["IMAGE/PNG", "text/html",
                                                                                              "image/gif"]),
                           st.binary(max_size=600)), min_size=1, max_size=3)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=FILES)
def test_whatever_files_are_handed_in_each_is_listed_in_order_and_the_kept_ones_read_back(api, lumiere, bucket, files):
    n = uuid.uuid4().hex  # a new message each time (a repeat of an id is the test below)
    body = message(external_conversation_id=f"wa-{n}", external_message_id=f"m-{n}",
                   attachments=[file(name, content_type, data) for name, content_type, data in files])

    reply = api.post(INBOUND, body=body, as_=PARTNER)

    assert reply.status in (202, 422), reply.json
    if reply.status == 422:
        assert any(not clean_name(name) for name, _, _ in files), reply.json  # only a name that shows nothing
        return
    listed = stored_message(api, reply.json)["attachments"]
    assert [a["name"] for a in listed] == [clean_name(name) for name, _, _ in files]
    for attachment, (_, content_type, data) in zip(listed, files, strict=True):
        assert attachment["available"] == (content_type.lower() in ALLOWED_CONTENT_TYPES and len(data) > 0)
        if attachment["available"]:
            assert requests.get(attachment["url"], timeout=10).content == data
        else:
            assert attachment["url"] is None and attachment["reason"] in ("type_refused", "empty")
