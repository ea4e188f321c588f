"""Conversations in every status, built only through the state machine (shared by the unit tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from inbox.bot import Answer, HandOff, HandoffReason, SpamVerdict
from inbox.machine import Close, GuestMessage, Hold, MarkSpam, apply, start_conversation
from inbox.model import Actor, ActorType, Conversation, Status

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
AGENT = Actor(ActorType.AGENT, "agent-1", "Ana")
ANSWER = Answer(text="Check-in is from 15:00.", entry_id="check_in", score=0.9, language="en")
HUMAN = HandOff(HandoffReason.HUMAN_REQUESTED)
SPAM = SpamVerdict(score=0.97, reasons=("crypto offer",))


def new_conversation(at: datetime = T0) -> Conversation:
    return start_conversation(
        conversation_id="c-1", hotel_id="h-1", channel="webchat", at=at, actor=Actor(ActorType.GUEST, "g-1"),
    ).conversation


def in_status(status: Status, at: datetime = T0) -> Conversation:
    """A conversation brought to ``status`` through real events."""
    c = new_conversation(at)
    if status is Status.BOT:
        return c
    if status is Status.SPAM:
        return apply(c, MarkSpam(AGENT, at)).conversation
    c = apply(c, GuestMessage("I want to talk to someone", at, HUMAN)).conversation
    if status is Status.ON_HOLD:
        c = apply(c, Hold(AGENT, at + timedelta(hours=2), at, token="tok-1")).conversation
    if status is Status.CLOSED:
        c = apply(c, Close(AGENT, at)).conversation
    assert c.status is status
    return c
