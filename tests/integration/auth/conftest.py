"""Fixtures for the authorizer tests: a moto Cognito user pool with the console's app
client, an agent created by the admin function, the functions' environment pointing at the
pool (the composition root builds the verifier and the key store from it, as in Lambda), and
the authorizer handler called with API Gateway's REQUEST events.

The key set is fetched with urllib (PyJWT's ``PyJWKClient``), which ``mock_aws`` does not
intercept: it comes over HTTP from moto's own server (``ThreadedMotoServer``), which serves
the key moto signs every pool's tokens with, or from a scripted ``KeySetServer``."""

from __future__ import annotations

import json
import logging

import boto3
import jwt
import pytest
from auth_helpers import (
    AGENT_EMAIL,
    AGENT_HOTELS,
    AGENT_NAME,
    PASSWORD,
    Authorizer,
    Clock,
    KeySetServer,
    Pool,
    login,
    make_pool,
)
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

from admin import create_agent, create_partner_key
from auth.tokens import issuer, jwks_url
from inbox.ports import Hotel
from wiring.observability import logger as powertools_logger
from wiring.settings import Settings


@pytest.fixture(scope="session")
def moto_endpoint():
    """moto's server on loopback: its key set endpoint is real HTTP, as Cognito's is."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def cognito(aws, region):
    return boto3.client("cognito-idp", region_name=region)


@pytest.fixture
def pool(cognito) -> Pool:
    return make_pool(cognito, "lobby-agents")


@pytest.fixture
def settings(configure, pool, region, table, moto_endpoint) -> Settings:
    """The environment the stack gives the authorizer, with moto's key set endpoint."""
    return configure(aws_region=region, table_name=table, jwks_url=jwks_url(region, pool.id, moto_endpoint),
                     token_issuer=issuer(region, pool.id), token_audience=pool.client_id)


@pytest.fixture
def key_set_server():
    """Starts scripted key set endpoints (see ``KeySetServer``) and stops them after the test."""
    servers: list[KeySetServer] = []

    def start(*answers) -> KeySetServer:
        servers.append(KeySetServer(*answers))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def moto_keys(settings) -> dict:
    """The key set document moto's endpoint serves (fetched over HTTP, as the authorizer does)."""
    return jwt.PyJWKClient(settings.jwks_url).fetch_data()


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """PyJWT's key set cache and cooldown on a clock the test moves."""
    import jwt.api_jwk
    import jwt.jwk_set_cache
    import jwt.jwks_client

    fake = Clock()
    for module in (jwt.jwks_client, jwt.jwk_set_cache, jwt.api_jwk):
        monkeypatch.setattr(module, "time", fake)
    return fake


@pytest.fixture
def hotels(store):
    """Three hotels for the admin command's team tests."""
    for hotel_id, name in (("h1", "Lumière"), ("h2", "Rivage"), ("h3", "Aurora")):
        store.put_hotel(Hotel(hotel_id, name))


@pytest.fixture
def agent_sub(cognito, pool) -> str:
    return create_agent(cognito, pool.id, AGENT_EMAIL, AGENT_NAME, PASSWORD, AGENT_HOTELS)


@pytest.fixture
def agent_tokens(cognito, pool, agent_sub) -> dict:
    """IdToken, AccessToken, ... of the agent, from a real login against the pool."""
    return login(cognito, pool.client_id, AGENT_EMAIL)


@pytest.fixture
def partner_key(store, hotel) -> str:
    return create_partner_key(store, "acme", "Acme Channel Manager", ["h-lumiere"])


@pytest.fixture
def authorize(settings, region):
    """The authorizer, whose verifier and store the composition root builds from ``settings``."""
    return Authorizer(region)


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
