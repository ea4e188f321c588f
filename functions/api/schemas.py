"""Pydantic models of every body, query and response of the HTTP API (they drive the OpenAPI document)."""

from __future__ import annotations

import base64
import binascii
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from inbox.attachments import (
    ALLOWED_CONTENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS_PER_MESSAGE,
    MAX_NAME_LENGTH,
    UPLOAD_GRANT_SECONDS,
    clean_name,
)
from inbox.bot import ANSWER_MAX_LENGTH, ENTRIES_MAX, QUESTION_MAX_LENGTH, QUESTIONS_MAX, TOPIC_MAX_LENGTH
from inbox.model import Activity, Attachment, Contact, Conversation, Message, iso, utc_now
from inbox.retention import RETENTION_DAYS_DEFAULT, RETENTION_DAYS_MAX, RETENTION_DAYS_MIN
from inbox.times import check_sent_at, parse_time

if TYPE_CHECKING:  # a type only: the ports module is not needed to serve a request's shapes
    from inbox.ports import ChannelStatus

UtcTime = Annotated[datetime, PlainSerializer(iso, return_type=str, when_used="json")]
StatusName = Literal["bot", "open", "on_hold", "closed", "spam"]
TabName = Literal["open", "on_hold", "closed", "spam", "all"]
T = TypeVar("T")


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class TabCounts(_Out):
    open: int
    on_hold: int
    closed: int
    spam: int
    all: int


class InboxOut(_Out):
    tabs: TabCounts
    mine: TabCounts = Field(description="The caller's own conversations per tab (all 0 for a partner)")
    unassigned: TabCounts = Field(description="Conversations nobody owns, per tab")


class ReservationOut(_Out):
    reservation_id: str
    check_in: str | None = None
    check_out: str | None = None
    room: str | None = None
    guests: int | None = None


class ContactOut(_Out):
    id: str
    name: str | None
    email: str | None
    phone: str | None
    language: str | None
    channel: str
    external_id: str | None
    reservations: list[ReservationOut]

    @classmethod
    def of(cls, c: Contact) -> ContactOut:
        return cls(id=c.id, name=c.name, email=c.email, phone=c.phone, language=c.language, channel=c.channel,
                   external_id=c.external_id, reservations=[ReservationOut(**r.__dict__) for r in c.reservations])


class AgentRefOut(_Out):
    id: str
    name: str


Action = Literal["reply", "note", "resume", "assign", "hold", "close", "reopen", "spam", "not_spam"]


class ConversationOut(_Out):
    id: str
    hotel_id: str
    channel: str
    status: StatusName
    bot_enabled: bool
    automated: bool
    hold_until: UtcTime | None
    created_at: UtcTime
    updated_at: UtcTime
    last_message_at: UtcTime
    last_message_preview: str = Field(max_length=140)
    external_conversation_id: str | None
    contact_id: str | None
    contact_name: str | None = Field(default=None, description="The guest's name, when the channel gave it")
    assignee: AgentRefOut | None = Field(default=None, description="The agent who owns it, or null")
    waiting_since: UtcTime | None = Field(default=None, description="The oldest guest message no agent answered")
    reply_due_at: UtcTime | None = Field(default=None, description="When the reply clock runs out, or null")
    unread: bool = Field(default=False, description="A guest message or note arrived since the caller last read it")
    allowed_actions: list[Action] = Field(default_factory=list, description="What the caller may do now")

    @classmethod
    def of(cls, c: Conversation, *, hotel_bot_on: bool = True, **team: Any) -> ConversationOut:
        """``team``: reply_due_at, unread and allowed_actions, as ``api.present`` works them out for the caller."""
        from inbox.model import bot_enabled

        return cls(
            id=c.id, hotel_id=c.hotel_id, channel=c.channel, status=c.status.value,
            bot_enabled=bot_enabled(c.status, hotel_bot_on), automated=c.automated, hold_until=c.hold_until,
            created_at=c.created_at, updated_at=c.updated_at, last_message_at=c.last_message_at,
            last_message_preview=c.last_message_preview, external_conversation_id=c.external_conversation_id,
            contact_id=c.contact_id, contact_name=c.contact_name, waiting_since=c.waiting_since,
            assignee=AgentRefOut(id=c.assignee.id, name=c.assignee.name) if c.assignee else None, **team,
        )


