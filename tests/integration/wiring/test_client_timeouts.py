"""Every client the composition root builds gives up on its own, as ``wiring.settings`` says:
boto3's clients, the pynamodb store and the Expedia HTTP session, pointed at an endpoint that
never answers, stop after the set number of attempts of the set read timeout."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError
from moto import mock_aws
from wiring_helpers import SilentEndpoint

from expedia.errors import ExpediaUnavailable
from wiring import container
from wiring.settings import Settings

SHORTEST_FUNCTION_TIMEOUT_SECONDS = 10  # the authorizer's and the callback's (infra/api.py, infra/channels.py)
API_GATEWAY_TIMEOUT_SECONDS = 29


@pytest.fixture
def silent():
    endpoint = SilentEndpoint()
    yield endpoint
    endpoint.close()


def test_a_boto3_client_gives_up_after_the_set_attempts_of_the_set_read_timeout(configure, silent):
    settings = configure(aws_endpoint_url=silent.url, aws_read_timeout_seconds=0.2, aws_max_attempts=2)
    sqs = container.client("sqs")

    with pytest.raises(ReadTimeoutError):
        sqs.list_queues()

    assert silent.connections == settings.aws_max_attempts
    assert (sqs.meta.config.connect_timeout, sqs.meta.config.read_timeout) == (1.0, 0.2)
    assert sqs.meta.config.retries == {"mode": "standard", "total_max_attempts": 2}


def test_the_attachment_storage_gives_up_after_the_set_attempts_of_the_set_read_timeout(configure, silent):
    """A reply checks its files with HeadObject inside the API's 29 s: S3 hanging must not hold it."""
    settings = configure(aws_endpoint_url=silent.url, aws_read_timeout_seconds=0.2, aws_max_attempts=2)

    with pytest.raises(ReadTimeoutError):
        container.files().stored("hotels/h1/conversations/c1/att_1")

    assert silent.connections == settings.aws_max_attempts
    assert container.s3_client().meta.config.read_timeout == 0.2


def test_the_store_gives_up_after_the_set_attempts_of_the_set_read_timeout(configure, silent):
    settings = configure(aws_endpoint_url=silent.url, aws_read_timeout_seconds=0.2, aws_max_attempts=2)
    store = container.store()

    with pytest.raises(ReadTimeoutError):
        store.get_hotel("h-lumiere")

    assert silent.connections == settings.aws_max_attempts
    for client in store.botocore_clients():  # each model's connection and the transactions' connection
        assert (client.meta.config.connect_timeout, client.meta.config.read_timeout) == (1.0, 0.2)
        assert client.meta.config.retries["total_max_attempts"] == 2


def test_the_expedia_session_gives_up_by_its_own_timeouts(configure, silent, region):
    with mock_aws():
        secret = boto3.client("secretsmanager", region_name=region).create_secret(
            Name="lobby/expedia", SecretString=json.dumps({"client_id": "id", "client_secret": "s",
                                                           "callback_secret": "c"}))["ARN"]
        configure(expedia_secret_arn=secret, expedia_token_url=f"{silent.url}/token",
                  expedia_graphql_url=f"{silent.url}/graphql", expedia_read_timeout_seconds=0.2,
                  expedia_connect_timeout_seconds=0.3, expedia_backoff_seconds=0.01)
        client = container.expedia_client()

        with pytest.raises(ExpediaUnavailable):
            client.get_message("m-1")

    assert (client.connect_timeout, client.timeout) == (0.3, 0.2)
    assert silent.connections >= 1  # the token request reached it, then timed out


def test_in_production_each_aws_call_ends_before_the_shortest_function_timeout():
    """Retries included: attempts x (connect + read); botocore's backoff between retries of a
    timeout is a few tens of ms."""
    defaults = Settings()

    worst = defaults.aws_max_attempts * (defaults.aws_connect_timeout_seconds + defaults.aws_read_timeout_seconds)

    assert worst < SHORTEST_FUNCTION_TIMEOUT_SECONDS
    assert defaults.expedia_connect_timeout_seconds + defaults.expedia_read_timeout_seconds < API_GATEWAY_TIMEOUT_SECONDS
    assert defaults.jwks_timeout_seconds < SHORTEST_FUNCTION_TIMEOUT_SECONDS


def test_timeouts_come_from_the_environment_as_numbers():
    settings = Settings.from_environment({"AWS_READ_TIMEOUT_SECONDS": "1.5", "AWS_MAX_ATTEMPTS": "4",
                                          "CHANNELS_THAT_DELIVER": "expedia, webchat,"})

    assert settings.aws_read_timeout_seconds == 1.5 and settings.aws_max_attempts == 4
    assert settings.channels_that_deliver == frozenset({"expedia", "webchat"})
    with pytest.raises(ValueError, match="AWS_MAX_ATTEMPTS"):
        Settings.from_environment({"AWS_MAX_ATTEMPTS": "three"})
