"""Finding a conversation by its guest: name words, email, phone, reservation id or channel thread id.

Each way to find one is a ``SearchEntry`` (a normalized term) written with the conversation and with
every profile save; a search reads them by prefix, one store Query per lookup (never a Scan).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from inbox.errors import InvalidInput
from inbox.model import Contact, Conversation
from inbox.ports import SearchEntry

MIN_QUERY, MAX_QUERY = 2, 100
MAX_RESULTS = 25
MIN_PHONE_DIGITS = 4
MAX_TERM = 200  # a key stays small; a query (at most 100 characters) still matches it by prefix
PHONE_TAIL = 9  # a national number without its country code or trunk 0 ("06 12.." and "+33 6 12..")

Kind = Literal["name", "email", "phone", "reservation", "thread"]
_NON_DIGITS = re.compile(r"\D")
_WORD_PARTS = re.compile(r"[-'’.]")  # "jean-pierre" is found by "pierre" too


def normalize(text: str) -> str:
    """Blind to case, accents and spacing: NFKD, combining marks dropped, casefolded, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # casefold can itself produce combining marks or compatibility forms ("ǰ"), so a second pass keeps it idempotent
    folded = unicodedata.normalize("NFKD", bare.casefold())
    return " ".join("".join(ch for ch in folded if not unicodedata.combining(ch)).split())


def name_words(normalized: str) -> set[str]:
    """The words a name is found by: each word, and each part of a hyphenated or elided one."""
    words = set(normalized.split())
    for word in list(words):
        words.update(part for part in _WORD_PARTS.split(word) if part)
    return words


def digits_of(text: str) -> str:
    return _NON_DIGITS.sub("", text)


def entry_terms(conversation: Conversation, contact: Contact | None) -> list[SearchEntry]:
    """The search entries of a conversation and its guest (the guest's name from the contact, else the copy)."""
    return profile_terms(conversation.id, conversation.external_conversation_id, contact,
                         name=conversation.contact_name)


def profile_terms(conversation_id: str, thread_id: str | None, contact: Contact | None, *,
                  name: str | None = None) -> list[SearchEntry]:
    """The entries for a conversation known by id (a profile may come before the conversation is stored)."""
    found: dict[tuple[str, str], SearchEntry] = {}

    def add(term: str, kind: Kind, label: str = "") -> None:
        term = term[:MAX_TERM]
        if term and (term, kind) not in found:
            found[(term, kind)] = SearchEntry(term, kind, conversation_id, label)

    full_name = normalize((contact.name if contact else None) or name or "")
    for word in sorted(name_words(full_name)):
        add(word, "name", full_name)
    if contact is not None:
        if contact.email:
            add(normalize(contact.email), "email")
        digits = digits_of(contact.phone or "")
        add(digits, "phone")
        add(digits[-PHONE_TAIL:], "phone")
        for reservation in contact.reservations:
            add(normalize(reservation.reservation_id), "reservation")
    if thread_id:
        add(normalize(thread_id), "thread")
    return list(found.values())


@dataclass(frozen=True)
class Lookup:
    """One Query of the search entries (``prefix``), and which of the entries it returns match the search."""

    prefix: str
    query: str  # the normalized search
    phone: bool = False  # a digits lookup: only phone entries count

    def matches(self, entry: SearchEntry) -> bool:
        if self.phone:
            return entry.kind == "phone" and entry.term.startswith(self.prefix)
        if entry.kind == "name":
            label = name_words(entry.label or entry.term)
            return all(any(word.startswith(w) for word in label) for w in self.query.split())
        return entry.term.startswith(self.query)


def check_query(q: str) -> str:
    """The normalized search; ``InvalidInput`` unless 2 to 100 characters long (after trimming)."""
    trimmed = q.strip()
    if not MIN_QUERY <= len(trimmed) <= MAX_QUERY:
        raise InvalidInput(f"q must be {MIN_QUERY} to {MAX_QUERY} characters long")
    query = normalize(trimmed)
    if not query:  # e.g. accents alone
        raise InvalidInput("q must hold letters or digits")
    return query


def lookups(q: str) -> list[Lookup]:
    """The Queries a search takes: the longest word of ``q`` as a prefix, and its digits for phones."""
    query = check_query(q)
    longest = max(query.split(), key=len)[:MAX_TERM]  # terms are cut there too
    found = [Lookup(longest, query)]
    digits = digits_of(query)
    if len(digits) >= MIN_PHONE_DIGITS:
        if digits != longest:  # (a search of digits only: the first lookup finds the phones already)
            found.append(Lookup(digits, query, phone=True))
        if digits.startswith("0"):  # "06 12 34 56 78" finds "+33 6 12 34 56 78" by its last 9 digits
            found.append(Lookup(digits[1:], query, phone=True))
    return found


def matching_ids(found: Iterable[tuple[Lookup, list[SearchEntry]]]) -> list[str]:
    """The conversations the entries of each lookup point to, each once, in the order found."""
    ids: dict[str, None] = {}
    for lookup, entries in found:
        for entry in entries:
            if lookup.matches(entry):
                ids.setdefault(entry.conversation_id)
    return list(ids)


def conversation_entries(conversation_id: str, conversation: Conversation | None, contact: Contact | None
                         ) -> list[SearchEntry]:
    """Every search entry Lobby wrote for the conversation and its guest (what an erase or an expiry deletes): from the profile (as saved by a
    channel, before or after the conversation), and from the conversation with the contact or its own copy
    of the guest's name and its thread id. (A value a channel replaced since, e.g. an old email, is not known.)"""
    found = profile_terms(conversation_id, None, contact)
    if conversation is not None:
        found += entry_terms(conversation, contact) + entry_terms(conversation, None)
    unique: dict[tuple[str, str], SearchEntry] = {}
    for entry in found:
        unique.setdefault((entry.term, entry.kind), entry)
    return list(unique.values())
