"""The team on moto for the API tests: a user pool shaped like the console's, the hotel's agents in their
Cognito group ``hotel.<h>`` (what the directory reads), and the callers whose ``sub`` they are."""

from __future__ import annotations

from dataclasses import dataclass

import boto3

from auth.principal import Principal
from directory.cognito import group_name
from inbox.model import Actor, ActorType

POOL_SCHEMA = [{"Name": "hotel_ids", "AttributeDataType": "String", "Mutable": True},
               {"Name": "role", "AttributeDataType": "String", "Mutable": True}]
# name, email, role, hotels
MEMBERS = {
    "camille": ("Camille Laurent", "camille@lumiere.example", "admin", ("h1",)),
    "ben": ("Ben Martin", "ben@lumiere.example", "agent", ("h1",)),
    "ana": ("Ana Lima", "ana@lumiere.example", "agent", ("h1",)),
    "olaf": ("Olaf Berg", "olaf@aurora.example", "agent", ("h2",)),
}


@dataclass(frozen=True)
class Team:
    pool_id: str
    callers: dict[str, Principal]

    def __getitem__(self, who: str) -> Principal:
        return self.callers[who]

    def id(self, who: str) -> str:
        agent_id = self.callers[who].actor.id
        assert agent_id is not None
        return agent_id


def make_team(region: str) -> Team:
    """The pool, its groups and users; returns each member as the API's caller (id = the user's sub)."""
    cognito = boto3.client("cognito-idp", region_name=region)
    pool_id = cognito.create_user_pool(PoolName="lobby-agents", Schema=POOL_SCHEMA)["UserPool"]["Id"]
    callers = {}
    for who, (name, email, role, hotels) in MEMBERS.items():
        user = cognito.admin_create_user(
            UserPoolId=pool_id, Username=email, MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": email}, {"Name": "name", "Value": name},
                            {"Name": "custom:role", "Value": role},
                            {"Name": "custom:hotel_ids", "Value": ",".join(hotels)}])["User"]
        sub = {a["Name"]: a["Value"] for a in user["Attributes"]}["sub"]
        for hotel_id in hotels:
            try:
                cognito.create_group(UserPoolId=pool_id, GroupName=group_name(hotel_id))
            except cognito.exceptions.GroupExistsException:
                pass
            cognito.admin_add_user_to_group(UserPoolId=pool_id, GroupName=group_name(hotel_id), Username=email)
        callers[who] = Principal(Actor(ActorType.AGENT, sub, name), frozenset(hotels), role=role)
    return Team(pool_id, callers)


def activity_types(api, hotel_id: str, conversation_id: str, as_) -> list[str]:
    reply = api.get(f"/v1/hotels/{hotel_id}/conversations/{conversation_id}/activity?limit=100", as_=as_)
    assert reply.status == 200, reply.json
    return [a["type"] for a in reply.json["items"]]
