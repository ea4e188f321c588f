"""In-memory fakes of the inbox's ports (cosmicpython's style): the use cases run on them in unit tests.

They keep the ports' promises that the use cases rely on: a commit checks the version it read and
refuses a taken guard (``Duplicate``), a claim is one atomic conditional write, a guard points to
its message. Each fake counts its writes, so a test can say "nothing was stored".
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from inbox.attachments import StoredFile, Upload, UploadGrant
from inbox.audit import AuditEntry
from inbox.bot import Answer, BotDecision, GuestText, HandOff, HandoffReason, KnowledgeBase
from inbox.errors import Conflict, Duplicate, NotFound
from inbox.missed import MissedAnswer, MissedGroup, MissedQuestion
from inbox.model import (
    UNASSIGNED,
    Activity,
    Agent,
    Contact,
    Conversation,
    Delivery,
    ListOrder,
    Message,
    Role,
    SavedReply,
    Status,
    Tab,
)
from inbox.ports import (
    ChannelHealthRecord,
    DeliveryJob,
    Guard,
    Holdings,
    Hotel,
    InboxCounts,
    Mention,
    Page,
    SearchEntry,
)
from inbox.service import Inbox

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


class FakeStore:
    """ConversationStore on dicts."""

    def __init__(self) -> None:
        self.hotels: dict[str, Hotel] = {}
        self.properties: dict[str, str] = {}
        self.conversations: dict[tuple[str, str], Conversation] = {}
        self.messages: dict[tuple[str, str], dict[str, Message]] = {}
        self.activities: list[Activity] = []
        self.contacts: dict[tuple[str, str], Contact] = {}
        self.guards: dict[tuple[str, str], Guard] = {}
        self.uploads: dict[tuple[str, str, str], Upload] = {}
        self.claims: dict[str, tuple[str, datetime]] = {}
        self.search_entries: dict[tuple[str, str, str, str], SearchEntry] = {}  # (hotel, term, kind, conversation)
        self.mention_items: list[tuple[str, Mention]] = []
        self.saved_replies: dict[tuple[str, str], SavedReply] = {}
        self.missed: dict[tuple[str, str], MissedGroup] = {}  # (hotel, group id)
        self.figures: dict[tuple[str, date], dict[str, int]] = {}  # (hotel, day) -> figure -> sum
        self.writes: list[str] = []
        self.reads: list[str] = []  # the team's reads (find, get_conversations), for request-count tests
        # Called once at the start of the next commit: a test's concurrent writer getting in first.
        self.before_next_commit: Callable[[], None] | None = None
        # The same at the start of the next erase of a conversation, or of a contact (``inbox.guest_data``).
        self.before_next_erase: Callable[[], None] | None = None
        self.before_next_erase_contact: Callable[[], None] | None = None
        self.lock = threading.Lock()

    # --- hotels -------------------------------------------------------------------------------

    def get_hotel(self, hotel_id: str) -> Hotel | None:
        return self.hotels.get(hotel_id)

    def set_bot(self, hotel_id: str, enabled: bool, knowledge: KnowledgeBase) -> None:
        self.hotels[hotel_id] = replace(self.hotels[hotel_id], bot_enabled=enabled, knowledge=knowledge)

    def hotel_for_expedia_property(self, property_id: str) -> str | None:
        return self.properties.get(property_id)

    # --- conversations --------------------------------------------------------------------------

    def get_conversation(self, hotel_id: str, conversation_id: str) -> Conversation:
        try:
            return self.conversations[(hotel_id, conversation_id)]
        except KeyError:
            raise NotFound(f"conversation {conversation_id} not found") from None

    def find_conversation(self, hotel_id: str, conversation_id: str, guards: Sequence[str] = ()
                          ) -> tuple[Conversation | None, dict[str, Guard]]:
        taken = {g: self.guards[(hotel_id, g)] for g in guards if (hotel_id, g) in self.guards}
        return self.conversations.get((hotel_id, conversation_id)), taken

    def get_contact(self, hotel_id: str, contact_id: str) -> Contact | None:
        return self.contacts.get((hotel_id, contact_id))

    def list_tab(self, hotel_id: str, tab: Tab, limit: int, cursor: str | None = None, *,
                 assignee: str | None = None, order: ListOrder = ListOrder.NEWEST) -> Page[Conversation]:
        found = [c for (h, _), c in self.conversations.items() if h == hotel_id and tab in c.tabs
                 and (assignee is None or (c.assignee.id if c.assignee else UNASSIGNED) == assignee)]
        if order is ListOrder.WAITING:  # the guest waiting longest first, then those nobody waits on
            found.sort(key=lambda c: c.last_message_at, reverse=True)
            found.sort(key=lambda c: (c.waiting_since is None, c.waiting_since or c.last_message_at))
        else:
            found.sort(key=lambda c: c.last_message_at, reverse=True)
        return Page(found[:limit], None)

    def tab_counts(self, hotel_id: str) -> dict[Tab, int]:
        return {tab: len(self.list_tab(hotel_id, tab, 10_000).items) for tab in Tab}

    def inbox_counts(self, hotel_id: str, agent_id: str | None) -> InboxCounts:
        def count(assignee: str) -> dict[Tab, int]:
            return {tab: len(self.list_tab(hotel_id, tab, 10_000, assignee=assignee).items) for tab in Tab}

        mine = count(agent_id) if agent_id else dict.fromkeys(Tab, 0)
        return InboxCounts(self.tab_counts(hotel_id), mine, count(UNASSIGNED))

    def list_messages(self, hotel_id: str, conversation_id: str, limit: int, cursor: str | None = None
                      ) -> Page[Message]:
        found = self.messages.get((hotel_id, conversation_id), {}).values()
        return Page(sorted(found, key=lambda m: (m.sent_at, m.id), reverse=True)[:limit], None)

    def list_activity(self, hotel_id: str, conversation_id: str, limit: int, cursor: str | None = None
                      ) -> Page[Activity]:
        found = [a for a in self.activities if (a.hotel_id, a.conversation_id) == (hotel_id, conversation_id)]
        return Page(found[::-1][:limit], None)

    def commit(self, before: Conversation | None, after: Conversation, activities: Sequence[Activity] = (),
               messages: Sequence[Message] = (), *, guards: Sequence[str] = (), contact: Contact | None = None,
               search: Sequence[SearchEntry] = (), mentions: Sequence[Mention] = (),
               retention_days: int = 730, missed: MissedQuestion | None = None,
               missed_answer: MissedAnswer | None = None, figures: dict[date, dict[str, int]] | None = None,
               ) -> Conversation:
        concurrent, self.before_next_commit = self.before_next_commit, None
        if concurrent is not None:
            concurrent()
        assert not (after.status is Status.SPAM and after.assignee), "spam is never assigned"
        with self.lock:
            key = (after.hotel_id, after.id)
            current = self.conversations.get(key)
            if (current is None) != (before is None) or (current and before and current.version != before.version):
                raise Conflict(current.status.value if current else None)
            for guard in guards:
                if (after.hotel_id, guard) in self.guards:
                    raise Duplicate(after.id, messages[0].id if messages else "")
            # Only the read marks this commit changed are written (a mark_read meanwhile survives), as the store does.
            old_marks = before.read_at if before else {}
            marks = {**(current.read_at if current else {}),
                     **{a: t for a, t in after.read_at.items() if old_marks.get(a) != t}}
            stored = after.evolve(version=(current.version + 1) if current else 1, read_at=marks)
            self.conversations[key] = stored
            for message in messages:
                self.messages.setdefault(key, {})[message.id] = message
            self.activities.extend(activities)
            for n, guard in enumerate(guards):  # the first is the message's own: only it points to the message
                first = messages[0] if messages and n == 0 else None
                self.guards[(after.hotel_id, guard)] = Guard(after.id if n == 0 else None, first.id if first else None,
                                                            first.sent_at if first else None)
            if contact is not None:  # created, or told of this conversation (the set and the revision move)
                known = self.contacts.get((contact.hotel_id, contact.id))
                base = known or contact
                self.contacts[(contact.hotel_id, contact.id)] = replace(
                    base, conversation_ids=base.conversation_ids | contact.conversation_ids | {after.id},
                    revision=(known.revision if known else 0) + 1)
            self._put_entries(after.hotel_id, search)
            self.mention_items.extend((after.hotel_id, m) for m in mentions)
            if missed is not None:
                self._count_missed(after.hotel_id, missed)
            if missed_answer is not None:
                self._answer_missed(after.hotel_id, missed_answer)
            for day, changes in (figures or {}).items():  # added with the change, as the store's day items
                kept = self.figures.setdefault((after.hotel_id, day), {})
                for name, n in changes.items():
                    kept[name] = kept.get(name, 0) + n
            self.writes.append("commit")
            return stored

    def read_figures(self, hotel_id: str, first: date, last: date) -> dict[date, dict[str, int]]:
        self.reads.append("read_figures")
        return {day: dict(kept) for (h, day), kept in sorted(self.figures.items()) if h == hotel_id
                and first <= day <= last}

    # --- missed questions (as ``store.missed``: the group's item, in the commit) -------------------

    def _count_missed(self, hotel_id: str, q: MissedQuestion) -> None:
        known = self.missed.get((hotel_id, q.group_id))
        self.missed[(hotel_id, q.group_id)] = MissedGroup(
            q.group_id, q.language, q.question, (known.count if known else 0) + 1, q.at, q.conversation_id,
            answer=known.answer if known else None, taught_entry_id=known.taught_entry_id if known else None)

    def _answer_missed(self, hotel_id: str, a: MissedAnswer) -> None:
        known = self.missed.get((hotel_id, a.group_id))
        if known is not None:
            self.missed[(hotel_id, a.group_id)] = replace(known, answer=a)

    def list_missed(self, hotel_id: str, limit: int, cursor: str | None = None) -> Page[MissedGroup]:
        listed = sorted((g for (h, _), g in self.missed.items() if h == hotel_id and g.listed),
                        key=lambda g: (g.last_asked_at, g.id), reverse=True)
        start = int(cursor) if cursor else 0
        return Page(listed[start:start + limit], str(start + limit) if start + limit < len(listed) else None)

    def get_missed(self, hotel_id: str, group_id: str) -> MissedGroup | None:
        return self.missed.get((hotel_id, group_id))

    def mark_missed_taught(self, hotel_id: str, group_id: str, entry_id: str, at: datetime) -> None:
        self.missed[(hotel_id, group_id)] = replace(self.missed[(hotel_id, group_id)], listed=False,
                                                    taught_entry_id=entry_id)
        self.writes.append("mark_missed_taught")

    def dismiss_missed(self, hotel_id: str, group_id: str, at: datetime) -> None:
        self.missed[(hotel_id, group_id)] = replace(self.missed[(hotel_id, group_id)], listed=False)
        self.writes.append("dismiss_missed")

    def forget_missed(self, hotel_id: str, conversation_id: str, group_ids: Sequence[str]) -> None:
        for group_id in group_ids:
            known = self.missed.get((hotel_id, group_id))
            if known is None:
                continue
            if known.conversation_id == conversation_id:
                known = replace(known, question="", conversation_id=None, listed=False)
            if known.answer is not None and known.answer.conversation_id == conversation_id:
                known = replace(known, answer=None)
            self.missed[(hotel_id, group_id)] = known
        self.writes.append("forget_missed")

    # --- the team -------------------------------------------------------------------------------

    def _put_entries(self, hotel_id: str, entries: Sequence[SearchEntry]) -> None:
        for e in entries:
            self.search_entries[(hotel_id, e.term, e.kind, e.conversation_id)] = e

    def get_conversations(self, hotel_id: str, conversation_ids: Sequence[str]) -> list[Conversation]:
        assert len(conversation_ids) <= 100, "one BatchGetItem takes 100 keys"
        self.reads.append("get_conversations")
        return [self.conversations[(hotel_id, i)] for i in conversation_ids if (hotel_id, i) in self.conversations]

    def mark_read(self, hotel_id: str, conversation_id: str, agent_id: str, at: datetime) -> None:
        with self.lock:
            current = self.get_conversation(hotel_id, conversation_id)
            seen = current.read_at.get(agent_id)
            if seen is None or seen < at:  # no version bump: a read mark never conflicts with a change
                self.conversations[(hotel_id, conversation_id)] = current.evolve(
                    read_at={**current.read_at, agent_id: at})
            self.writes.append("mark_read")

    def list_mentions(self, hotel_id: str, agent_id: str, limit: int, cursor: str | None = None
                      ) -> Page[Conversation]:
        mine = sorted((m for h, m in self.mention_items if h == hotel_id and m.agent_id == agent_id),
                      key=lambda m: m.at, reverse=True)
        ids = list(dict.fromkeys(m.conversation_id for m in mine))[:limit]
        return Page(self.get_conversations(hotel_id, ids), None)

    def find(self, hotel_id: str, prefix: str, limit: int) -> list[SearchEntry]:
        self.reads.append("find")
        found = sorted((e for (h, term, _, _), e in self.search_entries.items()
                        if h == hotel_id and term.startswith(prefix)), key=lambda e: (e.term, e.kind))
        return found[:limit]

    def list_replies(self, hotel_id: str) -> list[SavedReply]:
        return sorted((r for (h, _), r in self.saved_replies.items() if h == hotel_id), key=lambda r: r.title)

    def get_reply(self, hotel_id: str, reply_id: str) -> SavedReply | None:
        return self.saved_replies.get((hotel_id, reply_id))

    def put_reply(self, reply: SavedReply) -> None:
        self.saved_replies[(reply.hotel_id, reply.id)] = reply
        self.writes.append("put_reply")

    def delete_reply(self, hotel_id: str, reply_id: str) -> bool:
        self.writes.append("delete_reply")
        return self.saved_replies.pop((hotel_id, reply_id), None) is not None

    def set_reply_target(self, hotel_id: str, minutes: int | None) -> None:
        if hotel_id not in self.hotels:
            raise NotFound(f"hotel {hotel_id} not found")
        self.hotels[hotel_id] = replace(self.hotels[hotel_id], reply_target_minutes=minutes)
        self.writes.append("set_reply_target")

    def set_retention_days(self, hotel_id: str, days: int) -> None:
        if hotel_id not in self.hotels:
            raise NotFound(f"hotel {hotel_id} not found")
        self.hotels[hotel_id] = replace(self.hotels[hotel_id], retention_days=days)
        self.writes.append("set_retention_days")

    # --- channels -------------------------------------------------------------------------------

    def save_profile(self, contact: Contact, guards: Sequence[str] = (), search: Sequence[SearchEntry] = (), *,
                     retention_days: int = 730) -> None:
        with self.lock:
            if any((contact.hotel_id, g) in self.guards for g in guards):
                raise Duplicate("", "")
            for guard in guards:
                self.guards[(contact.hotel_id, guard)] = Guard()
            known = self.contacts.get((contact.hotel_id, contact.id))
            self.contacts[(contact.hotel_id, contact.id)] = replace(
                contact, conversation_ids=(known.conversation_ids if known else frozenset()) | contact.conversation_ids,
                revision=(known.revision if known else 0) + 1)
            self._put_entries(contact.hotel_id, search)
            self.writes.append("save_profile")

    def take_guards(self, hotel_id: str, guards: Sequence[str], *, retention_days: int = 730) -> None:
        for guard in guards:
            self.guards[(hotel_id, guard)] = Guard()
        self.writes.append("take_guards")

    def get_message(self, hotel_id: str, conversation_id: str, sent_at: datetime, message_id: str
                    ) -> Message | None:
        found = self.messages.get((hotel_id, conversation_id), {}).get(message_id)
        return found if found is not None and found.sent_at == sent_at else None

    def _put_message(self, message: Message) -> None:
        self.messages[(message.hotel_id, message.conversation_id)][message.id] = message

    def update_delivery(self, message: Message, delivery: Delivery, *, external_message_id: str | None = None,
                        error: str | None = None) -> None:
        with self.lock:
            stored = self.messages[(message.hotel_id, message.conversation_id)][message.id]
            self._put_message(replace(stored, delivery=delivery, delivery_error=error,
                                      external_message_id=external_message_id or stored.external_message_id))
            self.writes.append("update_delivery")

    def mark_delivered(self, message: Message, external_message_id: str, guard: str, *,
                       retention_days: int = 730) -> None:
        with self.lock:
            stored = self.messages[(message.hotel_id, message.conversation_id)][message.id]
            self._put_message(replace(stored, delivery=Delivery.DELIVERED, delivery_error=None,
                                      external_message_id=external_message_id))
            self.guards[(message.hotel_id, guard)] = Guard(message.conversation_id, message.id, message.sent_at)
            self.claims.pop(message.id, None)
            self.writes.append("mark_delivered")

    def claim_delivery(self, message: Message, claim: str, until: datetime, now: datetime) -> bool:
        with self.lock:  # one conditional write, as DynamoDB's
            stored = self.messages[(message.hotel_id, message.conversation_id)].get(message.id)
            held = self.claims.get(message.id)
            if stored is None or stored.delivery is not Delivery.PENDING or (held and held[1] > now):
                return False
            self.claims[message.id] = (claim, until)
            self.writes.append("claim_delivery")
            return True

    def release_delivery(self, message: Message, claim: str) -> None:
        with self.lock:
            if self.claims.get(message.id, ("",))[0] == claim:
                del self.claims[message.id]
            self.writes.append("release_delivery")

    # --- uploads ------------------------------------------------------------------------------------

    def save_upload(self, upload: Upload) -> None:
        self.uploads[(upload.hotel_id, upload.conversation_id, upload.id)] = upload
        self.writes.append("save_upload")

    def get_uploads(self, hotel_id: str, conversation_id: str, upload_ids: Sequence[str]) -> list[Upload]:
        return [self.uploads[(hotel_id, conversation_id, i)] for i in upload_ids
                if (hotel_id, conversation_id, i) in self.uploads]

    # --- guest data (export, erase) ---------------------------------------------------------------

    def current_contact(self, hotel_id: str, contact_id: str) -> Contact | None:
        return self.contacts.get((hotel_id, contact_id))

    def holdings(self, hotel_id: str, conversation_id: str) -> Holdings:
        key = (hotel_id, conversation_id)
        messages = list(self.messages.get(key, {}).values())
        activity = [a for a in self.activities if (a.hotel_id, a.conversation_id) == key]
        uploads = [u for (h, c, _), u in self.uploads.items() if (h, c) == key]
        return Holdings(
            hotel_id, conversation_id, self.conversations.get(key),
            item_keys=tuple([("msg", m.id) for m in messages] + [("act", a.id) for a in activity]
                            + [("upload", u.id) for u in uploads]),
            external_message_ids=tuple(m.external_message_id for m in messages if m.external_message_id),
            mentions=tuple(m for h, m in self.mention_items if h == hotel_id and m.conversation_id == conversation_id),
            messages=len(messages), activity=len(activity),
            missed_groups=tuple(dict.fromkeys(str(a.details["missed_group"]) for a in activity
                                              if a.details.get("missed_group"))))

    def erase_conversation(self, holdings: Holdings, *, guards: Sequence[str], search: Sequence[SearchEntry]) -> int:
        """As the store does: the conversation under the version read (``Conflict`` otherwise), then what was
        read, the guards, entries and mentions; counts what was there."""
        concurrent, self.before_next_erase = self.before_next_erase, None
        if concurrent is not None:
            concurrent()
        with self.lock:
            hotel_id, key = holdings.hotel_id, (holdings.hotel_id, holdings.conversation_id)
            current = self.conversations.get(key)
            if holdings.conversation is not None:
                if current is None or current.version != holdings.conversation.version:
                    raise Conflict(current.status.value if current else None)
                del self.conversations[key]
            read = set(holdings.item_keys)
            gone = int(holdings.conversation is not None)
            stored = self.messages.get(key, {})
            for message_id in [i for i in stored if ("msg", i) in read]:
                del stored[message_id]
                gone += 1
            kept = [a for a in self.activities if not ((a.hotel_id, a.conversation_id) == key and ("act", a.id) in read)]
            gone += len(self.activities) - len(kept)
            self.activities = kept
            for upload_key in [k for k in self.uploads if (k[0], k[1]) == key and ("upload", k[2]) in read]:
                del self.uploads[upload_key]
                gone += 1
            for guard in guards:
                gone += self.guards.pop((hotel_id, guard), None) is not None
            for e in search:
                gone += self.search_entries.pop((hotel_id, e.term, e.kind, e.conversation_id), None) is not None
            mentions = [(h, m) for h, m in self.mention_items if h != hotel_id or m not in holdings.mentions]
            gone += len(self.mention_items) - len(mentions)
            self.mention_items = mentions
            self.writes.append("erase_conversation")
            return gone

    def erase_contact(self, contact: Contact) -> None:
        concurrent, self.before_next_erase_contact = self.before_next_erase_contact, None
        if concurrent is not None:
            concurrent()
        with self.lock:
            current = self.contacts.get((contact.hotel_id, contact.id))
            if current is None or current.revision != contact.revision:
                raise Conflict(None, "the contact was written meanwhile")
            del self.contacts[(contact.hotel_id, contact.id)]
            self.writes.append("erase_contact")

    # --- for the tests ------------------------------------------------------------------------------

    def all_messages(self, hotel_id: str, conversation_id: str) -> list[Message]:
        return sorted(self.messages.get((hotel_id, conversation_id), {}).values(), key=lambda m: m.sent_at)


@dataclass
class FakeFiles:
    """AttachmentStorage on a dict: what a browser uploaded is put there with ``upload``."""

    objects: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    grants: list[tuple[str, str, int, int]] = field(default_factory=list)
    retention: dict[str, int] = field(default_factory=dict)  # key -> the retention_days it was stored for
    reads: int = 0

    def grant_upload(self, key: str, content_type: str, size: int, expires_seconds: int, *,
                     retention_days: int) -> UploadGrant:
        self.grants.append((key, content_type, size, expires_seconds))
        self.retention[key] = retention_days
        return UploadGrant("https://files.test/", {"key": key, "Content-Type": content_type},
                           T0 + timedelta(seconds=expires_seconds))

    def upload(self, key: str, data: bytes, content_type: str) -> None:
        """The browser's presigned POST."""
        self.objects[key] = (data, content_type)

    def stored(self, key: str) -> StoredFile | None:
        found = self.objects.get(key)
        return StoredFile(len(found[0]), found[1]) if found else None

    def put(self, key: str, data: bytes, content_type: str, *, retention_days: int) -> None:
        self.objects[key] = (data, content_type)
        self.retention[key] = retention_days

    def read(self, key: str) -> bytes:
        self.reads += 1
        return self.objects[key][0]

    def link(self, key: str, name: str, content_type: str, expires_seconds: int) -> str:
        return f"https://files.test/{key}?name={name}&expires={expires_seconds}"

    def delete(self, keys: Sequence[str]) -> int:
        for key in keys:
            self.objects.pop(key, None)
        return len(set(keys))

    def delete_prefix(self, prefix: str) -> int:
        return self.delete([key for key in self.objects if key.startswith(prefix)])


