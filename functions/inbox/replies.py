"""Saved replies: the checks a reply passes when it is saved, and its rendering for one conversation.

A text holds ``{variable}`` or ``{variable|fallback}``; nothing else may use braces, so a typo is refused
when the admin saves the reply, not discovered by a guest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo

from inbox.errors import InvalidInput
from inbox.model import Contact, Reservation, SavedReply
from inbox.ports import Hotel
from inbox.times import hotel_zone, parse_time

VARIABLES = ("guest.first_name", "guest.name", "reservation.id", "reservation.check_in", "reservation.check_out",
             "hotel.name", "agent.name")
DATE_VARIABLES = frozenset({"reservation.check_in", "reservation.check_out"})
MAX_TITLE = 100
MAX_TEXT = 5000
MAX_LANGUAGES = 20
MAX_REPLIES = 200  # a hotel's library (one Query lists it)
SHORTCUT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
LANGUAGE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")
_SLOT = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Slot:
    """A variable of a text, with its fallback (None: none given)."""

    name: str
    fallback: str | None = None


@dataclass(frozen=True)
class RenderedReply:
    """A reply filled in for a conversation: the text, its language, the variables that had no value."""

    text: str
    language: str
    missing: tuple[str, ...] = ()


def parse(text: str) -> list[str | Slot]:
    """The text as literal pieces and slots; ``InvalidInput`` for an unknown variable or a stray brace."""
    parts: list[str | Slot] = []
    position = 0
    for match in _SLOT.finditer(text):
        parts.append(_literal(text[position:match.start()]))
        name, bar, fallback = match.group(1).partition("|")
        name = name.strip()
        if name not in VARIABLES:
            raise InvalidInput(f"unknown variable {{{name}}}: use one of {', '.join(VARIABLES)}")
        parts.append(Slot(name, fallback if bar else None))
        position = match.end()
    parts.append(_literal(text[position:]))
    return [part for part in parts if part != ""]


def _literal(piece: str) -> str:
    if "{" in piece or "}" in piece:
        raise InvalidInput("unbalanced brace: a variable is written {name} or {name|fallback}")
    return piece


def check_texts(texts: Mapping[str, str]) -> dict[str, str]:
    """The texts of a reply, checked: 1 to 20 languages ("fr", "fr-CA"), each text 1 to 5000 characters."""
    if not isinstance(texts, Mapping) or not texts:
        raise InvalidInput("a saved reply needs a text in at least one language")
    if len(texts) > MAX_LANGUAGES:
        raise InvalidInput(f"a saved reply has at most {MAX_LANGUAGES} languages")
    for language, text in texts.items():
        if not isinstance(language, str) or not LANGUAGE.match(language):
            raise InvalidInput(f"{language!r} is not a language such as fr or fr-CA")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
            raise InvalidInput(f"the {language} text must be 1 to {MAX_TEXT} characters")
        try:
            parse(text)
        except InvalidInput as error:
            raise InvalidInput(f"the {language} text: {error}") from None
    return dict(texts)


def check_reply(reply: SavedReply) -> SavedReply:
    """The reply as it is saved (title trimmed), or ``InvalidInput`` saying what is wrong."""
    title = reply.title.strip() if isinstance(reply.title, str) else ""
    if not 1 <= len(title) <= MAX_TITLE:
        raise InvalidInput(f"title must be 1 to {MAX_TITLE} characters")
    if not isinstance(reply.shortcut, str) or not SHORTCUT.match(reply.shortcut):
        raise InvalidInput("shortcut must be 1 to 32 lower-case letters, digits, '-' or '_', starting with a letter "
                           "or digit")
    return replace(reply, title=title, texts=check_texts(reply.texts))


def language_for(reply: SavedReply, contact: Contact | None, hotel: Hotel) -> str:
    """The guest's language if the reply has it (or its base: "fr" for "fr-CA"), else the hotel's, else the first."""
    for wanted in (contact.language if contact else None, hotel.knowledge.default_language):
        for candidate in _forms(wanted):
            if candidate in reply.texts:
                return candidate
    return next(iter(reply.texts))


def _forms(language: str | None) -> list[str]:
    if not language:
        return []
    base, _, region = language.replace("_", "-").partition("-")
    exact = f"{base.lower()}-{region.upper()}" if region else base.lower()
    return [exact, base.lower()]


def render(reply: SavedReply, *, contact: Contact | None, hotel: Hotel, agent_name: str | None,
           now: datetime) -> RenderedReply:
    """The reply in the guest's language with its variables filled; a value missing with no fallback is
    written as nothing and named in ``missing``."""
    language = language_for(reply, contact, hotel)
    zone = hotel_zone(hotel.timezone)
    values = _values(contact, hotel, agent_name, now.astimezone(zone).date(), zone, language)
    out: list[str] = []
    missing: list[str] = []
    for part in parse(reply.texts[language]):
        if isinstance(part, str):
            out.append(part)
            continue
        value = values.get(part.name)
        if value is None:
            value = part.fallback
            if value is None and part.name not in missing:
                missing.append(part.name)
        out.append(value or "")
    return RenderedReply("".join(out), language, tuple(missing))


def _values(contact: Contact | None, hotel: Hotel, agent_name: str | None, today: date, zone: tzinfo,
            language: str) -> dict[str, str | None]:
    name = " ".join((contact.name or "").split()) if contact else ""
    stay = pick_reservation(contact.reservations if contact else (), today, zone)
    values: dict[str, str | None] = {
        "guest.name": name or None, "guest.first_name": name.split()[0] if name else None,
        "hotel.name": hotel.name or None, "agent.name": (agent_name or "").strip() or None,
        "reservation.id": stay.reservation_id if stay else None,
    }
    for variable, raw in (("reservation.check_in", stay.check_in if stay else None),
                          ("reservation.check_out", stay.check_out if stay else None)):
        day = local_date(raw, zone)
        values[variable] = format_day(day, language) if day else (raw or None)
    return values


def pick_reservation(reservations: tuple[Reservation, ...], today: date, zone: tzinfo) -> Reservation | None:
    """The stay a reply speaks of: the next one not yet over (earliest check-in), else the latest."""
    if not reservations:
        return None
    upcoming = [r for r in reservations if (local_date(r.check_out, zone) or date.min) >= today]
    if upcoming:
        return min(upcoming, key=lambda r: local_date(r.check_in, zone) or date.max)
    return max(reservations, key=lambda r: local_date(r.check_out, zone) or local_date(r.check_in, zone) or date.min)


def local_date(value: str | None, zone: tzinfo) -> date | None:
    """A reservation's day: "YYYY-MM-DD" as it is, an ISO time as the day it is in the hotel's zone."""
    if not value:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else parse_time(value).astimezone(zone).date()
    except ValueError:
        return None


def format_day(day: date, language: str) -> str:
    """A day written out in the language ("24 novembre 2026"); English for a language Babel does not know."""
    from babel.core import UnknownLocaleError  # lazily: only rendering a reply loads Babel's data
    from babel.dates import format_date

    try:
        return str(format_date(day, format="long", locale=language.replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        return str(format_date(day, format="long", locale="en"))
