"""allowed_actions: the buttons the console shows, read off the transition table and the caller's role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from inbox_states import AGENT, T0, in_status

from inbox.actions import allowed_actions
from inbox.errors import TransitionNotAllowed
from inbox.machine import AgentReply, Close, Hold, MarkNotSpam, MarkSpam, Reopen, Resume, apply
from inbox.model import Status

B, O, H, C, S = Status.BOT, Status.OPEN, Status.ON_HOLD, Status.CLOSED, Status.SPAM  # noqa: E741
LATER = T0 + timedelta(minutes=5)

# Restated by hand from api.md's table, so a change of the table or of the roles fails here.
AGENT_ACTIONS = {
    B: ["reply", "note", "assign", "close", "spam"],
    O: ["reply", "note", "assign", "hold", "close", "spam"],
    H: ["reply", "note", "resume", "assign", "hold", "close", "spam"],
    C: ["reply", "note", "assign", "reopen", "spam"],
    S: ["note", "not_spam"],
}
PARTNER_ACTIONS = {
    B: ["reply", "close", "spam"],
    O: ["reply", "hold", "close", "spam"],
    H: ["reply", "hold", "close", "spam"],
    C: ["reply", "reopen", "spam"],
    S: ["not_spam"],
}


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("caller", ["agent", "admin"])
def test_the_team_gets_the_table_plus_note_and_assign(status, caller):
    assert allowed_actions(in_status(status), caller) == AGENT_ACTIONS[status]


@pytest.mark.parametrize("status", list(Status))
def test_partners_never_get_assign_note_or_resume(status):
    assert allowed_actions(in_status(status), "partner") == PARTNER_ACTIONS[status]


def test_an_open_conversation_offers_what_the_contract_shows():
    assert set(allowed_actions(in_status(O), "agent")) == {"reply", "hold", "close", "spam", "assign", "note"}


EVENTS = {
    "reply": lambda: AgentReply(AGENT, "Hi", LATER), "resume": lambda: Resume(AGENT, LATER),
    "hold": lambda: Hold(AGENT, LATER + timedelta(hours=1), LATER), "close": lambda: Close(AGENT, LATER),
    "reopen": lambda: Reopen(AGENT, LATER), "spam": lambda: MarkSpam(AGENT, LATER),
    "not_spam": lambda: MarkNotSpam(AGENT, LATER),
}


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", sorted(EVENTS))
def test_an_action_is_offered_exactly_when_the_machine_would_do_something(status, action):
    """The buttons and the state machine never disagree: a shown button works, a refused one is hidden."""
    conversation = in_status(status)
    try:
        does_something = apply(conversation, EVENTS[action]()).changed
    except TransitionNotAllowed:
        does_something = False
    assert (action in allowed_actions(conversation, "agent")) is does_something
