"""1,000 traveler messages over 100 threads, 30% of notifications redelivered, shuffled,
in batches of 10: every message stored once, each conversation in its tab, profiles filled."""

from __future__ import annotations

import random

import pytest
from channel_helpers import call_callback

from inbox.model import Direction, Status, Tab

ANSWERABLE = ["What time is check-in?", "Is there parking at the hotel?", "À quelle heure est le petit-déjeuner ?"]
PERSON = "I need to speak to a person at reception please"


# A hang guard above pytest.ini's 600 s, not a speed limit: on moto this test does about
# 5,000 DynamoDB requests and drains a 1,430-message queue (moto scans the queue per receive),
# several minutes on a loaded 2-core machine. How fast the pipeline is goes in bench/.
@pytest.mark.timeout(1800)
def test_a_thousand_messages_redelivered_and_shuffled(channel):
    rng = random.Random(20261125)
    channel.hold_notifications()
    wants_person = set(range(50, 100))
    for n in range(100):
        person_at = rng.randrange(10) if n in wants_person else None
        for k in range(10):
            text = PERSON if k == person_at else f"{ANSWERABLE[(n + k) % 3]} ({n}.{k})"
            channel.traveler_writes(f"thr-{n:03d}", text)
    notifications = list(channel.held)
    assert len(notifications) == 1100  # 100 threads created + 1,000 messages
    repeated = rng.sample(notifications, k=int(0.3 * len(notifications)))
    deliveries = notifications + repeated
    rng.shuffle(deliveries)
    for body, headers in deliveries:
        assert call_callback(body, headers)["statusCode"] == 202

    batches = channel.events.drain()
    assert all(b.received <= 10 for b in batches)
    assert sum(b.failed for b in batches) == 0
    assert channel.dlq_bodies(channel.events_dlq) == []

    stored_guest_messages = 0
    for n in range(100):
        thread = f"thr-{n:03d}"
        conversation = channel.conversation_of(thread)
        guest = [m for m in channel.messages_of(thread) if m.direction is Direction.INBOUND]
        assert len(guest) == 10 and len({m.external_message_id for m in guest}) == 10, thread
        stored_guest_messages += len(guest)
        assert conversation.status is (Status.OPEN if n in wants_person else Status.BOT), thread
        contact = channel.store.get_contact("h1", conversation.contact_id)
        assert contact.name == "Inès Moreau" and contact.reservations[0].reservation_id == f"R-{thread}", thread
    assert stored_guest_messages == 1000
    counts = channel.store.tab_counts("h1")
    assert (counts[Tab.OPEN], counts[Tab.ALL], counts[Tab.SPAM]) == (50, 100, 0)
