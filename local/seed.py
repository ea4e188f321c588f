"""Seeds the demo hotel through Lobby's real code paths only, never by writing items by hand.

1. The admin operations (``admin``): the hotel with its Expedia property, the sample knowledge
   base, the team in the user pool (``demo_data.TEAM``: each in the hotel's group, with a role), a
   partner key; then the inbox's own use cases for the hotel's saved replies and reply target.
2. Guests write: Expedia travelers through the stand-in's simulator over HTTP (which calls
   Lobby's callback, signed, as Expedia would), partner channels through
   ``POST /v1/hotels/{h}/inbound`` with the partner key (with the guest's booking when the
   conversation has one). The bot decides what becomes of each.
3. The demo agent (the team's first member) signs in (Cognito ``InitiateAuth``, USER_PASSWORD_AUTH) and acts through the
   API with its ID token: replies, holds, closes, spam and not-spam.

The pollers run all the while; ``drain`` waits until the queues are empty between steps.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import requests

import admin
from inbox.inbound import conversation_id_for
from local import demo_data
from local.demo_data import Conversation

log = logging.getLogger("local.seed")


class SeedError(Exception):
    """The demo could not be seeded as written (a request was refused)."""


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Seeder:
    def __init__(self, info: dict, *, store, cognito, drain: Callable[[], None], inbox=None,
                 conversations: tuple[Conversation, ...] = demo_data.CONVERSATIONS,
                 team: tuple[demo_data.TeamMember, ...] = demo_data.TEAM,
                 replies: tuple[demo_data.Reply, ...] = demo_data.REPLIES):
        self.info = info
        self.store = store
        self.inbox = inbox  # the inbox's use cases (saved replies, reply target); none: neither is seeded
        self.team = team
        self.replies = replies
        self.cognito = cognito
        self.drain = drain
        self.conversations = conversations
        self.http = requests.Session()
        self.hotel_id = demo_data.HOTEL_ID
        self.partner_key: str | None = None
        self.agent_ids: dict[str, str] = {}  # TeamMember.key -> the agent's id (its sub)

    def run(self) -> dict:
        """Seeds everything; returns the ``demo`` part of the stack info."""
        demo = self.admin()
        rounds = max(len(c.messages) for c in self.conversations)
        for index in range(rounds):  # each guest's next message once the previous ones are taken
            for conversation in self.conversations:
                if index < len(conversation.messages):
                    self.guest_writes(conversation, index)
            self.drain()
        token = self.sign_in(demo["agent_username"], demo["agent_password"])
        steps = max(len(c.actions) for c in self.conversations)
        for index in range(steps):  # each conversation's next action once the previous ones are delivered
            for conversation in self.conversations:
                if index < len(conversation.actions):
                    self.agent_acts(token, conversation, conversation.actions[index])
            self.drain()
        return demo

    # -- 1. admin --------------------------------------------------------------------------

    def admin(self) -> dict:
        hotel = admin.create_hotel(self.store, self.hotel_id, demo_data.HOTEL_NAME, demo_data.HOTEL_TIMEZONE,
                                   demo_data.EXPEDIA_PROPERTY_ID)
        admin.load_knowledge(self.store, hotel.id)
        agents = [{"key": member.key, "email": member.email, "password": member.password, "name": member.name,
                   "role": member.role,
                   "id": admin.create_agent(self.cognito, self.info["cognito_user_pool_id"], member.email,
                                            member.name, member.password, [hotel.id], role=member.role)}
                  for member in self.team]
        self.agent_ids = {agent["key"]: agent["id"] for agent in agents}
        self.partner_key = admin.create_partner_key(self.store, demo_data.PARTNER_ID, demo_data.PARTNER_NAME,
                                                    [hotel.id])
        if self.inbox is not None:
            self.library(hotel.id)
        first = self.team[0]  # the demo agent: the login of earlier releases
        return {"hotel_id": hotel.id, "expedia_property_id": demo_data.EXPEDIA_PROPERTY_ID,
                "agent_username": first.email, "agent_password": first.password,
                "partner_api_key": self.partner_key, "agents": agents,
                "reply_target_minutes": demo_data.REPLY_TARGET_MINUTES,
                "replies": [{"id": r.id, "shortcut": r.shortcut} for r in self.replies],
                "french_guest": {"conversation_id": conversation_id_for(hotel.id, "webchat", demo_data.DURAND),
                                 "name": "Camille Durand"}}

    def library(self, hotel_id: str) -> None:
        """The saved replies (checked as the API checks them) and the hotel's reply target."""
        from inbox.model import Actor, ActorType, SavedReply

        seeder = Actor(ActorType.OPERATOR, "local-seed", "Local stack seed")  # the audit log says who wrote them
        for reply in self.replies:
            self.inbox.save_reply(SavedReply(id=reply.id, hotel_id=hotel_id, title=reply.title,
                                             shortcut=reply.shortcut, texts=dict(reply.texts)), seeder)
        self.inbox.set_reply_target(hotel_id, demo_data.REPLY_TARGET_MINUTES)

    # -- 2. guests -------------------------------------------------------------------------

    def guest_writes(self, conversation: Conversation, index: int) -> None:
        if conversation.channel == "expedia":
            self._traveler_writes(conversation, conversation.messages[index])
        else:
            self._partner_hands_in(conversation, index)

    def _traveler_writes(self, conversation: Conversation, text: str) -> None:
        guest = conversation.guest
        spec: dict = {"propertyId": demo_data.EXPEDIA_PROPERTY_ID, "body": text, "fromRole": "TRAVELER",
                      "traveler": {"firstName": guest.first_name, "lastName": guest.last_name}}
        if conversation.stay is not None:
            days, nights = conversation.stay
            check_in = date.today() + timedelta(days=days)
            adults, children = conversation.guests
            number = conversation.key.rsplit("-", 1)[-1]
            spec["reservation"] = {
                "id": f"EXP-7{number}42{number}", "checkInDate": check_in.isoformat(),
                "checkOutDate": (check_in + timedelta(days=nights)).isoformat(),
                "adultCount": adults, "childCount": children, "petCount": 0,
                "alternativeIds": {"supplierId": f"LUM-2026-{number}"}}
        self._post(f"{self.info['expedia_sim_url']}/threads/{conversation.key}/messages", json=spec)

    def _partner_hands_in(self, conversation: Conversation, index: int) -> None:
        guest = conversation.guest
        sent_at = datetime.now(UTC) - timedelta(minutes=max(conversation.minutes_ago - 3 * index, 0))
        sender: dict[str, object] = {
            "external_id": f"{conversation.channel}-{guest.first_name.lower()}-{guest.last_name.lower()}",
            "name": guest.name}
        sender.update({k: v for k, v in (("email", guest.email), ("phone", guest.phone),
                                         ("language", guest.language)) if v})
        if conversation.reservation_id and conversation.stay is not None:
            days, nights = conversation.stay
            check_in = date.today() + timedelta(days=days)
            sender["reservations"] = [{"reservation_id": conversation.reservation_id,
                                       "check_in": check_in.isoformat(),
                                       "check_out": (check_in + timedelta(days=nights)).isoformat(),
                                       "guests": sum(conversation.guests)}]
        self._post(f"{self.info['api_url']}/v1/hotels/{self.hotel_id}/inbound",
                   headers={"x-api-key": self.partner_key},
                   json={"channel": conversation.channel, "external_conversation_id": conversation.key,
                         "external_message_id": f"{conversation.key}-m{index + 1}", "sender": sender,
                         "text": conversation.messages[index], "sent_at": _iso(sent_at),
                         "wants_human": conversation.wants_human and index == 0})

    # -- 3. the agent ----------------------------------------------------------------------

    def sign_in(self, username: str, password: str) -> str:
        answer = self.cognito.initiate_auth(ClientId=self.info["cognito_client_id"], AuthFlow="USER_PASSWORD_AUTH",
                                            AuthParameters={"USERNAME": username, "PASSWORD": password})
        return answer["AuthenticationResult"]["IdToken"]

    def conversation_id(self, conversation: Conversation) -> str:
        return conversation_id_for(self.hotel_id, conversation.channel, conversation.key)

    def agent_acts(self, token: str, conversation: Conversation, action) -> None:
        base = f"{self.info['api_url']}/v1/hotels/{self.hotel_id}/conversations/{self.conversation_id(conversation)}"
        headers = {"Authorization": f"Bearer {token}"}
        if action.kind == "reply":
            self._post(f"{base}/messages", headers=headers, json={"text": action.text})
        elif action.kind == "hold":
            until = datetime.now(UTC) + timedelta(seconds=action.hold_seconds)
            self._post(f"{base}/hold", headers=headers, json={"until": _iso(until)})
        elif action.kind == "assign":
            self._post(f"{base}/assign", headers=headers, json={"agent_id": self.agent_ids[action.agent]})
        elif action.kind == "note":
            self._post(f"{base}/notes", headers=headers, json={"text": action.text})
        else:
            self._post(f"{base}/{action.kind}", headers=headers)

    def _post(self, url: str, **kwargs) -> dict:
        response = self.http.post(url, timeout=30, **kwargs)
        if not response.ok:
            raise SeedError(f"POST {url} answered {response.status_code}: {response.text[:500]}")
        return response.json() if response.content else {}
