"""The Expedia channel end to end on moto: the stand-in, the callback, the events queue and
its DLQ, the ingest and sender functions fed by Lambda-like pollers."""

from __future__ import annotations

import json

import boto3
import pytest
from channel_helpers import BUCKET, Channel, Clock

import local  # noqa: F401
from bot.samples import sample_knowledge_base
from inbox.ports import Hotel
from local.expedia.standin import ExpediaStandIn
from local.lambda_runtime import SqsPoller

PROPERTY = "12345678"
CREDENTIALS = {"client_id": "lobby-test", "client_secret": "s3cret", "callback_secret": "callback-s3cret"}


@pytest.fixture
def events_queue(aws, region):
    sqs = boto3.client("sqs", region_name=region)
    dlq = sqs.create_queue(QueueName="lobby-expedia-events-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(QueueName="lobby-expedia-events", Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"})})["QueueUrl"]
    return url, dlq


@pytest.fixture
def expedia_clock() -> Clock:
    """The stand-in's clock (set ``expedia_clock.at`` to stamp Expedia's messages with another time)."""
    return Clock()


@pytest.fixture
def standin(expedia_clock):
    with ExpediaStandIn(callback_secret=CREDENTIALS["callback_secret"], client_id=CREDENTIALS["client_id"],
                        client_secret=CREDENTIALS["client_secret"], id_prefix="", now=expedia_clock) as running:
        yield running


@pytest.fixture
def channel(api_settings, monkeypatch, events_queue, outbound_queue, standin, store, region):
    secret = boto3.client("secretsmanager", region_name=region).create_secret(
        Name="lobby/expedia", SecretString=json.dumps(CREDENTIALS))["ARN"]
    sqs = boto3.client("sqs", region_name=region)
    outbound_dlq = sqs.get_queue_url(QueueName="lobby-outbound-dlq")["QueueUrl"]
    boto3.client("s3", region_name=region).create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": region})
    for name, value in {
        "EXPEDIA_SECRET_ARN": secret, "EXPEDIA_GRAPHQL_URL": standin.graphql_url,
        "EXPEDIA_TOKEN_URL": standin.token_url, "EXPEDIA_EVENTS_QUEUE_URL": events_queue[0],
        "OUTBOUND_DLQ_URL": outbound_dlq, "EXPEDIA_BACKOFF_SECONDS": "0.01",
        "EXPEDIA_FILES_URL": standin.files_url, "ATTACHMENTS_BUCKET": BUCKET,
    }.items():
        monkeypatch.setenv(name, value)
    from wiring import container

    container.reset()
    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris", knowledge=sample_knowledge_base()))
    store.set_expedia_property("h1", PROPERTY)

    from expedia_ingest.handler import handler as ingest
    from outbound_sender.handler import handler as sender

    return Channel(
        standin=standin, store=store, sqs=sqs, property_id=PROPERTY,
        events=SqsPoller(sqs, events_queue[0], ingest), events_dlq=events_queue[1],
        outbound=SqsPoller(sqs, outbound_queue, sender), outbound_dlq=outbound_dlq,
        callback_secret=CREDENTIALS["callback_secret"],
    )
