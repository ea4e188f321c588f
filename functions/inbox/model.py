"""Domain objects of the inbox: conversations, messages, activity entries and contacts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from inbox.errors import InvalidInput
from inbox.times import iso as iso  # the one way Lobby writes a time (re-exported for the store and the API)

PREVIEW_LENGTH = 140


class Status(StrEnum):
    """Where a conversation stands."""

    BOT = "bot"
    OPEN = "open"
    ON_HOLD = "on_hold"
    CLOSED = "closed"
    SPAM = "spam"


class Tab(StrEnum):
    """The five tabs of the console's inbox."""

    OPEN = "open"
    ON_HOLD = "on_hold"
    CLOSED = "closed"
    SPAM = "spam"
    ALL = "all"


def tabs_of(status: Status) -> frozenset[Tab]:
    """The tabs a conversation with this status is listed in."""
    own = {Status.OPEN: Tab.OPEN, Status.ON_HOLD: Tab.ON_HOLD, Status.CLOSED: Tab.CLOSED, Status.SPAM: Tab.SPAM}
    tabs = {own[status]} if status in own else set()
    if status is not Status.SPAM:
        tabs.add(Tab.ALL)
    return frozenset(tabs)


# The bot talks to the guest only in these statuses (and only when the hotel's bot is on).
BOT_STATUSES = frozenset({Status.BOT, Status.CLOSED})


def bot_enabled(status: Status, hotel_bot_on: bool) -> bool:
    """True exactly when the status is bot or closed and the hotel has its bot on."""
    return hotel_bot_on and status in BOT_STATUSES


class ActorType(StrEnum):
    GUEST = "guest"
    BOT = "bot"
    AGENT = "agent"
    PARTNER = "partner"
    SYSTEM = "system"
    OPERATOR = "operator"  # someone running ``python -m admin`` (audit entries only)


@dataclass(frozen=True)
class Actor:
    """Who did something: a guest, the bot, an agent, a partner or the system."""

    type: ActorType
    id: str | None = None
    name: str | None = None


SYSTEM = Actor(ActorType.SYSTEM, "lobby", "Lobby")
BOT = Actor(ActorType.BOT, "bot", "Lobby bot")


@dataclass(frozen=True)
class AgentRef:
    """An agent as a conversation names it (its assignee): the Cognito ``sub`` and the label shown."""

    id: str
    name: str


class Role(StrEnum):
    """What an agent of the console may do (``custom:role``): admins also manage the hotel."""

    ADMIN = "admin"
    AGENT = "agent"


@dataclass(frozen=True)
class Agent:
    """One of the hotel's agents, as the user pool lists them (``GET .../agents``)."""

    id: str
    name: str
    email: str | None
    role: Role

    @property
    def ref(self) -> AgentRef:
        return AgentRef(self.id, self.name)


class ListOrder(StrEnum):
    """How a tab is sorted: newest last message first, or (Open only) the guest waiting longest first."""

    NEWEST = "newest"
    WAITING = "waiting"


UNASSIGNED = "-"  # the assignee filter "nobody" (an agent id is never "-": it is a Cognito sub)


def utc_now() -> datetime:
    return datetime.now(UTC)


def check_moment(name: str, moment: datetime | None) -> None:
    """A defensive check in the core: every time Lobby keeps is aware and has a UTC form (the
    real check is at the boundary, ``inbox.times``)."""
    if moment is None:
        return
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise InvalidInput(f"{name} must be an aware datetime, not {moment!r}")
    try:
        moment.astimezone(UTC)
    except OverflowError:
        raise InvalidInput(f"{name} lies outside the years Lobby can store") from None



def text_digest(text: str) -> str:
    """A short fingerprint of a text, blind to case and spacing."""
    import hashlib

    return hashlib.sha256(" ".join(text.lower().split()).encode()).hexdigest()[:16]


def repeats_of(conversation: Conversation | None, text: str) -> int:
    """How many times this exact text already came in a row from the guest of this conversation."""
    if conversation is None or not text.strip() or conversation.guest_text_digest != text_digest(text):
        return 0  # a message with files only repeats nothing
    return conversation.guest_text_repeats + 1


def preview(text: str) -> str:
    """The list's one-line preview of a message: at most 140 characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_LENGTH else flat[: PREVIEW_LENGTH - 1] + "…"


def message_preview(text: str, attachment_names: tuple[str, ...] = ()) -> str:
    """The preview of a message: its text, or for files only, a paperclip and the first file's name."""
    if text.strip() or not attachment_names:
        return preview(text)
    more = f" (+{len(attachment_names) - 1})" if len(attachment_names) > 1 else ""
    return preview(f"\U0001f4ce {attachment_names[0]}{more}")


