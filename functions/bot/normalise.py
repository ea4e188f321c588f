"""Normalisation: what the engine reads in a guest's text.

``fold`` and ``tokenize`` turn any text into the plain words every rule reads
(lowercase, no accents, apostrophes and hyphens split words). ``analyse`` then maps
words and phrases to the concepts of ``bot.concepts`` -- exactly, then by inflection,
compound prefix, German without umlauts or one typo -- keeps the words it does not know
(lightly stemmed) as features of their own, and scores the message's language from the
stop words and letters of ``bot.languages``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.concepts import CONCEPTS
from bot.languages import CHAR_HINTS, LANGUAGES, STOP_WORDS, UNIVERSAL_STOP

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ı": "i"})
_TOKEN_RE = re.compile(r"[^\W_]+")
DIGIT_RE = re.compile(r"\d")


def fold(text: str) -> str:
    """Lowercase ``text`` and strip its accents ("Frühstück" -> "fruhstuck")."""
    # casefold() turns "ß" into "ss"; NFKD then splits accented letters so that the
    # combining marks can be dropped.
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokenize(folded: str) -> list[str]:
    """Split folded text into word tokens (apostrophes and hyphens separate words)."""
    return _TOKEN_RE.findall(folded)


_STOP_BY_LANG: dict[str, frozenset[str]] = {
    lang: frozenset(words.split()) for lang, words in STOP_WORDS.items()
}
_ALL_STOP: frozenset[str] = frozenset().union(*_STOP_BY_LANG.values(), UNIVERSAL_STOP)
# Words that belong to exactly one language's list are language evidence.
_UNIQUE_STOP: dict[str, str] = {}
for _lang, _words in _STOP_BY_LANG.items():
    for _w in _words:
        if sum(_w in other for other in _STOP_BY_LANG.values()) == 1:
            _UNIQUE_STOP[_w] = _lang

# A few typos are kept as explicit forms in ``bot.concepts``; the rest is fuzzy-matched
# (one edit, same first letter) against forms of at least this length: with shorter forms
# one edit too often makes another real word ("nachste", next, is one letter from "nachte").
_FUZZY_MIN_FORM = 8
_FUZZY_MAX_TOKEN = 20


_Phrases = dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]  # first token -> (phrase, concepts), longest first


def _build_lexicon() -> tuple[_Phrases, list[tuple[str, tuple[str, ...]]], dict[str, tuple[str, ...]],
                              dict[str, set[str]], dict[tuple[str, ...], set[str]]]:
    phrases: dict[tuple[str, ...], set[str]] = {}
    prefixes: dict[str, set[str]] = {}
    form_langs: dict[tuple[str, ...], set[str]] = {}
    for concept, by_lang in CONCEPTS.items():
        for lang, forms in by_lang.items():
            for form in forms.split("|"):
                form = form.strip()
                if not form:
                    continue
                key: tuple[str, ...]
                if form.endswith("*"):
                    prefixes.setdefault(form[:-1], set()).add(concept)
                    key = (form[:-1],)
                else:
                    key = tuple(tokenize(form))
                    phrases.setdefault(key, set()).add(concept)
                if lang != "*":
                    form_langs.setdefault(key, set()).add(lang)
    by_first: _Phrases = {}
    for key, concepts in phrases.items():
        by_first.setdefault(key[0], []).append((key, tuple(sorted(concepts))))
    for options in by_first.values():
        options.sort(key=lambda item: (-len(item[0]), item[0]))  # longest phrase first
    prefix_list = sorted(((p, tuple(sorted(c))) for p, c in prefixes.items()), key=lambda pc: (-len(pc[0]), pc[0]))
    singles = {key[0]: tuple(sorted(concepts)) for key, concepts in phrases.items() if len(key) == 1}
    deletes: dict[str, set[str]] = {}
    for word in singles:
        if len(word) >= _FUZZY_MIN_FORM:
            for variant in _deletions(word) | {word}:
                deletes.setdefault(variant, set()).add(word)
    return by_first, prefix_list, singles, deletes, form_langs


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _within_one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        i, j = diffs if len(diffs) == 2 else (0, 0)
        return len(diffs) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    if la > lb:
        a, b = b, a
    return any(a == b[:i] + b[i + 1 :] for i in range(len(b)))


_PHRASES, _PREFIXES, _SINGLES, _DELETES, _FORM_LANGS = _build_lexicon()


def _stem(token: str) -> str:
    """A light, language-agnostic stem for words the lexicon does not know."""
    if len(token) > 4 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def _prefix_concepts(token: str) -> tuple[str, ...]:
    for prefix, concepts in _PREFIXES:
        if token.startswith(prefix):
            return concepts
    return ()


def _resolve_single(token: str) -> tuple[str, ...] | None:
    """Concepts of a single word not matched exactly: inflection, compound, typo."""
    # Plural and verb endings of the languages covered; only accepted when the
    # shortened word is itself a known form.
    for cut in ("s", "es", "e", "en", "er", "em"):
        if token.endswith(cut) and len(token) - len(cut) >= 3:
            hit = _SINGLES.get(token[: -len(cut)])
            if hit:
                return hit
    prefixed = _prefix_concepts(token)
    if prefixed:
        return prefixed
    if ("ae" in token or "oe" in token or "ue" in token) and len(token) <= _FUZZY_MAX_TOKEN:
        # German typed without umlauts: "Fruehstueck", "Gepaeck".
        plain = token.replace("ae", "a").replace("oe", "o").replace("ue", "u")
        hit = _SINGLES.get(plain) or _prefix_concepts(plain)
        if hit:
            return hit
    if len(token) >= 5 and len(token) <= _FUZZY_MAX_TOKEN and not DIGIT_RE.search(token):
        candidates: set[str] = set(_DELETES.get(token, ()))
        for variant in _deletions(token):
            candidates |= _DELETES.get(variant, set())
        for word in sorted(candidates):
            if word[0] == token[0] and _within_one_edit(token, word):
                return _SINGLES[word]
    return None


@dataclass(frozen=True)
class Analysis:
    """What the engine reads in a text: its tokens, concepts, features and language."""

    tokens: tuple[str, ...]
    concepts: frozenset[str]
    features: frozenset[str]
    language_scores: dict[str, float]

    def language(self, hint: str | None = None, default: str = "en") -> str:
        """The most likely language; ``hint`` then ``default`` break ties and silence."""
        best = max(self.language_scores.values(), default=0.0)
        if best <= 0:
            return hint or default
        tied = [lang for lang in LANGUAGES if self.language_scores.get(lang, 0.0) == best]
        for preferred in (hint, default):
            if preferred in tied:
                return preferred
        return tied[0]


def analyse(text: str) -> Analysis:
    """Fold, tokenise and read ``text``: concepts, matching features and language scores."""
    folded = fold(text)
    tokens = tokenize(folded)
    scores = dict.fromkeys(LANGUAGES, 0.0)
    lowered = text.lower()
    for char, langs in CHAR_HINTS.items():
        if char in lowered:
            for lang in langs:
                scores[lang] += 2.0 / len(langs)

    concepts: set[str] = set()
    features: set[str] = set()
    i, n = 0, len(tokens)
    while i < n:
        token = tokens[i]
        matched = None
        for key, key_concepts in _PHRASES.get(token, ()):
            if tuple(tokens[i : i + len(key)]) == key:
                matched = (key, key_concepts)
                break
        if matched and len(matched[0]) == 1:
            # A one-word form may also start a compound ("gepackaufbewahrung").
            extra = _prefix_concepts(token)
            if extra:
                matched = (matched[0], tuple(sorted(set(matched[1]) | set(extra))))
        if matched:
            key, key_concepts = matched
            form_langs = _FORM_LANGS.get(key)
            if form_langs:
                for lang in form_langs:
                    scores[lang] += 1.0 / len(form_langs)
            concepts.update(key_concepts)
            i += len(key)
            continue
        i += 1
        stop_lang = _UNIQUE_STOP.get(token)
        if stop_lang:
            scores[stop_lang] += 1.0
        if token in _ALL_STOP or DIGIT_RE.search(token) or len(token) < 2:
            # Numbers (times, prices, room numbers) say nothing about the topic.
            continue
        resolved = _resolve_single(token)
        if resolved:
            concepts.update(resolved)
        else:
            features.add("w:" + _stem(token))
    features.update("#" + c for c in concepts if not c.startswith("_"))
    return Analysis(tuple(tokens), frozenset(concepts), frozenset(features), scores)


def detect_language(text: str, default: str = "en") -> str:
    """The language of ``text`` among fr, en, es, pt, de, it (``default`` when unsure).

    Counts stop words that belong to one language only, lexicon words tagged with a
    language and language-specific letters (ñ, ã, ß...); deterministic, ties go to
    ``default`` and then to the order en, fr, es, pt, de, it.
    """
    return analyse(text).language(None, default)