@dataclass
class FakeHealth:
    """ChannelHealthStore on a list of notes (``record``: what any hotel without a note of its own shows)."""

    notifications: list[tuple[str, str, datetime]] = field(default_factory=list)
    blocked: list[tuple[str, str, datetime]] = field(default_factory=list)
    record: ChannelHealthRecord | None = None
    reconciled: dict[tuple[str, str], ChannelHealthRecord] = field(default_factory=dict)
    runs: dict[str, datetime] = field(default_factory=dict)

    def note_notification(self, hotel_id: str, channel: str, at: datetime) -> None:
        self.notifications.append((hotel_id, channel, at))

    def note_blocked_reply(self, hotel_id: str, channel: str, at: datetime) -> None:
        self.blocked.append((hotel_id, channel, at))

    def note_reconciled(self, hotel_id: str, channel: str, at: datetime, undelivered: int,
                        error: str | None) -> None:
        noted = self.reconciled.get((hotel_id, channel))
        if noted is None or noted.last_reconciled_at is None or noted.last_reconciled_at <= at:
            self.reconciled[(hotel_id, channel)] = ChannelHealthRecord(last_reconciled_at=at, undelivered=undelivered,
                                                                       last_error=error)

    def channel_health(self, hotel_id: str, channel: str) -> ChannelHealthRecord | None:
        return self.reconciled.get((hotel_id, channel), self.record)

    def note_run(self, channel: str, at: datetime) -> None:
        if channel not in self.runs or self.runs[channel] < at:
            self.runs[channel] = at

    def last_run(self, channel: str) -> datetime | None:
        return self.runs.get(channel)


