"""Missed questions: the guests' questions the bot could not answer, grouped by wording, and the bot taught from them.

Every ``bot_unanswered`` handoff of a question the bot can group (``Bot.question_key``: not a greeting, not a
breakdown or a lost item, which the bot hands to a person whatever it knows) is counted in its group, in the
same transaction as the guest's message: the group keeps its language, the newest wording, how often it was
asked and when last, and the conversation it came from. The conversation remembers its group
(``Conversation.missed_group``) until an agent's first reply, which becomes the group's answer (in that
reply's transaction) and clears it. The handoff's activity entry names the group too (``details.missed_group``):
what an erase of the guest reads to take the guest's words out of the group (``inbox.guest_data``).

The list (``missed_questions``) holds the groups asked and neither taught nor dismissed since, newest first,
one Query a page. ``teach`` turns a group into the knowledge-base entry ``missed-<group id>`` through
``update_bot`` (its audit entry ``bot_updated``, the 30 s hotel cache): the next guest asking it gets the
bot's answer. A taught group leaves the list; teaching it again is a ``Conflict`` until a guest asks it again
and the bot misses it again (then it is back in the list, and teaching it replaces its entry). ``dismiss_missed``
takes a group off the list without teaching (audited ``missed_question_dismissed``); it comes back when asked again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from inbox.audit import MISSED_DISMISSED, TARGET_MISSED_QUESTION, AuditEntry, AuditTarget
from inbox.bot import (
    ANSWER_MAX_LENGTH,
    ENTRIES_MAX,
    QUESTION_MAX_LENGTH,
    QUESTIONS_MAX,
    TOPIC_MAX_LENGTH,
    Answer,
    Bot,
    BotDecision,
    GuestText,
    HandOff,
    HandoffReason,
    KnowledgeBase,
    KnowledgeEntry,
)
from inbox.errors import Conflict, InvalidInput, NotFound
from inbox.model import Actor

if TYPE_CHECKING:
    from inbox.machine import Outcome
    from inbox.ports import ConversationStore, Page

UNDETERMINED = "und"  # a group's language when the bot named none
ENTRY_PREFIX = "missed-"  # the knowledge-base entry a group is taught as: "missed-<group id>"
GROUP_ID = re.compile(r"^[a-z]{2,3}-[0-9a-f]{16}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True)
class MissedQuestion:
    """A guest's question the bot could not answer, counted in its group (``commit(missed=...)``)."""

    group_id: str
    language: str
    question: str  # the guest's text as stored (card numbers masked)
    at: datetime  # when Lobby handled it
    conversation_id: str


@dataclass(frozen=True)
class MissedAnswer:
    """An agent's first reply in a conversation whose question was missed: the group's answer
    (``commit(missed_answer=...)``)."""

    group_id: str
    text: str
    agent: str  # the agent's name as the conversation shows it
    at: datetime
    conversation_id: str


@dataclass(frozen=True)
class MissedGroup:
    """One group of the list: its newest wording, how often and when last it was asked, the agent's answer."""

    id: str
    language: str
    question: str
    count: int
    last_asked_at: datetime
    conversation_id: str | None = None  # of the newest wording
    answer: MissedAnswer | None = None
    taught_entry_id: str | None = None  # the knowledge-base entry it was taught as, if ever
    listed: bool = True  # in the list (asked, and neither taught nor dismissed since)


def group_id(key: str, language: str | None) -> str:
    """``<language or "und">-<16 hex digits of sha256(key)>``: safe in a URL path and as part of an entry id."""
    code = (language or "").strip().lower()
    code = code if re.fullmatch(r"[a-z]{2,3}", code) else UNDETERMINED
    return f"{code}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def missed_question(bot: Bot, decision: BotDecision | None, outcome: Outcome, text: str, at: datetime
                    ) -> MissedQuestion | None:
    """The question to count when ``outcome`` is a ``bot_unanswered`` handoff of a question the bot can group."""
    if not (isinstance(decision, HandOff) and decision.reason is HandoffReason.BOT_UNANSWERED
            and outcome.trigger == "handed_off"):
        return None
    named = decision.details.get("language")
    language = named if isinstance(named, str) and named else decision.guest_language
    key = bot.question_key(text, language)
    if key is None:
        return None
    group = group_id(key, language)
    return MissedQuestion(group, group.split("-", 1)[0], text, at, outcome.conversation.id)


def noted(outcome: Outcome, missed: MissedQuestion) -> Outcome:
    """The outcome with the conversation in the group, and its handoff entry naming it."""
    activity = outcome.activity
    if activity is not None:
        activity = replace(activity, details={**activity.details, "missed_group": missed.group_id})
    return replace(outcome, conversation=outcome.conversation.evolve(missed_group=missed.group_id), activity=activity)


def check_answers(answers: Mapping[str, str]) -> dict[str, str]:
    """The answers per language, as a knowledge-base entry takes them (``InvalidInput`` otherwise)."""
    if not isinstance(answers, Mapping) or not answers:
        raise InvalidInput("answers: give at least one answer, by language code (e.g. {\"en\": \"...\"})")
    checked: dict[str, str] = {}
    for language, text in answers.items():
        if not isinstance(language, str) or not _LANGUAGE.fullmatch(language):
            raise InvalidInput(f"answers: {language!r} is not a two-letter language code")
        if not isinstance(text, str) or not text.strip():
            raise InvalidInput(f"answers.{language}: the answer is empty")
        if len(text) > ANSWER_MAX_LENGTH:
            raise InvalidInput(f"answers.{language}: at most {ANSWER_MAX_LENGTH} characters")
        checked[language] = text.strip()
    return checked


