"""Pydantic models of every body, query and response of the HTTP API (they drive the OpenAPI document)."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, field_validator

from inbox.model import Activity, Contact, Conversation, Message, iso, utc_now
from inbox.times import check_sent_at, parse_time

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

    @classmethod
    def of(cls, c: Conversation, *, hotel_bot_on: bool = True) -> ConversationOut:
        from inbox.model import bot_enabled

        return cls(
            id=c.id, hotel_id=c.hotel_id, channel=c.channel, status=c.status.value,
            bot_enabled=bot_enabled(c.status, hotel_bot_on), automated=c.automated, hold_until=c.hold_until,
            created_at=c.created_at, updated_at=c.updated_at, last_message_at=c.last_message_at,
            last_message_preview=c.last_message_preview, external_conversation_id=c.external_conversation_id,
            contact_id=c.contact_id, contact_name=c.contact_name,
        )


class ConversationWithContact(ConversationOut):
    contact: ContactOut | None


class ConversationPage(_Out):
    items: list[ConversationOut]
    next_cursor: str | None


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

    @classmethod
    def of(cls, m: Message) -> MessageOut:
        return cls(id=m.id, conversation_id=m.conversation_id, direction=m.direction.value, sender=m.sender.value,
                   agent_id=m.agent_id, text=m.text, sent_at=m.sent_at, external_message_id=m.external_message_id,
                   delivery=m.delivery.value if m.delivery else None, delivery_error=m.delivery_error)


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


MessageText = Annotated[str, Field(min_length=1, max_length=5000,
                                   description="Plain text, 1 to 5,000 characters; at least one visible character, "
                                               "no control characters but tab, line feed and carriage return"),
                        AfterValidator(_not_blank)]

RFC3339 = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
# A time handed in: only what inbox.times.parse_time reads (RFC 3339, four-digit year, seconds, a
# zone); a number or an ISO 8601 variant pydantic would take on its own is refused.
TimeIn = Annotated[datetime, BeforeValidator(parse_time),
                   Field(json_schema_extra={"pattern": RFC3339})]


def _sane_sent_at(value: datetime) -> datetime:
    return check_sent_at(value, utc_now())


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: MessageText = Field(description="The agent's reply, plain text")


class HoldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    until: TimeIn = Field(description="When the conversation returns to Open by itself: RFC 3339 with a zone, "
                                      "in the future, at most 30 days ahead", examples=["2026-11-24T10:00:00Z"])


class ErrorOut(BaseModel):
    message: str
    status: StatusName | None = Field(default=None, description="The conversation's current status, on 409")
    details: list[dict[str, Any]] | None = Field(default=None, description="What failed validation, on 422")
    limit_bytes: int | None = Field(default=None, description="The route's body limit, on 413")


# Body limits (bytes of the request body, as sent). Messages are at most 5,000 characters
# (20 KB of UTF-8 at worst) plus their envelope; the bot's settings carry the knowledge base
# (200 entries, up to 50 questions and an answer per language each: a realistic one in six
# languages is about 600 KB), which the store keeps in its own items.
BODY_LIMIT = 64 * 1024
BOT_BODY_LIMIT = 1024 * 1024


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


class SenderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    external_id: ShortText
    name: Annotated[str, Field(max_length=256)] | None = None
    email: Annotated[str, Field(max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    language: Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Za-z]{2})?$")] | None = None


class InboundIn(BaseModel):
    """A guest message a partner hands in from another channel."""

    model_config = ConfigDict(extra="forbid")
    channel: Channel
    external_conversation_id: ShortText
    external_message_id: ShortText = Field(description="The same id handed in twice is stored once")
    sender: SenderIn
    text: MessageText
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


class InboundAccepted(_Out):
    conversation_id: str
    message_id: str


class KnowledgeEntryIO(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
    topic: Annotated[str, Field(min_length=1, max_length=100)]
    questions: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(min_length=1, max_length=50)
    answers: dict[Annotated[str, Field(pattern=r"^[a-z]{2}$")], Annotated[str, Field(min_length=1, max_length=2000)]] = (
        Field(min_length=1, description="The answer per language code"))


class BotSettings(BaseModel):
    """The hotel's bot: its switch and its knowledge base (an extension of the contract)."""

    model_config = ConfigDict(extra="forbid")
    enabled: bool
    default_language: Annotated[str, Field(pattern=r"^[a-z]{2}$")] = "en"
    trusted_domains: list[Annotated[str, Field(max_length=253)]] = Field(default_factory=list, max_length=50)
    entries: list[KnowledgeEntryIO] = Field(default_factory=list, max_length=200)


class HotelOut(_Out):
    """The hotel as the console needs it (an extension of the contract)."""

    id: str
    name: str
    timezone: str = Field(description="IANA time zone, e.g. Europe/Paris: hold presets use the hotel's time")
    bot_enabled: bool
    expedia_property_id: str | None