@dataclass
class FakeOutbox:
    jobs: list[DeliveryJob] = field(default_factory=list)

    def enqueue(self, job: DeliveryJob) -> None:
        self.jobs.append(job)


@dataclass
class FakeScheduler:
    schedules: dict[str, datetime] = field(default_factory=dict)

    def schedule(self, hotel_id: str, conversation_id: str, until: datetime, hold_token: str) -> None:
        self.schedules[hold_token] = until

    def cancel(self, hotel_id: str, conversation_id: str, hold_token: str) -> None:
        self.schedules.pop(hold_token, None)


@dataclass
class FakeBot:
    """Answers questions about breakfast, and those its knowledge base holds in the same words (any order, case
    or punctuation: ``question_key``); hands everything else to the agents; keeps what it was shown."""

    seen: list[GuestText] = field(default_factory=list)

    def decide(self, message: GuestText, knowledge: KnowledgeBase) -> BotDecision:
        self.seen.append(message)
        if "breakfast" in message.text.lower():
            return Answer("Breakfast is served from 7:00.", "breakfast", 0.9, "en")
        key = self.question_key(message.text, None)
        for entry in knowledge.entries if knowledge.enabled else ():
            if key is not None and any(self.question_key(q, None) == key for q in entry.questions):
                return Answer(entry.answer_in(message.language, knowledge.default_language), entry.id, 1.0,
                              message.language or knowledge.default_language)
        return HandOff(HandoffReason.BOT_UNANSWERED)

    def question_key(self, text: str, language: str | None) -> str | None:
        """Its words of three letters or more, lowercased and sorted (None: none)."""
        words = sorted({w for w in re.findall(r"\w+", text.lower()) if len(w) >= 3})
        return f"{language or 'und'}:{' '.join(words)}" if words else None


