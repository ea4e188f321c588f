"""Events as one connection's console receives them (api.md, Real time): JSON objects shaped as the REST
API shapes the same things for that connection's agent.

A conversation is ``ConversationOut`` for the agent (its role's allowed actions, its unread mark: the
same ``api.present`` code as GET .../conversations); a message is ``MessageOut`` with its files' read
links signed as the API signs them (``Inbox.attachment_link``); counts are GET /inbox's three maps,
``mine`` being the agent's. Shaping is cached per event and per what the shape depends on (the agent
for a conversation, the agent for counts, nothing for a message or presence), so a batch sent to N
consoles is shaped once per distinct shape, not N times.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from auth.principal import Principal
from inbox.model import Actor, ActorType, Tab
from inbox.realtime_ports import Connection, ConversationEvent, CountsEvent, Event, MessageEvent, PresenceEvent

# Enough for every distinct shape of a few stream batches; the cache holds the events it keys on
# (by identity), so an id is never reused while its entry lives.
CACHE_ENTRIES = 2048


def principal_of(connection: Connection) -> Principal:
    """The caller the REST API would see for this connection's agent."""
    return Principal(Actor(ActorType.AGENT, connection.agent.id, connection.agent.name or None),
                     connection.hotel_ids, role=connection.role.value)


def counts_map(counts: dict[Tab, int]) -> dict[str, int]:
    return {tab.value: counts.get(tab, 0) for tab in Tab}


class Shaper:
    """Turns events into the JSON objects of api.md for one connection.

    ``service`` is the inbox (``inbox.service.Inbox``): its cached ``hotel()`` (the bot switch and the
    reply target a conversation's shape needs) and ``attachment_link()``. It is only touched by
    conversations and messages, so the socket function (presence only) never builds it.
    """

    def __init__(self, service: Any, *, cache_entries: int = CACHE_ENTRIES):
        self._service = service
        self._cache: OrderedDict[tuple[int, str | None], tuple[Event, dict]] = OrderedDict()
        self._cache_entries = cache_entries

    def event(self, connection: Connection, event: Event) -> dict:
        variant = self._variant(connection, event)
        key = (id(event), variant)
        found = self._cache.get(key)
        if found is not None and found[0] is event:
            self._cache.move_to_end(key)
            return found[1]
        shaped = self._shape(connection, event)
        self._cache[key] = (event, shaped)
        while len(self._cache) > self._cache_entries:
            self._cache.popitem(last=False)
        return shaped

    @staticmethod
    def _variant(connection: Connection, event: Event) -> str | None:
        """What, besides the event, its shape depends on."""
        if isinstance(event, ConversationEvent):
            return f"{connection.agent.id}\n{connection.role.value}"  # unread for the agent, actions for the role
        if isinstance(event, CountsEvent):
            return connection.agent.id  # mine
        return None

    def _shape(self, connection: Connection, event: Event) -> dict:
        if isinstance(event, ConversationEvent):
            from api.present import conversation_out

            conversation = conversation_out(self._service, event.hotel_id, event.conversation, principal_of(connection))
            return {"type": "conversation", "hotel_id": event.hotel_id, "conversation": conversation.model_dump(mode="json")}
        if isinstance(event, MessageEvent):
            from api.schemas import MessageOut

            hotel_id = event.hotel_id
            message = MessageOut.of(event.message, link=lambda attachment: self._service.attachment_link(hotel_id, attachment))
            return {"type": "message", "hotel_id": hotel_id, "conversation_id": event.conversation_id,
                    "message": message.model_dump(mode="json")}
        if isinstance(event, CountsEvent):
            counts = event.counts
            return {"type": "counts", "hotel_id": event.hotel_id, "tabs": counts_map(counts.tabs),
                    "mine": counts_map(counts.mine(connection.agent.id)), "unassigned": counts_map(counts.unassigned)}
        if isinstance(event, PresenceEvent):
            return {"type": "presence", "hotel_id": event.hotel_id, "conversation_id": event.conversation_id,
                    "agent": {"id": event.agent.id, "name": event.agent.name}, "state": event.state}
        raise TypeError(f"not a real-time event: {type(event).__name__}")
