"""Helpers for the team store tests: assign through the real core, recount from the raw indexes."""

from __future__ import annotations

from datetime import datetime

import boto3

from inbox.machine import assign
from inbox.model import AgentRef, Conversation, Tab
from store import keys
from store.schema import TAB_INDEXES, TEAM_ALL, TEAM_TAB, TEAM_WAITING

ANA = AgentRef("agent-ana", "Ana Lima")
BEN = AgentRef("agent-ben", "Ben Martin")


def assign_to(store, conversation: Conversation, agent: AgentRef | None, at: datetime, actor) -> Conversation:
    outcome = assign(conversation, actor, agent, at)
    if outcome.activity is None:
        return conversation
    return store.commit(conversation, outcome.conversation, [outcome.activity])


def query_ids(table: str, region: str, index: str, partition_key: str, value: str) -> list[str]:
    """Conversation ids in one partition of an index, read straight from DynamoDB (every page)."""
    client = boto3.client("dynamodb", region_name=region)
    pages = client.get_paginator("query").paginate(
        TableName=table, IndexName=index, KeyConditionExpression="#p = :v",
        ExpressionAttributeNames={"#p": partition_key}, ExpressionAttributeValues={":v": {"S": value}})
    return [item["conversation_id"]["S"] for page in pages for item in page["Items"]]


def recount(table: str, region: str, hotel_id: str, agents: list[str]) -> tuple[dict, dict, dict]:
    """(tabs, per agent, unassigned) counted from the indexes themselves, not from the counters."""
    tabs = {tab: len(query_ids(table, region, TAB_INDEXES[tab.value].name, TAB_INDEXES[tab.value].partition_key,
                               hotel_id)) for tab in Tab}

    def of(who: str | None) -> dict[Tab, int]:
        counts = {tab: len(query_ids(table, region, TEAM_TAB.name, TEAM_TAB.partition_key,
                                     keys.team_tab_pk(hotel_id, who, tab.value)))
                  for tab in (Tab.OPEN, Tab.ON_HOLD, Tab.CLOSED)}
        counts[Tab.ALL] = len(query_ids(table, region, TEAM_ALL.name, TEAM_ALL.partition_key,
                                        keys.team_all_pk(hotel_id, who)))
        counts[Tab.SPAM] = tabs[Tab.SPAM] if who is None else 0  # spam is never assigned
        return counts

    return tabs, {a: of(a) for a in agents}, of(None)


def waiting_ids(table: str, region: str, hotel_id: str, who: str | None) -> list[str]:
    return query_ids(table, region, TEAM_WAITING.name, TEAM_WAITING.partition_key, keys.team_waiting_pk(hotel_id, who))


def raw_conversation(table: str, region: str, hotel_id: str, conversation_id: str) -> dict:
    return boto3.client("dynamodb", region_name=region).get_item(
        TableName=table, Key={"pk": {"S": keys.conversation_pk(hotel_id, conversation_id)},
                              "sk": {"S": keys.CONVERSATION_SK}})["Item"]
