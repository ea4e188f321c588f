"""Start replying brings it back: the first keystroke on a held conversation moves it to Open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fakes import world
from inbox_states import AGENT, T0

from inbox.errors import TransitionNotAllowed
from inbox.inbound import GuestProfile, InboundMessage
from inbox.model import Status


def open_conversation(w):
    received = w.inbox.receive(InboundMessage("h1", "webchat", "th-1", "m-1", "I need a person", T0,
                                              GuestProfile("g-1", "Ana")))
    return received.conversation_id


def test_resume_moves_a_held_conversation_to_open_and_cancels_its_wake_up():
    w = world()
    cid = open_conversation(w)
    held = w.inbox.hold("h1", cid, AGENT, T0 + timedelta(hours=3))
    assert held.hold_token in w.scheduler.schedules
    resumed = w.inbox.resume("h1", cid, AGENT)
    assert resumed.status is Status.OPEN and resumed.hold_until is None
    assert w.scheduler.schedules == {}  # the wake-up will not fire later
    entry = w.store.list_activity("h1", cid, 1).items[0]
    assert (entry.type, entry.reason, entry.from_status, entry.to_status) == (
        "resumed", "agent_started_reply", Status.ON_HOLD, Status.OPEN)
    assert entry.actor == AGENT


def test_resume_on_an_open_conversation_changes_nothing_and_writes_nothing():
    w = world()
    cid = open_conversation(w)
    writes, before = list(w.store.writes), w.store.get_conversation("h1", cid)
    assert w.inbox.resume("h1", cid, AGENT) == before
    assert w.store.writes == writes


@pytest.mark.parametrize("move", ["close", "mark_spam"])
def test_resume_elsewhere_is_refused_with_the_status(move):
    w = world()
    cid = open_conversation(w)
    getattr(w.inbox, move)("h1", cid, AGENT)
    with pytest.raises(TransitionNotAllowed) as refused:
        w.inbox.resume("h1", cid, AGENT)
    assert refused.value.status in ("closed", "spam")
