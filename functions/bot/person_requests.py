"""Requests for a person: does the guest ask to be put through to somebody?

``human_request`` tries the explicit phrases of ``bot.person_phrases`` first, then the
rules that combine the word families of ``bot.lexicon`` (see its docstring): those
cover what guests say loosely, in any of the six languages and whatever the language
detected. ``mentions_a_role`` finds a staff role named in passing ("can the concierge
book a taxi?"), which makes the engine hand off rather than answer.
"""

from __future__ import annotations

import re

from bot import lexicon
from bot.normalise import DIGIT_RE, fold, tokenize
from bot.person_phrases import HUMAN_PATTERNS

_HUMAN_RE = tuple((lang, re.compile(pattern)) for lang, pattern in HUMAN_PATTERNS)

# Asking for a person is also said loosely, in words the phrases cannot list.
# The word families live in ``bot.lexicon``; they combine into the rules below, which
# do not depend on the message's language.


class _Forms:
    """A family of folded forms (words, phrases, ``prefix*``, ``-suffix``) found in tokens."""

    def __init__(self, forms) -> None:
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        self._prefixes: list[str] = []
        self._suffixes: list[str] = []
        for form in forms:
            if form.endswith("*"):
                self._prefixes.append(form[:-1])
                continue
            if form.startswith("-"):
                self._suffixes.append(form[1:])  # German compounds: "hotelmanager"
                continue
            key = tuple(tokenize(form))
            if key:
                self._by_first.setdefault(key[0], []).append(key)
        for options in self._by_first.values():
            options.sort(key=len, reverse=True)  # longest phrase first

    def at(self, tokens: list[str] | tuple[str, ...], i: int) -> int:
        """The length of the longest form starting at ``tokens[i]`` (0 when none)."""
        for key in self._by_first.get(tokens[i], ()):
            if tuple(tokens[i : i + len(key)]) == key:
                return len(key)
        token = tokens[i]
        if any(token.startswith(p) for p in self._prefixes) or any(token.endswith(s) for s in self._suffixes):
            return 1
        return 0

    def spans(self, tokens) -> list[tuple[int, int]]:
        """``(start, end)`` of every non-overlapping occurrence, left to right."""
        found, i = [], 0
        while i < len(tokens):
            size = self.at(tokens, i)
            if size:
                found.append((i, i + size))
                i += size
            else:
                i += 1
        return found


_PERSONS = _Forms(lexicon.words(lexicon.PERSON))
_WHO = _Forms(lexicon.WHO)
_CONTACTS = _Forms(lexicon.words(lexicon.CONTACT))
_TRANSFERS = _Forms(lexicon.words(lexicon.TRANSFER))
_CALLS = _Forms(lexicon.words(lexicon.CALL))
_CALLBACKS = _Forms(lexicon.words(lexicon.CALLBACK))
_NEEDS = _Forms(lexicon.words(lexicon.NEED))
_HELPS = _Forms(lexicon.words(lexicon.HELP))
_ROLES = _Forms(lexicon.ROLE)
_WHERE = _Forms(lexicon.WHERE)
_SUMMONS = _Forms(lexicon.words(lexicon.SUMMON))
_PLEASE = _Forms(lexicon.PLEASE)
_PRESENCE_OPENERS = _Forms(lexicon.PRESENCE_OPENERS)
_PRESENCE_PERSONS = _Forms(lexicon.PRESENCE_PERSONS)
_PRESENCE_TAIL = _Forms(lexicon.PRESENCE_TAIL)
_BOT_QUESTIONS = _Forms(lexicon.BOT_QUESTION)
_CONTACT_WINDOW = 6  # a contact verb and a person, in any order
_NEED_WINDOW = 3  # a need verb, then the person
_HELP_WINDOW = 4  # a person, then a help verb
_TRANSFER_WINDOW = 5  # "passez-moi", then the person


def _persons(tokens: list[str]) -> list[tuple[int, int]]:
    """Spans of the people named in ``tokens``, head counts left out."""
    found = []
    for start, end in _PERSONS.spans(tokens):
        before = tokens[start - 1] if start else ""
        if DIGIT_RE.search(before) or before in lexicon.HEAD_COUNT:
            continue
        found.append((start, end))
    return found


