"""Helpers for the real-time function tests: API Gateway's WebSocket events for the socket function, moto's
stream records of real writes as Lambda's event source hands them to the fan-out (with the names filter),
and consoles: sockets registered with the local @connections emulator that keep every frame they get."""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from inbox.inbound import GuestProfile, InboundMessage
from inbox.model import Actor, ActorType
from infra import names

ACCOUNT = "123456789012"  # moto's default account


@dataclass
class LambdaContext:
    function_name: str = names.REALTIME_SOCKET_FUNCTION
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:{names.REALTIME_SOCKET_FUNCTION}"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass(frozen=True)
class Agent:
    """A console agent as the authorizer's context names it."""

    id: str
    name: str
    hotels: tuple[str, ...]
    role: str = "agent"

    @property
    def actor(self) -> Actor:
        return Actor(ActorType.AGENT, self.id, self.name)

    def context(self) -> dict:
        return {"actor_type": "agent", "actor_id": self.id, "actor_name": self.name,
                "hotel_ids": ",".join(sorted(self.hotels)), "role": self.role, "principalId": f"agent:{self.id}"}


ANA = Agent("agent-ana", "Ana Lima", ("h1",))
BEN = Agent("agent-ben", "Ben Martin", ("h1",), role="admin")
OLAF = Agent("agent-olaf", "Olaf Berg", ("h2",))
BOTH = Agent("agent-zoe", "Zoé Roux", ("h1", "h2"))


def socket_event(route: str, connection_id: str, *, authorizer: dict | None = None, body: str | None = None) -> dict:
    """API Gateway's WebSocket proxy event of one route."""
    event_type = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route, "MESSAGE")
    context: dict[str, Any] = {
        "routeKey": route, "eventType": event_type, "connectionId": connection_id, "messageDirection": "IN",
        "stage": names.REALTIME_STAGE, "apiId": "a1b2c3d4e5", "requestId": str(uuid.uuid4()),
        "connectedAt": int(time.time() * 1000), "requestTimeEpoch": int(time.time() * 1000),
        "domainName": "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com",
        "identity": {"sourceIp": "203.0.113.7", "userAgent": "Mozilla/5.0"},
    }
    if authorizer is not None:
        context["authorizer"] = authorizer
    event: dict[str, Any] = {"requestContext": context, "isBase64Encoded": False}
    if body is not None:
        event["body"] = body
    return event


class Stream:
    """The table's stream as the fan-out's event source reads it: the records written since the last read,
    filtered as in AWS, as Lambda hands them over; read by the local runner's own code (``local.changes``)."""

    def __init__(self, table_name: str, region: str):
        from local.changes import MotoStream

        self.region = region
        self._stream = MotoStream(table_name, ACCOUNT, region, threading.Lock())
        self._arn = self._stream.arn()
        self._stream.skip()

    def read(self) -> list[dict]:
        from local.changes import lambda_record, passes_filter

        return [lambda_record(r, self.region, self._arn) for r in self._stream.take() if passes_filter(r)]

    def batches(self, size: int = names.REALTIME_FANOUT_BATCH_SIZE) -> list[dict]:
        """What was written since the last read, as the event source's invocations (``{"Records": [...]}``)."""
        records = self.read()
        return [{"Records": records[i:i + size]} for i in range(0, len(records), size)]


class Console:
    """One open socket: registered with the @connections emulator, it keeps every frame it receives."""

    def __init__(self, registry, connection_id: str, agent: Agent):
        self.id, self.agent = connection_id, agent
        self.frames: list[str] = []
        registry.register(connection_id, self.frames.append, lambda: None)

    @property
    def events(self) -> list[dict]:
        """Every event received, batches unwrapped, in order."""
        out: list[dict] = []
        for frame in self.frames:
            value = json.loads(frame)
            out.extend(value["events"] if value.get("type") == "batch" else [value])
        return out

    def of_type(self, kind: str) -> list[dict]:
        return [e for e in self.events if e["type"] == kind]

    def clear(self) -> None:
        self.frames.clear()


def guest_says(hotel_id: str, text: str, n: int = 1, thread: str = "thr-1") -> InboundMessage:
    """A guest's message that asks for a person (the conversation goes to Open)."""
    return InboundMessage(hotel_id=hotel_id, channel="expedia", external_conversation_id=f"{hotel_id}-{thread}",
                          external_message_id=f"{hotel_id}-{thread}-m{n}", text=text,
                          sent_at=datetime.now(UTC) - timedelta(minutes=30) + timedelta(seconds=n),
                          sender=GuestProfile(external_id=f"guest-{hotel_id}-{thread}", name="Inès Moreau"),
                          wants_human=True)


def agent_in_pool(region: str, hotel_id: str, email: str, name: str) -> tuple[str, str]:
    """A moto user pool whose group of the hotel holds one agent (the inbox's directory): (pool id, its sub)."""
    import boto3

    from directory.cognito import group_name

    cognito = boto3.client("cognito-idp", region_name=region)
    pool_id = cognito.create_user_pool(PoolName="lobby-agents", Schema=[
        {"Name": "hotel_ids", "AttributeDataType": "String", "Mutable": True},
        {"Name": "role", "AttributeDataType": "String", "Mutable": True}])["UserPool"]["Id"]
    cognito.create_group(UserPoolId=pool_id, GroupName=group_name(hotel_id))
    user = cognito.admin_create_user(
        UserPoolId=pool_id, Username=email, MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "name", "Value": name},
                        {"Name": "custom:role", "Value": "agent"}, {"Name": "custom:hotel_ids", "Value": hotel_id}])
    sub = {a["Name"]: a["Value"] for a in user["User"]["Attributes"]}["sub"]
    cognito.admin_add_user_to_group(UserPoolId=pool_id, GroupName=group_name(hotel_id), Username=email)
    return pool_id, sub
