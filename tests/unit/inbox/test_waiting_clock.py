"""waiting_since, attention_at and the reply clock: who waits since when, and by when to answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from inbox_states import AGENT, ANSWER, HUMAN, T0, in_status, new_conversation

from inbox.clocks import reply_due_at
from inbox.machine import AgentReply, Close, GuestMessage, Hold, MarkSpam, Reopen, WakeUp, apply
from inbox.model import Status
from inbox.ports import Hotel

LATER = T0 + timedelta(minutes=5)


def handed_off():
    return apply(new_conversation(), GuestMessage("A person please", LATER, HUMAN)).conversation


def test_a_handoff_makes_the_guest_wait_since_their_message():
    c = handed_off()
    assert c.waiting_since == LATER and c.attention_at == LATER


def test_a_second_guest_message_keeps_the_oldest_wait_but_needs_attention_again():
    c = apply(handed_off(), GuestMessage("Hello?", LATER + timedelta(hours=1))).conversation
    assert c.waiting_since == LATER
    assert c.attention_at == LATER + timedelta(hours=1)


def test_a_guest_the_bot_answers_waits_for_nobody():
    c = apply(new_conversation(), GuestMessage("Check-in time?", LATER, ANSWER)).conversation
    assert c.waiting_since is None and c.attention_at is None


def test_an_agent_reply_ends_the_wait_and_the_next_guest_message_starts_a_new_one():
    replied = apply(handed_off(), AgentReply(AGENT, "Hello!", LATER + timedelta(minutes=10))).conversation
    assert replied.waiting_since is None
    again = apply(replied, GuestMessage("Thanks, one more thing", LATER + timedelta(hours=2))).conversation
    assert again.waiting_since == LATER + timedelta(hours=2)


@pytest.mark.parametrize("event", [Close(AGENT, LATER), MarkSpam(AGENT, LATER)])
def test_close_and_spam_end_the_wait(event):
    assert apply(handed_off(), event).conversation.waiting_since is None


def test_a_hold_and_its_wake_up_keep_the_guest_waiting():
    held = apply(handed_off(), Hold(AGENT, LATER + timedelta(hours=2), LATER, token="t")).conversation
    assert held.waiting_since == LATER
    woken = apply(held, WakeUp("t", LATER + timedelta(hours=2))).conversation
    assert woken.waiting_since == LATER


def test_a_reopened_conversation_waits_for_nobody_until_the_guest_writes():
    reopened = apply(in_status(Status.CLOSED), Reopen(AGENT, LATER)).conversation
    assert reopened.waiting_since is None


def test_a_guest_message_makes_it_unread_for_an_agent_who_had_read_it():
    read = handed_off().evolve(read_at={"agent-1": LATER + timedelta(minutes=1)})
    assert not read.unread_for("agent-1") and read.unread_for("agent-2")
    again = apply(read, GuestMessage("Hello?", LATER + timedelta(minutes=2))).conversation
    assert again.unread_for("agent-1")


HOTEL = Hotel("h-1", "Hôtel", reply_target_minutes=30)


@pytest.mark.parametrize("channel", ["booking", "airbnb"])
def test_channels_with_their_own_clock_give_24_hours_whatever_the_hotel_target(channel):
    c = handed_off().evolve(channel=channel)
    assert reply_due_at(c, HOTEL) == LATER + timedelta(hours=24)


def test_other_channels_use_the_hotel_target():
    assert reply_due_at(handed_off(), HOTEL) == LATER + timedelta(minutes=30)


def test_no_target_or_nobody_waiting_means_no_clock():
    assert reply_due_at(handed_off(), Hotel("h-1", "Hôtel")) is None
    answered = apply(handed_off(), AgentReply(AGENT, "Hi", LATER)).conversation
    assert reply_due_at(answered.evolve(channel="booking"), HOTEL) is None
