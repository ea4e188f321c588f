"""Pydantic models of every body, query and response of the HTTP API (they drive the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer, field_validator

from inbox.model import Activity, Contact, Conversation, Message, iso

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


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("text must not be blank")
    return value


MessageText = Annotated[str, Field(min_length=1, max_length=5000, description="Plain text, 1 to 5,000 characters"),
                        AfterValidator(_not_blank)]


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: MessageText = Field(description="The agent's reply, plain text")


class HoldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    until: datetime = Field(description="When the conversation returns to Open by itself (UTC, in the future, "
                                        "at most 30 days ahead)", examples=["2026-11-24T10:00:00Z"])


class ErrorOut(BaseModel):
    message: str
    status: StatusName | None = Field(default=None, description="The conversation's current status, on 409")
    details: list[dict[str, Any]] | None = None


def error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"model": ErrorOut}}}


# Answers every route may give, described once so the OpenAPI document tells the truth about them.
COMMON_RESPONSES = {
    401: error_response("Missing or invalid credentials"),
    403: error_response("The hotel is not one of the caller's"),
    422: error_response("The request failed validation; the message says what is wrong"),
}
NOT_FOUND = {**COMMON_RESPONSES, 404: error_response("No such conversation in this hotel")}
REFUSED = {**NOT_FOUND, 409: error_response("Not allowed from the current status (given in `status`), or lost a race")}


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
    sent_at: datetime
    wants_human: bool = False

    @field_validator("channel")
    @classmethod
    def not_expedia(cls, value: str) -> str:
        if value == "expedia":
            raise ValueError("Expedia messages arrive through the Expedia channel, not from partners")
        return value

    @field_validator("sent_at")
    @classmethod
    def with_time_zone(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("sent_at must carry a time zone (use a Z suffix for UTC)")
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
