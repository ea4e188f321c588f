"""Export and erase one guest (``inbox.guest_data``), on the fakes: the receipt, 404, a guest writing during
the erase, and an audit entry with counts only."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

import pytest
from fakes import ANA, BRUNO, world
from inbox_team_helpers import GUEST, guest_writes

from inbox.audit import ERASED, EXPORTED
from inbox.errors import Conflict, NotFound
from inbox.guest_data import ERASE_ROUNDS
from inbox.inbound import contact_id_for
from inbox.model import Actor, ActorType, Tab

ADMIN = Actor(ActorType.AGENT, BRUNO.id, BRUNO.name)
AGENT = Actor(ActorType.AGENT, ANA.id, ANA.name)
PDF = b"%PDF-1.7 passport scan"
CONTACT = contact_id_for("webchat", GUEST.external_id)


def guest_with_history(w, conversations=2):
    """The guest writes in ``conversations`` threads; in the first the agent replies with a file and leaves a
    note that mentions a colleague. Returns the conversation ids."""
    ids = [guest_writes(w, "I need a person", thread=f"th-{n}", minutes=n) for n in range(conversations)]
    guest_writes(w, "and a late checkout", thread="th-0", n=2, minutes=5)
    upload, grant = w.inbox.grant_upload("h1", ids[0], "passport.pdf", "application/pdf", len(PDF))
    w.files.upload(grant.fields["key"], PDF, "application/pdf")
    w.inbox.reply("h1", ids[0], AGENT, "Here is your form", [upload.id])
    w.inbox.add_note("h1", ids[0], AGENT, "@Bruno can you check the passport?")
    return ids


def everything_of(w, ids):
    """What the fakes still hold of these conversations or of the guest."""
    held = [*(k for k in w.store.conversations if k[1] in ids), *(k for k in w.store.messages if k[1] in ids and w.store.messages[k]),
            *(a for a in w.store.activities if a.conversation_id in ids),
            *(e for e in w.store.search_entries.values() if e.conversation_id in ids),
            *(m for _, m in w.store.mention_items if m.conversation_id in ids),
            *(g for g in w.store.guards.values() if g.conversation_id in ids),
            *(u for u in w.store.uploads.values() if u.conversation_id in ids),
            *(k for k in w.files.objects if any(f"/{i}/" in k for i in ids))]
    if w.store.get_contact("h1", CONTACT) is not None:
        held.append("contact")
    return held


def test_an_erase_removes_everything_of_the_guest_and_its_receipt_counts_it():
    w = world()
    ids = guest_with_history(w)
    other = guest_writes(w, "me too", thread="th-x", guest=GUEST.__class__("g-2", "Paul Autre"))
    messages = sum(len(w.store.messages[("h1", i)]) for i in ids)
    activity = sum(1 for a in w.store.activities if a.conversation_id in ids)
    entries = sum(1 for e in w.store.search_entries.values() if e.conversation_id in ids)
    mentions = sum(1 for _, m in w.store.mention_items if m.conversation_id in ids)
    guards = sum(1 for g in w.store.guards.values() if g.conversation_id in ids)
    uploads = sum(1 for u in w.store.uploads.values() if u.conversation_id in ids)

    receipt = w.inbox.erase_guest("h1", CONTACT, ADMIN)

    assert receipt.contact_id == CONTACT and receipt.erased_at == w.clock()
    assert receipt.items == {"contact": 1, "conversations": 2, "messages": messages, "activity": activity,
                             "files": 1, "other": entries + mentions + guards + uploads}
    assert mentions == 1 and guards == 3 and entries > 0 and uploads == 1
    assert everything_of(w, ids) == []
    assert w.store.tab_counts("h1") == {Tab.OPEN: 1, Tab.ON_HOLD: 0, Tab.CLOSED: 0, Tab.SPAM: 0, Tab.ALL: 1}
    assert w.inbox.conversation("h1", other).id == other  # another guest keeps everything
    with pytest.raises(NotFound):
        w.inbox.conversation("h1", ids[0])


def test_the_audit_entry_names_the_contact_and_counts_with_no_personal_data():
    w = world()
    guest_with_history(w)
    receipt = w.inbox.erase_guest("h1", CONTACT, ADMIN)
    (entry,) = w.audit.of("h1")
    assert (entry.action, entry.actor, entry.target.type, entry.target.id) == (ERASED, ADMIN, "contact", CONTACT)
    assert dict(entry.details) == receipt.items
    written = repr(asdict(entry)).lower()
    for personal in ("élodie", "elodie", "martin", "example.com", "12 34", "612345678", "res-778", "passport",
                     "late checkout"):
        assert personal not in written


def test_an_unknown_contact_is_not_found_and_nothing_is_audited():
    w = world()
    ids = guest_with_history(w)
    with pytest.raises(NotFound):
        w.inbox.erase_guest("h1", "ct_nobody", ADMIN)
    with pytest.raises(NotFound):
        w.inbox.erase_guest("h2", CONTACT, ADMIN)  # another hotel's contact is unknown here
    with pytest.raises(NotFound):
        w.inbox.export_guest("h1", "ct_nobody", ADMIN)
    assert w.audit.entries == []
    assert w.store.get_contact("h1", CONTACT) is not None  # the guest of h1 keeps everything
    assert all(w.inbox.conversation("h1", i).id == i for i in ids)


def test_a_conversation_changed_while_it_is_erased_is_read_again_and_erased_whole():
    w = world()
    ids = guest_with_history(w, conversations=1)
    # The guest writes again between the read of the conversation and its erase.
    w.store.before_next_erase = lambda: guest_writes(w, "still there?", thread="th-0", n=9, minutes=9)
    receipt = w.inbox.erase_guest("h1", CONTACT, ADMIN)
    assert receipt.items["conversations"] == 1 and receipt.items["messages"] == 5  # the late message too
    assert everything_of(w, ids) == []


def test_a_new_conversation_started_during_the_erase_is_erased_in_another_round():
    w = world()
    ids = guest_with_history(w, conversations=1)
    # The guest opens a new thread after its conversations are erased and before the contact goes.
    w.store.before_next_erase_contact = lambda: ids.append(guest_writes(w, "new question", thread="th-new"))
    receipt = w.inbox.erase_guest("h1", CONTACT, ADMIN)
    assert receipt.items["conversations"] == 2 and receipt.items["contact"] == 1
    assert everything_of(w, ids) == [] and w.store.tab_counts("h1")[Tab.ALL] == 0


def test_a_guest_writing_in_every_round_gets_a_conflict_and_nothing_is_half_erased():
    w = world()
    ids = guest_with_history(w, conversations=1)
    rounds = []

    def writes_again():
        rounds.append(guest_writes(w, "hello?", thread=f"th-r{len(rounds)}"))
        w.store.before_next_erase_contact = writes_again

    w.store.before_next_erase_contact = writes_again
    with pytest.raises(Conflict):
        w.inbox.erase_guest("h1", CONTACT, ADMIN)
    assert len(rounds) == ERASE_ROUNDS
    w.store.before_next_erase_contact = None
    # Every conversation is either whole (its first message, its activity, its counts) or gone.
    for conversation_id in [*ids, *rounds]:
        if ("h1", conversation_id) in w.store.conversations:
            assert w.store.messages[("h1", conversation_id)] and conversation_id == rounds[-1]
    assert w.store.tab_counts("h1")[Tab.ALL] == 1
    assert w.inbox.erase_guest("h1", CONTACT, ADMIN).items["conversations"] == 1  # erasing again finishes
    assert everything_of(w, [*ids, *rounds]) == []


def test_an_export_holds_the_profile_every_message_note_and_activity_with_file_links():
    w = world()
    ids = guest_with_history(w)
    export = w.inbox.export_guest("h1", CONTACT, ADMIN)
    assert export.contact.name == GUEST.name and export.contact.email == GUEST.email
    assert [c.conversation.id for c in export.conversations] == ids
    first = export.conversations[0]
    assert sorted(m.id for m in first.messages) == sorted(m.id for m in w.store.all_messages("h1", ids[0]))
    assert [(m.sent_at, m.id) for m in first.messages] == sorted((m.sent_at, m.id) for m in first.messages)
    assert any(m.internal for m in first.messages)
    assert len(first.activity) == sum(1 for a in w.store.activities if a.conversation_id == ids[0])
    (attachment,) = [a for m in first.messages for a in m.attachments]
    assert export.links[attachment.id] == w.files.link(attachment.key, "passport.pdf", "application/pdf", 600)
    (entry,) = w.audit.of("h1")
    assert entry.action == EXPORTED and entry.target.id == CONTACT
    activity = sum(1 for a in w.store.activities if a.conversation_id in ids)
    assert dict(entry.details) == {"conversations": 2, "messages": 5, "activity": activity, "files": 1}


def test_a_held_conversations_wake_up_goes_with_it():
    w = world()
    (conversation_id,) = guest_with_history(w, conversations=1)
    w.inbox.hold("h1", conversation_id, AGENT, w.clock() + timedelta(hours=3))
    assert w.scheduler.schedules
    w.inbox.erase_guest("h1", CONTACT, ADMIN)
    assert w.scheduler.schedules == {}
