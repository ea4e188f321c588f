"""Pipeline fixtures: a hotel with the sample knowledge base, the inbox service wired like the API's."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from bot.samples import sample_knowledge_base
from inbox.inbound import GuestProfile, InboundMessage
from inbox.ports import Hotel


@pytest.fixture
def lumiere(store):
    hotel = Hotel("h1", "Hôtel Lumière", "Europe/Paris", knowledge=sample_knowledge_base())
    store.put_hotel(hotel)
    return hotel


@pytest.fixture
def service(api_settings, lumiere):
    from wiring.container import inbox

    return inbox()


class Guest:
    """A guest writing on one channel thread; each call is a new message a little later."""

    def __init__(self, hotel_id="h1", channel="expedia", thread="thr-1", name="Inès Moreau"):
        self.hotel_id, self.channel, self.thread, self.name = hotel_id, channel, thread, name
        self.clock = datetime.now(UTC) - timedelta(minutes=30)
        self.ids = itertools.count(1)

    def says(self, text: str, *, wants_human: bool = False, message_id: str | None = None) -> InboundMessage:
        self.clock += timedelta(seconds=30)
        return InboundMessage(
            hotel_id=self.hotel_id, channel=self.channel, external_conversation_id=self.thread,
            external_message_id=message_id or f"{self.thread}-m{next(self.ids)}", text=text, sent_at=self.clock,
            sender=GuestProfile(external_id=f"guest-{self.thread}", name=self.name, language=None),
            wants_human=wants_human,
        )


@pytest.fixture
def guest() -> Guest:
    return Guest()


@pytest.fixture
def new_guest():
    return Guest
