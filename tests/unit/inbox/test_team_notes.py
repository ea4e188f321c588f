"""Notes: internal messages between agents, never delivered; @Name mentions reach the agent's Mentions."""

from __future__ import annotations

import pytest
from fakes import ANA, BRUNO, STRANGER, world
from hypothesis import given, settings
from hypothesis import strategies as st
from inbox_team_helpers import activity_types, guest_writes

from inbox.errors import InvalidInput
from inbox.mentions import mentioned
from inbox.model import Actor, ActorType, Agent, Delivery, Direction, Role, Sender
from inbox.search import normalize

AS_ANA = Actor(ActorType.AGENT, ANA.id, ANA.name)


def test_a_note_is_internal_never_delivered_and_moves_nothing_the_guest_sees():
    w = world()
    cid = guest_writes(w, channel="expedia")  # a channel that delivers replies
    before = w.store.get_conversation("h1", cid)
    entries, jobs = activity_types(w, cid), list(w.outbox.jobs)
    w.clock.advance(minutes=3)
    note = w.inbox.add_note("h1", cid, AS_ANA, "Guest is a VIP, be nice")
    assert (note.internal, note.sender, note.direction, note.delivery, note.agent_id) == (
        True, Sender.AGENT, Direction.OUTBOUND, None, ANA.id)
    after = w.store.get_conversation("h1", cid)
    assert after.status is before.status
    assert (after.last_message_at, after.last_message_preview) == (before.last_message_at, before.last_message_preview)
    assert after.updated_at == w.clock()
    assert activity_types(w, cid) == entries and w.outbox.jobs == jobs
    assert note in w.store.all_messages("h1", cid)
    assert all(m.delivery is not Delivery.PENDING for m in w.store.all_messages("h1", cid) if m.internal)


def test_a_note_is_unread_for_the_others_and_read_for_its_author():
    w = world()
    cid = guest_writes(w)
    w.inbox.mark_read("h1", cid, ANA.id)
    w.inbox.mark_read("h1", cid, BRUNO.id)
    w.clock.advance(minutes=1)
    w.inbox.add_note("h1", cid, AS_ANA, "Called the guest back")
    after = w.store.get_conversation("h1", cid)
    assert after.unread_for(BRUNO.id) and not after.unread_for(ANA.id)


@pytest.mark.parametrize("text", ["@Ana Lima can you check?", "@ana can you check?", "@ANA please", "cc @Ana."])
def test_at_name_mentions_the_agent_by_the_start_of_their_name(text):
    w = world()
    cid = guest_writes(w)
    note = w.inbox.add_note("h1", cid, AS_ANA, text)
    assert note.mentions == (ANA.id,)
    assert [c.id for c in w.inbox.mentions("h1", ANA.id, 25, None).items] == [cid]
    assert w.inbox.mentions("h1", BRUNO.id, 25, None).items == []


def test_mentions_are_accent_blind_and_explicit_ids_join_them_once():
    w = world()
    cid = guest_writes(w)
    note = w.inbox.add_note("h1", cid, AS_ANA, "@bruno emile and @Ana", mentions=[ANA.id])
    assert note.mentions == (ANA.id, BRUNO.id)
    assert sorted(m.agent_id for _, m in w.store.mention_items) == sorted([ANA.id, BRUNO.id])


def test_the_mentions_view_lists_the_newest_mention_first_each_conversation_once():
    w = world()
    first, second = guest_writes(w, thread="t1"), guest_writes(w, thread="t2")
    for cid in (first, second, first):
        w.clock.advance(minutes=1)
        w.inbox.add_note("h1", cid, AS_ANA, "@Bruno have a look")
    assert [c.id for c in w.inbox.mentions("h1", BRUNO.id, 25, None).items] == [first, second]


@pytest.mark.parametrize(("text", "ids"), [("@Zoé are you there?", []), ("hello", [STRANGER.id]),
                                           ("@nobody here", [])])
def test_a_mention_of_a_stranger_is_refused_and_nothing_is_written(text, ids):
    w = world()
    cid = guest_writes(w)
    writes = list(w.store.writes)
    with pytest.raises(InvalidInput):
        w.inbox.add_note("h1", cid, AS_ANA, text, mentions=ids)
    assert w.store.writes == writes


def test_an_email_address_is_no_mention_and_a_note_without_at_asks_no_directory():
    w = world()
    cid = guest_writes(w)
    assert w.inbox.add_note("h1", cid, AS_ANA, "She wrote from guest@mail.test").mentions == ()
    w.directory.calls = 0
    w.inbox.add_note("h1", cid, AS_ANA, "No mention at all")
    assert w.directory.calls == 0


@pytest.mark.parametrize("text", ["", "   ", "x" * 5001])
def test_a_note_is_1_to_5000_characters(text):
    w = world()
    cid = guest_writes(w)
    with pytest.raises(InvalidInput):
        w.inbox.add_note("h1", cid, AS_ANA, text)


def test_a_note_written_while_the_guest_writes_is_kept_with_the_guest_message():
    w = world()
    cid = guest_writes(w)
    w.store.before_next_commit = lambda: guest_writes(w, "Hello?", n=2, minutes=1)
    note = w.inbox.add_note("h1", cid, AS_ANA, "On it")
    texts = [m.text for m in w.store.all_messages("h1", cid)]
    assert "Hello?" in texts and note.text in texts


AGENTS = [Agent("a1", "Ana", None, Role.AGENT), Agent("a2", "Ana Lima", None, Role.AGENT),
          Agent("a3", "Anabela Souza", None, Role.AGENT)]


def test_the_longest_whole_name_wins_and_an_ambiguous_start_is_refused():
    assert [a.id for a in mentioned("@Ana Lima, then @Ana alone", AGENTS)] == ["a2", "a1"]
    assert [a.id for a in mentioned("@anabela", AGENTS)] == ["a3"]
    with pytest.raises(InvalidInput, match="Ana Lima"):
        mentioned("@an", AGENTS)


NAME = st.text(alphabet="abcdeélmnoçÉAZ", min_size=1, max_size=8)


@settings(deadline=None)  # a shared machine under load must not fail a correct example
@given(st.lists(st.lists(NAME, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=5, unique=True),
       st.data())
def test_writing_an_agents_whole_name_mentions_exactly_them(names, data):
    agents = [Agent(f"id{i}", name, None, Role.AGENT) for i, name in enumerate(names)]
    if len({normalize(n) for n in names}) < len(names):
        return  # two agents with the same name cannot be told apart by it
    chosen = data.draw(st.sampled_from(agents))
    assert mentioned(f"hi @{chosen.name} !", agents) == [chosen]


@settings(deadline=None)
@given(st.text(max_size=200))
def test_any_text_mentions_agents_or_is_refused_clearly(text):
    try:
        found = mentioned(text, AGENTS)
    except InvalidInput:
        return
    assert all(agent in AGENTS for agent in found)


def test_unread_returns_after_a_guest_message_that_follows_a_read():
    w = world()
    cid = guest_writes(w)
    w.inbox.mark_read("h1", cid, ANA.id)
    assert not w.store.get_conversation("h1", cid).unread_for(ANA.id)
    w.clock.advance(minutes=2)
    guest_writes(w, "Hello?", n=2, minutes=2)
    assert w.store.get_conversation("h1", cid).unread_for(ANA.id)
