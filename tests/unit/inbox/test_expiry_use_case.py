"""The expiry of a conversation or a message (``inbox.expiry``) on fakes: the counts follow once, the search
entries and the contact go with the guest's last conversation, and a message's files are deleted."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from fakes import T0, Clock, FakeFiles, FakeStore

from inbox.bot import HandOff, HandoffReason
from inbox.expiry import EXPIRED_GUARD_KEPT, Expiry
from inbox.machine import Close, GuestMessage, apply, start_conversation
from inbox.model import Actor, ActorType, Attachment, Contact, Conversation, Direction, Message, Sender, Tab
from inbox.ports import Mention
from inbox.search import entry_terms

AGENT = Actor(ActorType.AGENT, "agent-1", "Ana")


class ExpiringStore(FakeStore):
    """The fake store with counters kept as the real one keeps them (moved by each change, not recounted)
    and the expiry's writes (``inbox.ports.ExpiryStore``)."""

    def __init__(self) -> None:
        super().__init__()
        self.counters: Counter[Tab] = Counter()
        self.expired_guards: dict[tuple[str, int], datetime] = {}

    def add(self, conversation: Conversation, contact: Contact | None = None) -> Conversation:
        self.conversations[(conversation.hotel_id, conversation.id)] = conversation
        self.counters.update(conversation.tabs)
        if contact is not None:
            self.contacts[(contact.hotel_id, contact.id)] = contact
        self._put_entries(conversation.hotel_id, entry_terms(conversation, contact))
        return conversation

    def ttl_removes(self, conversation: Conversation) -> None:
        """What DynamoDB's TTL does: the item goes, nothing else changes."""
        del self.conversations[(conversation.hotel_id, conversation.id)]

    def expire_counts(self, conversation: Conversation, guard_until: datetime) -> bool:
        guard = (conversation.id, conversation.version)
        if guard in self.expired_guards:
            return False
        self.expired_guards[guard] = guard_until
        self.counters.subtract(conversation.tabs)
        self.writes.append("expire_counts")
        return True

    def release_contact(self, hotel_id: str, contact_id: str, conversation_id: str) -> tuple[Contact | None, bool]:
        old = self.contacts.get((hotel_id, contact_id))
        if old is None:
            return None, False
        now = replace(old, conversation_ids=old.conversation_ids - {conversation_id}, revision=old.revision + 1)
        self.contacts[(hotel_id, contact_id)] = now
        return now, conversation_id in old.conversation_ids

    def entries_of(self, conversation_id: str) -> list:
        return [e for (_, _, _, c), e in self.search_entries.items() if c == conversation_id]


def conversation(cid: str, *, contact_id: str = "ct-1", closed: bool = False, name: str = "Léa Martin",
                 version: int = 3) -> Conversation:
    start = start_conversation(conversation_id=cid, hotel_id="h1", channel="webchat", at=T0,
                               actor=Actor(ActorType.GUEST, "g-1", name), contact_id=contact_id, contact_name=name,
                               external_conversation_id=f"thread-{cid}")
    c = apply(start.conversation, GuestMessage("a person please", T0, HandOff(HandoffReason.HUMAN_REQUESTED))).conversation
    if closed:
        c = apply(c, Close(AGENT, T0)).conversation
    return c.evolve(version=version)


def guest(*conversation_ids: str, revision: int = 2) -> Contact:
    return Contact(id="ct-1", hotel_id="h1", channel="webchat", external_id="g-1", name="Léa Martin",
                   email="lea@example.com", conversation_ids=frozenset(conversation_ids), revision=revision)


@pytest.fixture
def store() -> ExpiringStore:
    return ExpiringStore()


@pytest.fixture
def files() -> FakeFiles:
    return FakeFiles()


@pytest.fixture
def expiry(store, files) -> Expiry:
    return Expiry(store, files, clock=Clock(T0 + timedelta(days=731)))


def recount(store: ExpiringStore) -> Counter[Tab]:
    return Counter({tab: n for tab, n in store.tab_counts("h1").items() if n})


def test_an_expired_conversation_leaves_the_counts_once(store, expiry):
    kept = store.add(conversation("c-open"), guest("c-open", "c-closed"))
    gone = store.add(conversation("c-closed", closed=True))
    store.ttl_removes(gone)

    done = expiry.conversation_expired(gone)
    assert done.counted and +store.counters == recount(store) == Counter({Tab.OPEN: 1, Tab.ALL: 1})
    assert store.expired_guards[("c-closed", 3)] == T0 + timedelta(days=731) + EXPIRED_GUARD_KEPT

    again = expiry.conversation_expired(gone)  # the stream told it again
    assert not again.counted and +store.counters == recount(store)
    assert store.get_conversation("h1", kept.id) == kept


