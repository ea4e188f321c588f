"""Guest messages coming in from any channel, as the inbox sees them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from inbox.bot import BotDecision
from inbox.model import Attachment, Conversation, Reservation


@dataclass(frozen=True)
class GuestProfile:
    """What a channel tells of the guest who wrote."""

    external_id: str
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    language: str | None = None
    reservations: tuple[Reservation, ...] = ()


@dataclass(frozen=True)
class InboundMessage:
    """One guest message handed in by a channel (Expedia's ingest, a partner, ...)."""

    hotel_id: str
    channel: str
    external_conversation_id: str
    external_message_id: str
    text: str
    sent_at: datetime
    sender: GuestProfile
    wants_human: bool = False
    # Files already kept in Lobby's storage (``Inbox.keep_channel_file``); with them, ``text`` may be empty.
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Received:
    """What became of an inbound message."""

    conversation_id: str
    message_id: str
    duplicate: bool = False
    conversation: Conversation | None = None
    decision: BotDecision | None = None
    trigger: str | None = None
    own_reply: bool = False  # the channel's echo of a reply Lobby sent (recorded as delivered)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:24]


def conversation_id_for(hotel_id: str, channel: str, external_conversation_id: str) -> str:
    """The same channel thread always maps to the same conversation."""
    return f"cv_{_digest(hotel_id, channel, external_conversation_id)}"


def message_id_for(conversation_id: str, external_message_id: str) -> str:
    """The same external message of a conversation always gets the same id (so it is stored once).

    ``conversation_id`` (from ``conversation_id_for``: hotel, channel and thread) scopes it: a
    partner that numbers messages per chat (``m-1`` in every chat) loses none of them.
    """
    return f"msg_{_digest(conversation_id, external_message_id)}"


def contact_id_for(channel: str, external_id: str) -> str:
    return f"ct_{_digest(channel, external_id)}"


def message_guard(conversation_id: str, external_message_id: str) -> str:
    """The key that marks an external message as handled: a repeat only within its conversation."""
    return f"msg:{_digest(conversation_id, external_message_id)}"


def notification_guard(channel: str, notification_id: str) -> str:
    """The key that marks a channel's notification as handled."""
    return f"ntf:{_digest(channel, notification_id)}"
