"""Reading raw DynamoDB items back into domain objects, one attribute at a time.

An item the current code cannot read (an old time written with an unpadded year, a missing
attribute, a wrong type) must never fail a whole page: each reader here either returns the
object with what it could read (``problems`` says what it could not) or raises
``UnreadableItem``; the store reports both through its ``on_unreadable`` callback.
"""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from inbox.attachments import Upload
from inbox.bot import KnowledgeBase
from inbox.model import (
    Activity,
    Actor,
    ActorType,
    AgentRef,
    Attachment,
    Contact,
    Conversation,
    Delivery,
    Direction,
    Message,
    Reservation,
    SavedReply,
    Sender,
    Status,
)
from inbox.ports import ChannelHealthRecord, Guard, Hotel, SearchEntry
from inbox.retention import RETENTION_DAYS_DEFAULT, RETENTION_DAYS_MAX, RETENTION_DAYS_MIN
from inbox.times import SENT_AT_EARLIEST, parse_time
from store import keys
from store.knowledge import unpack_knowledge
from store.models import (
    BLOCKED_DAY_PREFIX,
    ActivityItem,
    AttachmentAttribute,
    ChannelHealthItem,
    ChannelRunItem,
    ContactItem,
    ConversationItem,
    GuardItem,
    HotelItem,
    MessageItem,
    SavedReplyItem,
    SearchEntryItem,
    UploadItem,
)
from store.schema import PARTITION_KEY, SORT_KEY

# A conversation time that cannot be read shows as this (the earliest time Lobby accepts), so the
# conversation still lists, opens, closes and goes to spam; the next write stores real values.
PLACEHOLDER_TIME = SENT_AT_EARLIEST


class UnreadableItem(Exception):
    """An item the store cannot turn into a domain object, with the reasons."""


def item_key(raw: dict[str, Any]) -> str:
    """The item's key as one string, for logs."""
    return f"{raw.get(PARTITION_KEY, {}).get('S')} | {raw.get(SORT_KEY, {}).get('S')}"


