"""Search: a guest found by name word prefix, email, phone, reservation id or thread id; one Query a lookup."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fakes import world
from hypothesis import given, settings
from hypothesis import strategies as st
from inbox_team_helpers import GUEST, guest_writes

from inbox.channel import EXPEDIA
from inbox.errors import InvalidInput
from inbox.inbound import GuestProfile
from inbox.model import Contact, Reservation
from inbox.search import entry_terms, lookups, matching_ids, normalize, profile_terms


def test_normalize_is_blind_to_case_accents_and_spacing():
    assert normalize("  Élodie   MARTIN-Durand ") == "elodie martin-durand"
    assert normalize("Straße") == "strasse"


@settings(deadline=None)  # a shared machine under load must not fail a correct example
@given(st.text(max_size=60))
def test_normalize_is_idempotent(text):
    assert normalize(normalize(text)) == normalize(text)


def search_entries(name):
    contact = Contact("ct", "h1", "webchat", name=name)
    return profile_terms("cv-1", None, contact)


def found(q, entries):
    return matching_ids((lookup, [e for e in entries if e.term.startswith(lookup.prefix)]) for lookup in lookups(q))


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàçñüÉÀÇ-'", min_size=2, max_size=10).filter(
    lambda w: any(c.isalpha() for c in w[:2]))


@settings(deadline=None)
@given(st.lists(WORD, min_size=1, max_size=4), st.data())
def test_a_name_always_finds_itself_by_each_words_prefix(words, data):
    name = " ".join(words)
    word = data.draw(st.sampled_from(words))
    prefix = word[:data.draw(st.integers(min_value=2, max_value=len(word)))]
    q = data.draw(st.sampled_from([prefix, prefix.upper(), f"  {prefix} "]))
    assert found(q, search_entries(name)) == ["cv-1"]


def test_every_word_of_the_search_must_start_a_word_of_the_name():
    entries = search_entries("Élodie Martin-Durand")
    assert found("elo mar", entries) == ["cv-1"]
    assert found("durand elodie", entries) == ["cv-1"]  # the parts of a hyphenated name count
    assert found("elodie smith", entries) == []
    assert found("lodie", entries) == []  # a prefix, not any piece of a word


@pytest.mark.parametrize("q", ["a", " b ", "x" * 101, "\u0301\u0301"])
def test_a_search_of_1_character_or_too_many_is_refused(q):
    w = world()
    with pytest.raises(InvalidInput):
        w.inbox.search("h1", q)
    assert w.store.reads == []


@pytest.mark.parametrize("q", [
    "elodie", "MARTIN", "durand", "élo mar", "elodie.martin@example.com", "ELODIE.MARTIN@", "res-778", "RES-7",
    "+33 6 12 34 56 78", "06 12 34 56 78", "0612345678", "33612", "th-1",
])
def test_each_way_of_finding_the_guest(q):
    w = world()
    cid = guest_writes(w)
    guest_writes(w, thread="other-thread", guest=GuestProfile("g-2", "Bruno Silva", "bruno@mail.test", "+44 20 7946 0000"))
    assert [c.id for c in w.inbox.search("h1", q)] == [cid]


def test_a_name_search_is_one_query_and_one_batch_read_a_phone_search_one_query_a_form():
    w = world()
    guest_writes(w)
    w.store.reads.clear()
    w.inbox.search("h1", "elodie")
    assert w.store.reads == ["find", "get_conversations"]
    w.store.reads.clear()
    w.inbox.search("h1", "06 12 34 56 78")  # the text, its digits, its digits without the trunk 0
    assert w.store.reads == ["find", "find", "find", "get_conversations"]


def test_nothing_found_reads_no_conversation():
    w = world()
    guest_writes(w)
    w.store.reads.clear()
    assert w.inbox.search("h1", "nobody") == []
    assert w.store.reads == ["find"]


def test_at_most_25_results_newest_first_and_never_another_hotels():
    w = world()
    ids = [guest_writes(w, thread=f"t{i}", minutes=i, guest=replace(GUEST, external_id=f"g{i}")) for i in range(30)]
    results = w.inbox.search("h1", "elodie")
    assert [c.id for c in results] == ids[::-1][:25]
    assert w.inbox.search("h2", "elodie") == []


def test_a_saved_profile_makes_the_conversation_findable_by_what_it_tells():
    w = world()
    cid = guest_writes(w, channel=EXPEDIA, thread="exp-9", guest=GuestProfile("g-9"))
    assert w.inbox.search("h1", "BK-4242") == []
    event = w.inbox.look_up("h1", EXPEDIA, "exp-9", event_id="n-1")
    w.inbox.save_guest_profile(event, GuestProfile("g-9", "Zoé Durand",
                                                   reservations=(Reservation("BK-4242", "2026-12-01"),)))
    assert [c.id for c in w.inbox.search("h1", "bk-4242")] == [cid]
    assert [c.id for c in w.inbox.search("h1", "zoe")] == [cid]


def test_entries_cover_name_words_email_phone_forms_reservations_and_thread():
    contact = Contact("ct", "h1", "webchat", name="Ana Lima", email="Ana@X.test", phone="+33 6 12 34 56 78",
                      reservations=(Reservation("RES-1"),))
    w = world()
    cid = guest_writes(w)
    terms = {(e.term, e.kind, e.label) for e in entry_terms(w.store.get_conversation("h1", cid), contact)}
    assert terms == {("ana", "name", "ana lima"), ("lima", "name", "ana lima"), ("ana@x.test", "email", ""),
                     ("33612345678", "phone", ""), ("612345678", "phone", ""), ("res-1", "reservation", ""),
                     ("th-1", "thread", "")}
