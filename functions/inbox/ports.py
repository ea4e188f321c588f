"""What the inbox needs from the outside world, as protocols the adapters implement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Generic, Literal, Protocol, TypeVar

from inbox.attachments import StoredFile, Upload, UploadGrant
from inbox.audit import AuditEntry as AuditEntry
from inbox.audit import AuditLog as AuditLog
from inbox.bot import KnowledgeBase
from inbox.model import Activity, Agent, Contact, Conversation, Delivery, ListOrder, Message, SavedReply, Tab

# The real-time ports, re-exported (``X as X``: the core is checked with no_implicit_reexport).
from inbox.realtime_ports import PRESENCE_STATES as PRESENCE_STATES
from inbox.realtime_ports import Change as Change
from inbox.realtime_ports import Connection as Connection
from inbox.realtime_ports import Connections as Connections
from inbox.realtime_ports import ConversationEvent as ConversationEvent
from inbox.realtime_ports import CountsEvent as CountsEvent
from inbox.realtime_ports import Event as Event
from inbox.realtime_ports import MessageEvent as MessageEvent
from inbox.realtime_ports import PresenceEvent as PresenceEvent
from inbox.realtime_ports import PresenceState as PresenceState
from inbox.realtime_ports import Push as Push
from inbox.realtime_ports import RealtimeReads as RealtimeReads
from inbox.realtime_ports import TeamCounts as TeamCounts
from inbox.retention import RETENTION_DAYS_DEFAULT

if TYPE_CHECKING:  # inbox.missed reads these ports: its types only, no import cycle
    from inbox.missed import MissedAnswer, MissedGroup, MissedQuestion

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a newest-first list, with the opaque cursor of the next page (or None)."""

    items: list[T]
    next_cursor: str | None


@dataclass(frozen=True)
class Hotel:
    id: str
    name: str
    timezone: str = "UTC"
    bot_enabled: bool = True
    expedia_property_id: str | None = None
    knowledge: KnowledgeBase = KnowledgeBase()
    # The hotel's own reply target (minutes) on channels that set no reply clock; None: no target.
    reply_target_minutes: int | None = None
    retention_days: int = RETENTION_DAYS_DEFAULT  # how long its guests' data is kept (``inbox.retention``)

    @property
    def bot(self) -> KnowledgeBase:
        """The hotel's knowledge base with its on/off switch."""
        return replace(self.knowledge, enabled=self.bot_enabled)


@dataclass(frozen=True)
class Guard:
    """A taken guard key, and what it points to (the message it marked as handled)."""

    conversation_id: str | None = None
    message_id: str | None = None
    message_sent_at: datetime | None = None


@dataclass(frozen=True)
class PartnerKey:
    """What a partner's API key grants: the partner and its hotels."""

    partner_id: str
    name: str
    hotel_ids: frozenset[str]


@dataclass(frozen=True)
class DeliveryJob:
    """A job on the outbound queue, for the sender of the conversation's channel.

    ``type`` is ``reply`` (deliver ``message_id``) or ``spam_status`` (tell the channel
    the thread is spam, or not, per ``spam``).
    """

    type: Literal["reply", "spam_status"]
    hotel_id: str
    conversation_id: str
    channel: str
    external_conversation_id: str | None
    message_id: str | None = None
    message_sent_at: datetime | None = None  # with message_id, the message's key
    spam: bool | None = None


@dataclass(frozen=True)
class ChannelHealthRecord:
    """What Lobby noted of a hotel's channel: its last notification, the last reconciliation, blocked replies."""

    last_notification_at: datetime | None = None
    last_reconciled_at: datetime | None = None
    undelivered: int = 0  # notifications the channel could not deliver, as the last reconciliation found them
    last_error: str | None = None  # the channel's error code and message of the last undelivered notification
    blocked_by_day: dict[str, int] = field(default_factory=dict)  # "YYYY-MM-DD" (UTC) -> replies blocked that day


