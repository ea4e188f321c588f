"""In-memory fakes of the real-time ports (connections, push, reads), counting what they are asked.

They keep the ports' promises the use cases rely on: ``of_hotel`` lists the live connections of
that hotel only, ``remove`` is idempotent, a push to a gone connection answers False.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from inbox.model import AgentRef, Conversation, Direction, Message, Role, Sender, Status, Tab
from inbox.realtime import Realtime
from inbox.realtime_ports import Change, Connection, Event, TeamCounts
from infra import names

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
ANA = AgentRef("ag-ana", "Ana Lima")
BEN = AgentRef("ag-ben", "Ben Martin")
CAMILLE = AgentRef("ag-camille", "Camille Laurent")


class FakeConnections:
    """Connections on a dict; every call noted in ``calls``."""

    def __init__(self) -> None:
        self.items: dict[str, Connection] = {}
        self.calls: list[tuple[str, object]] = []
        self.now = T0

    def add(self, connection: Connection) -> None:
        self.calls.append(("add", connection.id))
        self.items[connection.id] = connection

    def get(self, connection_id: str) -> Connection | None:
        self.calls.append(("get", connection_id))
        found = self.items.get(connection_id)
        return found if found is not None and found.expires_at > self.now else None

    def remove(self, connection_id: str) -> Connection | None:
        self.calls.append(("remove", connection_id))
        return self.items.pop(connection_id, None)

    def of_hotel(self, hotel_id: str) -> list[Connection]:
        self.calls.append(("of_hotel", hotel_id))
        return [c for c in self.items.values() if hotel_id in c.hotel_ids and c.expires_at > self.now]

    def set_viewing(self, connection_id: str, viewing: tuple[str, str] | None) -> None:
        self.calls.append(("set_viewing", (connection_id, viewing)))
        if connection_id in self.items:
            self.items[connection_id] = replace(self.items[connection_id], viewing=viewing)

    def named(self, name: str) -> list[object]:
        return [arg for call, arg in self.calls if call == name]


class FakePush:
    """A push that records what each connection was sent; some connections are gone, some break."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, list[Event]]] = []  # (connection id, events) of each call that delivered
        self.attempts: list[str] = []
        self.gone: set[str] = set()
        self.broken: set[str] = set()

    def send(self, connection: Connection, events: Sequence[Event]) -> bool:
        self.attempts.append(connection.id)
        if connection.id in self.broken:
            raise RuntimeError("the endpoint timed out")
        if connection.id in self.gone:
            return False
        self.sent.append((connection.id, list(events)))
        return True

    def to(self, connection_id: str) -> list[Event]:
        """Every event the connection received, in order."""
        return [e for cid, events in self.sent if cid == connection_id for e in events]

    def calls_to(self, connection_id: str) -> int:
        return sum(1 for cid, _ in self.sent if cid == connection_id)


class FakeReads:
    """The conversation store's real-time reads on a dict; each read noted in ``calls``."""

    def __init__(self) -> None:
        self.conversations: dict[tuple[str, str], Conversation] = {}
        self.counts: dict[str, TeamCounts] = {}
        self.calls: list[tuple[str, str, tuple[str, ...]]] = []

    def get_conversations(self, hotel_id: str, conversation_ids: Sequence[str]) -> list[Conversation]:
        assert len(conversation_ids) <= 100, "one BatchGetItem reads at most 100 keys"
        self.calls.append(("get_conversations", hotel_id, tuple(conversation_ids)))
        found = (self.conversations.get((hotel_id, cid)) for cid in conversation_ids)
        return [c for c in found if c is not None]

    def team_counts(self, hotel_id: str) -> TeamCounts:
        self.calls.append(("team_counts", hotel_id, ()))
        return self.counts.get(hotel_id, TeamCounts({t: 0 for t in Tab}, {t: 0 for t in Tab}))


@dataclass
class RealtimeWorld:
    """The use cases on fakes, with a log that keeps what was said."""

    connections: FakeConnections = field(default_factory=FakeConnections)
    push: FakePush = field(default_factory=FakePush)
    reads: FakeReads = field(default_factory=FakeReads)
    logged: list[tuple[str, dict[str, object]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.realtime = Realtime(self.connections, self.push, self.reads, ttl_seconds=names.CONNECTION_TTL_SECONDS,
                                 log=lambda message, **fields: self.logged.append((message, fields)))

    def connect(self, cid: str, agent: AgentRef = ANA, hotels: Sequence[str] = ("h1",),
                role: Role = Role.AGENT) -> Connection:
        return self.realtime.connect(cid, agent, role, hotels, T0)

    def conversation(self, hotel_id: str, cid: str, *, status: Status = Status.OPEN, minute: int = 0) -> Conversation:
        at = T0 + timedelta(minutes=minute)
        c = Conversation(cid, hotel_id, "webchat", status, T0, at, at, last_message_preview=f"{cid} at {minute}")
        self.reads.conversations[(hotel_id, cid)] = c
        return c

    def counts(self, hotel_id: str, open_: int) -> TeamCounts:
        counts = TeamCounts({**{t: 0 for t in Tab}, Tab.OPEN: open_, Tab.ALL: open_},
                            {**{t: 0 for t in Tab}, Tab.OPEN: open_}, {ANA.id: {Tab.OPEN: 1}})
        self.reads.counts[hotel_id] = counts
        return counts

    def forget_calls(self) -> None:
        self.connections.calls.clear()
        self.reads.calls.clear()
        self.push.sent.clear()
        self.push.attempts.clear()

    def reasons(self) -> list[object]:
        return [fields.get("reason") for message, fields in self.logged]


def message(hotel_id: str, conversation_id: str, mid: str, *, minute: int = 0, internal: bool = False) -> Message:
    return Message(mid, conversation_id, hotel_id, Direction.INBOUND, Sender.GUEST, f"text of {mid}",
                   T0 + timedelta(minutes=minute), internal=internal)


def message_change(m: Message) -> Change:
    return Change(m.hotel_id, "message", m.conversation_id, m)


def conversation_change(hotel_id: str, conversation_id: str) -> Change:
    return Change(hotel_id, "conversation", conversation_id)


def counts_change(hotel_id: str) -> Change:
    return Change(hotel_id, "counts")
