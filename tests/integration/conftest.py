"""Integration fixtures: a moto account with Lobby's table, and a store on it."""

from __future__ import annotations

from datetime import datetime, timezone

import boto3
import pytest
from moto import mock_aws

from conversations_helpers import RequestCounter
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


@pytest.fixture
def requests_sent(store) -> RequestCounter:
    counter = RequestCounter()
    counter.attach(store)
    return counter


@pytest.fixture
def now() -> datetime:
    return datetime.now(timezone.utc)
