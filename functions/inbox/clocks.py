"""Reply clocks: by when the hotel should answer a waiting guest (computed, never stored)."""

from __future__ import annotations

from datetime import datetime, timedelta

from inbox.model import Conversation
from inbox.ports import Hotel

# Channels that measure the hotel's reply time themselves, with a 24 h clock (their ranking counts it).
REPLY_CLOCK_CHANNELS = frozenset({"booking", "airbnb"})
CHANNEL_CLOCK = timedelta(hours=24)


def reply_due_at(conversation: Conversation, hotel: Hotel | None) -> datetime | None:
    """When the reply is due: the channel's 24 h clock, else the hotel's own target, else None (or nobody waits)."""
    waiting = conversation.waiting_since
    if waiting is None:
        return None
    if conversation.channel in REPLY_CLOCK_CHANNELS:
        return waiting + CHANNEL_CLOCK
    if hotel is not None and hotel.reply_target_minutes is not None:
        return waiting + timedelta(minutes=hotel.reply_target_minutes)
    return None