def fields(model: Any, raw: dict[str, Any], skip: tuple[str, ...] = ()) -> tuple[SimpleNamespace, list[str]]:
    """Every attribute of ``model`` (but ``skip``) read from ``raw`` on its own: None when missing or unreadable."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name, attribute in model.get_attributes().items():
        if name in skip:
            continue
        stored = raw.get(attribute.attr_name)
        values[name] = None
        if stored is None or stored.get("NULL"):
            continue
        try:
            values[name] = attribute.deserialize(attribute.get_value(stored))
        except Exception as error:  # any way a value can be wrong: type, JSON, shape
            problems.append(f"{name}: {error}")
    return SimpleNamespace(**values), problems


def _required(f: SimpleNamespace, problems: list[str], *names: str) -> None:
    missing = [n for n in names if getattr(f, n) in (None, "")]
    if missing or problems:
        raise UnreadableItem("; ".join([*problems, *(f"{n}: missing" for n in missing)]))


def stored_time(value: Any) -> datetime:
    """A time as the store writes it (``iso``); ``ValueError`` for anything else."""
    if not isinstance(value, str):
        raise ValueError(f"not a time: {value!r}")
    return parse_time(value)


def _time(f: SimpleNamespace, name: str, problems: list[str]) -> datetime | None:
    value = getattr(f, name)
    if value is None:
        return None
    try:
        return stored_time(value)
    except ValueError:
        problems.append(f"{name}: unreadable time {value!r}")
        return None


def _enum(kind: Any, value: Any, name: str, problems: list[str]) -> Any:
    try:
        return kind(value)
    except ValueError:
        problems.append(f"{name}: unknown value {value!r}")
        return None


def conversation(raw: dict[str, Any]) -> tuple[Conversation, list[str]]:
    """The conversation, degraded where a field cannot be read (``degraded`` is set then)."""
    f, problems = fields(ConversationItem, raw)
    status = _enum(Status, f.status, "status", problems)
    if not (f.conversation_id and f.hotel_id and f.channel) or status is None:
        raise UnreadableItem("; ".join([*problems, "conversation_id, hotel_id, channel or status missing"]))
    times = {name: _time(f, name, problems) for name in ("created_at", "updated_at", "last_message_at")}
    for name, value in times.items():
        if value is None and not any(p.startswith(f"{name}:") for p in problems):
            problems.append(f"{name}: missing")
    fallback = next((t for t in times.values() if t is not None), PLACEHOLDER_TIME)
    created, updated, last = (times[n] or fallback for n in ("created_at", "updated_at", "last_message_at"))
    repeats = f.guest_text_repeats
    assignee = AgentRef(f.assignee_id, f.assignee_name or f.assignee_id) if f.assignee_id else None
    return Conversation(
        id=f.conversation_id, hotel_id=f.hotel_id, channel=f.channel, status=status,
        created_at=created, updated_at=updated, last_message_at=last,
        contact_id=f.contact_id, contact_name=f.contact_name, external_conversation_id=f.external_conversation_id,
        last_message_preview=f.last_message_preview or "",
        automated=f.automated if isinstance(f.automated, bool) else False,
        hold_until=_time(f, "hold_until", problems), hold_token=f.hold_token,
        held_since=_time(f, "held_since", problems),
        guest_text_digest=f.guest_text_digest,
        guest_text_repeats=int(repeats) if isinstance(repeats, (int, float)) else 0,
        assignee=assignee, waiting_since=_time(f, "waiting_since", problems),
        attention_at=_time(f, "attention_at", problems), read_at=read_marks(raw), missed_group=f.missed_group,
        version=int(f.version or 0), degraded=bool(problems),
    ), problems


def read_marks(raw: dict[str, Any]) -> dict[str, datetime]:
    """The item's top-level ``read@<agent id>`` marks; one that cannot be read counts as never read
    (the conversation shows unread to that agent, which the next mark repairs)."""
    marks: dict[str, datetime] = {}
    for name, stored in raw.items():
        if not name.startswith(keys.READ_PREFIX) or len(name) == len(keys.READ_PREFIX):
            continue
        try:
            marks[name.removeprefix(keys.READ_PREFIX)] = stored_time(stored.get("S"))
        except (ValueError, AttributeError):
            continue
    return marks


def message(raw: dict[str, Any]) -> tuple[Message, list[str]]:
    """The message; attachment entries that cannot be read are left out (and reported).

    The delivery claim is not read: it is the senders' business, not the message's."""
    f, problems = fields(MessageItem, raw, skip=("attachments", "claim", "claim_until"))
    direction = _enum(Direction, f.direction, "direction", problems)
    sender = _enum(Sender, f.sender, "sender", problems)
    sent_at = _time(f, "sent_at", problems)
    delivery = _enum(Delivery, f.delivery, "delivery", problems) if f.delivery else None
    if f.text is None:  # empty is fine (a message of attachments only), absent is not
        problems.append("text: missing")
    _required(f, problems, "message_id", "conversation_id", "hotel_id", "sent_at")
    assert sent_at is not None and direction is not None and sender is not None  # checked just above
    files, attachment_problems = attachments(raw.get(MessageItem.attachments.attr_name))
    return Message(
        id=f.message_id, conversation_id=f.conversation_id, hotel_id=f.hotel_id, direction=direction,
        sender=sender, text=f.text, sent_at=sent_at, agent_id=f.agent_id,
        external_message_id=f.external_message_id, delivery=delivery, delivery_error=f.delivery_error,
        attachments=files, internal=f.internal is True,
        mentions=tuple(m for m in f.mentions or () if isinstance(m, str) and m),
        redactions=tuple(r for r in f.redactions or () if isinstance(r, str) and r),
    ), attachment_problems


def attachments(stored: Any) -> tuple[tuple[Attachment, ...], list[str]]:
    """A message's attachments, entry by entry: one that cannot be read is left out (and reported).
    None (items written before attachments, or a message without any) reads as ``()``."""
    if stored is None or stored.get("NULL"):
        return (), []
    if not isinstance(stored.get("L"), list):
        return (), [f"attachments: not a list: {str(stored)[:80]}"]
    files: list[Attachment] = []
    problems: list[str] = []
    for index, entry in enumerate(stored["L"]):
        try:
            files.append(_attachment(entry))
        except (UnreadableItem, ValueError, TypeError, KeyError, AttributeError) as error:
            problems.append(f"attachments[{index}]: {error}")
    return tuple(files), problems


def _attachment(entry: Any) -> Attachment:
    if not isinstance(entry, dict) or not isinstance(entry.get("M"), dict):
        raise UnreadableItem(f"not a map: {str(entry)[:80]}")
    f, problems = fields(AttachmentAttribute, entry["M"])
    _required(f, problems, "id", "name", "content_type", "size")
    if f.size != int(f.size) or f.size < 0:
        raise UnreadableItem(f"size: {f.size!r}")
    return Attachment(id=f.id, name=f.name, content_type=f.content_type, size=int(f.size), key=f.key,
                      unavailable_reason=f.unavailable_reason, external_id=f.external_id)


def live_upload(raw: dict[str, Any], now: datetime) -> Upload | None:
    """The granted upload, or None once its TTL has passed (DynamoDB deletes it within days, not at once)."""
    f, problems = fields(UploadItem, raw)
    created_at = _time(f, "created_at", problems)
    _required(f, problems, "upload_id", "hotel_id", "conversation_id", "name", "content_type", "size",
              "storage_key", "created_at", "expires_at")
    assert created_at is not None
    if f.size != int(f.size) or f.size < 0:
        raise UnreadableItem(f"size: {f.size!r}")
    if f.expires_at <= now:
        return None
    return Upload(id=f.upload_id, hotel_id=f.hotel_id, conversation_id=f.conversation_id, name=f.name,
                  content_type=f.content_type, size=int(f.size), key=f.storage_key, created_at=created_at)


def channel_health(raw: dict[str, Any]) -> tuple[ChannelHealthRecord, list[str]]:
    """What is noted of a channel; a field or a day's count that cannot be read is left out (and reported)."""
    f, problems = fields(ChannelHealthItem, raw)
    blocked: dict[str, int] = {}
    for name, stored in raw.items():
        if not name.startswith(BLOCKED_DAY_PREFIX):
            continue
        day = name.removeprefix(BLOCKED_DAY_PREFIX)
        try:
            date.fromisoformat(day)
            blocked[day] = int(stored["N"])
        except (ValueError, TypeError, KeyError) as error:
            problems.append(f"{name}: {error!r}")
    undelivered = f.undelivered if isinstance(f.undelivered, (int, float)) else 0
    return ChannelHealthRecord(
        last_notification_at=_time(f, "last_notification_at", problems),
        last_reconciled_at=_time(f, "last_reconciled_at", problems),
        undelivered=int(undelivered), last_error=f.last_error, blocked_by_day=blocked,
    ), problems


