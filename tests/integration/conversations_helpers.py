"""Helpers for the store tests: drive conversations through the real core and store."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import boto3

from inbox.bot import HandOff, HandoffReason
from inbox.machine import GuestMessage, apply, start_conversation
from inbox.model import Actor, ActorType, Conversation, Tab
from store.schema import TAB_INDEXES

GUEST = Actor(ActorType.GUEST, "guest-1", "Guest")
AGENT = Actor(ActorType.AGENT, "agent-1", "Ana")


def create(store, hotel_id: str, conversation_id: str, at: datetime) -> Conversation:
    outcome = start_conversation(conversation_id=conversation_id, hotel_id=hotel_id, channel="webchat", at=at, actor=GUEST)
    return store.commit(None, outcome.conversation, [outcome.activity])


def step(store, conversation: Conversation, event) -> Conversation:
    outcome = apply(conversation, event)
    return store.commit(conversation, outcome.conversation, [outcome.activity] if outcome.activity else [])


def open_one(store, hotel_id: str, conversation_id: str, at: datetime) -> Conversation:
    c = create(store, hotel_id, conversation_id, at)
    return step(store, c, GuestMessage("I need a person", at + timedelta(seconds=1), HandOff(HandoffReason.HUMAN_REQUESTED)))


def index_members(table: str, region: str, tab: Tab, hotel_id: str) -> list[str]:
    """Conversation ids listed in a tab's index, read straight from DynamoDB (all pages)."""
    spec = TAB_INDEXES[tab.value]
    client = boto3.client("dynamodb", region_name=region)
    pages = client.get_paginator("query").paginate(
        TableName=table, IndexName=spec.name, KeyConditionExpression="#p = :h",
        ExpressionAttributeNames={"#p": spec.partition_key}, ExpressionAttributeValues={":h": {"S": hotel_id}},
    )
    return [item["conversation_id"]["S"] for page in pages for item in page["Items"]]


class RequestCounter:
    """Counts the DynamoDB requests a store sends, from botocore's own event hooks."""

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []

    def __call__(self, model, params, **_):
        self.calls.append((model.name, params))

    def attach(self, store) -> None:
        for client in store.botocore_clients():
            client.meta.events.register("before-parameter-build.dynamodb", self)

    @property
    def counts(self) -> Counter:
        return Counter(name for name, _ in self.calls)

    def reset(self) -> None:
        self.calls.clear()
