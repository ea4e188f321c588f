"""Card numbers never stored: each Luhn-valid run of 13 to 19 digits becomes ``•••• `` and its last four.

Plain Python, applied by the core at entry (``Inbox.receive`` before the bot reads the text, the
channels' record paths, replies, notes, file names, activity details), so nothing downstream (the
store, the bot, the outbox, the previews, the real-time frames) ever sees a card number.

How a run is read (the contract: "any run of 13 to 19 digits, spaces or dashes allowed between them,
that passes the Luhn check"):

- A *run* is a maximal stretch of ASCII digits in which one separator may stand between two digits.
  Separators are the space (also the no-break and thin spaces a French keyboard or a copy from a PDF
  gives) and the dash (``-`` and the Unicode hyphens and en dash). Two separators in a row, a dot, a
  slash or any other character end the run; a separator is never part of a run's ends, so the text
  around a redacted number (``4111 1111 1111 1111.``) keeps its spaces and punctuation.
- A run of 13 to 19 digits that passes the Luhn check is a card number.
- A run of fewer than 13 digits is never one.
- Any other run (longer than 19 digits: an IBAN's digits, an account or a tracking number, cards
  in a row; or 14 to 19 digits failing the check) is not a card as a whole, and no 13 to 19 digit
  stretch of it is cut out at an arbitrary place: a card is looked for only on the boundaries of its
  *groups* (the digits between separators), where a person puts one next to other numbers
  (``4111 1111 1111 1111 12 26 123``: the card, its expiry and code; ``chambre 12 4111…``; two cards
  in a row). Of the stretches of whole groups that pass as cards, the largest set that does not
  overlap is masked: the most cards, then the most digits. So two cards in a row beat a chance
  match straddling them, and what is left unmasked holds no stretch of whole groups that passes.
  A run glued to a letter (``FR76 3000 6000 0112 …``: an IBAN after its country code; ``ORD4111…``)
  is an identifier: it is a card only as a whole, never split.
- ``•••• `` followed by four digits (what redaction writes) is read as a mask, never as part of a
  run: redacting a redacted text changes nothing (so a text that already shows one right before a
  number is read as redacted there).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from inbox.inbound import InboundMessage
from inbox.model import Attachment

CARD_NUMBER = "card_number"  # the kind a message's ``redactions`` names
REDACTED = "redacted"  # the activity type written with a message that had something removed
MASK = "•••• "
MIN_DIGITS, MAX_DIGITS = 13, 19

_SPACES = " \u00a0\u2007\u2009\u202f"
_DASHES = "-\u2010\u2011\u2012\u2013"
SEPARATORS = _SPACES + _DASHES
_SEP = "[" + re.escape(SEPARATORS) + "]"
_TOKEN = re.compile(rf"(?P<mask>{re.escape(MASK)}[0-9]{{4}})|(?P<run>[0-9](?:{_SEP}?[0-9])*)")


@dataclass(frozen=True)
class Redacted:
    """A text with its card numbers masked, and how many there were."""

    text: str
    count: int

    @property
    def kinds(self) -> tuple[str, ...]:
        return kinds(self.count)


def luhn(digits: str) -> bool:
    """The Luhn check of a string of ASCII digits."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _cards_in(groups: list[str], *, split: bool) -> list[tuple[int, int]]:
    """The card numbers of one run (its groups), as spans of whole groups, in order (see the module's rules)."""
    ends = [0]
    for group in groups:
        ends.append(ends[-1] + len(group))

    def card(lo: int, hi: int) -> bool:
        return MIN_DIGITS <= ends[hi] - ends[lo] <= MAX_DIGITS and luhn("".join(groups[lo:hi]))

    count = len(groups)
    if not split or card(0, count):
        return [(0, count)] if card(0, count) else []
    # best[i]: the most cards, then the most digits masked, in groups[i:]; taken[i]: where the card from i ends.
    best: list[tuple[int, int]] = [(0, 0)] * (count + 1)
    taken: list[int | None] = [None] * (count + 1)
    for lo in range(count - 1, -1, -1):
        best[lo] = best[lo + 1]
        for hi in range(lo + 1, count + 1):
            length = ends[hi] - ends[lo]
            if length > MAX_DIGITS:
                break
            if card(lo, hi) and (option := (best[hi][0] + 1, best[hi][1] + length)) >= best[lo]:
                best[lo], taken[lo] = option, hi  # a tie: the card, and the longer one
    found: list[tuple[int, int]] = []
    at = 0
    while at < count:
        end = taken[at]
        if end is None:
            at += 1
        else:
            found.append((at, end))
            at = end
    return found


def redact_cards(text: str) -> Redacted:
    """``text`` with each card number replaced by ``•••• `` and its last four digits."""
    if not text or sum(c.isdigit() for c in text) < MIN_DIGITS:
        return Redacted(text, 0)
    out: list[str] = []
    count = 0
    last = 0
    for token in _TOKEN.finditer(text):
        run = token.group("run")
        if run is None:
            continue
        # Each group with where it starts and ends in the text.
        groups = [(g.group(), token.start() + g.start(), token.start() + g.end()) for g in re.finditer("[0-9]+", run)]
        digits = [g[0] for g in groups]
        total = sum(len(d) for d in digits)
        if total < MIN_DIGITS:
            continue
        for lo, hi in _cards_in(digits, split=not _glued(text, token.start(), token.end())):
            start, end = groups[lo][1], groups[hi - 1][2]
            out.append(text[last:start])
            out.append(MASK + "".join(digits[lo:hi])[-4:])
            last = end
            count += 1
    if not count:
        return Redacted(text, 0)
    out.append(text[last:])
    return Redacted("".join(out), count)


def _glued(text: str, start: int, end: int) -> bool:
    """Whether a run touches a letter: part of a word, such as an IBAN after its country code."""
    return (start > 0 and text[start - 1].isalpha()) or (end < len(text) and text[end].isalpha())


def redact_text(text: str) -> str:
    """Any text Lobby keeps (a file's name, a detail of an activity entry), its card numbers masked."""
    return redact_cards(text).text


def redact_value(value: Any) -> Any:
    """A JSON-like value (an activity's details) with every string in it redacted (keys too)."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {redact_value(k) if isinstance(k, str) else k: redact_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(redact_value(v) for v in value)
    return value


def redact_attachments(attachments: tuple[Attachment, ...]) -> tuple[tuple[Attachment, ...], int]:
    """Files with their names redacted, and how many card numbers their names held."""
    kept: list[Attachment] = []
    count = 0
    for attachment in attachments:
        name = redact_cards(attachment.name)
        kept.append(replace(attachment, name=name.text) if name.count else attachment)
        count += name.count
    return tuple(kept), count


def redact_inbound(m: InboundMessage) -> tuple[InboundMessage, int]:
    """A channel's message with its text and its files' names redacted, and how many card numbers went."""
    text = redact_cards(m.text)
    files, in_names = redact_attachments(m.attachments)
    count = text.count + in_names
    return (replace(m, text=text.text, attachments=files) if count else m), count


def kinds(count: int) -> tuple[str, ...]:
    """A message's ``redactions`` after ``count`` card numbers were masked in it."""
    return (CARD_NUMBER,) if count else ()