@dataclass(frozen=True)
class ChannelStatus:
    """A hotel's channel as ``GET /v1/hotels/{h}/channels`` shows it."""

    channel: str
    connected: bool
    last_notification_at: datetime | None
    undelivered: int
    blocked_replies_7d: int
    last_reconciled_at: datetime | None


@dataclass(frozen=True)
class InboxCounts:
    """The tab counts of a hotel, and for one agent: theirs (``mine``) and nobody's (``unassigned``)."""

    tabs: dict[Tab, int]
    mine: dict[Tab, int]
    unassigned: dict[Tab, int]


@dataclass(frozen=True)
class SearchEntry:
    """One way to find a conversation: a normalized ``term`` (a name word, an email, a phone's digits,
    a reservation id, a thread id) that a search matches by prefix (``inbox.search``)."""

    term: str
    kind: Literal["name", "email", "phone", "reservation", "thread"]
    conversation_id: str
    label: str = ""  # the normalized full name, for queries of several words


@dataclass(frozen=True)
class Mention:
    """A note mentioned an agent: the conversation enters the agent's Mentions view."""

    agent_id: str
    conversation_id: str
    message_id: str
    at: datetime


@dataclass(frozen=True)
class Holdings:
    """Everything a conversation's partition holds, as an erase reads it (``GuestDataStore.holdings``)."""

    hotel_id: str
    conversation_id: str
    conversation: Conversation | None  # None: its own item is already gone
    item_keys: tuple[tuple[str, str], ...]  # every item read (the conversation's own included); opaque to the core
    external_message_ids: tuple[str, ...]  # of its messages: the guards to erase with them
    mentions: tuple[Mention, ...]  # of its notes
    messages: int = 0
    activity: int = 0
    missed_groups: tuple[str, ...] = ()  # the missed-question groups its handoffs counted a question in


class GuestDataStore(Protocol):
    """What exporting and erasing a guest needs of the store (``inbox.guest_data``)."""

    def current_contact(self, hotel_id: str, contact_id: str) -> Contact | None:
        """The contact as last written (a consistent read: its ``revision`` and ``conversation_ids``)."""
        ...

    def holdings(self, hotel_id: str, conversation_id: str) -> Holdings:
        """Every item of the conversation's partition (a paged Query, consistent)."""
        ...

    def erase_conversation(self, holdings: Holdings, *, guards: Sequence[str], search: Sequence[SearchEntry]) -> int:
        """Delete the conversation's own item under the version read, with its counts, in one transaction
        (``Conflict`` when it changed since: read the holdings again); then the other items read, the guards,
        search entries and mentions (batch deletes). Returns how many items went."""
        ...

    def erase_contact(self, contact: Contact) -> None:
        """Delete the contact if its ``revision`` is still the one read (``Conflict`` otherwise)."""
        ...

    def forget_missed(self, hotel_id: str, conversation_id: str, group_ids: Sequence[str]) -> None:
        """Take the conversation's words out of these missed-question groups: a group whose newest wording came
        from it loses that wording (and leaves the list until asked again), one whose answer came from it loses
        the answer (one conditional UpdateItem each; a group gone or since rewritten by another is left as is)."""
        ...


