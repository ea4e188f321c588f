"""Lobby's settings, read once from the environment (the CDK stack or the local stack sets them).

A frozen dataclass, not a pydantic model: the authorizer, the callback and the wake-up never
need pydantic, and importing it costs about half a bare ``import boto3`` at every cold start.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class Settings:
    """Every setting a function may need; each function reads only what it uses."""

    region: str = "us-east-1"
    table_name: str = "lobby"
    aws_endpoint_url: str | None = None  # moto's server locally; None in AWS

    # Every AWS client (boto3 and pynamodb): a call, retries included, ends before the shortest
    # function timeout (10 s: the authorizer and the callback) and API Gateway's 29 s:
    # 3 attempts x (1 s to connect + 2 s to read) = 9 s; botocore's backoff between
    # non-throttling retries is a few tens of ms. DynamoDB, SQS, Scheduler and Secrets
    # Manager answer in milliseconds in the region, so 2 s only cuts a call that hangs.
    aws_connect_timeout_seconds: float = 1.0
    aws_read_timeout_seconds: float = 2.0
    aws_max_attempts: int = 3  # total attempts, the first included (botocore's standard retry mode)

    # Holds that wake up by themselves
    schedule_group: str = "lobby-wake-ups"
    wake_up_function_arn: str = ""
    scheduler_role_arn: str = ""
    scheduler_dlq_arn: str = ""

    # Replies leave through this queue, consumed by the channel senders
    outbound_queue_url: str = ""

    # Console agents' Cognito ID tokens. The key set location and the expected issuer are
    # two settings: moto serves the keys at its own URL but signs with AWS's issuer form.
    jwks_url: str = ""
    token_issuer: str = ""
    token_audience: str = ""  # the user pool app client id
    console_usage_key: str = ""  # the API key of the console's usage plan, handed out for agents
    jwks_lifespan_seconds: float = 300.0  # the key set is fetched again after this long
    jwks_refresh_cooldown_seconds: float = 10.0  # at most one refetch for unknown key ids in this window
    jwks_timeout_seconds: float = 2.0  # one fetch of the key set (the authorizer has 10 s)
    token_leeway_seconds: float = 30.0  # clock skew allowed on exp/iat
    # The agent directory (the api function): a hotel's agents are the members of the pool's group
    # hotel.<hotel_id> (directory.cognito), each hotel's list kept this long in the warm process.
    user_pool_id: str = ""
    agents_cache_seconds: float = 60.0

    # Expedia Group: the GraphQL API, its token endpoint, and the secret holding Lobby's
    # credentials and callback signing secret.
    expedia_graphql_url: str = "https://api.expediagroup.com/supply/lodging/graphql"
    expedia_token_url: str = "https://api.expediagroup.com/identity/oauth2/v3/token"
    expedia_files_url: str = "https://api.expediagroup.com/supply-lodging/v1/files"  # the attachment service
    expedia_secret_arn: str = "lobby/expedia"
    expedia_secret_max_age_seconds: int = 300  # a rotated secret is read within 5 minutes, no redeploy
    expedia_connect_timeout_seconds: float = 2.0  # per HTTP request to Expedia (over the internet)
    expedia_read_timeout_seconds: float = 5.0
    expedia_backoff_seconds: float = 0.5  # first retry's backoff; doubles each time
    expedia_events_queue_url: str = ""
    outbound_dlq_url: str = ""
    outbound_max_receives: int = 5  # the outbound queue's maxReceiveCount (set by the stack from infra/names.py)

    # Attachments: one S3 bucket (infra/names.py ATTACHMENTS_BUCKET; account and region in AWS).
    attachments_bucket: str = "lobby-attachments"

    # Where the console is served from: the API's CORS header (the stack's consoleOrigin).
    console_origin: str = "*"

    # Real time (issue 13): the connections table, and the @connections endpoint of the WebSocket API's
    # stage (https://{api-id}.execute-api.{region}.amazonaws.com/{stage} in AWS; the local runner's own locally).
    connections_table: str = "lobby-connections"
    realtime_connections_url: str = ""
    connection_ttl_seconds: int = 7800

    channels_that_deliver: frozenset[str] = field(default=frozenset({"expedia"}))

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The setting names; each is read from the environment variable of its upper-case name."""
        return tuple(f.name for f in fields(cls))

    @classmethod
    def from_environment(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        values: dict[str, Any] = {name: env[name.upper()] for name in cls.names() if name.upper() in env}
        values.setdefault("region", env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1")
        return cls(**{name: _typed(cls, name, value) for name, value in values.items()})

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with some settings changed (tests and the local stack)."""
        return replace(self, **changes)


def _typed(cls: type[Settings], name: str, raw: str) -> Any:
    """An environment string as the type the setting's default has."""
    default = next(f for f in fields(cls) if f.name == name).default
    try:
        if isinstance(default, frozenset):
            return frozenset(filter(None, (part.strip() for part in raw.split(","))))
        if isinstance(default, bool):
            return raw.strip().lower() in {"1", "true", "yes"}
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
    except ValueError:
        raise ValueError(f"setting {name.upper()}={raw!r} is not a {type(default).__name__}") from None
    if default is None:
        return raw or None  # an empty endpoint URL means none
    return raw


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_environment()
