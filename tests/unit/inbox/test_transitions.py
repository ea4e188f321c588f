"""Every row of the API's transition table, and every pair it refuses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from inbox_states import AGENT, ANSWER, HUMAN, SPAM, T0, in_status, new_conversation

from inbox.bot import HandOff, HandoffReason
from inbox.errors import InvalidInput, TransitionNotAllowed
from inbox.machine import (
    TRANSITIONS,
    AgentReply,
    BotSwitched,
    CancelWakeUp,
    Close,
    DeliverReply,
    GuestMessage,
    Hold,
    MarkNotSpam,
    MarkSpam,
    Reopen,
    Resume,
    ScheduleWakeUp,
    WakeUp,
    apply,
)
from inbox.model import ActorType, Sender, Status, Tab, bot_enabled, preview, tabs_of

B, O, H, C, S = Status.BOT, Status.OPEN, Status.ON_HOLD, Status.CLOSED, Status.SPAM  # noqa: E741 (the table's letters)
LATER = T0 + timedelta(minutes=5)


def event_for(trigger: str):
    return {
        "bot_answered": GuestMessage("What time is check-in?", LATER, ANSWER),
        "handed_off": GuestMessage("A person please", LATER, HUMAN),
        "bot_spam": GuestMessage("Buy crypto now", LATER, SPAM),
        "guest_message": GuestMessage("Hello?", LATER, None),
        "agent_reply": AgentReply(AGENT, "On it!", LATER),
        "hold": Hold(AGENT, LATER + timedelta(hours=1), LATER, token="tok-2"),
        "wake_up": WakeUp("tok-1", LATER),
        "close": Close(AGENT, LATER),
        "reopen": Reopen(AGENT, LATER),
        "spam": MarkSpam(AGENT, LATER),
        "not_spam": MarkNotSpam(AGENT, LATER),
        "resume": Resume(AGENT, LATER),
    }[trigger]


# The table of api.md, restated by hand so that a change to TRANSITIONS fails here.
EXPECTED = {
    ("bot_answered", B): (B, None), ("bot_answered", C): (C, None),
    ("handed_off", B): (O, "handed_off"), ("handed_off", C): (O, "handed_off"),
    ("bot_spam", B): (S, "marked_spam"), ("bot_spam", C): (S, "marked_spam"),
    ("guest_message", O): (O, None), ("guest_message", H): (O, "resumed"), ("guest_message", S): (S, None),
    ("agent_reply", O): (O, None), ("agent_reply", H): (O, "resumed"),
    ("agent_reply", B): (O, "taken_over"), ("agent_reply", C): (O, "taken_over"),
    ("hold", O): (H, "held"), ("hold", H): (H, "held"),
    ("wake_up", H): (O, "woken"),
    ("close", B): (C, "closed"), ("close", O): (C, "closed"), ("close", H): (C, "closed"),
    ("reopen", C): (O, "reopened"),
    ("spam", B): (S, "marked_spam"), ("spam", O): (S, "marked_spam"), ("spam", H): (S, "marked_spam"),
    ("spam", C): (S, "marked_spam"),
    ("not_spam", S): (O, "unmarked_spam"),
    ("resume", H): (O, "resumed"), ("resume", O): (O, None),
}


def test_the_table_is_exactly_the_contract():
    written = {(t, s): (row.to, row.activity) for t, rows in TRANSITIONS.items() for s, row in rows.items()}
    assert written == EXPECTED


@pytest.mark.parametrize(("trigger", "status"), sorted(EXPECTED, key=str))
def test_each_row(trigger, status):
    before = in_status(status)
    outcome = apply(before, event_for(trigger))
    to, activity_type = EXPECTED[(trigger, status)]
    assert outcome.trigger == trigger
    assert outcome.conversation.status is to
    if activity_type is None:
        assert outcome.activity is None
    else:
        assert outcome.activity.type == activity_type
        assert (outcome.activity.from_status, outcome.activity.to_status) == (status, to)
        assert outcome.activity.at == LATER


# Guest-message triggers are chosen by the status (the bot is only asked in bot/closed),
# so the refused pairs are those of the events an agent or the system can send.
REQUESTED = ["agent_reply", "hold", "close", "reopen", "spam", "not_spam", "resume"]
REFUSED = [(t, s) for t in REQUESTED for s in Status if (t, s) not in EXPECTED]


@pytest.mark.parametrize(("trigger", "status"), REFUSED)
def test_each_refused_pair_names_the_current_status(trigger, status):
    with pytest.raises(TransitionNotAllowed) as refused:
        apply(in_status(status), event_for(trigger))
    assert refused.value.status == status
    assert str(status) in str(refused.value)


@pytest.mark.parametrize("status", [B, O, C, S])
def test_a_wake_up_outside_on_hold_changes_nothing(status):
    before = in_status(status)
    outcome = apply(before, WakeUp("tok-1", LATER))
    assert outcome.conversation == before and outcome.activity is None and outcome.effects == ()
    assert "not on hold" in outcome.ignored


def test_a_wake_up_of_an_older_hold_changes_nothing():
    held = in_status(H)
    rehold = apply(held, Hold(AGENT, LATER + timedelta(hours=3), LATER, token="tok-new")).conversation
    outcome = apply(rehold, WakeUp("tok-1", LATER))
    assert outcome.conversation.status is H and outcome.activity is None
    assert outcome.ignored == "wake-up of an older hold"


def test_wake_up_of_the_current_hold_opens_with_a_system_entry():
    outcome = apply(in_status(H), WakeUp("tok-1", LATER))
    assert outcome.conversation.status is O
    assert outcome.conversation.hold_until is None and outcome.conversation.hold_token is None
    assert outcome.activity.actor.type is ActorType.SYSTEM and outcome.activity.reason == "hold_expired"
    assert not any(isinstance(e, CancelWakeUp) for e in outcome.effects)  # the schedule deletes itself once fired


def test_hold_sets_until_and_a_fresh_token_and_schedules_it():
    opened = in_status(O)
    until = LATER + timedelta(hours=4)
    first = apply(opened, Hold(AGENT, until, LATER))
    second = apply(first.conversation, Hold(AGENT, until, LATER))
    assert first.conversation.hold_until == until
    assert first.conversation.hold_token != second.conversation.hold_token
    assert first.effects[0] == ScheduleWakeUp(until, first.conversation.hold_token)
    assert first.activity.details == {"until": "2026-11-24T13:05:00.000Z"}


@pytest.mark.parametrize("until", [LATER, LATER - timedelta(seconds=1), LATER + timedelta(days=30, seconds=1)])
def test_hold_must_end_in_the_future_and_within_30_days(until):
    with pytest.raises(InvalidInput):
        apply(in_status(O), Hold(AGENT, until, LATER))


def test_hold_of_exactly_30_days_is_allowed():
    outcome = apply(in_status(O), Hold(AGENT, LATER + timedelta(days=30), LATER))
    assert outcome.conversation.status is H


@pytest.mark.parametrize("event", [
    GuestMessage("Hello?", LATER), AgentReply(AGENT, "Hi", LATER), Close(AGENT, LATER), MarkSpam(AGENT, LATER),
])
def test_leaving_on_hold_cancels_the_wake_up(event):
    outcome = apply(in_status(H), event)
    assert CancelWakeUp("tok-1") in outcome.effects
    assert outcome.conversation.hold_until is None


def test_a_new_hold_cancels_the_wake_up_of_the_hold_it_replaces():
    outcome = apply(in_status(H), Hold(AGENT, LATER + timedelta(hours=3), LATER, token="tok-2"))
    assert outcome.effects[:2] == (CancelWakeUp("tok-1"), ScheduleWakeUp(LATER + timedelta(hours=3), "tok-2"))


def test_agent_reply_on_hold_returns_to_open_and_delivers():
    outcome = apply(in_status(H), AgentReply(AGENT, "Here is your answer", LATER))
    assert outcome.conversation.status is O
    assert DeliverReply("Here is your answer", Sender.AGENT, AGENT) in outcome.effects
    assert outcome.conversation.last_message_preview == "Here is your answer"


def test_bot_answer_is_delivered_and_keeps_the_conversation_automated():
    outcome = apply(new_conversation(), event_for("bot_answered"))
    assert outcome.conversation.automated is True
    assert outcome.effects == (DeliverReply(ANSWER.text, Sender.BOT, outcome.effects[0].actor),)
    assert outcome.conversation.last_message_preview == ANSWER.text


@pytest.mark.parametrize("reason", list(HandoffReason))
def test_handoff_records_its_reason_and_switches_the_bot_off(reason):
    outcome = apply(new_conversation(), GuestMessage("?", LATER, HandOff(reason)))
    assert outcome.activity.reason == reason.value
    assert outcome.conversation.automated is False
    assert BotSwitched(on=False) in outcome.effects


def test_closing_switches_the_bot_back_on():
    assert BotSwitched(on=True) in apply(in_status(O), Close(AGENT, LATER)).effects


def test_bot_spam_is_by_the_bot_with_score_and_reasons():
    outcome = apply(new_conversation(), event_for("bot_spam"))
    assert outcome.activity.actor.type is ActorType.BOT
    assert outcome.activity.details == {"score": 0.97, "reasons": ["crypto offer"]}


def test_a_guest_message_to_the_bot_needs_its_decision():
    with pytest.raises(InvalidInput):
        apply(new_conversation(), GuestMessage("hello", LATER, None))


def test_a_late_message_never_moves_the_last_activity_back():
    opened = apply(in_status(O), GuestMessage("newest", LATER, None)).conversation
    late = apply(opened, GuestMessage("older", LATER - timedelta(minutes=3), None)).conversation
    assert late.last_message_at == LATER and late.last_message_preview == "newest"


def test_preview_is_at_most_140_characters_on_one_line():
    text = "line one\n" + "x" * 300
    assert len(preview(text)) == 140 and "\n" not in preview(text)
    assert preview("short") == "short"


@pytest.mark.parametrize(("status", "tabs"), [
    (B, {Tab.ALL}), (O, {Tab.OPEN, Tab.ALL}), (H, {Tab.ON_HOLD, Tab.ALL}), (C, {Tab.CLOSED, Tab.ALL}), (S, {Tab.SPAM}),
])
def test_tabs_follow_the_status(status, tabs):
    assert tabs_of(status) == tabs


@pytest.mark.parametrize("status", list(Status))
def test_bot_enabled_rule(status):
    assert bot_enabled(status, True) is (status in (B, C))
    assert bot_enabled(status, False) is False