class ExpiryStore(Protocol):
    """What the expiry of a conversation needs of the store (``inbox.expiry``): DynamoDB's TTL removed the item."""

    def expire_counts(self, conversation: Conversation, guard_until: datetime) -> bool:
        """Take the removed ``conversation`` (as it was) out of the hotel's counts, in one transaction with a guard
        of its id and version (kept until ``guard_until``): False, nothing changed, when that guard is taken
        (the same removal told again)."""
        ...

    def holdings(self, hotel_id: str, conversation_id: str) -> Holdings:
        """What the conversation's partition still holds (a consistent Query; ``conversation`` None once its
        own item is gone)."""
        ...

    def erase_conversation(self, holdings: Holdings, *, guards: Sequence[str], search: Sequence[SearchEntry]) -> int:
        """Delete what ``holdings`` read, these guards, search entries and the mentions it names (batch deletes;
        one already gone is fine); returns how many."""
        ...

    def get_contact(self, hotel_id: str, contact_id: str) -> Contact | None: ...

    def release_contact(self, hotel_id: str, contact_id: str, conversation_id: str) -> tuple[Contact | None, bool]:
        """Take the conversation out of the contact's ``conversation_ids`` (one UpdateItem, its revision bumped):
        the contact as it is now (None: there is none) and whether its set held the conversation."""
        ...

    def erase_contact(self, contact: Contact) -> None:
        """Delete the contact if its ``revision`` is still the one read (``Conflict`` otherwise)."""
        ...


