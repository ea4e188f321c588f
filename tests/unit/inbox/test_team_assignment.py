"""Assignment: at most one agent of the hotel owns a conversation; every change is one activity entry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fakes import ANA, BRUNO, STRANGER, world
from inbox_team_helpers import activity_types, guest_writes

from inbox.errors import Conflict, InvalidInput, TransitionNotAllowed
from inbox.model import UNASSIGNED, Actor, ActorType, AgentRef, ListOrder, Status, Tab

AS_ANA = Actor(ActorType.AGENT, ANA.id, ANA.name)
AS_BRUNO = Actor(ActorType.AGENT, BRUNO.id, BRUNO.name)


def test_assigning_gives_the_conversation_to_the_agent_with_one_entry():
    w = world()
    cid = guest_writes(w)
    after = w.inbox.assign("h1", cid, AS_BRUNO, ANA.id)
    assert after.assignee == AgentRef(ANA.id, ANA.name)
    assert w.store.get_conversation("h1", cid).assignee == AgentRef(ANA.id, ANA.name)
    entry = w.store.list_activity("h1", cid, 1).items[0]
    assert (entry.type, entry.from_status, entry.to_status, entry.actor) == ("assigned", Status.OPEN, Status.OPEN,
                                                                             AS_BRUNO)
    assert entry.details == {"assignee": {"id": ANA.id, "name": ANA.name}, "previous": None}


def test_reassigning_and_unassigning_name_the_previous_assignee():
    w = world()
    cid = guest_writes(w)
    w.inbox.assign("h1", cid, AS_ANA, ANA.id)
    w.inbox.assign("h1", cid, AS_ANA, BRUNO.id)
    moved = w.store.list_activity("h1", cid, 1).items[0]
    assert moved.details == {"assignee": {"id": BRUNO.id, "name": BRUNO.name},
                             "previous": {"id": ANA.id, "name": ANA.name}}
    assert w.inbox.assign("h1", cid, AS_ANA, None).assignee is None
    left = w.store.list_activity("h1", cid, 1).items[0]
    assert (left.type, left.details) == ("unassigned", {"previous": {"id": BRUNO.id, "name": BRUNO.name}})


def test_assigning_the_current_assignee_again_changes_nothing():
    w = world()
    cid = guest_writes(w)
    w.inbox.assign("h1", cid, AS_ANA, ANA.id)
    writes = list(w.store.writes)
    assert w.inbox.assign("h1", cid, AS_ANA, ANA.id).assignee.id == ANA.id
    assert w.store.writes == writes and activity_types(w, cid).count("assigned") == 1


def test_an_agent_of_another_hotel_is_refused_and_nothing_is_written():
    w = world()
    cid = guest_writes(w)
    writes = list(w.store.writes)
    with pytest.raises(InvalidInput, match="does not work for this hotel"):
        w.inbox.assign("h1", cid, AS_ANA, STRANGER.id)
    assert w.store.writes == writes


@pytest.mark.parametrize("agent_id", [ANA.id, None])
def test_spam_is_never_assigned(agent_id):
    w = world()
    cid = guest_writes(w)
    w.inbox.mark_spam("h1", cid, AS_ANA)
    with pytest.raises(TransitionNotAllowed) as refused:
        w.inbox.assign("h1", cid, AS_ANA, agent_id)
    assert refused.value.status == "spam"


@pytest.mark.parametrize("move", ["close", "hold"])
def test_closed_and_held_conversations_can_be_assigned(move):
    w = world()
    cid = guest_writes(w)
    if move == "close":
        w.inbox.close("h1", cid, AS_ANA)
    else:
        w.inbox.hold("h1", cid, AS_ANA, w.clock() + timedelta(hours=1))
    assert w.inbox.assign("h1", cid, AS_ANA, ANA.id).assignee.id == ANA.id


def test_marking_spam_takes_it_from_its_assignee_in_the_same_entry():
    w = world()
    cid = guest_writes(w)
    w.inbox.assign("h1", cid, AS_ANA, ANA.id)
    assert w.inbox.mark_spam("h1", cid, AS_ANA).assignee is None
    entry = w.store.list_activity("h1", cid, 1).items[0]
    assert entry.type == "marked_spam" and entry.details["unassigned"] == {"id": ANA.id, "name": ANA.name}


def test_a_handoff_arrives_unassigned():
    w = world()
    cid = guest_writes(w)
    w.inbox.assign("h1", cid, AS_ANA, ANA.id)
    w.inbox.close("h1", cid, AS_ANA)  # the bot has it again, still Ana's
    assert w.store.get_conversation("h1", cid).assignee.id == ANA.id
    guest_writes(w, "Another question for a person", n=2, minutes=5)
    after = w.store.get_conversation("h1", cid)
    assert after.status is Status.OPEN and after.assignee is None
    entry = w.store.list_activity("h1", cid, 1).items[0]
    assert entry.type == "handed_off" and entry.details["unassigned"] == {"id": ANA.id, "name": ANA.name}


def test_two_agents_assigning_at_once_one_wins_the_other_hears_who():
    w = world()
    cid = guest_writes(w)
    # Bruno takes it between Ana's read and Ana's write.
    w.store.before_next_commit = lambda: w.inbox.assign("h1", cid, AS_BRUNO, BRUNO.id)
    with pytest.raises(Conflict) as lost:
        w.inbox.assign("h1", cid, AS_ANA, ANA.id)
    assert lost.value.assignee_known is True
    assert lost.value.assignee == {"id": BRUNO.id, "name": BRUNO.name}
    assert lost.value.status == "open"
    assert w.store.get_conversation("h1", cid).assignee.id == BRUNO.id
    assert activity_types(w, cid).count("assigned") == 1  # the activity shows exactly one change


def test_losing_to_an_unassign_says_nobody_has_it():
    w = world()
    cid = guest_writes(w)
    w.inbox.assign("h1", cid, AS_ANA, ANA.id)
    w.store.before_next_commit = lambda: w.inbox.assign("h1", cid, AS_ANA, None)
    with pytest.raises(Conflict) as lost:
        w.inbox.assign("h1", cid, AS_BRUNO, BRUNO.id)
    assert lost.value.assignee_known is True and lost.value.assignee is None


def test_tabs_filter_by_assignee_and_refuse_a_stranger_or_a_waiting_sort_outside_open():
    w = world()
    mine, theirs, nobody = (guest_writes(w, thread=t, minutes=i) for i, t in enumerate(("t1", "t2", "t3")))
    w.inbox.assign("h1", mine, AS_ANA, ANA.id)
    w.inbox.assign("h1", theirs, AS_ANA, BRUNO.id)
    assert [c.id for c in w.inbox.list_tab("h1", Tab.OPEN, 25, None, assignee=ANA.id).items] == [mine]
    assert [c.id for c in w.inbox.list_tab("h1", Tab.ALL, 25, None, assignee=UNASSIGNED).items] == [nobody]
    assert len(w.inbox.list_tab("h1", Tab.OPEN, 25, None).items) == 3
    with pytest.raises(InvalidInput):
        w.inbox.list_tab("h1", Tab.OPEN, 25, None, assignee=STRANGER.id)
    with pytest.raises(InvalidInput):
        w.inbox.list_tab("h1", Tab.CLOSED, 25, None, order=ListOrder.WAITING)
    waiting = w.inbox.list_tab("h1", Tab.OPEN, 25, None, order=ListOrder.WAITING).items
    assert [c.id for c in waiting] == [mine, theirs, nobody]  # the guest waiting longest first


def test_the_agents_are_the_hotels_own():
    w = world()
    assert w.inbox.agents("h1") == [ANA, BRUNO]
    assert w.inbox.agents("h2") == [STRANGER]
