"""Names and callers shared by the integration tests (the settings the CDK stack gives the functions)."""

from __future__ import annotations

from auth.principal import Principal
from inbox.model import Actor, ActorType

TABLE = "lobby-test"
WAKE_UP_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:lobby-wake-up"
GROUP = "lobby-wake-ups"

AGENT = Principal(Actor(ActorType.AGENT, "agent-ana", "Ana"), frozenset({"h1"}))
OTHER_AGENT = Principal(Actor(ActorType.AGENT, "agent-olaf", "Olaf"), frozenset({"h2"}))
PARTNER = Principal(Actor(ActorType.PARTNER, "partner-pms", "PMS Partner"), frozenset({"h1", "h3"}))
