"""The store's part of an erase (``store.guest_data``, moto): a partition read past 1 MB in pages, the conversation
gone with its counts (its assignee's too) in one transaction, a changed version refused, the contact deleted
only under the revision read, and each contact write ADDing its conversation and its revision."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conversations_helpers import open_one

from inbox.errors import Conflict
from inbox.model import AgentRef, Contact, Direction, Message, Sender, Tab
from store import keys

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
BIG = "x" * 5000  # a message's most


def messages(conversation, n: int, start: int) -> list[Message]:
    return [Message(id=f"m{start + i:04d}", conversation_id=conversation.id, hotel_id=conversation.hotel_id,
                    direction=Direction.INBOUND, sender=Sender.GUEST, text=BIG,
                    sent_at=T0 + timedelta(seconds=start + i), external_message_id=f"ext-{start + i}")
            for i in range(n)]


def test_a_conversation_over_1_mb_is_read_in_pages_and_erased_whole_with_its_counts(store, hotel, requests_sent):
    c = open_one(store, hotel.id, "c-big", T0)
    c = store.commit(c, c.evolve(assignee=AgentRef("agent-1", "Ana")), [])
    for start in range(0, 270, 90):  # 270 messages of 5,000 characters: 1.35 MB of partition
        c = store.commit(c, c.evolve(updated_at=T0 + timedelta(minutes=start)), [], messages(c, 90, start))
    open_one(store, hotel.id, "c-other", T0)
    assert store.inbox_counts(hotel.id, "agent-1").mine[Tab.OPEN] == 1
    requests_sent.reset()

    holdings = store.holdings(hotel.id, "c-big")

    assert requests_sent.counts["Query"] == 2  # DynamoDB's pages stop at 1 MB
    assert all(p.get("ConsistentRead") for n, p in requests_sent.calls if n == "Query")
    assert (holdings.messages, holdings.activity, holdings.conversation.version) == (270, 2, c.version)
    assert len(holdings.external_message_ids) == 270
    with pytest.raises(Conflict):  # the conversation changed since it was read
        store.erase_conversation(holdings.__class__(**{**holdings.__dict__, "conversation": c.evolve(version=1)}),
                                 guards=[], search=[])
    erased = store.erase_conversation(holdings, guards=[f"g-{n}" for n in range(3)], search=[])
    assert erased == 1 + 270 + 2 + 3
    assert store.holdings(hotel.id, "c-big").item_keys == ()
    counts = store.inbox_counts(hotel.id, "agent-1")
    assert counts.tabs[Tab.OPEN] == 1 and counts.mine[Tab.OPEN] == 0 and counts.unassigned[Tab.OPEN] == 1


def test_each_contact_write_adds_its_conversation_and_revision_and_the_erase_checks_it(store, hotel):
    c = open_one(store, hotel.id, "c1", T0)
    guest = Contact(id="ct-1", hotel_id=hotel.id, channel="webchat", name="Élodie")
    store.commit(c, c.evolve(updated_at=T0 + timedelta(minutes=1)), [], contact=guest)
    store.save_profile(Contact(id="ct-1", hotel_id=hotel.id, channel="webchat", email="e@x.example",
                               conversation_ids=frozenset({"c2"})))
    read = store.current_contact(hotel.id, "ct-1")
    assert (read.conversation_ids, read.revision, read.name, read.email) == ({"c1", "c2"}, 2, "Élodie", "e@x.example")
    store.save_profile(Contact(id="ct-1", hotel_id=hotel.id, channel="webchat", phone="+33 6"))
    with pytest.raises(Conflict):  # written since it was read
        store.erase_contact(read)
    store.erase_contact(store.current_contact(hotel.id, "ct-1"))
    assert store.current_contact(hotel.id, "ct-1") is None
    with pytest.raises(Conflict):  # gone already
        store.erase_contact(read)


def test_a_contact_written_before_revisions_existed_is_erased_once(store, hotel):
    store.put_contact(Contact(id="ct-old", hotel_id=hotel.id, channel="webchat", name="Old"))
    old = store.current_contact(hotel.id, "ct-old")
    assert old.revision == 0 and old.conversation_ids == frozenset()
    store.erase_contact(old)
    assert store.current_contact(hotel.id, "ct-old") is None
    with pytest.raises(Conflict):
        store.erase_contact(old)
    assert store._get_raw(keys.hotel_pk(hotel.id), keys.contact_sk("ct-old")) is None
