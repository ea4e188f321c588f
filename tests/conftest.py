"""Fixtures shared by every test folder."""

from __future__ import annotations

import os

import pytest

# Tests never reach a real AWS account: fake credentials and a fixed region for every client.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_SESSION_TOKEN", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "lobby")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "Lobby")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")


@pytest.fixture
def region() -> str:
    return os.environ["AWS_DEFAULT_REGION"]
