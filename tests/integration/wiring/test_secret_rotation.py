"""The Expedia secret, read through Powertools Parameters, is read again once its max age has
passed: a rotated secret is in use within 5 minutes, without a redeploy (on moto)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import boto3
import pytest
from lambda_events import callback_event

from expedia.credentials import ExpediaCredentials, MalformedSecret
from expedia.signature import sign
from local.lambda_runtime import LambdaContext
from wiring import container
from wiring.settings import Settings

OLD = {"client_id": "lobby", "client_secret": "old-s3cret", "callback_secret": "old-callback"}
NEW = {"client_id": "lobby", "client_secret": "new-s3cret", "callback_secret": "new-callback"}


class Clock:
    """Powertools' parameter cache on a clock the test moves (it compares ``datetime.now()``)."""

    def __init__(self):
        self.offset = timedelta()
        clock = self

        class Now(datetime):
            @classmethod
            def now(cls, tz=None):
                return datetime.now(tz) + clock.offset

        self.datetime = Now

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    import aws_lambda_powertools.utilities.parameters.base as parameters_base

    fake = Clock()
    monkeypatch.setattr(parameters_base, "datetime", fake.datetime)
    return fake


@pytest.fixture
def secretsmanager(aws, region):
    return boto3.client("secretsmanager", region_name=region)


@pytest.fixture
def secret(secretsmanager, monkeypatch, outbound_queue, region) -> str:
    arn = secretsmanager.create_secret(Name="lobby/expedia", SecretString=json.dumps(OLD))["ARN"]
    events = boto3.client("sqs", region_name=region).create_queue(QueueName="lobby-expedia-events")["QueueUrl"]
    for name, value in {"EXPEDIA_SECRET_ARN": arn, "EXPEDIA_EVENTS_QUEUE_URL": events, "AWS_REGION": region}.items():
        monkeypatch.setenv(name, value)
    container.reset()
    yield arn
    container.reset()


@pytest.fixture
def secret_reads(secret) -> list:
    """Every GetSecretValue the functions send."""
    reads: list = []
    container.client("secretsmanager").meta.events.register(
        "before-call.secrets-manager.GetSecretValue", lambda **_: reads.append(1))
    return reads


def callback(body: bytes, secret: str) -> int:
    from expedia_callback.handler import handler

    return handler(callback_event(body, {"x-expedia-signature": sign(secret, body)}), LambdaContext())["statusCode"]


def test_a_rotated_secret_is_read_once_its_max_age_has_passed(secretsmanager, secret, secret_reads, clock):
    assert container.expedia_credentials() == ExpediaCredentials(**OLD)
    secretsmanager.put_secret_value(SecretId=secret, SecretString=json.dumps(NEW))

    clock.advance(299)
    assert container.expedia_credentials() == ExpediaCredentials(**OLD)  # still the cached value
    assert len(secret_reads) == 1
    clock.advance(2)

    assert container.expedia_credentials() == ExpediaCredentials(**NEW)
    assert len(secret_reads) == 2


def test_the_callback_accepts_the_rotated_signing_secret_without_a_redeploy(secretsmanager, secret, clock):
    body = json.dumps({"notificationId": "n-1", "eventType": "MESSAGE_CREATED"}).encode()
    assert callback(body, OLD["callback_secret"]) == 202
    secretsmanager.put_secret_value(SecretId=secret, SecretString=json.dumps(NEW))

    clock.advance(301)

    assert callback(body, NEW["callback_secret"]) == 202
    assert callback(body, OLD["callback_secret"]) == 401


def test_the_expedia_client_is_rebuilt_with_the_rotated_credentials_and_kept_until_then(
        secretsmanager, secret, clock):
    before = container.expedia_client()
    assert container.expedia_client() is before  # the same session and token while the secret holds
    secretsmanager.put_secret_value(SecretId=secret, SecretString=json.dumps(NEW))

    clock.advance(301)
    after = container.expedia_client()

    assert after is not before
    assert container.expedia_client() is after


def test_the_max_age_is_a_setting_and_at_most_five_minutes_in_production(secretsmanager, secret, secret_reads,
                                                                          monkeypatch):
    assert Settings().expedia_secret_max_age_seconds <= 300
    monkeypatch.setenv("EXPEDIA_SECRET_MAX_AGE_SECONDS", "0")  # no caching at all
    container.reset()
    container.client("secretsmanager").meta.events.register(
        "before-call.secrets-manager.GetSecretValue", lambda **_: secret_reads.append(1))

    container.expedia_credentials()
    container.expedia_credentials()

    assert len(secret_reads) == 2


def test_the_secrets_provider_uses_lobbys_client(secret):
    assert container.secrets().client is container.client("secretsmanager")


@pytest.mark.parametrize("value", [["a"], {"client_id": "id"}, {**OLD, "client_secret": ""},
                                   {**OLD, "callback_secret": 7}])
def test_a_malformed_secret_is_refused_naming_the_fields_never_their_values(value):
    with pytest.raises(MalformedSecret) as refused:
        ExpediaCredentials.from_value(value)

    assert "old-s3cret" not in str(refused.value) and "old-callback" not in str(refused.value)