class ConversationWithContact(ConversationOut):
    contact: ContactOut | None


class ConversationPage(_Out):
    items: list[ConversationOut]
    next_cursor: str | None


# An attachment's short-lived read link, or None (the API asks the inbox: ``Inbox.attachment_link``).
LinkOf = Callable[[Attachment], "str | None"]


class AttachmentOut(_Out):
    id: str
    name: str
    content_type: str
    size: int = Field(description="Bytes")
    url: str | None = Field(description="A short-lived link to the file (it works for a few minutes; list the "
                                        "messages again for a new one); null when the file is unavailable")
    available: bool = Field(description="False when Lobby could not keep the file (see `reason`)")
    reason: str | None = Field(default=None, description="Why the file is unavailable (`type_refused`, `too_large`, "
                                                         "`empty`, ...); null when it is available")

    @classmethod
    def of(cls, a: Attachment, link: LinkOf) -> AttachmentOut:
        url = link(a) if a.available else None
        reason = None if url else (a.unavailable_reason or "unavailable")
        return cls(id=a.id, name=a.name, content_type=a.content_type, size=a.size, url=url,
                   available=url is not None, reason=reason)


class MessageOut(_Out):
    id: str
    conversation_id: str
    direction: Literal["inbound", "outbound"]
    sender: Literal["guest", "bot", "agent"]
    agent_id: str | None
    text: str
    sent_at: UtcTime
    external_message_id: str | None
    delivery: Literal["pending", "delivered", "failed"] | None
    delivery_error: str | None = None
    attachments: list[AttachmentOut] = Field(default_factory=list, description="The message's files")
    internal: bool = Field(default=False, description="A note between agents, never sent to the guest")
    mentions: list[str] = Field(default_factory=list, description="The agent ids a note mentions")
    redactions: list[str] = Field(default_factory=list,
                                  description="What Lobby masked in the text before keeping it: `card_number` "
                                              "(each card number shows as `•••• ` and its last four digits)")

    @classmethod
    def of(cls, m: Message, link: LinkOf) -> MessageOut:
        return cls(id=m.id, conversation_id=m.conversation_id, direction=m.direction.value, sender=m.sender.value,
                   agent_id=m.agent_id, text=m.text, sent_at=m.sent_at, external_message_id=m.external_message_id,
                   delivery=m.delivery.value if m.delivery else None, delivery_error=m.delivery_error,
                   attachments=[AttachmentOut.of(a, link) for a in m.attachments], internal=m.internal,
                   mentions=list(m.mentions), redactions=list(m.redactions))


class MessagePage(_Out):
    items: list[MessageOut]
    next_cursor: str | None


class ActorOut(_Out):
    type: Literal["guest", "bot", "agent", "partner", "system"]
    id: str | None
    name: str | None


class ActivityOut(_Out):
    id: str
    conversation_id: str
    type: str
    actor: ActorOut
    from_status: StatusName | None
    to_status: StatusName
    reason: str | None
    at: UtcTime
    details: dict[str, Any]

    @classmethod
    def of(cls, a: Activity) -> ActivityOut:
        return cls(id=a.id, conversation_id=a.conversation_id, type=a.type,
                   actor=ActorOut(type=a.actor.type.value, id=a.actor.id, name=a.actor.name),
                   from_status=a.from_status.value if a.from_status else None, to_status=a.to_status.value,
                   reason=a.reason, at=a.at, details=a.details)


class ActivityPage(_Out):
    items: list[ActivityOut]
    next_cursor: str | None


# Code points that show nothing: controls, format characters (zero-width spaces and joiners,
# BOM), separators, and the fillers and selectors Unicode lists as default-ignorable.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0\u2800") | {chr(c) for c in range(0xFE00, 0xFE10)}
# Controls a text may hold (line breaks, tabs); any other C0/C1 control, and DEL, is refused.
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def _visible(ch: str) -> bool:
    return ch not in _INVISIBLE and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES


def _not_blank(value: str) -> str:
    """A text must show something, and holds no control characters but tab and line breaks.

    Controls are refused (422), not stripped: a partner learns its text is broken, and Lobby
    never stores a guest's words other than as they were sent."""
    if not any(_visible(ch) for ch in value):
        raise ValueError("text must not be blank (only spaces or invisible characters)")
    control = next((ch for ch in value if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS), None)
    if control is not None:
        raise ValueError(f"text must not hold the control character U+{ord(control):04X}")
    return value


# A message's text; checked with its files (``_text_or_files``): empty only when there are files.
MessageText = Annotated[str, Field(max_length=5000,
                                   description="Plain text, 1 to 5,000 characters; at least one visible character, "
                                               "no control characters but tab, line feed and carriage return; "
                                               "it may be empty when the message has attachments")]


def _text_or_files(text: str, files: list) -> None:
    if text or not files:
        _not_blank(text)

RFC3339 = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
# A time handed in: only what inbox.times.parse_time reads (RFC 3339, four-digit year, seconds, a
# zone); a number or an ISO 8601 variant pydantic would take on its own is refused.
TimeIn = Annotated[datetime, BeforeValidator(parse_time),
                   Field(json_schema_extra={"pattern": RFC3339})]


def _sane_sent_at(value: datetime) -> datetime:
    return check_sent_at(value, utc_now())


AttachmentId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="The id of a granted upload")]


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: MessageText = ""  # left out: empty (a reply of files only)
    attachment_ids: list[AttachmentId] = Field(
        default_factory=list, max_length=MAX_ATTACHMENTS_PER_MESSAGE,
        description=f"Uploads granted on this conversation (POST .../attachments) and completed, at most "
                    f"{MAX_ATTACHMENTS_PER_MESSAGE}, each once")

    @model_validator(mode="after")
    def text_or_files(self) -> ReplyIn:
        if len(set(self.attachment_ids)) != len(self.attachment_ids):
            raise ValueError("attachment_ids names a file twice")
        _text_or_files(self.text, self.attachment_ids)
        return self


def _file_name(value: str) -> str:
    if not clean_name(value):
        raise ValueError("the file name must show something (not only dots, slashes or control characters)")
    return value


FileName = Annotated[str, Field(min_length=1, max_length=MAX_NAME_LENGTH,
                                description="The file's name as the guest will see it (folders are dropped)"),
                     AfterValidator(_file_name)]


def _allowed_type(value: str) -> str:
    if value not in ALLOWED_CONTENT_TYPES:
        raise ValueError(f"files of type {value[:100]!r} cannot be attached: use {', '.join(sorted(ALLOWED_CONTENT_TYPES))}")
    return value


AllowedType = Annotated[str, AfterValidator(_allowed_type),
                        WithJsonSchema({"type": "string", "enum": sorted(ALLOWED_CONTENT_TYPES)})]


class AttachmentIn(BaseModel):
    """A file an agent is about to attach: the API grants its upload."""

    model_config = ConfigDict(extra="forbid")
    name: FileName
    content_type: AllowedType = Field(description="PDF, JPEG or PNG")
    size: int = Field(strict=True, ge=1, le=MAX_ATTACHMENT_BYTES,
                      description=f"The file's size in bytes, 1 to {MAX_ATTACHMENT_BYTES:,} (5 MB); the upload's "
                                  "policy refuses a larger file")


class UploadOut(_Out):
    url: str = Field(description="Where to POST the file (multipart/form-data)")
    fields: dict[str, str] = Field(description="Form fields to send, as given, before the file's own field `file`")
    expires_at: UtcTime = Field(description=f"The upload is refused after this ({UPLOAD_GRANT_SECONDS // 60} minutes)")


class AttachmentGranted(_Out):
    id: str = Field(description="Name it in `attachment_ids` of the reply once the upload is done")
    upload: UploadOut


class ChannelStatusOut(_Out):
    channel: str
    connected: bool
    last_notification_at: UtcTime | None = Field(description="When the channel last reached Lobby")
    undelivered: int = Field(description="Notifications the channel could not deliver, as the last "
                                         "reconciliation found them")
    blocked_replies_7d: int = Field(description="Replies the channel refused over the last 7 days")
    last_reconciled_at: UtcTime | None

    @classmethod
    def of(cls, s: ChannelStatus) -> ChannelStatusOut:
        return cls(channel=s.channel, connected=s.connected, last_notification_at=s.last_notification_at,
                   undelivered=s.undelivered, blocked_replies_7d=s.blocked_replies_7d,
                   last_reconciled_at=s.last_reconciled_at)