@dataclass(frozen=True)
class Conversation:
    """A conversation between a guest and a hotel on one channel."""

    id: str
    hotel_id: str
    channel: str
    status: Status
    created_at: datetime
    updated_at: datetime
    last_message_at: datetime
    contact_id: str | None = None
    contact_name: str | None = None  # a copy of the guest's name, so a tab page shows it with no extra read
    external_conversation_id: str | None = None
    last_message_preview: str = ""
    automated: bool = True
    hold_until: datetime | None = None
    hold_token: str | None = None
    held_since: datetime | None = None  # when it went on hold (kept while held again), for the time on hold
    # The guest's last text (as a digest) and how often it came again in a row: a new
    # sender repeating the same text is a spam signal.
    guest_text_digest: str | None = None
    guest_text_repeats: int = 0
    assignee: AgentRef | None = None  # at most one agent of the hotel owns it; a handoff arrives with none
    # The oldest guest message that needs an agent and that no agent answered yet (None: nobody waits).
    waiting_since: datetime | None = None
    # The last guest message that needs an agent, or the last note: what ``unread`` compares with.
    attention_at: datetime | None = None
    # agent id -> when that agent last opened the conversation (POST .../read, or writing a note).
    read_at: Mapping[str, datetime] = field(default_factory=dict)
    # The missed-question group (``inbox.missed``) of the guest's question the bot could not answer, until an
    # agent's first reply is attached to it as the group's answer.
    missed_group: str | None = None
    version: int = 0  # optimistic lock, owned by the store
    # Set by the store when a field could not be read back and shows a placeholder; the next
    # write of the conversation rewrites every field, which repairs the item.
    degraded: bool = False

    def __post_init__(self) -> None:
        for name in ("created_at", "updated_at", "last_message_at", "hold_until", "held_since", "waiting_since",
                     "attention_at"):
            check_moment(name, getattr(self, name))
        for moment in self.read_at.values():
            check_moment("read_at", moment)

    @property
    def tabs(self) -> frozenset[Tab]:
        return tabs_of(self.status)

    def unread_for(self, agent_id: str | None) -> bool:
        """Whether something arrived (a guest message needing an agent, a note) since this agent last opened it."""
        if agent_id is None or self.attention_at is None:
            return False
        seen = self.read_at.get(agent_id)
        return seen is None or seen < self.attention_at

    def evolve(self, **changes: Any) -> Conversation:
        return replace(self, **changes)


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class Sender(StrEnum):
    GUEST = "guest"
    BOT = "bot"
    AGENT = "agent"


class Delivery(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True)
class Attachment:
    """A file of a message. Its bytes live in Lobby's attachment storage under ``key``; a file
    Lobby refused (type or size, see ``inbox.attachments``) has no key and says why."""

    id: str
    name: str
    content_type: str
    size: int
    key: str | None = None
    unavailable_reason: str | None = None  # e.g. "type_refused", "too_large"; None when the file is kept
    external_id: str | None = None  # the channel's id of the file (Expedia's attachment id), when it has one

    @property
    def available(self) -> bool:
        return self.key is not None and self.unavailable_reason is None


@dataclass(frozen=True)
class Message:
    """One message of a conversation, inbound from the guest or outbound to them."""

    id: str
    conversation_id: str
    hotel_id: str
    direction: Direction
    sender: Sender
    text: str
    sent_at: datetime
    agent_id: str | None = None
    external_message_id: str | None = None
    delivery: Delivery | None = None
    delivery_error: str | None = None
    attachments: tuple[Attachment, ...] = ()
    internal: bool = False  # a note between agents: in the timeline, never sent to the guest
    mentions: tuple[str, ...] = ()  # the agent ids a note mentions (notes only)
    redactions: tuple[str, ...] = ()  # what was removed from the text before it was stored (``inbox.redaction``)

    def __post_init__(self) -> None:
        check_moment("sent_at", self.sent_at)


@dataclass(frozen=True)
class Activity:
    """One entry of a conversation's activity: who moved it where, when and why."""

    id: str
    conversation_id: str
    hotel_id: str
    type: str
    actor: Actor
    from_status: Status | None
    to_status: Status
    at: datetime
    reason: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_moment("at", self.at)


@dataclass(frozen=True)
class Reservation:
    reservation_id: str
    check_in: str | None = None
    check_out: str | None = None
    room: str | None = None
    guests: int | None = None


@dataclass(frozen=True)
class Contact:
    """The guest's profile."""

    id: str
    hotel_id: str
    channel: str
    external_id: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    language: str | None = None
    reservations: tuple[Reservation, ...] = ()
    # The guest's conversations at this hotel (kept on the contact as each starts): what an erase removes.
    conversation_ids: frozenset[str] = frozenset()
    # Bumped by every write of the contact: an erase deletes it only if nothing wrote it meanwhile.
    revision: int = 0


@dataclass(frozen=True)
class SavedReply:
    """A prepared reply of the hotel's library: one text per language, with ``{variables}`` (``inbox.replies``)."""

    id: str
    hotel_id: str
    title: str
    shortcut: str  # the word typed after "/" in the composer
    texts: Mapping[str, str]  # language -> text
