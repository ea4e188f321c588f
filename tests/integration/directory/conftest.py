"""Fixtures for the directory tests: moto's Cognito, one user pool, a counted client."""

from __future__ import annotations

import boto3
import pytest
from directory_helpers import Clock, CognitoRequests, make_pool


@pytest.fixture
def cognito(aws, region):
    return boto3.client("cognito-idp", region_name=region)


@pytest.fixture
def pool_id(cognito) -> str:
    return make_pool(cognito)


@pytest.fixture
def cognito_requests(cognito) -> CognitoRequests:
    return CognitoRequests(cognito)


@pytest.fixture
def clock() -> Clock:
    return Clock()