class ConversationStore(Protocol):
    """Where conversations, their messages and activity live."""

    def get_hotel(self, hotel_id: str) -> Hotel | None: ...

    def set_bot(self, hotel_id: str, enabled: bool, knowledge: KnowledgeBase) -> None: ...

    def get_conversation(self, hotel_id: str, conversation_id: str) -> Conversation: ...

    def find_conversation(self, hotel_id: str, conversation_id: str, guards: Sequence[str] = ()
                          ) -> tuple[Conversation | None, dict[str, Guard]]: ...

    def get_contact(self, hotel_id: str, contact_id: str) -> Contact | None: ...

    def list_tab(self, hotel_id: str, tab: Tab, limit: int, cursor: str | None = None, *,
                 assignee: str | None = None, order: ListOrder = ListOrder.NEWEST) -> Page[Conversation]:
        """One page of a tab in one Query: everyone's, or ``assignee``'s (an agent id, or ``UNASSIGNED``);
        ``ListOrder.WAITING`` (Open only) lists the guest waiting longest first, then those nobody waits on."""
        ...

    def tab_counts(self, hotel_id: str) -> dict[Tab, int]: ...

    def inbox_counts(self, hotel_id: str, agent_id: str | None) -> InboxCounts:
        """The tab counts, ``agent_id``'s and the unassigned ones, in one read (the counter shards)."""
        ...

    def list_messages(self, hotel_id: str, conversation_id: str, limit: int, cursor: str | None = None) -> Page[Message]: ...

    def list_activity(self, hotel_id: str, conversation_id: str, limit: int, cursor: str | None = None) -> Page[Activity]: ...

    def update_delivery(self, message: Message, delivery: Delivery, *, external_message_id: str | None = None,
                        error: str | None = None) -> None: ...

    def commit(
        self, before: Conversation | None, after: Conversation,
        activities: Sequence[Activity] = (), messages: Sequence[Message] = (), *,
        guards: Sequence[str] = (), contact: Contact | None = None,
        search: Sequence[SearchEntry] = (), mentions: Sequence[Mention] = (),
        retention_days: int = RETENTION_DAYS_DEFAULT,
        missed: MissedQuestion | None = None, missed_answer: MissedAnswer | None = None,
        figures: dict[date, dict[str, int]] | None = None,
    ) -> Conversation:
        """One transaction: the conversation (under its version; ``Conflict`` when another writer came first),
        entries, messages, guards, the contact, the counters (tabs and assignees), and the search entries and
        mentions given; ``missed`` counts a question in its group, ``missed_answer`` sets the group's answer. Read marks that differ between ``before.read_at`` and ``after.read_at`` are written too.
        The first guard (the message's own) points to the conversation and the first message; the others
        (a channel event's) only mark the event handled.
        Each item written carries its expiry (``inbox.retention.expiry`` of its time and ``retention_days``).
        ``figures`` (``inbox.reports.figure_changes``: day -> figure -> delta) are added to the hotel's daily
        figures in the same transaction."""
        ...

    def read_figures(self, hotel_id: str, first: date, last: date) -> dict[date, dict[str, int]]:
        """The hotel's figures of each day ``first`` .. ``last`` (days with none absent), in one Query."""
        ...

    # --- the team ---------------------------------------------------------------------------

    def get_conversations(self, hotel_id: str, conversation_ids: Sequence[str]) -> list[Conversation]:
        """These conversations of the hotel (one BatchGetItem), in the order asked; absent ones are left out."""
        ...

    def mark_read(self, hotel_id: str, conversation_id: str, agent_id: str, at: datetime) -> None:
        """The agent opened the conversation at ``at`` (one UpdateItem, kept only if later; ``NotFound``)."""
        ...

    def list_mentions(self, hotel_id: str, agent_id: str, limit: int, cursor: str | None = None
                      ) -> Page[Conversation]:
        """Conversations where the agent was mentioned, newest mention first, each once (one Query, one BatchGetItem)."""
        ...

    def find(self, hotel_id: str, prefix: str, limit: int) -> list[SearchEntry]:
        """Search entries whose term starts with ``prefix`` (one Query)."""
        ...

    def list_replies(self, hotel_id: str) -> list[SavedReply]:
        """The hotel's saved replies, by title (one Query)."""
        ...

    def get_reply(self, hotel_id: str, reply_id: str) -> SavedReply | None: ...

    def put_reply(self, reply: SavedReply) -> None: ...

    def delete_reply(self, hotel_id: str, reply_id: str) -> bool:
        """Delete it; False when there was none."""
        ...

    def set_reply_target(self, hotel_id: str, minutes: int | None) -> None:
        """The hotel's reply target (``NotFound`` when the hotel does not exist)."""
        ...

    def set_retention_days(self, hotel_id: str, days: int) -> None:
        """How long the hotel keeps its guests' data (``NotFound`` when the hotel does not exist)."""
        ...

    # --- missed questions (``inbox.missed``) ----------------------------------------------------

    def list_missed(self, hotel_id: str, limit: int, cursor: str | None = None) -> Page[MissedGroup]:
        """The groups in the list, last asked first (one Query; an unreadable group is skipped)."""
        ...

    def get_missed(self, hotel_id: str, group_id: str) -> MissedGroup | None: ...

    def mark_missed_taught(self, hotel_id: str, group_id: str, entry_id: str, at: datetime) -> None:
        """The group was taught as ``entry_id``: it leaves the list (one UpdateItem)."""
        ...

    def dismiss_missed(self, hotel_id: str, group_id: str, at: datetime) -> None:
        """The group leaves the list untaught (one UpdateItem)."""
        ...

    # --- channels --------------------------------------------------------------------------

    def hotel_for_expedia_property(self, property_id: str) -> str | None: ...

    def save_profile(self, contact: Contact, guards: Sequence[str] = (), search: Sequence[SearchEntry] = (), *,
                     retention_days: int = RETENTION_DAYS_DEFAULT) -> None:
        """Fill in a guest's profile (and the search entries it gives); with guards, only once
        (``Duplicate`` when a guard is taken), kept ``retention_days``."""
        ...

    def take_guards(self, hotel_id: str, guards: Sequence[str], *, retention_days: int = RETENTION_DAYS_DEFAULT
                    ) -> None:
        """Mark keys as handled when nothing else is written with them (kept ``retention_days``)."""
        ...

    def get_message(self, hotel_id: str, conversation_id: str, sent_at: datetime, message_id: str
                    ) -> Message | None: ...

    def mark_delivered(self, message: Message, external_message_id: str, guard: str, *,
                       retention_days: int = RETENTION_DAYS_DEFAULT) -> None:
        """The channel has the message: its id there, and a guard on that id (so the channel's echo
        of our own message is known as ours); the delivery claim is released."""
        ...

    def claim_delivery(self, message: Message, claim: str, until: datetime, now: datetime) -> bool:
        """Take the right to send ``message`` until ``until``: True only if it is still pending and
        nobody else holds an unexpired claim (one conditional write), so two copies of a job send once."""
        ...

    def release_delivery(self, message: Message, claim: str) -> None:
        """Give the claim back (the send failed and will be retried); only the holder's claim is removed."""
        ...

    # --- attachments ------------------------------------------------------------------------

    def save_upload(self, upload: Upload) -> None:
        """Remember an upload the API granted (so a reply can name it by id)."""
        ...

    def get_uploads(self, hotel_id: str, conversation_id: str, upload_ids: Sequence[str]) -> list[Upload]:
        """The granted uploads of this conversation among ``upload_ids`` (one batch read); others are absent."""
        ...


