"""The default chatbot engine: a deterministic, multilingual keyword bot.

``KeywordBot`` implements the inbox's ``Bot`` port (``inbox.bot``) in pure Python: no
network, no model, no state beyond a small cache of indexed knowledge bases. For each
guest message it decides, in this order:

1. spam, when the spam score reaches ``SPAM_THRESHOLD``. Spam is checked before
   everything else, the bot switch included: the hotel's bot being off does not make a
   phishing link a guest conversation;
2. a hand-off to a person when the channel says so (``wants_human``) or the text asks
   for one (``human_request``: explicit phrases, then the word families of
   ``bot.lexicon`` -- a person near a contact verb, "call me", "anyone there?",
   "Human please", "are you a bot?"...), even if it also asks a question the bot could
   answer;
3. a hand-off because the hotel switched the bot off;
4. an answer, when the best knowledge-base entry scores at least ``ANSWER_THRESHOLD``,
   in the language of the message (else the hotel's default, via ``answer_in``) --
   unless the message reports a breakdown or a lost item, which no FAQ answer solves,
   or names one of the hotel's people ("the concierge", "a human": ``mentions_a_role``):
   in doubt between answering and a person, the bot hands off to a person
   (``details["trigger"] == "person_mentioned"``);
5. otherwise a hand-off because the bot could not answer (``details["best_score"]``).

Each concern has its module, the word lists theirs:

* ``bot.normalise`` -- folding, tokens, concepts and language (``analyse``), reading the
  word lists ``bot.concepts`` and ``bot.languages``;
* ``bot.spam`` -- the spam signals (``spam_signals``), on ``bot.spam_words``;
* ``bot.person_requests`` -- requests for a person (``human_request``,
  ``mentions_a_role``), on ``bot.person_phrases`` and ``bot.lexicon``;
* ``bot.matching`` -- the knowledge-base entry closest to a message (``best_match``);
* ``bot.grouping`` -- the key that groups similar wordings of a missed question (``question_key``);
* this module -- the decision, and the names the rest of the code imports from here.
"""

from __future__ import annotations

import re

from bot.concepts import VETO_CONCEPTS
from bot.grouping import question_key
from bot.matching import IndexCache, best_match
from bot.normalise import analyse, detect_language, fold
from bot.person_requests import human_request, mentions_a_role
from bot.spam import spam_signals
from inbox.bot import (
    Answer,
    BotDecision,
    GuestText,
    HandOff,
    HandoffReason,
    KnowledgeBase,
    KnowledgeEntry,
    SpamVerdict,
)

__all__ = [
    "ANSWER_THRESHOLD",
    "SPAM_THRESHOLD",
    "KeywordBot",
    "analyse",
    "detect_language",
    "fold",
    "human_request",
    "mentions_a_role",
    "spam_signals",
]

#: A spam verdict needs at least this score: two independent signals (say an
#: untrusted link and an SEO pitch), never one alone, so a real guest is not hidden.
SPAM_THRESHOLD = 1.0
#: The best entry must reach this cosine similarity to be sent as an answer.
ANSWER_THRESHOLD = 0.5


def _language_code(hint: str | None) -> str | None:
    """"pt-BR", "de_DE" or "FR" from a channel -> "pt", "de", "fr"."""
    if not hint:
        return None
    code = re.split(r"[-_]", hint.strip().lower(), maxsplit=1)[0]
    return code or None


def _answer_language(entry: KnowledgeEntry, language: str, default: str) -> tuple[str, str]:
    """The answer text for ``language`` (with answer_in's fallbacks) and its real language."""
    text = entry.answer_in(language, default)
    for lang in (language, default, "en", *entry.answers):
        if lang in entry.answers and entry.answers[lang] == text:
            return text, lang
    return text, language


class KeywordBot:
    """The default ``Bot``: spam filter, hand-off detector and multilingual FAQ matcher.

    Stateless apart from a cache of indexed knowledge bases; safe to keep in a module
    global of a Lambda function and to share between hotels.
    """

    def __init__(self, answer_threshold: float = ANSWER_THRESHOLD, spam_threshold: float = SPAM_THRESHOLD) -> None:
        self.answer_threshold = answer_threshold
        self.spam_threshold = spam_threshold
        self._indexes = IndexCache()

    def decide(self, message: GuestText, knowledge: KnowledgeBase) -> BotDecision:
        """Spam, hand-off or answer for ``message``, in the order described in the module."""
        text = message.text or ""
        spam = spam_signals(message, knowledge.trusted_domains)
        if spam.score >= self.spam_threshold:
            return SpamVerdict(score=spam.score, reasons=spam.reasons)

        analysis = analyse(text)
        hint = _language_code(message.language)
        language = analysis.language(hint, knowledge.default_language)
        # The guest's own language, for their profile: what the text shows, else the channel's
        # hint; never the hotel's default (that is only the language to answer in).
        guest = language if max(analysis.language_scores.values(), default=0.0) > 0 else hint

        if message.wants_human:
            return HandOff(HandoffReason.HUMAN_REQUESTED, {"language": language, "trigger": "wants_human"},
                           guest_language=guest)
        asked = human_request(text)
        if asked:
            return HandOff(HandoffReason.HUMAN_REQUESTED, {"language": language, "trigger": "text", "words": asked},
                           guest_language=guest)

        if not knowledge.enabled:
            return HandOff(HandoffReason.BOT_DISABLED, {"language": language}, guest_language=guest)

        match = best_match(analysis, knowledge, self._indexes.get(knowledge))
        score = round(match.score, 3)
        details: dict[str, object] = {"best_score": score, "best_entry": match.entry.id if match.entry else None, "language": language}
        veto = analysis.concepts & VETO_CONCEPTS
        if veto:
            # A breakdown or a lost item: the bot can't solve it, whatever the topic.
            details["reported"] = sorted(c.lstrip("_") for c in veto)
            return HandOff(HandoffReason.BOT_UNANSWERED, details, guest_language=guest)
        if match.entry is not None and match.score >= self.answer_threshold:
            role = mentions_a_role(text)
            if role:
                # In doubt between answering and a person the guest named ("can the
                # concierge...", "my colleague and I"), the person wins: a guest who
                # asked for one must never be kept by the bot.
                return HandOff(
                    HandoffReason.HUMAN_REQUESTED,
                    {"language": language, "trigger": "person_mentioned", "words": role, **details},
                    guest_language=guest,
                )
            answer, answer_language = _answer_language(match.entry, language, knowledge.default_language)
            return Answer(text=answer, entry_id=match.entry.id, score=score, language=answer_language,
                          guest_language=guest)
        return HandOff(HandoffReason.BOT_UNANSWERED, details, guest_language=guest)

    def question_key(self, text: str, language: str | None) -> str | None:
        """The key grouping similar wordings of a missed question (``bot.grouping``)."""
        return question_key(text, language)
