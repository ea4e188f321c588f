"""Pydantic models of the team's routes: agents, assignment, notes, search, saved replies, the hotel's reply target."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.schemas import ConversationOut, MessageText, _not_blank, _Out
from inbox.retention import RETENTION_DAYS_DEFAULT, RETENTION_DAYS_MAX, RETENTION_DAYS_MIN

AgentId = Annotated[str, Field(min_length=1, max_length=128, description="An agent's id (the Cognito sub)")]
Language = Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$", description="e.g. fr or fr-CA")]
ReplyText = Annotated[str, Field(min_length=1, max_length=5000)]
MAX_NOTE_MENTIONS = 20


class AgentOut(_Out):
    id: str
    name: str
    email: str | None
    role: Literal["admin", "agent"]


class AgentsOut(_Out):
    items: list[AgentOut]


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agent_id: AgentId | None = Field(description="An agent of the hotel, or null to assign it to nobody")


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: MessageText
    mentions: list[AgentId] = Field(default_factory=list, max_length=MAX_NOTE_MENTIONS,
                                    description="Agents of the hotel to mention (`@Name` in the text mentions too)")

    @field_validator("text")
    @classmethod
    def visible(cls, value: str) -> str:
        return _not_blank(value)


class ReadOut(_Out):
    conversation_id: str
    unread: Literal[False] = Field(default=False, description="Read by the caller now")


class SearchOut(_Out):
    items: list[ConversationOut] = Field(description="At most 25, newest last message first")


class SavedReplyIn(BaseModel):
    """A saved reply as an admin writes it (its id is in the path)."""

    model_config = ConfigDict(extra="forbid")
    title: Annotated[str, Field(min_length=1, max_length=100)]
    shortcut: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$",
                                   description="The word typed after `/` in the composer")]
    texts: dict[Language, ReplyText] = Field(
        min_length=1, max_length=20,
        description="The text per language, with `{variable}` or `{variable|fallback}`: guest.first_name, "
                    "guest.name, reservation.id, reservation.check_in, reservation.check_out, hotel.name, agent.name")


class SavedReplyOut(_Out):
    id: str
    title: str
    shortcut: str
    texts: dict[str, str]

    @classmethod
    def of(cls, reply) -> SavedReplyOut:
        return cls(id=reply.id, title=reply.title, shortcut=reply.shortcut, texts=dict(reply.texts))


class SavedRepliesOut(_Out):
    items: list[SavedReplyOut]


class RenderedOut(_Out):
    text: str
    language: str
    missing: list[str] = Field(description="Variables that had no value (rendered as nothing)")


class HotelPatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reply_target_minutes: Annotated[int, Field(strict=True, ge=5, le=10080)] | None = Field(
        default=None, description="The hotel's own reply target in minutes (5 to 10,080), or null for none; "
                                  "left out: unchanged")
    retention_days: Annotated[int, Field(strict=True, ge=RETENTION_DAYS_MIN, le=RETENTION_DAYS_MAX)] = Field(
        default=RETENTION_DAYS_DEFAULT,
        description=f"How many days the hotel keeps its guests' data ({RETENTION_DAYS_MIN} to {RETENTION_DAYS_MAX:,}"
                    f"; {RETENTION_DAYS_DEFAULT} unless set): each message, activity entry and guard is deleted this "
                    "long after its time, a conversation this long after its last change. Applies to what is "
                    "written from now on; left out: unchanged")