def channel_run(raw: dict[str, Any]) -> tuple[datetime | None, list[str]]:
    """When the channel's last reconciliation run was; None (and reported) when it cannot be read."""
    f, problems = fields(ChannelRunItem, raw)
    return _time(f, "last_run_at", problems), problems


def activity(raw: dict[str, Any]) -> Activity:
    f, problems = fields(ActivityItem, raw)
    to_status = _enum(Status, f.to_status, "to_status", problems)
    from_status = _enum(Status, f.from_status, "from_status", problems) if f.from_status else None
    at = _time(f, "at", problems)
    actor_type = _enum(ActorType, f.actor.type, "actor.type", problems) if f.actor is not None else None
    _required(f, problems, "activity_id", "conversation_id", "hotel_id", "type", "actor", "to_status", "at")
    assert at is not None and to_status is not None and actor_type is not None
    details = f.details if isinstance(f.details, dict) else {}
    return Activity(
        id=f.activity_id, conversation_id=f.conversation_id, hotel_id=f.hotel_id, type=f.type,
        actor=Actor(actor_type, f.actor.id, f.actor.name), from_status=from_status, to_status=to_status,
        at=at, reason=f.reason, details=details,
    )


def contact(raw: dict[str, Any]) -> tuple[Contact, list[str]]:
    """The guest's profile; reservations that cannot be read are left out (and reported)."""
    f, problems = fields(ContactItem, raw)
    if not (f.contact_id and f.hotel_id and f.channel):
        raise UnreadableItem("; ".join([*problems, "contact_id, hotel_id or channel missing"]))
    reservations = []
    for stored in f.reservations if isinstance(f.reservations, list) else ():
        try:
            reservations.append(Reservation(**stored))
        except TypeError as error:
            problems.append(f"reservations: {error}")
    return Contact(
        id=f.contact_id, hotel_id=f.hotel_id, channel=f.channel, external_id=f.external_id, name=f.name,
        email=f.email, phone=f.phone, language=f.language, reservations=tuple(reservations),
        conversation_ids=frozenset(f.conversation_ids or ()), revision=int(f.revision or 0),
    ), problems


