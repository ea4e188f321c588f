"""Grouping the questions the bot missed: one key for similar wordings of one question.

``question_key`` reads a guest's text the way the engine does (``bot.normalise``: folded, tokenised,
stop words and numbers dropped, words mapped to concepts by inflection, compound prefix, umlauts or one
typo, the other words lightly stemmed) but as a bag of words: the lexicon's phrases of several words
("check in", "wi fi", "petit dejeuner") count when all their words are there, in any order, and every
other word is read on its own. So the key ignores case, accents, spacing, punctuation and word order,
and "Do you have a gym?" and "gym, do you have one" share it, while "Do you have a pool?" does not.

The key starts with the language: the same words in two languages are two groups (the hotel answers
each in its language). A breakdown or a lost item keeps its mark in the key ("the shower is broken" is
not "is there a shower?"): it is listed like any missed question, though teaching it is refused, since
the bot hands those to a person whatever its knowledge base holds (``inbox.missed``). There is nothing to
group (None) when no feature is left (a greeting, numbers, files only).
"""

from __future__ import annotations

import re

from bot.concepts import VETO_CONCEPTS
from bot.normalise import _PHRASES, analyse, fold, tokenize

# The lexicon's phrases of several words, as (their words, their concepts), longest first.
_MULTI_WORD: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = tuple(sorted(
    {(frozenset(phrase), concepts) for options in _PHRASES.values() for phrase, concepts in options
     if len(phrase) > 1 and len(set(phrase)) > 1},
    key=lambda item: (-len(item[0]), sorted(item[0]), item[1]),
))

UNDETERMINED = "und"  # the language part of a key when none is known (ISO 639-2's "undetermined")


def language_code(language: str | None) -> str:
    """"pt-BR", "de_DE", "FR" -> "pt", "de", "fr"; nothing known -> ``UNDETERMINED``."""
    code = re.split(r"[-_]", (language or "").strip().lower(), maxsplit=1)[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else UNDETERMINED


def question_features(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The matching features of ``text`` read as a bag of words (see the module), and all its concepts
    (the internal ones, such as the vetoes, included)."""
    bag = set(tokenize(fold(text)))
    features: set[str] = set()
    concepts: set[str] = set()
    used: set[str] = set()
    for words, phrase_concepts in _MULTI_WORD:
        if words <= bag:
            used |= words
            concepts.update(phrase_concepts)
    for word in sorted(bag - used):
        analysis = analyse(word)
        features |= analysis.features
        concepts |= analysis.concepts
    features.update("#" + c for c in concepts if not c.startswith("_"))
    return frozenset(features), frozenset(concepts)


def question_key(text: str, language: str | None) -> str | None:
    """The key of the question's wording (``Bot.question_key``): ``<language>:<features, sorted>``, or None."""
    features, concepts = question_features(text or "")
    if not features:
        return None
    marks = {"!" + concept.lstrip("_") for concept in concepts & VETO_CONCEPTS}  # "!problem", "!lost"
    return f"{language_code(language)}:{' '.join(sorted(features | marks))}"
