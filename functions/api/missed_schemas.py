"""Pydantic models of the missed questions' routes (``/v1/hotels/{h}/missed-questions``, ``inbox.missed``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import KnowledgeEntryIO, UtcTime, _Out
from inbox.bot import ANSWER_MAX_LENGTH, QUESTION_MAX_LENGTH, QUESTIONS_MAX, TOPIC_MAX_LENGTH, KnowledgeEntry

if TYPE_CHECKING:  # the core's use case imports it, on the first request, not at cold start
    from inbox.missed import MissedGroup


class MissedAnswerOut(_Out):
    """An agent's first reply in a conversation whose question the group holds (the newest such reply)."""

    text: str
    agent: str = Field(description="The agent's name")
    at: UtcTime


class MissedGroupOut(_Out):
    id: str = Field(description="The group's id: `<language>-<16 hex digits>` (`und` when no language was read)")
    language: str
    question: str = Field(description="The newest wording the guests used (card numbers masked)")
    count: int = Field(description="How many questions the group counts")
    last_asked_at: UtcTime
    answer: MissedAnswerOut | None = Field(description="What an agent answered, if one did")

    @classmethod
    def of(cls, group: MissedGroup) -> MissedGroupOut:
        answer = group.answer
        return cls(id=group.id, language=group.language, question=group.question, count=group.count,
                   last_asked_at=group.last_asked_at,
                   answer=MissedAnswerOut(text=answer.text, agent=answer.agent, at=answer.at) if answer else None)


class MissedPage(_Out):
    items: list[MissedGroupOut] = Field(description="Last asked first")
    next_cursor: str | None


class TeachIn(BaseModel):
    """The bot's answer to a group, per language; the topic and example questions default to the group's question."""

    model_config = ConfigDict(extra="forbid")
    answers: dict[Annotated[str, Field(pattern=r"^[a-z]{2}$")],
                  Annotated[str, Field(min_length=1, max_length=ANSWER_MAX_LENGTH)]] = Field(
        min_length=1, description="The answer per two-letter language code (the guest's language is answered in it, "
                                  "else the hotel's default language)")
    topic: Annotated[str, Field(min_length=1, max_length=TOPIC_MAX_LENGTH)] | None = None
    questions: list[Annotated[str, Field(min_length=1, max_length=QUESTION_MAX_LENGTH)]] | None = Field(
        default=None, min_length=1, max_length=QUESTIONS_MAX,
        description="Example questions of the entry (default: the group's newest wording)")


class TaughtOut(_Out):
    group_id: str
    entry: KnowledgeEntryIO = Field(description="The knowledge-base entry, as stored: `missed-<group id>`")

    @classmethod
    def of(cls, group_id: str, entry: KnowledgeEntry) -> TaughtOut:
        return cls(group_id=group_id, entry=KnowledgeEntryIO(id=entry.id, topic=entry.topic,
                                                             questions=list(entry.questions),
                                                             answers=dict(entry.answers)))