@dataclass
class FakeDirectory:
    """AgentDirectory on a dict: hotel id -> its agents (counts its calls)."""

    by_hotel: dict[str, list[Agent]] = field(default_factory=dict)
    calls: int = 0

    def agents(self, hotel_id: str) -> list[Agent]:
        self.calls += 1
        return sorted(self.by_hotel.get(hotel_id, []), key=lambda a: a.name)


ANA = Agent("sub-ana", "Ana Lima", "ana@lumiere.test", Role.AGENT)
BRUNO = Agent("sub-bruno", "Bruno Émile", "bruno@lumiere.test", Role.ADMIN)
STRANGER = Agent("sub-zoe", "Zoé Other", "zoe@elsewhere.test", Role.AGENT)  # works for hotel h2 only


class FakeAuditLog:
    """The audit log (``inbox.audit.AuditLog``) on a list; a page is newest first, the cursor an index."""

    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def record_audit(self, entry: AuditEntry) -> None:
        self.entries.append(entry)

    def list_audit(self, hotel_id: str, limit: int, cursor: str | None = None) -> Page[AuditEntry]:
        mine = sorted((e for e in self.entries if e.hotel_id == hotel_id), key=lambda e: (e.at, e.id), reverse=True)
        start = int(cursor) if cursor else 0
        end = start + limit
        return Page(mine[start:end], str(end) if end < len(mine) else None)

    def of(self, hotel_id: str) -> list[AuditEntry]:
        """The hotel's entries, oldest first."""
        return [e for e in self.entries if e.hotel_id == hotel_id]


