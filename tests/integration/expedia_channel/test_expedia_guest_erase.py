"""Erasing an Expedia traveler (moto, Expedia's stand-in): after the API's erase the table and its indexes
hold nothing of the thread's conversation (messages, the bot's delivered reply, the profile Expedia gave, the
guards of its messages and notifications) and the counts are right."""

from __future__ import annotations

import json

import boto3

from auth.principal import Principal
from inbox.model import Actor, ActorType
from store import keys
from store.schema import TAB_INDEXES, TEAM_INDEXES
from tests.integration.api.api_harness import Api

ADMIN = Principal(Actor(ActorType.AGENT, "agent-adele", "Adèle"), frozenset({"h1"}), role="admin")


def scan(table: str, region: str, index: str | None = None) -> list[dict]:
    client, items, start = boto3.client("dynamodb", region_name=region), [], None
    while True:
        page = client.scan(TableName=table, **({"IndexName": index} if index else {}),
                           **({"ExclusiveStartKey": start} if start else {}))
        items, start = items + page["Items"], page.get("LastEvaluatedKey")
        if not start:
            return items


def holding(table: str, region: str, needles) -> list[dict]:
    found = []
    for index in (None, *(i.name for i in (*TAB_INDEXES.values(), *TEAM_INDEXES))):
        found += [i for i in scan(table, region, index)
                  if any(n.lower() in json.dumps(i, ensure_ascii=False, default=repr).lower() for n in needles)]
    return [i for i in found if i["pk"]["S"] != keys.audit_pk("h1")]


def test_an_expedia_travelers_erase_leaves_nothing_of_the_thread(channel, table, region):
    from api.handler import handler

    channel.connect()
    channel.traveler_writes("thr-e1", "What time is check-in?")
    channel.traveler_writes("thr-e1", "Bonjour, je voudrais parler à quelqu'un de la réception")
    channel.traveler_writes("thr-e2", "Is there parking?", traveler={"firstName": "Jon", "lastName": "Berg"})
    channel.run()
    conversation = channel.conversation_of("thr-e1")
    other = channel.conversation_of("thr-e2")
    needles = [conversation.id, conversation.contact_id, "Moreau", "R-thr-e1", "exp-thr-e1"]
    assert holding(table, region, needles)
    api = Api(handler, default_principal=ADMIN)

    reply = api.post(f"/v1/hotels/h1/contacts/{conversation.contact_id}/erase")

    assert reply.status == 202, reply.json
    assert holding(table, region, needles) == []
    assert api.get(f"/v1/hotels/h1/conversations/{other.id}").status == 200
    assert api.get("/v1/hotels/h1/inbox").json["tabs"] == {"open": 0, "on_hold": 0, "closed": 0, "spam": 0,
                                                          "all": 1}

