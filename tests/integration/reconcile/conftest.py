"""Reconciliation on moto: the Expedia stand-in, the real callback, the events queue and its DLQ, the ingest
fed by a Lambda-like poller, and the reconciler's handler as the schedule would invoke it."""

from __future__ import annotations

import json
from dataclasses import dataclass

import boto3
import pytest
import requests
from lambda_events import callback_event
from reconcile_helpers import PROPERTY

import local  # noqa: F401
from inbox.ports import Hotel
from local.expedia.standin import ExpediaStandIn
from local.lambda_runtime import LambdaContext, SqsPoller

CREDENTIALS = {"client_id": "lobby-test", "client_secret": "s3cret", "callback_secret": "callback-s3cret"}


def call_callback(raw_body: bytes, headers: dict) -> int:
    from expedia_callback.handler import handler

    return handler(callback_event(raw_body, headers), LambdaContext())["statusCode"]


@dataclass
class Expedia:
    """The stand-in as a test drives it: its simulator over HTTP, as docs/expedia.md describes it."""

    standin: ExpediaStandIn

    def sim(self, path: str, body: dict | None = None) -> dict:
        answer = requests.post(f"{self.standin.sim_url}{path}", json=body or {}, timeout=30)
        assert answer.status_code < 300, answer.text
        return answer.json()

    def outage(self, callbacks: bool) -> dict:
        return self.sim("/outage", {"callbacks": callbacks})

    def advance(self, hours: float) -> dict:
        return self.sim("/clock", {"advance_hours": hours})

    def traveler_writes(self, thread: str, text: str, property_id: str = PROPERTY) -> dict:
        return self.sim(f"/threads/{thread}/messages", {
            "propertyId": property_id, "body": text, "fromRole": "TRAVELER",
            "traveler": {"firstName": "Inès", "lastName": "Moreau"},
            "reservation": {"id": f"exp-{thread}", "checkInDate": "2026-12-01", "checkOutDate": "2026-12-04",
                            "adultCount": 2, "childCount": 0, "petCount": 0,
                            "alternativeIds": {"supplierId": f"R-{thread}"}}})

    def standin_clock(self) -> str:
        return requests.get(f"{self.standin.sim_url}/clock", timeout=30).json()["now"]

    def notifications(self) -> list[dict]:
        return requests.get(f"{self.standin.sim_url}/notifications", timeout=30).json()


@dataclass
class Lobby:
    store: object
    sqs: object
    events: SqsPoller
    events_dlq: str

    def reconcile(self) -> dict:
        from expedia_reconcile.handler import handler

        return handler({}, LambdaContext(function_name="lobby-expedia-reconcile"))

    def ingest(self) -> None:
        self.events.drain()

    def dlq_depth(self) -> int:
        return int(self.sqs.get_queue_attributes(QueueUrl=self.events_dlq, AttributeNames=[
            "ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"])

    def queue_depth(self) -> int:
        return int(self.sqs.get_queue_attributes(QueueUrl=self.events.queue_url, AttributeNames=[
            "ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"])


@pytest.fixture
def standin():
    with ExpediaStandIn(callback_secret=CREDENTIALS["callback_secret"], client_id=CREDENTIALS["client_id"],
                        client_secret=CREDENTIALS["client_secret"], id_prefix="") as running:
        running.notify = call_callback  # Expedia's callbacks reach the real callback function
        yield running


@pytest.fixture
def expedia(standin) -> Expedia:
    return Expedia(standin)


@pytest.fixture
def lobby(api_settings, configure, standin, store, region) -> Lobby:
    sqs = boto3.client("sqs", region_name=region)
    dlq = sqs.create_queue(QueueName="lobby-expedia-events-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events = sqs.create_queue(QueueName="lobby-expedia-events", Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"})})["QueueUrl"]
    secret = boto3.client("secretsmanager", region_name=region).create_secret(
        Name="lobby/expedia", SecretString=json.dumps(CREDENTIALS))["ARN"]
    boto3.client("s3", region_name=region).create_bucket(
        Bucket="lobby-attachments", CreateBucketConfiguration={"LocationConstraint": region})
    configure(expedia_secret_arn=secret, expedia_graphql_url=standin.graphql_url,
              expedia_token_url=standin.token_url, expedia_files_url=standin.files_url,
              expedia_events_queue_url=events, expedia_backoff_seconds=0.01, attachments_bucket="lobby-attachments")
    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris", bot_enabled=False))
    store.set_expedia_property("h1", PROPERTY)

    from expedia_ingest.handler import handler as ingest

    return Lobby(store=store, sqs=sqs, events=SqsPoller(sqs, events, ingest), events_dlq=dlq)