def hotel(raw: dict[str, Any]) -> tuple[Hotel, list[str]]:
    """The hotel; a knowledge base that cannot be read leaves the bot with none (it hands off)."""
    f, problems = fields(HotelItem, raw)
    if not f.hotel_id:
        raise UnreadableItem("; ".join([*problems, "hotel_id missing"]))
    knowledge = KnowledgeBase()
    try:
        knowledge = unpack_knowledge(f.knowledge_z, f.knowledge)
    except (ValueError, KeyError, TypeError) as error:
        problems.append(f"knowledge: {error}")
    target = f.reply_target_minutes
    if target is not None and (not isinstance(target, (int, float)) or target != int(target) or target <= 0):
        problems.append(f"reply_target_minutes: {target!r}")
        target = None
    retention = f.retention_days
    if retention is not None and (not isinstance(retention, (int, float)) or retention != int(retention)
                                  or not RETENTION_DAYS_MIN <= retention <= RETENTION_DAYS_MAX):
        problems.append(f"retention_days: {retention!r}")  # kept as the default until an admin sets it again
        retention = None
    return Hotel(
        f.hotel_id, f.name or f.hotel_id, f.timezone or "UTC",
        f.bot_enabled if isinstance(f.bot_enabled, bool) else True, f.expedia_property_id, knowledge,
        reply_target_minutes=int(target) if target is not None else None,
        retention_days=int(retention) if retention is not None else RETENTION_DAYS_DEFAULT,
    ), problems


def guard(raw: dict[str, Any]) -> tuple[Guard, list[str]]:
    """A taken guard: it counts as taken even when what it points to cannot be read."""
    f, problems = fields(GuardItem, raw)
    return Guard(f.conversation_id, f.message_id, _time(f, "message_sent_at", problems)), problems


_ENTRY_KINDS = frozenset({"name", "email", "phone", "reservation", "thread"})


def search_entry(raw: dict[str, Any]) -> SearchEntry:
    """A search entry from its sort key "<term>\u001f<kind>\u001f<conversation>" and its label."""
    parts = raw.get(SORT_KEY, {}).get("S", "").split(keys.FIND_SEPARATOR)
    if len(parts) != 3 or not all(parts) or parts[1] not in _ENTRY_KINDS:
        raise UnreadableItem(f"not a search entry key: {parts!r}")
    f, problems = fields(SearchEntryItem, raw)
    term, kind, conversation_id = parts
    return SearchEntry(term, kind, conversation_id, f.label if isinstance(f.label, str) else "")  # type: ignore[arg-type]


def mention_conversation(raw: dict[str, Any]) -> str:
    """The conversation a mention item points to."""
    value = raw.get("conversation_id", {}).get("S")
    if not isinstance(value, str) or not value:
        raise UnreadableItem("conversation_id missing")
    return value


def saved_reply(raw: dict[str, Any]) -> tuple[SavedReply, list[str]]:
    """A saved reply; a language whose text cannot be read is left out (and reported)."""
    f, problems = fields(SavedReplyItem, raw, skip=("texts",))
    _required(f, problems, "reply_id", "hotel_id", "title", "shortcut")
    stored = raw.get(SavedReplyItem.texts.attr_name, {}).get("M")
    texts: dict[str, str] = {}
    for language, value in (stored.items() if isinstance(stored, dict) else ()):
        text = value.get("S") if isinstance(value, dict) else None
        if isinstance(text, str):
            texts[language] = text
        else:
            problems.append(f"texts.{language}: not a text")
    if not texts:
        raise UnreadableItem("; ".join([*problems, "texts: none readable"]))
    return SavedReply(id=f.reply_id, hotel_id=f.hotel_id, title=f.title, shortcut=f.shortcut, texts=texts), problems
