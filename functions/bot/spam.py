"""Spam signals: links, pitches and money promises, each adding to a named score.

The word lists are in ``bot.spam_words``; this module compiles them and weighs what
they find. No single signal reaches ``SPAM_THRESHOLD`` (``bot.engine``) on its own, so a
real guest with a link, a price or a phone number is not hidden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.normalise import fold, tokenize
from bot.spam_words import (
    BRANDS,
    MONEY_PROMISES,
    SHORTENERS,
    SPAM_PHRASES,
    SUSPICIOUS_TLDS,
    TLDS,
    WELL_KNOWN_DOMAINS,
    WELL_KNOWN_NAMES,
)
from inbox.bot import GuestText

_WELL_KNOWN_RE = re.compile(
    r"(?:^|\.)(?:" + "|".join(re.escape(n) for n in WELL_KNOWN_NAMES) + r")"
    r"\.(?:com|[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})$"
)
_BRAND_OWN_RE = re.compile(
    r"(?:^|\.)(?:" + "|".join(BRANDS) + r")\.(?:com|[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})$"
)
_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'()\[\]]+"
    r"|(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:" + TLDS + r")\b(?:/[^\s<>\"'()\[\]]*)?"
)
# Each phrase is searched on its own: overlapping phrases ("servicios de marketing
# digital") are two signals, not one.
_SPAM_RE = {name: tuple(re.compile(p) for p in phrases) for name, phrases in SPAM_PHRASES.items()}
_MONEY_PROMISE_RE = tuple(re.compile(p) for p in MONEY_PROMISES)
# First phrase of a family, each further one, and the family's cap.
_PHRASE_WEIGHTS = {"solicitation": (0.3, 0.15, 0.45)}
_DEFAULT_PHRASE_WEIGHTS = (0.7, 0.35, 1.4)


def _domain_of(url: str) -> str:
    url = re.sub(r"^https?://", "", url)
    host = re.split(r"[/?#:]", url, maxsplit=1)[0]
    return host.strip(".,;!").removeprefix("www.")


def _trusted(domain: str, trusted: tuple[str, ...]) -> bool:
    for own in trusted:
        own = own.lower().removeprefix("www.")
        if domain == own or domain.endswith("." + own):
            return True
    if any(domain == d or domain.endswith("." + d) for d in WELL_KNOWN_DOMAINS):
        return True
    return bool(_WELL_KNOWN_RE.search(domain))


@dataclass(frozen=True)
class SpamReport:
    """The spam score of a message and the named signals that make it up."""

    score: float
    reasons: tuple[str, ...]


def spam_signals(message: GuestText, trusted_domains: tuple[str, ...] = ()) -> SpamReport:
    """Score ``message`` for spam; every signal adds to the score under a named reason.

    Reasons are ``name`` or ``name:detail`` (e.g. ``untrusted_link:btc-doubler.io``).
    """
    text = message.text or ""
    lowered = text.lower()
    joined = " ".join(tokenize(fold(text)))
    score = 0.0
    reasons: list[str] = []

    # Links. One untrusted link is common enough in real messages (a company site, an
    # event page) to stay well below the threshold on its own.
    domains = []
    for url in _URL_RE.findall(lowered):
        domain = _domain_of(url)
        if domain and domain not in domains:
            domains.append(domain)
    untrusted = [d for d in domains if not _trusted(d, trusted_domains)]
    if untrusted:
        score += min(0.35 + 0.15 * (len(untrusted) - 1), 0.65)
        reasons.append("untrusted_link:" + ",".join(untrusted[:3]))
    for domain in untrusted:
        if any(domain == s or domain.endswith("." + s) for s in SHORTENERS):
            score += 0.3
            reasons.append("shortened_link:" + domain)
            break
    for domain in untrusted:
        if any(b in domain for b in BRANDS) and not _BRAND_OWN_RE.search(domain):
            score += 0.8
            reasons.append("lookalike_domain:" + domain)
            break
    for domain in untrusted:
        if domain.rsplit(".", 1)[-1] in SUSPICIOUS_TLDS:
            score += 0.2
            reasons.append("suspicious_tld:" + domain)
            break

    for name, patterns in _SPAM_RE.items():
        hits = sum(1 for pattern in patterns if pattern.search(joined))
        if hits:
            first, more, cap = _PHRASE_WEIGHTS.get(name, _DEFAULT_PHRASE_WEIGHTS)
            score += min(first + more * (hits - 1), cap)
            reasons.append(name)

    promises = sum(1 for pattern in _MONEY_PROMISE_RE if pattern.search(lowered))
    if promises:
        score += min(0.7 + 0.35 * (promises - 1), 1.4)
        reasons.append("money_promise")

    letters = [c for c in text if c.isalpha()]
    if untrusted and len(letters) >= 12 and sum(c.isupper() for c in letters) >= 0.8 * len(letters):
        score += 0.4
        reasons.append("shouting_with_link")

    if message.sender_is_new and message.repeat_count >= 2:
        # A stranger pasting the same text again and again. Strong, but never enough on
        # its own: an impatient new guest may resend a question, and a short "hello?"
        # from someone waiting for an answer weighs even less.
        words = len(joined.split())
        score += 0.7 if words > 4 or untrusted else 0.3
        reasons.append("repeated_by_new_sender")

    return SpamReport(round(score, 3), tuple(reasons))
