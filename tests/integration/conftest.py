"""Integration fixtures: a moto account with Lobby's table, and a store on it."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

import boto3
import pytest
from moto import mock_aws

from inbox.ports import Hotel
from store.dynamo import DynamoStore
from store.schema import table_definition

TABLE = "lobby-test"


@pytest.fixture
def aws():
    with mock_aws():
        yield


@pytest.fixture
def table(aws, region):
    boto3.client("dynamodb", region_name=region).create_table(**table_definition(TABLE))
    return TABLE


@pytest.fixture
def store(table, region) -> DynamoStore:
    return DynamoStore(table, region)


@pytest.fixture
def hotel(store) -> Hotel:
    hotel = Hotel(id="h-lumiere", name="Hôtel Lumière", timezone="Europe/Paris")
    store.put_hotel(hotel)
    return hotel


class RequestLog:
    """Counts the DynamoDB requests a store sends, from botocore's own event hooks."""

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []

    def __call__(self, model, params, **_):
        self.calls.append((model.name, params))

    @property
    def counts(self) -> Counter:
        return Counter(name for name, _ in self.calls)

    def reset(self) -> None:
        self.calls.clear()


@pytest.fixture
def requests_sent(store) -> RequestLog:
    log = RequestLog()
    for client in store.botocore_clients():
        client.meta.events.register("before-parameter-build.dynamodb", log)
    return log


@pytest.fixture
def now() -> datetime:
    return datetime.now(timezone.utc)