def _check_questions(questions: Sequence[str]) -> tuple[str, ...]:
    if isinstance(questions, str) or not 1 <= len(questions) <= QUESTIONS_MAX:
        raise InvalidInput(f"questions: give 1 to {QUESTIONS_MAX} questions")
    checked = []
    for question in questions:
        if not isinstance(question, str) or not question.strip() or len(question) > QUESTION_MAX_LENGTH:
            raise InvalidInput(f"questions: each is 1 to {QUESTION_MAX_LENGTH} characters")
        checked.append(question.strip())
    return tuple(checked)


def _shortened(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters (cut at a word when it can be)."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0] or flat[: limit - 1]
    return cut + "…"


class MissedUseCases:
    """Mixed into ``Inbox``: the list of missed questions, teaching the bot from a group, dismissing one."""

    store: ConversationStore
    clock: Callable[[], datetime]
    update_bot: Callable[..., AuditEntry]
    bot: Bot | None
    record_admin_action: Callable[..., AuditEntry]

    def missed_questions(self, hotel_id: str, limit: int, cursor: str | None) -> Page[MissedGroup]:
        """One page of the hotel's missed questions, last asked first (one Query)."""
        return self.store.list_missed(hotel_id, limit, cursor)

    def _group(self, hotel_id: str, group_id: str) -> MissedGroup:
        group = self.store.get_missed(hotel_id, group_id) if GROUP_ID.fullmatch(group_id) else None
        if group is None:
            raise NotFound(f"missed question {group_id} not found")
        return group

    def teach(self, hotel_id: str, group_id: str, actor: Actor, answers: Mapping[str, str],
              topic: str | None = None, questions: Sequence[str] | None = None) -> KnowledgeEntry:
        """Add (or replace) the entry ``missed-<group id>`` of the hotel's knowledge base: the group's question
        (or ``questions``) answered by ``answers`` per language, then take the group off the list.

        ``NotFound`` for no such group (or hotel), ``Conflict`` when it was taught and not missed again since,
        ``InvalidInput`` for answers, topic or questions beyond the knowledge base's own limits. Through
        ``update_bot``: audited ``bot_updated``, answered by every warm function within its 30 s hotel cache."""
        checked = check_answers(answers)
        asked = _check_questions(questions) if questions is not None else None
        if topic is not None and (not topic.strip() or len(topic) > TOPIC_MAX_LENGTH):
            raise InvalidInput(f"topic: 1 to {TOPIC_MAX_LENGTH} characters")
        group = self._group(hotel_id, group_id)
        if not group.listed and group.taught_entry_id is not None:
            raise Conflict(None, f"missed question {group_id} is already taught (entry {group.taught_entry_id}); "
                                 "change that entry in the bot's settings")
        if not group.question.strip() and (asked is None or topic is None):
            raise InvalidInput("the guests' words of this group were erased: give its topic and questions")
        hotel = self.store.get_hotel(hotel_id)
        if hotel is None:
            raise NotFound(f"hotel {hotel_id} not found")
        entry = KnowledgeEntry(
            id=f"{ENTRY_PREFIX}{group.id}",
            topic=topic.strip() if topic is not None else _shortened(group.question, TOPIC_MAX_LENGTH),
            questions=asked if asked is not None else (_shortened(group.question, QUESTION_MAX_LENGTH),),
            answers=checked)
        kept = [e for e in hotel.knowledge.entries if e.id != entry.id]
        if len(kept) >= ENTRIES_MAX:
            raise InvalidInput(f"the knowledge base holds {ENTRIES_MAX} entries already: remove one first")
        knowledge = replace(hotel.knowledge, entries=(*kept, entry))
        self._check_learnt(entry, group.language, knowledge)
        self.update_bot(hotel_id, actor, hotel.bot_enabled, knowledge, before=hotel)
        self.store.mark_missed_taught(hotel_id, group.id, entry.id, self.clock())
        return entry

    def _check_learnt(self, entry: KnowledgeEntry, language: str, knowledge: KnowledgeBase) -> None:
        """The bot, with the new knowledge base, answers the entry's first question with the entry; else teaching
        would change nothing for the next guest (``InvalidInput``, nothing written)."""
        if self.bot is None:
            return
        decision = self.bot.decide(GuestText(entry.questions[0], language=None if language == UNDETERMINED
                                             else language), replace(knowledge, enabled=True))
        if isinstance(decision, Answer) and decision.entry_id == entry.id:
            return
        if isinstance(decision, Answer):
            raise InvalidInput(f"the bot already answers {entry.questions[0]!r} with its entry {decision.entry_id}: "
                               "change that entry in the bot's settings, or dismiss this question")
        raise InvalidInput(f"the bot would still hand {entry.questions[0]!r} to the team (a breakdown, a lost item "
                           "or a request for a person goes to the team whatever the bot knows): dismiss it instead")

    def dismiss_missed(self, hotel_id: str, group_id: str, actor: Actor) -> None:
        """Take the group off the list without teaching the bot (``NotFound`` for no such group); one already off
        the list stays as it is, with no write and no audit entry."""
        group = self._group(hotel_id, group_id)
        if not group.listed:
            return
        self.store.dismiss_missed(hotel_id, group.id, self.clock())
        self.record_admin_action(hotel_id, actor, MISSED_DISMISSED, AuditTarget(TARGET_MISSED_QUESTION, group.id),
                                 {"language": group.language, "count": group.count})