class Clock:
    def __init__(self, at: datetime = T0):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@dataclass
class World:
    """An inbox on fakes, with a hotel ``h1`` connected to Expedia property ``p1``."""

    store: FakeStore
    files: FakeFiles
    health: FakeHealth
    outbox: FakeOutbox
    scheduler: FakeScheduler
    bot: FakeBot
    clock: Clock
    inbox: Inbox
    directory: FakeDirectory = field(default_factory=FakeDirectory)
    audit: FakeAuditLog = field(default_factory=FakeAuditLog)


def world() -> World:
    """An inbox on fakes; hotel ``h1`` has the agents ANA and BRUNO, hotel ``h2`` has STRANGER."""
    store, files, health, outbox, scheduler, bot, clock = (FakeStore(), FakeFiles(), FakeHealth(), FakeOutbox(),
                                                           FakeScheduler(), FakeBot(), Clock())
    directory = FakeDirectory({"h1": [ANA, BRUNO], "h2": [STRANGER]})
    store.hotels["h1"] = Hotel("h1", "Hôtel Lumière", expedia_property_id="p1")
    store.properties["p1"] = "h1"
    audit = FakeAuditLog()
    inbox = Inbox(store, scheduler, outbox, bot=bot, files=files, health=health, directory=directory, audit=audit,
                  guest_data=store, clock=clock)
    return World(store, files, health, outbox, scheduler, bot, clock, inbox, directory, audit)
