"""Shared steps of the team tests: a conversation handed to the agents, by real guest messages."""

from __future__ import annotations

from datetime import timedelta

from fakes import T0

from inbox.inbound import GuestProfile, InboundMessage
from inbox.model import Reservation

GUEST = GuestProfile("g-1", "Élodie Martin-Durand", "Elodie.Martin@Example.com", "+33 6 12 34 56 78", "fr",
                     (Reservation("RES-778", "2026-11-24", "2026-11-27"),))


def guest_writes(w, text="I need a person", *, thread="th-1", n=1, channel="webchat", guest=GUEST, minutes=0):
    """A guest message (the fake bot hands anything but breakfast to the agents); returns the conversation id."""
    m = InboundMessage("h1", channel, thread, f"{thread}-m{n}", text, T0 + timedelta(minutes=minutes), guest)
    return w.inbox.receive(m).conversation_id


def activity_types(w, conversation_id):
    return [a.type for a in reversed(w.store.list_activity("h1", conversation_id, 100).items)]
