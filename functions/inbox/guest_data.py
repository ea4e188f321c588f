"""A guest's data, on request: everything Lobby holds about them (export), or none of it any more (erase).

A mixin of ``Inbox`` (``inbox.service``), over ``GuestDataStore`` and ``AttachmentStorage``.

Erase, in at most ``ERASE_ROUNDS`` rounds: read the contact (consistently: its revision and its set of
conversations); erase each of its conversations whole (``_erase_conversation``: its partition read, the
conversation's own item deleted under the version read with its counts in one transaction, then the rest
with its guards, search entries and mentions, then its files and a held one's wake-up); then delete the contact under the revision
read. The guest's words a missed-question group keeps (its newest wording, or the agent's answer, when they
came from an erased conversation) are taken out of it with the conversation (``forget_missed``: the groups
its handoff entries name). A guest writing meanwhile moves the conversation's version (its erase reads it again) or the
contact's revision (a new round, which erases what came too); a message arriving after the contact is
gone starts a whole new conversation with a new contact. No conversation is ever left half-erased.

The receipt and the audit entry hold counts and the contact's opaque id only: no name, email, phone or text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from inbox.attachments import conversation_prefix
from inbox.audit import ERASED, EXPORTED, TARGET_CONTACT, AuditEntry, AuditTarget
from inbox.errors import Conflict, NotFound
from inbox.inbound import message_guard
from inbox.model import Activity, Actor, Attachment, Contact, Conversation, Message
from inbox.ports import AttachmentStorage, ConversationStore, GuestDataStore, Page
from inbox.search import conversation_entries
from inbox.team import BATCH_LIMIT

ERASE_ROUNDS = 5  # a guest who starts a new conversation during every one of 5 rounds gets a 409: try again
CONVERSATION_ATTEMPTS = 5  # reads of one conversation's partition when a writer keeps changing it
EXPORT_PAGE = 100  # messages or activity entries per read of an export
ITEM_KINDS = ("contact", "conversations", "messages", "activity", "files", "other")
T = TypeVar("T")


@dataclass(frozen=True)
class ErasureReceipt:
    """What an erase removed, by kind (``ITEM_KINDS``); ``other``: guards, search entries, mentions, uploads."""

    contact_id: str
    erased_at: datetime
    items: dict[str, int]


@dataclass(frozen=True)
class ExportedConversation:
    conversation: Conversation
    messages: list[Message]  # oldest first, notes included
    activity: list[Activity]  # oldest first


@dataclass(frozen=True)
class GuestExport:
    """Everything Lobby holds about one guest; ``links``: attachment id -> a short-lived link (None when
    Lobby does not hold the file)."""

    contact: Contact
    exported_at: datetime
    conversations: list[ExportedConversation]
    links: dict[str, str | None] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """What the export holds, by kind (the audit entry's details)."""
        return {"conversations": len(self.conversations),
                "messages": sum(len(c.messages) for c in self.conversations),
                "activity": sum(len(c.activity) for c in self.conversations),
                "files": sum(1 for link in self.links.values() if link is not None)}


class GuestDataUseCases:
    """Export and erase one guest (admins: the API's ``/contacts/{id}`` routes and the admin commands)."""

    store: ConversationStore
    guest_data: GuestDataStore | None
    files: AttachmentStorage | None
    clock: Callable[[], datetime]
    record_admin_action: Callable[..., AuditEntry]
    attachment_link: Callable[[str, Attachment], str | None]
    _cancel: Callable[[str, str, str], None]  # a hold's wake-up (``inbox.holds``)

    def _guest_store(self) -> GuestDataStore:
        assert self.guest_data is not None, "an inbox that exports or erases guests needs a guest data store"
        return self.guest_data

    # --- export -------------------------------------------------------------------------------

    def export_guest(self, hotel_id: str, contact_id: str, actor: Actor) -> GuestExport:
        """The guest's profile, each conversation with all its messages (notes too) and activity, and a
        link to each file; ``NotFound`` for a contact the hotel does not have. Audited as ``exported``."""
        contact = self.store.get_contact(hotel_id, contact_id)
        if contact is None:
            raise NotFound(f"contact {contact_id} not found")
        ids = sorted(contact.conversation_ids)
        found: list[Conversation] = []
        for start in range(0, len(ids), BATCH_LIMIT):
            found += self.store.get_conversations(hotel_id, ids[start:start + BATCH_LIMIT])
        conversations = [ExportedConversation(c, self._all_messages(hotel_id, c.id), self._all_activity(hotel_id, c.id))
                         for c in sorted(found, key=lambda c: (c.created_at, c.id))]
        links = {a.id: self.attachment_link(hotel_id, a)
                 for c in conversations for m in c.messages for a in m.attachments}
        export = GuestExport(contact, self.clock(), conversations, links)
        self.record_admin_action(hotel_id, actor, EXPORTED, AuditTarget(TARGET_CONTACT, contact_id), export.counts())
        return export

    def _all_messages(self, hotel_id: str, conversation_id: str) -> list[Message]:
        return _all_pages(lambda cursor: self.store.list_messages(hotel_id, conversation_id, EXPORT_PAGE, cursor))

    def _all_activity(self, hotel_id: str, conversation_id: str) -> list[Activity]:
        return _all_pages(lambda cursor: self.store.list_activity(hotel_id, conversation_id, EXPORT_PAGE, cursor))

    # --- erase --------------------------------------------------------------------------------

    def erase_guest(self, hotel_id: str, contact_id: str, actor: Actor) -> ErasureReceipt:
        """Erase the guest: contact, conversations, messages, activity, guards, search entries, mentions,
        files, with the tab counts corrected as each conversation goes. ``NotFound`` for a contact the
        hotel does not have; ``Conflict`` when the guest kept writing for ``ERASE_ROUNDS`` rounds (what was
        erased by then is gone whole; erasing again finishes). Audited as ``erased``, with the counts only."""
        data = self._guest_store()
        items = dict.fromkeys(ITEM_KINDS, 0)
        erased: set[str] = set()  # conversations this erase has been through (a later round reads them again)
        for round_ in range(ERASE_ROUNDS):
            contact = data.current_contact(hotel_id, contact_id)
            if contact is None:
                if round_ == 0:
                    raise NotFound(f"contact {contact_id} not found")
                break  # another erase finished it meanwhile
            for conversation_id in sorted(contact.conversation_ids):
                self._erase_conversation(data, hotel_id, conversation_id, contact, items,
                                         again=conversation_id in erased)
                erased.add(conversation_id)
            try:
                data.erase_contact(contact)
            except Conflict:
                continue  # written meanwhile (a new conversation, a profile): another round takes it too
            items["contact"] += 1
            break
        else:
            raise Conflict(None, f"the guest kept writing while contact {contact_id} was being erased; "
                                 "what was erased is gone, erase again to finish")
        receipt = ErasureReceipt(contact_id, self.clock(), items)
        self.record_admin_action(hotel_id, actor, ERASED, AuditTarget(TARGET_CONTACT, contact_id), dict(items))
        return receipt

    def _erase_conversation(self, data: GuestDataStore, hotel_id: str, conversation_id: str, contact: Contact,
                            items: dict[str, int], *, again: bool = False) -> None:
        """Erase one conversation whole, adding what went to ``items``. ``again``: this erase went through it in
        an earlier round; if nothing came back since, its entries and guards are asked to go once more (a
        profile may have written some) but not counted twice."""
        for _ in range(CONVERSATION_ATTEMPTS):
            holdings = data.holdings(hotel_id, conversation_id)
            guards = [message_guard(conversation_id, e) for e in holdings.external_message_ids]
            groups = {*holdings.missed_groups, *([holdings.conversation.missed_group]
                                                  if holdings.conversation and holdings.conversation.missed_group
                                                  else [])}
            if groups:  # first the guest's words a missed-question group keeps: a failure leaves the erase to rerun
                data.forget_missed(hotel_id, conversation_id, sorted(groups))
            try:
                erased = data.erase_conversation(holdings, guards=guards,
                                                 search=conversation_entries(conversation_id, holdings.conversation, contact))
            except Conflict:
                continue  # a message or an agent changed it since it was read: read it again
            own = int(holdings.conversation is not None)
            if again and not holdings.item_keys and not own:
                return  # nothing came back (what was asked again was counted the first time)
            items["conversations"] += own
            items["messages"] += holdings.messages
            items["activity"] += holdings.activity
            items["other"] += erased - own - holdings.messages - holdings.activity
            if self.files is not None:
                items["files"] += self.files.delete_prefix(conversation_prefix(hotel_id, conversation_id))
            if holdings.conversation is not None and holdings.conversation.hold_token:
                self._cancel(hotel_id, conversation_id, holdings.conversation.hold_token)  # its wake-up names it
            return
        raise Conflict(None, f"conversation {conversation_id} kept changing while it was being erased; erase again")


def _all_pages(read: Callable[[str | None], Page[T]]) -> list[T]:
    """Every item of a newest-first list, oldest first."""
    found: list[T] = []
    cursor: str | None = None
    while True:
        page = read(cursor)
        found += page.items
        cursor = page.next_cursor
        if cursor is None:
            return found[::-1]
