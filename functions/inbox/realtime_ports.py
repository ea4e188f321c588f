"""What real time (the consoles' WebSocket) needs from the outside world: connections, changes, a push.

Re-exported by ``inbox.ports``. A connection is one open console socket of one agent; it receives
the events of the agent's hotels (those of its ID token at connect) and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from inbox.model import AgentRef, Conversation, Message, Role, Tab

PresenceState = Literal["viewing", "typing", "left"]
PRESENCE_STATES: tuple[PresenceState, ...] = ("viewing", "typing", "left")


@dataclass(frozen=True)
class Connection:
    """An open console socket: who opened it, for which hotels, until when it may live."""

    id: str  # API Gateway's connectionId
    agent: AgentRef
    role: Role
    hotel_ids: frozenset[str]
    connected_at: datetime
    expires_at: datetime  # the item's TTL: API Gateway closes any connection after 2 hours
    viewing: tuple[str, str] | None = None  # (hotel_id, conversation_id) of its last presence, for "left"


@dataclass(frozen=True)
class TeamCounts:
    """A hotel's counts for every agent at once, from one read of the counter shards."""

    tabs: dict[Tab, int]
    unassigned: dict[Tab, int]
    by_agent: dict[str, dict[Tab, int]] = field(default_factory=dict)

    def mine(self, agent_id: str) -> dict[Tab, int]:
        found = self.by_agent.get(agent_id, {})
        return {tab: found.get(tab, 0) for tab in Tab}


@dataclass(frozen=True)
class Change:
    """One change of the table that consoles care about (decoded from a stream record):
    a conversation changed, a message or note was added (``message``), or a counter shard moved."""

    hotel_id: str
    kind: Literal["conversation", "message", "counts"]
    conversation_id: str | None = None
    message: Message | None = None  # kind "message" only: the new message as stored


# The events a connection receives (api.md, Real time), before they are shaped for its agent.
@dataclass(frozen=True)
class ConversationEvent:
    hotel_id: str
    conversation: Conversation


@dataclass(frozen=True)
class MessageEvent:
    hotel_id: str
    conversation_id: str
    message: Message


@dataclass(frozen=True)
class CountsEvent:
    hotel_id: str
    counts: TeamCounts  # shaped per connection: tabs, mine (its agent's), unassigned


@dataclass(frozen=True)
class PresenceEvent:
    hotel_id: str
    conversation_id: str
    agent: AgentRef
    state: PresenceState


Event = ConversationEvent | MessageEvent | CountsEvent | PresenceEvent


class Connections(Protocol):
    """The open sockets (a DynamoDB table of their own, with TTL)."""

    def add(self, connection: Connection) -> None:
        """Keep the connection: one item for it and one per hotel (one write request)."""
        ...

    def get(self, connection_id: str) -> Connection | None:
        """The connection (one GetItem); None when unknown or expired."""
        ...

    def remove(self, connection_id: str) -> Connection | None:
        """Forget the connection and its hotel items; the one removed, None when unknown (idempotent)."""
        ...

    def of_hotel(self, hotel_id: str) -> list[Connection]:
        """Every live connection of the hotel (one Query; expired ones left out)."""
        ...

    def set_viewing(self, connection_id: str, viewing: tuple[str, str] | None) -> None:
        """Note what the connection's agent is viewing (one UpdateItem; unknown connection: nothing)."""
        ...


class Push(Protocol):
    """API Gateway's @connections: sends events to one connection, shaped for its agent."""

    def send(self, connection: Connection, events: Sequence[Event]) -> bool:
        """Send these events (packed into as few frames as fit); False when the connection is gone (410)."""
        ...


class RealtimeReads(Protocol):
    """What the fan-out and presence read from the conversation store (``inbox.ports.ConversationStore``)."""

    def get_conversations(self, hotel_id: str, conversation_ids: Sequence[str]) -> list[Conversation]: ...

    def team_counts(self, hotel_id: str) -> TeamCounts:
        """Every agent's counts in one Query of the counter shards."""
        ...
