"""Real time: the consoles' sockets, what each one receives of a batch of changes, and presence.

Plain use cases on the ports of ``inbox.realtime_ports``: the socket function calls ``connect``,
``disconnect`` and ``presence``; the fan-out function calls ``fan_out`` with the changes decoded from
one stream batch. A connection only ever receives events of a hotel whose ``of_hotel`` listed it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from inbox.errors import InvalidInput
from inbox.model import AgentRef, Conversation, Role, check_moment
from inbox.realtime_ports import (
    PRESENCE_STATES,
    Change,
    Connection,
    Connections,
    ConversationEvent,
    CountsEvent,
    Event,
    MessageEvent,
    PresenceEvent,
    PresenceState,
    Push,
    RealtimeReads,
)

MAX_CONVERSATION_ID = 200  # characters: a presence message naming more is not one of ours
BATCH_LIMIT = 100  # conversations read at once (one BatchGetItem)


@dataclass(frozen=True)
class FanOutReport:
    """What one ``fan_out`` did: connections that got their events, events sent in all, gone ones
    removed, and sends that failed (logged; the others were still served)."""

    connections: int = 0
    events: int = 0
    gone: int = 0
    failed: int = 0


@dataclass
class _HotelBatch:
    """One hotel's share of a stream batch, coalesced: every message, each conversation once, counts once."""

    messages: list[MessageEvent]
    conversation_ids: dict[str, None]  # an ordered set: first appearance
    counts: bool = False


def _nothing(message: str, **fields: Any) -> None:
    return None