class ChannelsOut(_Out):
    items: list[ChannelStatusOut]


class HoldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    until: TimeIn = Field(description="When the conversation returns to Open by itself: RFC 3339 with a zone, "
                                      "in the future, at most 30 days ahead", examples=["2026-11-24T10:00:00Z"])


class ErrorOut(BaseModel):
    message: str
    status: StatusName | None = Field(default=None, description="The conversation's current status, on 409")
    details: list[dict[str, Any]] | None = Field(default=None, description="What failed validation, on 422")
    limit_bytes: int | None = Field(default=None, description="The route's body limit, on 413")
    assignee: AgentRefOut | None = Field(default=None, description="Who has the conversation now, on an assignment's "
                                                                   "409")


# Body limits (bytes of the request body, as sent). Messages are at most 5,000 characters
# (20 KB of UTF-8 at worst) plus their envelope; the bot's settings carry the knowledge base
# (200 entries, up to 50 questions and an answer per language each: a realistic one in six
# languages is about 600 KB), which the store keeps in its own items.
BODY_LIMIT = 64 * 1024
BOT_BODY_LIMIT = 1024 * 1024
# Partner inbound carries its files in base64: what a Lambda invocation takes (6 MB for the whole
# event, headers and envelope included) less a margin, so at most about 3.7 MB of files a message.
INBOUND_BODY_LIMIT = 5 * 1024 * 1024


def error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"model": ErrorOut}}}


# What each error status means, said once; a route lists the ones it can answer.
ERRORS = {
    400: "The body is not UTF-8 JSON (invalid JSON, bytes that are not UTF-8, nesting deeper than 32 levels)",
    401: "Missing or invalid credentials",
    403: "The hotel is not one of the caller's",
    404: "No such conversation in this hotel",
    409: "Not allowed from the current status (given in `status`), or lost a race",
    413: f"The body is larger than the route's limit ({BODY_LIMIT // 1024} KB unless the route says otherwise)",
    415: "The body is not JSON: send Content-Type: application/json (charset utf-8 if any)",
    422: "The request failed validation; the message says what is wrong",
    503: "A service Lobby depends on failed; nothing was changed, try again",
}
READ_ERRORS = (401, 403, 422)
WRITE_ERRORS = (400, 401, 403, 413, 415, 422)
ACTION_ERRORS = (*WRITE_ERRORS, 404, 409)


def responses(status: int, description: str, *errors: int, **descriptions: str) -> dict:
    """The OpenAPI responses of a route: its success (schema from the return annotation) and
    the errors it can answer, each with the ErrorOut body. ``descriptions`` override the
    description of one error (``e404="No such hotel"``)."""
    return {status: {"description": description},
            **{code: error_response(descriptions.get(f"e{code}", ERRORS[code])) for code in sorted(set(errors))}}


Channel = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{1,31}$", description="The channel's name, e.g. webchat")]
ShortText = Annotated[str, Field(min_length=1, max_length=256)]


def _calendar_date(value: str) -> str:
    date.fromisoformat(value)  # ValueError for 2026-02-30
    return value


DateText = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", examples=["2026-11-24"]),
                     AfterValidator(_calendar_date)]
MAX_SENDER_RESERVATIONS = 10


class ReservationIn(BaseModel):
    """A booking the partner knows for the guest (saved replies and search read it)."""

    model_config = ConfigDict(extra="forbid")
    reservation_id: ShortText
    check_in: DateText | None = None
    check_out: DateText | None = None
    room: Annotated[str, Field(max_length=64)] | None = None
    guests: Annotated[int, Field(ge=1, le=100)] | None = None


class SenderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    external_id: ShortText
    name: Annotated[str, Field(max_length=256)] | None = None
    email: Annotated[str, Field(max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    language: Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Za-z]{2})?$")] | None = None
    reservations: list[ReservationIn] = Field(default_factory=list, max_length=MAX_SENDER_RESERVATIONS,
                                              description="The guest's bookings, when the partner knows them")


