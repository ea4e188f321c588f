"""Fixtures for the authorizer tests: a moto Cognito user pool with the console's app
client, an agent created by the admin function, settings pointing at the pool, and the
authorizer handler called with API Gateway's REQUEST events."""

from __future__ import annotations

import json
import logging

import boto3
import pytest
from auth_helpers import AGENT_EMAIL, AGENT_HOTELS, AGENT_NAME, PASSWORD, Authorizer, Pool, login, make_pool

from admin import create_agent, create_partner_key
from authorizer import handler as authorizer
from wiring.observability import logger as powertools_logger
from wiring.settings import Settings


@pytest.fixture
def cognito(aws, region):
    return boto3.client("cognito-idp", region_name=region)


@pytest.fixture
def pool(cognito) -> Pool:
    return make_pool(cognito, "lobby-agents")


@pytest.fixture
def settings(pool, region, table) -> Settings:
    return Settings(
        region=region,
        table_name=table,
        jwks_url=f"https://cognito-idp.{region}.amazonaws.com/{pool.id}/.well-known/jwks.json",
        token_issuer=f"https://cognito-idp.{region}.amazonaws.com/{pool.id}",
        token_audience=pool.client_id,
    )


@pytest.fixture
def agent_sub(cognito, pool) -> str:
    return create_agent(cognito, pool.id, AGENT_EMAIL, AGENT_NAME, PASSWORD, AGENT_HOTELS)


@pytest.fixture
def agent_tokens(cognito, pool, agent_sub) -> dict:
    """IdToken, AccessToken, ... of the agent, from a real login against the pool."""
    return login(cognito, pool.client_id, AGENT_EMAIL)


@pytest.fixture
def partner_key(store) -> str:
    return create_partner_key(store, "acme", "Acme Channel Manager", ["h-lumiere"])


@pytest.fixture
def authorize(settings, region):
    """The authorizer, building its verifier and store from ``settings`` as in Lambda."""
    authorizer.configure(settings)
    yield Authorizer(region)
    authorizer.configure()


class LogLines(logging.Handler):
    """The authorizer's log lines, formatted as CloudWatch would receive them."""

    def __init__(self):
        super().__init__()
        self.lines: list[str] = []
        self.setFormatter(powertools_logger.registered_formatter)

    def emit(self, record) -> None:
        self.lines.append(self.format(record))

    @property
    def entries(self) -> list[dict]:
        return [json.loads(line) for line in self.lines]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def logs():
    lines = LogLines()
    underlying = logging.getLogger(powertools_logger.name)
    underlying.addHandler(lines)
    yield lines
    underlying.removeHandler(lines)
