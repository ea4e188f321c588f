"""The bot port: what the inbox asks of a chatbot, and the decisions it can give back.

Plain data only. The default engine lives in the ``bot`` package; a hosted model
(Amazon Bedrock, Lex) can implement the same ``Bot`` protocol later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class HandoffReason(StrEnum):
    """Why a conversation goes to the agents (the activity entry's ``reason``)."""

    HUMAN_REQUESTED = "human_requested"
    BOT_UNANSWERED = "bot_unanswered"
    BOT_DISABLED = "bot_disabled"


# A knowledge base's own limits (the bot's settings route and teaching a missed question check them).
ENTRIES_MAX = 200
TOPIC_MAX_LENGTH = 100
QUESTIONS_MAX = 50  # example questions of one entry
QUESTION_MAX_LENGTH = 500
ANSWER_MAX_LENGTH = 2000


@dataclass(frozen=True)
class KnowledgeEntry:
    """One question the hotel's bot can answer, with its answer per language."""

    id: str
    topic: str
    questions: tuple[str, ...]
    answers: dict[str, str]  # language code ("fr", "en", ...) -> answer text

    def answer_in(self, language: str | None, default_language: str = "en") -> str:
        """The answer in ``language``, else the hotel's default, else any."""
        for lang in (language, default_language, "en"):
            if lang and lang in self.answers:
                return self.answers[lang]
        return next(iter(self.answers.values()))


@dataclass(frozen=True)
class KnowledgeBase:
    """A hotel's bot settings: its switch, its answers and the domains it trusts in links."""

    enabled: bool = True
    entries: tuple[KnowledgeEntry, ...] = ()
    default_language: str = "en"
    trusted_domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class GuestText:
    """What the bot is shown of one guest message."""

    text: str
    wants_human: bool = False
    sender_is_new: bool = True  # first message of this sender in this conversation
    repeat_count: int = 0  # how often this sender already sent exactly this text here
    language: str | None = None  # a hint from the channel, if it gives one


@dataclass(frozen=True)
class Answer:
    """The bot answers the guest itself; the conversation stays with the bot."""

    text: str
    entry_id: str
    score: float
    language: str  # the answer's language (the hotel's default when the entry lacks the guest's)
    guest_language: str | None = None  # the language the bot read in the guest's text


@dataclass(frozen=True)
class HandOff:
    """The bot hands the conversation to the agents (it goes to Open)."""

    reason: HandoffReason
    details: dict[str, object] = field(default_factory=dict)
    guest_language: str | None = None  # the language the bot read in the guest's text


@dataclass(frozen=True)
class SpamVerdict:
    """The bot flags the message as spam (the conversation goes to Spam)."""

    score: float
    reasons: tuple[str, ...]
    guest_language: str | None = None


BotDecision = Answer | HandOff | SpamVerdict


class Bot(Protocol):
    """Anything that can decide what happens to a guest message."""

    def decide(self, message: GuestText, knowledge: KnowledgeBase) -> BotDecision: ...

    def question_key(self, text: str, language: str | None) -> str | None:
        """A stable key of the question's wording, equal for similar wordings (the same language and the same
        content after the bot's own normalisation: case, accents, spacing, punctuation and word order ignored);
        None when there is nothing to group. The missed questions (``inbox.missed``) are grouped by it."""
        ...
