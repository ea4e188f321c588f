"""Helpers for the real-time store tests: what moto's DynamoDB Stream recorded of real writes, shaped as
Lambda's event source gives it, and a hotel's agents in moto's user pool (the inbox's directory)."""

from __future__ import annotations

import threading
from typing import Any

import boto3

from directory.cognito import group_name
from inbox.model import Actor, ActorType

ACCOUNT = "123456789012"  # moto's default account


def moto_table(table_name: str, region: str) -> Any:
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[ACCOUNT][region].tables[table_name]


class StreamTap:
    """The records moto's stream of a table holds since the last read, as Lambda would receive them (read by
    the local runner's own code, ``local.changes``: epoch-second creation times, the stream's ARN)."""

    def __init__(self, table_name: str, region: str):
        from local.changes import MotoStream

        self.region = region
        self._stream = MotoStream(table_name, ACCOUNT, region, threading.Lock())
        self._arn = self._stream.arn()
        self._stream.skip()

    def read(self) -> list[dict[str, Any]]:
        """The records written since the last read."""
        from local.changes import lambda_record

        return [lambda_record(r, self.region, self._arn) for r in self._stream.take()]


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