def _distance(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Tokens between two spans (0 when adjacent or overlapping)."""
    return max(0, b[0] - a[1], a[0] - b[1])


def _calls_me(tokens: list[str]) -> str | None:
    """A call verb with "me" on either side, maybe past modal words ("me pode ligar?")."""
    for start, end in _CALLS.spans(tokens):
        verb = tokens[start]
        if verb.startswith("rappel") and end < len(tokens) and tokens[end] in lexicon.REMIND_NEXT:
            continue
        # After the verb: "call me", "appelez-moi", "liguem-me".
        j = end
        while j < len(tokens) and j - end < 3 and tokens[j] in lexicon.CALL_FILLERS:
            j += 1
        if j < len(tokens) and tokens[j] in lexicon.ME and not (j + 1 < len(tokens) and tokens[j + 1] == "s"):
            return " ".join(tokens[start : j + 1])
        # Before the verb: "m'appeler", "me pode ligar", "mich bitte anrufen".
        k = start - 1
        while k >= 0 and start - k <= 3 and tokens[k] in lexicon.CALL_FILLERS:
            k -= 1
        if k >= 0 and tokens[k] in lexicon.ME:
            if k and tokens[k - 1] in lexicon.NOT_A_CALL_BEFORE_ME:
                continue  # "je m'appelle Julie", "I'm calling about..."
            return " ".join(tokens[k:end])
    return None


def _clause_asks_for_a_person(tokens: list[str]) -> str | None:
    """Rules read on one sentence: "anyone there?", "Human please", "are you a bot?"."""
    i = 0
    while i < len(tokens) and tokens[i] in lexicon.GREETINGS:
        i += 1
    rest = tokens[i:]
    if not rest:
        return None
    # "Is anyone there?", "¿Hay alguien ahí?", "Ist da jemand?": nothing may follow but
    # "there" -- "is someone at the front desk at night?" asks about opening hours.
    j = 0
    size = _PRESENCE_OPENERS.at(rest, 0)
    if size and not _PRESENCE_PERSONS.at(rest, 0):
        j = size
    if j < len(rest):
        size = _PRESENCE_PERSONS.at(rest, j)
        if size:
            k = j + size
            while k < len(rest):
                tail = _PRESENCE_TAIL.at(rest, k) or _PLEASE.at(rest, k)
                if not tail:
                    break
                k += tail
            if k == len(rest) and len(rest) <= 8:
                return " ".join(rest)
    # A person named alone, maybe with "please": "Human please", "agent", "Un humain svp".
    kept, k, said_please = [], 0, False
    while k < len(rest):
        size = _PLEASE.at(rest, k)
        if size:
            said_please, k = True, k + size
            continue
        if rest[k] not in lexicon.ARTICLES:
            kept.append(rest[k])
        k += 1
    if kept and len(kept) <= 3:
        size = _PERSONS.at(kept, 0)
        if size == len(kept) and (said_please or _ROLES.at(kept, 0) == len(kept)):
            return " ".join(rest)
    # "Are you a bot?", "c'est un robot ?", "bin ich hier mit einem Roboter?"
    for start, end in _BOT_QUESTIONS.spans(rest):
        for k in range(end, min(end + 3, len(rest))):
            if rest[k] in lexicon.BOT or rest[k] in lexicon.HUMAN_NESS or rest[k].startswith("automat"):
                return " ".join(rest[start : k + 1])
    return None


def _callback_wanted(tokens: list[str], has_number: bool) -> str | None:
    """A call back asked for as a thing: "I'd like a callback", "Rappel svp au 06..."."""
    needs = _NEEDS.spans(tokens)
    for start, end in _CALLBACKS.spans(tokens):
        if start and tokens[start - 1] in lexicon.SERVICE_CALLS or tokens[start] in lexicon.SERVICE_CALLS:
            continue  # "a wake-up call at 7"
        wanted = any(n[1] <= start and _distance(n, (start, end)) <= _NEED_WINDOW for n in needs)
        near = tokens[max(0, start - 2) : start] + tokens[end : end + 2]
        polite = any(_PLEASE.at(near, k) for k in range(len(near)))
        if wanted or polite or has_number:
            return " ".join(tokens[start:end])
    return None


def _automatic_replies(tokens: list[str]) -> str | None:
    """Complaints about automatic answers, in any order ("keine automatische Antwort")."""
    for i, token in enumerate(tokens):
        if token.startswith(lexicon.AUTOMATIC_PREFIXES):
            for j in range(max(0, i - 2), min(len(tokens), i + 3)):
                if tokens[j] in lexicon.REPLY_WORDS:
                    return " ".join(tokens[min(i, j) : max(i, j) + 1])
    return None


def human_request(text: str) -> str | None:
    """The words by which ``text`` asks for a person (None when it does not).

    Explicit phrases first, then the rules of ``bot.lexicon`` (see its docstring).
    """
    folded = fold(text)
    tokens = tokenize(folded)
    joined = " ".join(tokens)
    for _lang, pattern in _HUMAN_RE:
        phrase = pattern.search(joined)
        if phrase:
            return phrase.group(0)
    for clause in re.split(r"[.!?;:\n¿¡…]+|,\s", folded):
        found = _clause_asks_for_a_person(tokenize(clause))
        if found:
            return found
    has_number = len(DIGIT_RE.findall(folded)) >= 6  # a phone number to call back on
    found = _calls_me(tokens) or _callback_wanted(tokens, has_number) or _automatic_replies(tokens)
    if found:
        return found
    persons = _persons(tokens)
    people = [p for p in persons if " ".join(tokens[p[0] : p[1]]) not in lexicon.PLACES]
    for i, token in enumerate(tokens):
        if token in lexicon.WITH and not any(t in lexicon.ENTRUST for t in tokens[max(0, i - 5) : i]):
            for start, end in people:
                if i < start <= i + 4 and not any(DIGIT_RE.search(t) for t in tokens[i + 1 : start]):
                    return " ".join(tokens[i:end])
    me = [i for i, t in enumerate(tokens) if t in lexicon.ME]
    for span in _TRANSFERS.spans(tokens):
        # "passez-moi la réception", "verbinden Sie mich mit", "put me through to".
        near = tokens[span[1] : span[1] + 3]
        if any(t in lexicon.ME for t in near) or any(t in lexicon.ME for t in tokens[max(0, span[0] - 2) : span[0]]):
            for person in persons:
                if span[1] <= person[0] and _distance(span, person) <= _TRANSFER_WINDOW:
                    return " ".join(tokens[span[0] : person[1]])
        # The verb last, as German puts it: "mich zu einem Mitarbeiter durchstellen".
        for person in persons:
            if person[1] <= span[0] and _distance(person, span) <= 2:
                if any(i < person[0] and person[0] - i <= _TRANSFER_WINDOW for i in me):
                    return " ".join(tokens[person[0] : span[1]])
    # "Do the receptionists speak Spanish?" asks about a skill, not for a person.
    contacts = [c for c in _CONTACTS.spans(tokens) if c[1] >= len(tokens) or tokens[c[1]] not in lexicon.LANGUAGE_NAMES]
    for span in contacts:
        for person in persons + _WHO.spans(tokens):
            if _distance(span, person) <= _CONTACT_WINDOW:
                lo, hi = min(span[0], person[0]), max(span[1], person[1])
                return " ".join(tokens[lo:hi])
    for span in _NEEDS.spans(tokens):
        for person in persons:
            if span[1] <= person[0] and _distance(span, person) <= _NEED_WINDOW:
                return " ".join(tokens[span[0] : person[1]])
    for span in _HELPS.spans(tokens):
        for person in people:
            if person[1] <= span[0] and _distance(person, span) <= _HELP_WINDOW:
                return " ".join(tokens[person[0] : span[1]])
        # "help from the front desk", "ayuda de recepción", "Hilfe von der Rezeption".
        for person in persons:
            between = tokens[span[1] : person[0]]
            if span[1] <= person[0] and len(between) <= 3 and between and between[0] in lexicon.FROM:
                return " ".join(tokens[span[0] : person[1]])
    for span in _SUMMONS.spans(tokens):
        # "get someone to sort out my booking", "schicken Sie jemanden".
        for person in people:
            if span[1] <= person[0] and _distance(span, person) <= 2:
                return " ".join(tokens[span[0] : person[1]])
    for span in _WHERE.spans(tokens):
        # "where is the manager?", "cadê os atendentes?" (not "where is reception?").
        for person in people:
            if span[1] <= person[0] and _distance(span, person) <= 2:
                return " ".join(tokens[span[0] : person[1]])
    return None


def mentions_a_role(text: str) -> str | None:
    """A staff role or a human named in ``text`` ("the manager", "un humain"), if any."""
    tokens = tokenize(fold(text))
    for start, end in _ROLES.spans(tokens):
        before = tokens[start - 1] if start else ""
        # "my boss booked the room", "ma collègue arrive plus tard": the guest's own people.
        if not (DIGIT_RE.search(before) or before in lexicon.HEAD_COUNT or before in lexicon.MY):
            return " ".join(tokens[start:end])
    return None
