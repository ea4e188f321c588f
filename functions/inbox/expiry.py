"""What follows when DynamoDB's TTL removes an item of a conversation (``inbox.retention`` stamps the expiry).

The expiry function reads the removal from the table's stream (the item as it was: the record's old image)
and calls one of these:

- a **conversation** went: it leaves the hotel's tab counts (once: the decrement is guarded by the
  conversation's id and version, so a stream record delivered again changes nothing); whatever its partition
  still holds goes (messages or entries written under a longer retention than the hotel's current one, or
  that TTL has not reached yet), with its search entries, its notes' mentions and its files; its id leaves its
  contact's ``conversation_ids``, and the contact goes with its last conversation (only if nobody wrote it
  meanwhile: a new conversation of the guest keeps it). Every step but the counts is idempotent and done
  again on a repeat, so a removal that failed half-way is completed by its retry.
  A conversation written again under the same id since (a guest of the same thread wrote after the TTL
  removed it) keeps its entries and its place in the contact's set: only the old counts go.
- a **message** went: its stored files are deleted (the bucket's lifecycle rule is the backstop).

Messages, activity entries, guards, mentions and uploads carry their own expiry and need nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from inbox.attachments import conversation_prefix
from inbox.errors import Conflict
from inbox.model import Conversation, Message, utc_now
from inbox.ports import AttachmentStorage, ExpiryStore
from inbox.search import conversation_entries

# How long the guard of a removal is kept: a stream holds a record 24 hours, so a repeat comes well within this.
EXPIRED_GUARD_KEPT = timedelta(days=7)


@dataclass(frozen=True)
class ConversationExpired:
    """What the expiry of one conversation did."""

    conversation_id: str
    counted: bool  # its counts were taken out now (False: a repeat, already done)
    recreated: bool = False  # a conversation of the same id exists again: only the counts moved
    search_entries: int = 0  # entries deleted
    items: int = 0  # what its partition still held, its search entries and its mentions, deleted
    files: int = 0  # its files deleted
    contact: str = "none"  # "deleted", "kept" (other conversations, or written meanwhile), "none" (no contact)


def _quiet(message: str, **fields: Any) -> None:
    return None


class Expiry:
    """The use cases of the expiry function, on the store and the attachment storage."""

    def __init__(self, store: ExpiryStore, files: AttachmentStorage | None = None, *,
                 clock: Callable[[], datetime] = utc_now, log: Callable[..., None] = _quiet) -> None:
        self.store = store
        self.files = files
        self.clock = clock
        self.log = log

    def conversation_expired(self, conversation: Conversation) -> ConversationExpired:
        """The TTL removed ``conversation`` (as its last image shows it)."""
        hotel_id, cid = conversation.hotel_id, conversation.id
        counted = self.store.expire_counts(conversation, self.clock() + EXPIRED_GUARD_KEPT)
        left = self.store.holdings(hotel_id, cid)
        if left.conversation is not None:
            self.log("expired conversation written again since", hotel_id=hotel_id, conversation_id=cid)
            return ConversationExpired(cid, counted, recreated=True)
        contact = self.store.get_contact(hotel_id, conversation.contact_id) if conversation.contact_id else None
        entries = conversation_entries(cid, conversation, contact)
        deleted = self.store.erase_conversation(left, guards=(), search=entries)
        files = self.files.delete_prefix(conversation_prefix(hotel_id, cid)) if self.files is not None else 0
        outcome = "none"
        if conversation.contact_id:
            released, held = self.store.release_contact(hotel_id, conversation.contact_id, cid)
            outcome = "kept" if released is not None else "none"
            # Only a set that held this conversation and is now empty: a contact written before contacts
            # listed their conversations (no set at all) may have others, and is kept.
            if released is not None and held and not released.conversation_ids:
                try:
                    self.store.erase_contact(released)
                    outcome = "deleted"
                except Conflict:  # written meanwhile (a new conversation of the guest): it stays
                    outcome = "kept"
        return ConversationExpired(cid, counted, search_entries=len(entries), items=deleted, files=files,
                                   contact=outcome)

    def message_expired(self, message: Message) -> int:
        """The TTL removed ``message``: its stored files are deleted; returns how many were asked."""
        stored = [a.key for a in message.attachments if a.key]
        if not stored:
            return 0
        if self.files is None:
            raise RuntimeError("the expiry of a message with files needs the attachment storage")
        return self.files.delete(stored)