def _decode_base64(value: Any) -> bytes:
    if not isinstance(value, str):
        raise ValueError("base64 must be a string")
    try:  # line breaks (MIME style) are allowed; any other character outside the alphabet is not
        return base64.b64decode(value.replace("\r", "").replace("\n", ""), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("base64 is not valid base64 (RFC 4648 standard alphabet, with its padding)") from None


Base64Data = Annotated[bytes, BeforeValidator(_decode_base64),
                       WithJsonSchema({"type": "string", "format": "byte",
                                       "description": "The file's bytes in base64 (RFC 4648, standard alphabet)"})]
MediaType = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,62}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,62}$",
                                 description="The file's media type, e.g. image/png")]


class InboundAttachmentIn(BaseModel):
    """A file the guest sent, handed in with its bytes. Lobby keeps PDF, JPEG and PNG files of
    at most 5 MB; a file of another type (or an empty one) is listed on the message as unavailable,
    with its reason, rather than refused or dropped."""

    model_config = ConfigDict(extra="forbid")
    name: FileName
    content_type: MediaType
    base64: Base64Data


class InboundIn(BaseModel):
    """A guest message a partner hands in from another channel."""

    model_config = ConfigDict(extra="forbid")
    channel: Channel
    external_conversation_id: ShortText
    external_message_id: ShortText = Field(description="The same id handed in twice is stored once")
    sender: SenderIn
    text: MessageText
    attachments: list[InboundAttachmentIn] = Field(
        default_factory=list, max_length=MAX_ATTACHMENTS_PER_MESSAGE,
        description=f"The guest's files, at most {MAX_ATTACHMENTS_PER_MESSAGE}, in base64 (no URLs: Lobby fetches "
                    f"nothing a caller points it to); the whole body is at most {INBOUND_BODY_LIMIT // 1024 // 1024} "
                    "MB, so about 3.7 MB of files")
    sent_at: Annotated[TimeIn, AfterValidator(_sane_sent_at)] = Field(
        description="When the guest sent it: RFC 3339 with a zone, not before 2000-01-01 and at most a day ahead",
        examples=["2026-11-24T09:15:02Z"])
    wants_human: bool = False

    @field_validator("channel")
    @classmethod
    def not_expedia(cls, value: str) -> str:
        if value == "expedia":
            raise ValueError("Expedia messages arrive through the Expedia channel, not from partners")
        return value

    @model_validator(mode="after")
    def text_or_files(self) -> InboundIn:
        _text_or_files(self.text, self.attachments)
        return self


class InboundAccepted(_Out):
    conversation_id: str
    message_id: str


class KnowledgeEntryIO(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
    topic: Annotated[str, Field(min_length=1, max_length=TOPIC_MAX_LENGTH)]
    questions: list[Annotated[str, Field(min_length=1, max_length=QUESTION_MAX_LENGTH)]] = Field(
        min_length=1, max_length=QUESTIONS_MAX)
    answers: dict[Annotated[str, Field(pattern=r"^[a-z]{2}$")],
                  Annotated[str, Field(min_length=1, max_length=ANSWER_MAX_LENGTH)]] = (
        Field(min_length=1, description="The answer per language code"))


class BotSettings(BaseModel):
    """The hotel's bot: its switch and its knowledge base (an extension of the contract)."""

    model_config = ConfigDict(extra="forbid")
    enabled: bool
    default_language: Annotated[str, Field(pattern=r"^[a-z]{2}$")] = "en"
    trusted_domains: list[Annotated[str, Field(max_length=253)]] = Field(default_factory=list, max_length=50)
    entries: list[KnowledgeEntryIO] = Field(default_factory=list, max_length=ENTRIES_MAX)


class HotelOut(_Out):
    """The hotel as the console needs it (an extension of the contract)."""

    id: str
    name: str
    timezone: str = Field(description="IANA time zone, e.g. Europe/Paris: hold presets use the hotel's time")
    bot_enabled: bool
    expedia_property_id: str | None
    reply_target_minutes: int | None = Field(default=None, description="The hotel's own reply target, or null")
    retention_days: int = Field(default=RETENTION_DAYS_DEFAULT, description="How many days the hotel keeps its "
                                f"guests' data ({RETENTION_DAYS_MIN} to {RETENTION_DAYS_MAX:,})")
