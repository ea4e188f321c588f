"""Every file Lobby writes is tagged with its hotel's retention tier, which the bucket's lifecycle rule of that tier
expires (infra/attachments.py): the console's presigned POST (S3 applies the POST's `tagging` field, which the policy
fixes) and a channel's file copied in (PutObject's Tagging), through the inbox as the functions wire it, on moto.

moto stores a POST upload without its `tagging` field (the local stack's middleware applies it, as S3 does): for
the POST, what is asserted is the field and the signed policy condition S3 enforces; for PutObject, the object's
tags as moto's S3 holds them.
"""

from __future__ import annotations

import base64
import json
from xml.etree import ElementTree

import boto3
import pytest
import requests

from inbox.ports import Hotel
from inbox.retention import RETENTION_TIERS, retention_tier
from infra import names

BUCKET = "lobby-attachments-tags"
PDF = b"%PDF-1.7\n" + b"x" * 512


@pytest.fixture
def inbox(store, region, configure):
    boto3.client("s3", region_name=region).create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": region})
    configure(attachments_bucket=BUCKET, aws_region=region, table_name=store.table_name)
    from wiring import container

    return container.inbox()


def hotel_keeping(store, hotel_id: str, days: int) -> None:
    store.put_hotel(Hotel(id=hotel_id, name=f"Hotel {hotel_id}", retention_days=days))


def tags_of(tagging_xml: str) -> dict[str, str]:
    root = ElementTree.fromstring(tagging_xml)
    return {tag.findtext("Key") or "": tag.findtext("Value") or "" for tag in root.iter("Tag")}


@pytest.mark.parametrize("days, tier", [(30, 30), (31, 60), (400, 730), (730, 730), (731, 1095), (3650, 3650)])
def test_a_console_upload_is_tagged_with_the_smallest_tier_at_least_the_hotels_retention(inbox, store, days, tier):
    hotel_keeping(store, "h1", days)
    conversation = inbox.receive(_guest_says("h1")).conversation_id

    upload, grant = inbox.grant_upload("h1", conversation, "stay.pdf", "application/pdf", len(PDF))

    assert tags_of(grant.fields["tagging"]) == {names.ATTACHMENTS_RETENTION_TAG: str(tier)}
    policy = json.loads(base64.b64decode(grant.fields["policy"]))
    assert {"tagging": grant.fields["tagging"]} in policy["conditions"]  # S3 refuses a POST with other tags
    answer = requests.post(grant.url, data=grant.fields, files={"file": ("stay.pdf", PDF, "application/pdf")},
                           timeout=10)
    assert answer.status_code in (200, 201, 204), answer.text


def test_a_channels_file_is_stored_with_its_hotels_retention_tag(inbox, store, region):
    hotel_keeping(store, "h2", 90)
    conversation = inbox.receive(_guest_says("h2")).conversation_id

    kept = inbox.keep_channel_file("h2", conversation, "file-1", "passport.pdf", "application/pdf", PDF)

    s3 = boto3.client("s3", region_name=region)
    assert s3.get_object(Bucket=BUCKET, Key=kept.key)["Body"].read() == PDF
    tags = s3.get_object_tagging(Bucket=BUCKET, Key=kept.key)["TagSet"]
    assert tags == [{"Key": names.ATTACHMENTS_RETENTION_TAG, "Value": "90"}]


def test_a_changed_retention_tags_the_files_written_afterwards(inbox, store, region):
    """The files already written keep their tier (as the items already written keep their expiry)."""
    hotel_keeping(store, "h3", 730)
    conversation = inbox.receive(_guest_says("h3")).conversation_id
    before = inbox.keep_channel_file("h3", conversation, "file-1", "a.pdf", "application/pdf", PDF)
    store.set_retention_days("h3", 30)
    from wiring import container

    container.reset()  # a process started after the change (a warm one reads the hotel again within 30 s)
    after = container.inbox().keep_channel_file("h3", conversation, "file-2", "b.pdf", "application/pdf", PDF)

    s3 = boto3.client("s3", region_name=region)
    assert [s3.get_object_tagging(Bucket=BUCKET, Key=k)["TagSet"][0]["Value"] for k in (before.key, after.key)] == [
        "730", "30"]


def test_the_tiers_are_the_buckets_lifecycle_rules_and_cover_every_retention():
    from storage.s3 import RETENTION_TAG

    assert RETENTION_TIERS == names.ATTACHMENTS_RETENTION_TIERS
    assert RETENTION_TAG == names.ATTACHMENTS_RETENTION_TAG
    from inbox.retention import RETENTION_DAYS_MAX, RETENTION_DAYS_MIN

    for days in range(RETENTION_DAYS_MIN, RETENTION_DAYS_MAX + 1):
        tier = retention_tier(days)
        assert tier >= days and tier in RETENTION_TIERS
        assert all(t < days for t in RETENTION_TIERS if t < tier)  # the smallest that keeps the file long enough


def _guest_says(hotel_id: str):
    from datetime import UTC, datetime

    from inbox.inbound import GuestProfile, InboundMessage

    return InboundMessage(hotel_id=hotel_id, channel="expedia", external_conversation_id=f"thr-{hotel_id}",
                          external_message_id=f"m-{hotel_id}", text="Do you have parking?", sent_at=datetime.now(UTC),
                          sender=GuestProfile(external_id=f"guest-{hotel_id}", name="Ana"))
