"""Lobby's settings, read once from the environment (the CDK stack or the local stack sets them)."""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel, Field


class Settings(BaseModel):
    """Every setting a function may need; each function reads only what it uses."""

    region: str = "us-east-1"
    table_name: str = "lobby"
    aws_endpoint_url: str | None = None  # moto's server locally; None in AWS

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

    # Expedia Group: the GraphQL API, its token endpoint, and the secret holding Lobby's
    # credentials and callback signing secret.
    expedia_graphql_url: str = "https://api.expediagroup.com/supply/lodging/graphql"
    expedia_token_url: str = "https://api.expediagroup.com/identity/oauth2/v3/token"
    expedia_secret_arn: str = "lobby/expedia"
    expedia_backoff_seconds: float = 0.5  # first retry's backoff; doubles each time
    expedia_events_queue_url: str = ""
    outbound_dlq_url: str = ""
    outbound_max_receives: int = 5  # the outbound queue's maxReceiveCount (set by the stack from infra/names.py)

    # Where the console is served from: the API's CORS header (the stack's consoleOrigin).
    console_origin: str = "*"

    channels_that_deliver: frozenset[str] = Field(default=frozenset({"expedia"}))

    @classmethod
    def from_environment(cls, env: dict[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        values = {name: env[name.upper()] for name in cls.model_fields if name.upper() in env}
        values.setdefault("region", env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1")
        if "channels_that_deliver" in values:
            values["channels_that_deliver"] = frozenset(filter(None, values["channels_that_deliver"].split(",")))
        return cls(**values)


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_environment()
