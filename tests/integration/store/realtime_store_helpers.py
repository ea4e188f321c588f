"""Helpers for the real-time store tests: what moto's DynamoDB Stream recorded of real writes, shaped as
Lambda's event source gives it, and a hotel's agents in moto's user pool (the inbox's directory)."""

from __future__ import annotations

import copy
from typing import Any

import boto3

from directory.cognito import group_name
from inbox.model import Actor, ActorType

ACCOUNT = "123456789012"  # moto's default account


def moto_table(table_name: str, region: str) -> Any:
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[ACCOUNT][region].tables[table_name]


class StreamTap:
    """Reads the records moto's stream shard of a table holds after a position, as Lambda would receive
    them (``ApproximateCreationDateTime`` in epoch seconds, each record a copy)."""

    def __init__(self, table_name: str, region: str):
        self.table_name, self.region = table_name, region
        self.position = self._end()

    def _shard(self) -> Any:
        shard = moto_table(self.table_name, self.region).stream_shard
        assert shard is not None, "the table was created without its stream"
        return shard

    def _end(self) -> int:
        shard = self._shard()
        return int(shard.starting_sequence_number + len(shard.items))

    def read(self) -> list[dict[str, Any]]:
        """The records written since the last read."""
        end = self._end()
        records = self._shard().get(self.position, end - self.position)
        self.position = end
        out = []
        for record in records:
            record = copy.deepcopy(record)
            stamp = record["dynamodb"].get("ApproximateCreationDateTime")
            if hasattr(stamp, "timestamp"):
                record["dynamodb"]["ApproximateCreationDateTime"] = int(stamp.timestamp())
            out.append(record)
        return out


def hotel_team(region: str, hotel_id: str, members: dict[str, str]) -> tuple[str, dict[str, Actor]]:
    """A user pool with the hotel's agents (name -> email) in its group; the pool id and each as an actor."""
    cognito = boto3.client("cognito-idp", region_name=region)
    pool_id = cognito.create_user_pool(PoolName="lobby-agents", Schema=[
        {"Name": "hotel_ids", "AttributeDataType": "String", "Mutable": True},
        {"Name": "role", "AttributeDataType": "String", "Mutable": True}])["UserPool"]["Id"]
    cognito.create_group(UserPoolId=pool_id, GroupName=group_name(hotel_id))
    actors = {}
    for name, email in members.items():
        user = cognito.admin_create_user(
            UserPoolId=pool_id, Username=email, MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": email}, {"Name": "name", "Value": name},
                            {"Name": "custom:role", "Value": "agent"}, {"Name": "custom:hotel_ids", "Value": hotel_id}])
        sub = {a["Name"]: a["Value"] for a in user["User"]["Attributes"]}["sub"]
        cognito.admin_add_user_to_group(UserPoolId=pool_id, GroupName=group_name(hotel_id), Username=email)
        actors[name] = Actor(ActorType.AGENT, sub, name)
    return pool_id, actors