class ChannelHealthStore(Protocol):
    """What Lobby notes of each hotel's channels (one item per hotel and channel)."""

    def note_notification(self, hotel_id: str, channel: str, at: datetime) -> None:
        """The channel reached Lobby at ``at`` (kept only if later than what is noted)."""
        ...

    def note_blocked_reply(self, hotel_id: str, channel: str, at: datetime) -> None: ...

    def note_reconciled(self, hotel_id: str, channel: str, at: datetime, undelivered: int,
                        error: str | None) -> None:
        """What a run found undelivered for the hotel (only hotels with some are noted; see ``note_run``)."""
        ...

    def channel_health(self, hotel_id: str, channel: str) -> ChannelHealthRecord | None: ...

    def note_run(self, channel: str, at: datetime) -> None:
        """A reconciliation run of the channel completed at ``at``, for every hotel (kept only if later)."""
        ...

    def last_run(self, channel: str) -> datetime | None:
        """When the channel's last completed reconciliation run was."""
        ...


class AttachmentStorage(Protocol):
    """Where the bytes of attachments live (S3 in AWS, moto's S3 locally)."""

    def grant_upload(self, key: str, content_type: str, size: int, expires_seconds: int, *,
                     retention_days: int) -> UploadGrant:
        """A presigned POST for exactly this key, whose policy enforces the type and at most ``size`` bytes; the
        file is kept at least its hotel's ``retention_days`` (the storage's own expiry, a tier at least that long)."""
        ...

    def stored(self, key: str) -> StoredFile | None:
        """What is stored under ``key`` (size and type), or None when nothing was uploaded there."""
        ...

    def put(self, key: str, data: bytes, content_type: str, *, retention_days: int) -> None:
        """Store a file, kept at least ``retention_days`` (as ``grant_upload``'s)."""
        ...

    def read(self, key: str) -> bytes: ...

    def link(self, key: str, name: str, content_type: str, expires_seconds: int) -> str:
        """A presigned GET of the file, served with its type and name, valid ``expires_seconds``."""
        ...

    def delete(self, keys: Sequence[str]) -> int:
        """Delete these files (one already gone is fine); returns how many were asked."""
        ...

    def delete_prefix(self, prefix: str) -> int:
        """Delete every file under ``prefix`` (listed, then deleted in batches); returns how many went."""
        ...


class AgentDirectory(Protocol):
    """Who works for a hotel: the console's user pool (Cognito in AWS, moto's locally)."""

    def agents(self, hotel_id: str) -> list[Agent]:
        """The hotel's agents, by name (a warm process may keep the list for a minute)."""
        ...


class Outbox(Protocol):
    """The outbound queue: jobs for the channels' senders."""

    def enqueue(self, job: DeliveryJob) -> None: ...


class WakeUpScheduler(Protocol):
    """Wakes a held conversation at the end of its hold: one schedule per hold, named after
    its token, so that concurrent holds of one conversation never replace each other's."""

    def schedule(self, hotel_id: str, conversation_id: str, until: datetime, hold_token: str) -> None:
        """Create the hold's wake-up; doing it again for the same hold is fine."""
        ...

    def cancel(self, hotel_id: str, conversation_id: str, hold_token: str) -> None:
        """Delete the hold's wake-up, and only that one; one already gone is fine."""
        ...