def _shown(value: object) -> str:
    """A client's value as a log shows it: its repr, bounded (the client chose it)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:79] + "…"


class Realtime:
    """The consoles' sockets: who is connected where, what they receive, who views what.

    ``ttl_seconds``: how long a connection is kept (the setting ``connection_ttl_seconds``: API Gateway
    closes a socket after 2 hours, and its items outlive it a little)."""

    def __init__(self, connections: Connections, push: Push, reads: RealtimeReads, *,
                 ttl_seconds: int, log: Callable[..., None] | None = None) -> None:
        self.connections = connections
        self.push = push
        self.reads = reads
        self.log = log or _nothing
        if ttl_seconds <= 0:
            raise ValueError("a connection's TTL is a positive number of seconds")
        self.ttl = timedelta(seconds=ttl_seconds)

    # --- the socket's life -------------------------------------------------------------------

    def connect(self, connection_id: str, agent: AgentRef, role: Role, hotel_ids: Iterable[str],
                now: datetime) -> Connection:
        """Keep a new socket of ``agent`` for the hotels of its token, until its TTL."""
        if not isinstance(connection_id, str) or not connection_id:
            raise InvalidInput("a connection needs its id")
        if not isinstance(agent, AgentRef) or not isinstance(agent.id, str) or not agent.id:
            raise InvalidInput("a connection needs the agent who opened it")
        try:
            role = Role(role)  # the authorizer's context carries it as text
        except ValueError:
            raise InvalidInput(f"unknown role {_shown(role)}") from None
        # A string is iterable too: "h1" would give the hotels "h" and "1".
        if isinstance(hotel_ids, str) or not isinstance(hotel_ids, Iterable):
            raise InvalidInput("hotel_ids is a collection of hotel ids")
        listed = list(hotel_ids)
        if not listed or not all(isinstance(h, str) and h for h in listed):
            raise InvalidInput("a connection needs at least one hotel, each a non-empty id")
        hotels = frozenset(listed)
        check_moment("now", now)
        connection = Connection(connection_id, agent, role, hotels, now, now + self.ttl)
        self.connections.add(connection)
        return connection

    def disconnect(self, connection_id: str) -> Connection | None:
        """Forget the socket; when its agent was viewing a conversation, the others see them leave."""
        if not isinstance(connection_id, str) or not connection_id:
            return None
        gone = self.connections.remove(connection_id)
        if gone is not None and gone.viewing is not None:
            hotel_id, conversation_id = gone.viewing
            self._tell_others(gone, PresenceEvent(hotel_id, conversation_id, gone.agent, "left"))
        return gone

    # --- presence ----------------------------------------------------------------------------

    def presence(self, connection_id: object, conversation_id: object, state: object,
                 hotel_id: object = None) -> bool:
        """An agent views, types in or leaves a conversation: the hotel's other agents are told.

        The arguments come from a client's JSON, so any type: anything that is not a presence of this
        connection's agent on a conversation of its hotels is ignored and logged (False).
        """
        parsed = _parse_presence(connection_id, conversation_id, state, hotel_id)
        if isinstance(parsed, str):
            return self._ignored(parsed, connection_id, conversation_id, state, hotel_id)
        own_id, wanted, presence_state, hotel = parsed
        connection = self.connections.get(own_id)
        if connection is None:
            return self._ignored("unknown connection", connection_id, conversation_id, state, hotel_id)
        if hotel is not None and hotel not in connection.hotel_ids:
            return self._ignored("not a hotel of the connection", connection_id, conversation_id, state, hotel_id)
        candidates = [hotel] if hotel is not None else sorted(connection.hotel_ids)
        found = next((h for h in candidates if self._has_conversation(h, wanted)), None)
        if found is None:
            return self._ignored("no such conversation in the connection's hotels", connection_id, conversation_id,
                                 state, hotel_id)
        here = (found, wanted)
        if presence_state == "left":
            # Only the conversation it views: a late "left" of the previous one must not erase the current one.
            viewing = None if connection.viewing == here else connection.viewing
        else:
            viewing = here
        if viewing != connection.viewing:  # "viewing" comes again every 30 s: no write when nothing moved
            self.connections.set_viewing(connection.id, viewing)
        self._tell_others(connection, PresenceEvent(found, wanted, connection.agent, presence_state))
        return True

    def _has_conversation(self, hotel_id: str, conversation_id: str) -> bool:
        return any(c.id == conversation_id and c.hotel_id == hotel_id
                   for c in self.reads.get_conversations(hotel_id, [conversation_id]))

    def _ignored(self, reason: str, connection_id: object, conversation_id: object, state: object,
                 hotel_id: object) -> bool:
        self.log("presence ignored", reason=reason, connection_id=_shown(connection_id),
                 conversation_id=_shown(conversation_id), state=_shown(state), hotel_id=_shown(hotel_id))
        return False

    def _tell_others(self, source: Connection, event: PresenceEvent) -> None:
        """The event to every connection of the hotel but those of the same agent (they know)."""
        others = [c for c in self._of_hotel(event.hotel_id) if c.agent.id != source.agent.id]
        self._send_each(others, [event])

    # --- the fan-out -------------------------------------------------------------------------

    def fan_out(self, changes: Sequence[Change]) -> FanOutReport:
        """Send one stream batch's changes to the connections of their hotels.

        Per hotel, coalesced: every message, one conversation event per conversation (its latest state,
        read once), one counts event when a counter moved; in that order. A hotel nobody is connected to
        costs one Query and nothing else. A gone connection is removed; a send that fails is logged and
        the others are still served. A read that fails raises (the stream retries the batch; events
        sent twice are harmless: clients replace by id).
        """
        total = FanOutReport()
        for hotel_id, batch in self._by_hotel(changes).items():
            connections = self._of_hotel(hotel_id)
            if not connections:
                continue
            events = self._events(hotel_id, batch)
            if events:
                total = _add(total, self._send_each(connections, events))
        return total

    def _by_hotel(self, changes: Sequence[Change]) -> dict[str, _HotelBatch]:
        hotels: dict[str, _HotelBatch] = {}
        for change in changes:
            hotel_id = change.hotel_id
            if not isinstance(hotel_id, str) or not hotel_id:
                self.log("change ignored", reason="no hotel", kind=change.kind)
                continue
            batch = hotels.setdefault(hotel_id, _HotelBatch([], {}))
            if change.kind == "message":
                message = change.message
                if message is None or message.hotel_id != hotel_id:  # never another hotel's message
                    self.log("change ignored", reason="message missing or of another hotel", hotel_id=hotel_id)
                    continue
                batch.messages.append(MessageEvent(hotel_id, message.conversation_id, message))
            elif change.kind == "conversation":
                if not change.conversation_id:
                    self.log("change ignored", reason="no conversation id", hotel_id=hotel_id)
                    continue
                batch.conversation_ids[change.conversation_id] = None
            elif change.kind == "counts":
                batch.counts = True
            else:
                self.log("change ignored", reason="unknown kind", hotel_id=hotel_id, kind=_shown(change.kind))
        return hotels

    def _events(self, hotel_id: str, batch: _HotelBatch) -> list[Event]:
        events: list[Event] = list(batch.messages)
        events.extend(ConversationEvent(hotel_id, c) for c in self._conversations(hotel_id, list(batch.conversation_ids)))
        if batch.counts:
            events.append(CountsEvent(hotel_id, self.reads.team_counts(hotel_id)))
        return events

    def _conversations(self, hotel_id: str, ids: list[str]) -> list[Conversation]:
        found: list[Conversation] = []
        for start in range(0, len(ids), BATCH_LIMIT):
            for conversation in self.reads.get_conversations(hotel_id, ids[start:start + BATCH_LIMIT]):
                if conversation.hotel_id == hotel_id:  # never another hotel's conversation, whatever the store says
                    found.append(conversation)
                else:
                    self.log("conversation ignored", reason="of another hotel", hotel_id=hotel_id,
                             conversation_id=conversation.id)
        return found

    # --- sending -----------------------------------------------------------------------------

    def _of_hotel(self, hotel_id: str) -> list[Connection]:
        unique = {c.id: c for c in self.connections.of_hotel(hotel_id)}
        return list(unique.values())

    def _send_each(self, connections: Sequence[Connection], events: Sequence[Event]) -> FanOutReport:
        """Send to each connection on its own: one gone or failing never stops the others."""
        reached = gone = failed = 0
        for connection in connections:
            try:
                delivered = self.push.send(connection, events)
            except Exception as error:
                failed += 1
                self.log("push failed", connection_id=connection.id, error=f"{type(error).__name__}: {error}")
                continue
            if delivered:
                reached += 1
                continue
            gone += 1
            try:
                self.connections.remove(connection.id)
            except Exception as error:  # its TTL removes it anyway
                self.log("could not remove a gone connection", connection_id=connection.id, error=str(error))
        return FanOutReport(reached, reached * len(events), gone, failed)


def _add(a: FanOutReport, b: FanOutReport) -> FanOutReport:
    return FanOutReport(a.connections + b.connections, a.events + b.events, a.gone + b.gone, a.failed + b.failed)


def _parse_presence(connection_id: object, conversation_id: object, state: object, hotel_id: object
                    ) -> tuple[str, str, PresenceState, str | None] | str:
    """The presence message's parts, typed, or why it cannot be one of ours."""
    if not isinstance(connection_id, str) or not connection_id:
        return "no connection id"
    known = next((s for s in PRESENCE_STATES if isinstance(state, str) and state == s), None)
    if known is None:
        return "unknown state"
    if not isinstance(conversation_id, str) or not conversation_id or len(conversation_id) > MAX_CONVERSATION_ID:
        return f"conversation_id must be a text of 1 to {MAX_CONVERSATION_ID} characters"
    if hotel_id is not None and (not isinstance(hotel_id, str) or not hotel_id):
        return "hotel_id must be a hotel id when given"
    return connection_id, conversation_id, known, hotel_id
