"""API fixtures: a moto account with the table, the outbound queue and the schedule group,
the settings the CDK stack would give the function, and a client for the real handler."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest

from api_harness import Api
from auth.principal import Principal
from inbox.model import Actor, ActorType
from inbox.ports import Hotel
from conversations_helpers import GUEST, open_one

WAKE_UP_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:lobby-wake-up"
GROUP = "lobby-wake-ups"


@pytest.fixture
def outbound_queue(aws, region):
    sqs = boto3.client("sqs", region_name=region)
    dlq = sqs.create_queue(QueueName="lobby-outbound-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return sqs.create_queue(QueueName="lobby-outbound", Attributes={
        "RedrivePolicy": f'{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"5"}}'})["QueueUrl"]


@pytest.fixture
def schedule_group(aws, region):
    boto3.client("scheduler", region_name=region).create_schedule_group(Name=GROUP)
    return GROUP


@pytest.fixture
def api_settings(monkeypatch, table, outbound_queue, schedule_group, region):
    from wiring import container

    for name, value in {
        "TABLE_NAME": table, "SCHEDULE_GROUP": schedule_group, "WAKE_UP_FUNCTION_ARN": WAKE_UP_ARN,
        "SCHEDULER_ROLE_ARN": "arn:aws:iam::123456789012:role/lobby-scheduler",
        "SCHEDULER_DLQ_ARN": "arn:aws:sqs:eu-west-1:123456789012:lobby-scheduler-dlq",
        "OUTBOUND_QUEUE_URL": outbound_queue, "AWS_REGION": region,
    }.items():
        monkeypatch.setenv(name, value)
    container.reset()
    yield
    container.reset()


AGENT = Principal(Actor(ActorType.AGENT, "agent-ana", "Ana"), frozenset({"h1"}))
OTHER_AGENT = Principal(Actor(ActorType.AGENT, "agent-olaf", "Olaf"), frozenset({"h2"}))
PARTNER = Principal(Actor(ActorType.PARTNER, "partner-pms", "PMS Partner"), frozenset({"h1", "h3"}))


@pytest.fixture
def api(api_settings) -> Api:
    from api.handler import handler

    return Api(handler, default_principal=AGENT)


@pytest.fixture
def hotels(store):
    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris"))
    store.put_hotel(Hotel("h2", "Hotel Aurora", "Europe/Berlin"))


@pytest.fixture
def opened(store, hotels, now):
    """An open webchat conversation in h1."""
    return open_one(store, "h1", "c1", now - timedelta(minutes=5))


@pytest.fixture
def expedia_conversation(store, hotels, now):
    """An open Expedia conversation in h1 (a channel that delivers replies)."""
    from inbox.bot import HandOff, HandoffReason
    from inbox.machine import GuestMessage, apply, start_conversation

    start = start_conversation(conversation_id="cx", hotel_id="h1", channel="expedia", at=now - timedelta(minutes=9),
                               actor=GUEST, external_conversation_id="thr-42")
    c = store.commit(None, start.conversation, [start.activity])
    handoff = apply(c, GuestMessage("human please", now - timedelta(minutes=8), HandOff(HandoffReason.HUMAN_REQUESTED)))
    return store.commit(c, handoff.conversation, [handoff.activity])


@pytest.fixture
def elsewhere(store, hotels, now):
    """A conversation of another hotel (h2)."""
    return open_one(store, "h2", "c-h2", now - timedelta(minutes=3))

