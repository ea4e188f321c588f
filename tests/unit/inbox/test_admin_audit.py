"""The admin actions of the core on fakes: the bot's settings and saved replies each write one audit entry saying
who changed what (never the knowledge base itself), and nothing when the action is refused."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fakes import world

from inbox.audit import BOT_UPDATED, REPLY_DELETED, REPLY_SAVED, AuditTarget
from inbox.bot import KnowledgeBase, KnowledgeEntry
from inbox.errors import InvalidInput, NotFound
from inbox.model import Actor, ActorType, SavedReply

ADMIN = Actor(ActorType.AGENT, "sub-adele", "Adèle")
WIFI = KnowledgeEntry("wifi", "wifi", ("wifi?",), {"en": "The code is on your key card."})
BREAKFAST = KnowledgeEntry("breakfast", "breakfast", ("breakfast?",), {"en": "From 7 to 10."})
PARKING = KnowledgeEntry("parking", "parking", ("parking?",), {"en": "Behind the hotel."})
REPLY = SavedReply("r-1", "h1", "Welcome", "welcome", {"en": "Hello {guest.first_name|there}"})


def test_a_bot_change_records_what_changed_and_not_the_knowledge_base():
    w = world()
    w.inbox.update_bot("h1", ADMIN, True, KnowledgeBase(entries=(WIFI, BREAKFAST)))
    assert w.inbox.hotel_bot_on("h1")

    w.inbox.update_bot("h1", ADMIN, False, KnowledgeBase(
        entries=(replace(WIFI, answers={"en": "Ask at the desk."}), PARKING), default_language="fr",
        trusted_domains=("lumiere.example",)))

    first, second = w.audit.of("h1")
    assert (first.action, first.target, first.actor) == (BOT_UPDATED, AuditTarget("bot", "h1"), ADMIN)
    assert first.details == {"entries": {"from": 0, "to": 2, "added": 2, "removed": 0, "changed": 0}}
    assert second.details == {
        "enabled": {"from": True, "to": False}, "default_language": {"from": "en", "to": "fr"},
        "trusted_domains": {"from": [], "to": ["lumiere.example"]},
        "entries": {"from": 2, "to": 2, "added": 1, "removed": 1, "changed": 1}}
    assert "Ask at the desk." not in repr(w.audit.entries) and "key card" not in repr(w.audit.entries)
    assert not w.inbox.hotel_bot_on("h1")  # the process's cached hotel follows at once
    assert second.at == w.clock()


def test_a_bot_change_of_an_unknown_hotel_writes_nothing():
    w = world()
    with pytest.raises(NotFound):
        w.inbox.update_bot("h-unknown", ADMIN, True, KnowledgeBase())
    assert w.audit.entries == [] and "h-unknown" not in w.store.hotels


def test_saving_a_reply_records_it_created_then_what_changed():
    w = world()
    w.inbox.save_reply(REPLY, ADMIN)
    w.inbox.save_reply(replace(REPLY, title="Hello", texts={"en": "Hi", "fr": "Salut"}), ADMIN)
    w.inbox.save_reply(replace(REPLY, title="Hello", texts={"en": "Hi", "fr": "Salut"}), ADMIN)

    created, changed, same = w.audit.of("h1")
    assert {e.action for e in (created, changed, same)} == {REPLY_SAVED}
    assert {e.target for e in (created, changed, same)} == {AuditTarget("reply", "r-1")}
    assert created.details == {"title": "Welcome", "shortcut": "welcome", "languages": ["en"], "created": True}
    assert changed.details == {"title": "Hello", "shortcut": "welcome", "languages": ["en", "fr"],
                               "changed": ["title", "texts"]}
    assert same.details["changed"] == []
    assert "Hello {guest" not in repr(created.details)  # the texts are the library's, not the log's


def test_a_refused_reply_and_a_missing_one_write_no_entry():
    w = world()
    with pytest.raises(InvalidInput):
        w.inbox.save_reply(replace(REPLY, texts={"en": "Hello {guest.nickname}"}), ADMIN)
    with pytest.raises(NotFound):
        w.inbox.delete_reply("h1", "r-1", ADMIN)
    assert w.audit.entries == []
    assert w.inbox.replies("h1") == []  # the refused reply was not stored either


def test_deleting_a_reply_records_its_title():
    w = world()
    w.inbox.save_reply(REPLY, ADMIN)
    w.clock.advance(seconds=1)
    w.inbox.delete_reply("h1", "r-1", ADMIN)

    page = w.inbox.audit_log("h1", 10, None)

    assert [e.action for e in page.items] == [REPLY_DELETED, REPLY_SAVED]  # newest first
    assert page.items[0].details == {"title": "Welcome", "shortcut": "welcome"}
    assert w.inbox.replies("h1") == []
