"""The core refuses a time it could not store (the real check is at the boundary)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from inbox.errors import InvalidInput
from inbox.machine import start_conversation
from inbox.model import Actor, ActorType, Direction, Message, Sender

GUEST = Actor(ActorType.GUEST, "g")


def start(at: datetime):
    return start_conversation(conversation_id="c1", hotel_id="h1", channel="webchat", at=at, actor=GUEST)


@pytest.mark.parametrize("at", [
    datetime(2026, 11, 24, 9, 0),  # naive: which zone?
    datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=14))),  # before year 1 in UTC
])
def test_a_conversation_is_never_built_with_a_time_it_could_not_store(at):
    with pytest.raises(InvalidInput):
        start(at)


def test_a_message_is_never_built_with_a_naive_time():
    with pytest.raises(InvalidInput, match="sent_at"):
        Message(id="m", conversation_id="c1", hotel_id="h1", direction=Direction.INBOUND, sender=Sender.GUEST,
                text="hi", sent_at=datetime(2026, 11, 24, 9, 0))


def test_an_aware_time_of_any_zone_is_kept():
    at = datetime(2026, 11, 24, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert start(at).conversation.created_at == at.astimezone(UTC)