def test_its_search_entries_go_and_the_guests_other_conversation_keeps_its_own(store, expiry):
    store.add(conversation("c-1"), guest("c-1", "c-2"))
    gone = store.add(conversation("c-2"))
    store.ttl_removes(gone)

    done = expiry.conversation_expired(gone)
    assert store.entries_of("c-2") == [] and done.search_entries > 0
    assert {e.kind for e in store.entries_of("c-1")} == {"name", "email", "thread"}
    assert done.contact == "kept"
    assert store.get_contact("h1", "ct-1").conversation_ids == {"c-1"}


def test_the_contact_goes_with_its_last_conversation(store, expiry):
    first = store.add(conversation("c-1"), guest("c-1", "c-2"))
    second = store.add(conversation("c-2"))
    store.ttl_removes(first)
    store.ttl_removes(second)

    assert expiry.conversation_expired(first).contact == "kept"
    assert expiry.conversation_expired(second).contact == "deleted"
    assert store.get_contact("h1", "ct-1") is None and store.search_entries == {}
    assert recount(store) == +store.counters == Counter()
    # Told again once the contact is gone: nothing to do, nothing fails.
    assert expiry.conversation_expired(second) == replace(expiry.conversation_expired(second), counted=False)


def test_a_contact_written_meanwhile_is_kept(store, expiry):
    gone = store.add(conversation("c-1"), guest("c-1"))
    store.ttl_removes(gone)

    def guest_writes_again():  # a new conversation of the guest, between the release and the delete
        current = store.contacts[("h1", "ct-1")]
        store.contacts[("h1", "ct-1")] = replace(current, conversation_ids=current.conversation_ids | {"c-9"},
                                                 revision=current.revision + 1)

    store.before_next_erase_contact = guest_writes_again
    assert expiry.conversation_expired(gone).contact == "kept"
    assert store.get_contact("h1", "ct-1").conversation_ids == {"c-9"}


def test_a_contact_that_never_listed_its_conversations_is_kept(store, expiry):
    """Written before contacts kept their conversations: it may have others, so it stays."""
    gone = store.add(conversation("c-1"), guest(revision=0))
    store.ttl_removes(gone)
    assert expiry.conversation_expired(gone).contact == "kept"
    assert store.get_contact("h1", "ct-1") is not None and store.entries_of("c-1") == []


def test_a_conversation_written_again_under_its_id_keeps_its_entries_and_contact(store, expiry):
    """The guest wrote on the same thread after the TTL removed it: a new conversation, the same id."""
    gone = store.add(conversation("c-1", version=7), guest("c-1"))
    store.ttl_removes(gone)
    again = store.add(conversation("c-1", version=1))

    done = expiry.conversation_expired(gone)
    assert done.counted and done.recreated
    assert +store.counters == recount(store) == Counter({Tab.OPEN: 1, Tab.ALL: 1})
    assert store.entries_of("c-1") and store.get_contact("h1", "ct-1").conversation_ids == {"c-1"}
    assert store.get_conversation("h1", "c-1") == again


def test_what_the_partition_still_holds_goes_with_the_conversation(store, files, expiry):
    """Messages written under a longer retention than the hotel's current one outlive their conversation's
    own expiry: they, their notes' mentions and the conversation's files go with it."""
    gone = store.add(conversation("c-1"), guest("c-1"))
    old = Message(id="m-old", conversation_id="c-1", hotel_id="h1", direction=Direction.INBOUND,
                  sender=Sender.GUEST, text="from when the hotel kept 730 days", sent_at=T0)
    store.messages[("h1", "c-1")] = {old.id: old}
    store.mention_items.append(("h1", Mention("agent-2", "c-1", "m-note", T0)))
    files.objects["hotels/h1/conversations/c-1/a.pdf"] = (b"%PDF", "application/pdf")
    files.objects["hotels/h1/conversations/c-2/b.pdf"] = (b"%PDF", "application/pdf")
    store.ttl_removes(gone)

    done = expiry.conversation_expired(gone)
    assert store.messages[("h1", "c-1")] == {} and store.mention_items == [] and done.files == 1
    assert set(files.objects) == {"hotels/h1/conversations/c-2/b.pdf"}
    assert done.items >= 1 + done.search_entries  # the message and the entries


def test_an_expired_message_takes_its_stored_files_with_it(store, files, expiry):
    files.objects["hotels/h1/conversations/c-1/a.pdf"] = (b"%PDF", "application/pdf")
    files.objects["hotels/h1/conversations/c-1/b.png"] = (b"\x89PNG", "image/png")
    message = Message(id="m-1", conversation_id="c-1", hotel_id="h1", direction=Direction.INBOUND,
                      sender=Sender.GUEST, text="", sent_at=T0, attachments=(
                          Attachment("a", "a.pdf", "application/pdf", 4, key="hotels/h1/conversations/c-1/a.pdf"),
                          Attachment("x", "x.exe", "application/octet-stream", 9, unavailable_reason="type_refused")))
    assert expiry.message_expired(message) == 1
    assert set(files.objects) == {"hotels/h1/conversations/c-1/b.png"}
    assert expiry.message_expired(replace(message, attachments=())) == 0
    assert Expiry(store).message_expired(replace(message, attachments=())) == 0
