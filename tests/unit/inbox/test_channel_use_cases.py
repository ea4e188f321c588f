"""The channel use cases (what Expedia's ingest, sender and backfill ask of the inbox), on fakes of the ports."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from fakes import T0, world

from inbox.channel import ChannelUseCases
from inbox.errors import NotFound
from inbox.inbound import GuestProfile, InboundMessage, contact_id_for
from inbox.model import Actor, ActorType, Delivery, Direction, Sender, Status
from inbox.ports import ChannelHealthRecord
from infra import names

AGENT = Actor(ActorType.AGENT, "agent-1", "Ana")


def guest_writes(w, text="I want a person", message="m-1", notification="n-1", thread="thr-1", at=T0):
    event = w.inbox.look_up("h1", "expedia", thread, event_id=notification, external_message_id=message)
    inbound = InboundMessage("h1", "expedia", thread, message, text, at, GuestProfile(thread, "Inès"))
    return event, w.inbox.receive(inbound, event=event)


def hotel_writes(w, text, message="exp-h1", notification="n-h1", thread="thr-1", at=T0 + timedelta(minutes=5)):
    event = w.inbox.look_up("h1", "expedia", thread, event_id=notification, external_message_id=message)
    inbound = InboundMessage("h1", "expedia", thread, message, text, at, GuestProfile(thread))
    return w.inbox.record_hotel_message(inbound, event)


def pending_reply(w, text="We will upgrade your room."):
    _, received = guest_writes(w)
    return w.inbox.reply("h1", received.conversation_id, AGENT, text)


def test_a_guest_message_and_its_notification_are_stored_once():
    w = world()
    event, first = guest_writes(w)
    assert not event.handled and event.conversation is None and first.conversation.status is Status.OPEN
    again, _ = guest_writes(w)  # the same notification redelivered
    assert again.handled and again.message_handled
    other_notification, _ = guest_writes(w, notification="n-2")  # the same message under another notification
    assert not other_notification.handled and other_notification.message_handled
    assert len(w.store.all_messages("h1", first.conversation_id)) == 1


def test_a_look_up_read_once_is_trusted_but_a_conflict_reads_again():
    w = world()
    _, first = guest_writes(w)
    stale = w.inbox.look_up("h1", "expedia", "thr-1", event_id="n-2", external_message_id="m-2")
    w.inbox.close("h1", first.conversation_id, AGENT)  # an agent acts between the read and the write
    received = w.inbox.receive(InboundMessage("h1", "expedia", "thr-1", "m-2", "Hello?", T0 + timedelta(minutes=1),
                                              GuestProfile("thr-1")), event=stale)
    assert not received.duplicate and received.conversation.status is Status.OPEN  # reopened from closed by the bot
    assert len(w.store.all_messages("h1", first.conversation_id)) == 2


def test_the_channels_echo_of_our_pending_reply_marks_it_delivered_and_stores_nothing_new():
    w = world()
    reply = pending_reply(w)
    received = hotel_writes(w, "  We will upgrade your room.  ")
    assert received.own_reply and received.message_id == reply.id
    (stored,) = [m for m in w.store.all_messages("h1", reply.conversation_id) if m.direction is Direction.OUTBOUND]
    assert (stored.delivery, stored.external_message_id) == (Delivery.DELIVERED, "exp-h1")


def test_a_message_the_hotel_wrote_on_expedia_is_stored_delivered_and_moves_nothing():
    w = world()
    _, guest = guest_writes(w)
    received = hotel_writes(w, "Hello from the front desk")
    assert not received.own_reply and received.conversation.status is Status.OPEN
    message = w.store.all_messages("h1", guest.conversation_id)[-1]
    assert (message.sender, message.delivery, message.text) == (Sender.AGENT, Delivery.DELIVERED,
                                                                "Hello from the front desk")
    assert hotel_writes(w, "Hello from the front desk", notification="n-h2").duplicate


def test_a_reply_blocked_by_moderation_fails_and_counts_in_the_channels_health():
    w = world()
    reply = pending_reply(w)
    w.inbox.record_delivery(reply, "exp-r1")
    event = w.inbox.look_up("h1", "expedia", "thr-1", event_id="n-mod", external_message_id="exp-r1")
    assert w.inbox.record_moderation(event, "exp-r1", blocked=True)
    stored = w.store.get_message("h1", reply.conversation_id, reply.sent_at, reply.id)
    assert (stored.delivery, stored.delivery_error) == (Delivery.FAILED, "blocked_by_expedia")
    assert [(h, c) for h, c, _ in w.health.blocked] == [("h1", "expedia")]
    assert w.inbox.look_up("h1", "expedia", "thr-1", event_id="n-mod").handled


def test_moderation_of_a_message_that_is_not_ours_only_marks_the_notification():
    w = world()
    guest_writes(w)
    event = w.inbox.look_up("h1", "expedia", "thr-1", event_id="n-mod", external_message_id="exp-unknown")
    writes = len(w.store.writes)
    assert not w.inbox.record_moderation(event, "exp-unknown", blocked=True)
    assert w.store.writes[writes:] == ["take_guards"] and w.health.blocked == []


def test_two_concurrent_claims_of_one_message_give_it_to_one_copy_only():
    w = world()
    reply = pending_reply(w)
    start, claims = threading.Barrier(2), []

    def claim():
        start.wait()
        claims.append(w.inbox.claim_delivery("h1", reply.conversation_id, reply.sent_at, reply.id))

    copies = [threading.Thread(target=claim) for _ in range(2)]
    for copy in copies:
        copy.start()
    for copy in copies:
        copy.join()
    assert sorted(c.outcome for c in claims) == ["busy", "claimed"]
    stored = w.store.get_message("h1", reply.conversation_id, reply.sent_at, reply.id)
    assert stored.delivery is Delivery.PENDING  # the busy copy failed nothing


def test_a_claim_given_back_or_expired_can_be_taken_again():
    w = world()
    reply = pending_reply(w)
    first = w.inbox.claim_delivery("h1", reply.conversation_id, reply.sent_at, reply.id)
    w.inbox.release_delivery(first)
    second = w.inbox.claim_delivery("h1", reply.conversation_id, reply.sent_at, reply.id)
    assert second.claimed
    w.clock.advance(seconds=ChannelUseCases.CLAIM_LEASE.total_seconds() + 1)  # its copy crashed
    assert w.inbox.claim_delivery("h1", reply.conversation_id, reply.sent_at, reply.id).claimed


def test_the_claim_outlives_the_senders_timeout():
    assert ChannelUseCases.CLAIM_LEASE > timedelta(seconds=names.OUTBOUND_SENDER_TIMEOUT_SECONDS)


def test_a_delivered_or_missing_message_is_never_claimed():
    w = world()
    reply = pending_reply(w)
    w.inbox.record_delivery(reply, "exp-r1")
    assert w.inbox.claim_delivery("h1", reply.conversation_id, reply.sent_at, reply.id).outcome == "delivered"
    assert w.inbox.claim_delivery("h1", reply.conversation_id, reply.sent_at, "msg_gone").outcome == "gone"
    w.inbox.record_failed_delivery(reply, "rejected_by_expedia: no")
    assert w.inbox.claim_delivery("h1", reply.conversation_id, reply.sent_at, reply.id).outcome == "not_pending"


def test_the_guest_profile_of_a_new_thread_is_saved_once_per_notification():
    w = world()
    event = w.inbox.look_up("h1", "expedia", "thr-5", event_id="n-created")
    assert w.inbox.save_guest_profile(event, GuestProfile("thr-5", "Inès Moreau"))
    assert not w.inbox.save_guest_profile(event, GuestProfile("thr-5", "Someone else"))
    assert w.store.get_contact("h1", contact_id_for("expedia", "thr-5")).name == "Inès Moreau"


def test_a_property_moved_to_another_hotel_is_followed_within_half_a_minute():
    w = world()
    assert w.inbox.hotel_for_expedia_property("p1") == "h1"
    w.store.properties["p1"] = "h2"
    w.clock.advance(seconds=29)
    assert w.inbox.hotel_for_expedia_property("p1") == "h1"
    w.clock.advance(seconds=2)
    assert w.inbox.hotel_for_expedia_property("p1") == "h2"
    assert w.inbox.hotel_for_expedia_property("p-unknown") is None


def test_the_last_notification_is_noted_at_most_once_a_minute_per_hotel():
    w = world()
    for _ in range(5):
        w.inbox.note_notification("h1", "expedia")
        w.clock.advance(seconds=10)
    w.inbox.note_notification("h2", "expedia")
    w.clock.advance(seconds=15)
    w.inbox.note_notification("h1", "expedia")
    assert [(h, at - T0) for h, _, at in w.health.notifications] == [
        ("h1", timedelta(0)), ("h2", timedelta(seconds=50)), ("h1", timedelta(seconds=65))]


def test_a_health_note_that_fails_never_costs_the_guest_message():
    w = world()

    def down(*args):
        raise RuntimeError("throttled")

    w.health.note_notification = down
    w.inbox.note_notification("h1", "expedia")
    _, received = guest_writes(w)
    assert not received.duplicate


def test_the_channels_health_counts_blocked_replies_of_the_last_seven_days():
    w = world()
    w.health.record = ChannelHealthRecord(last_notification_at=T0, undelivered=3, last_reconciled_at=T0,
                                          blocked_by_day={"2026-11-24": 2, "2026-11-18": 1, "2026-11-17": 5})
    (status,) = w.inbox.channels("h1")
    assert (status.channel, status.connected, status.undelivered, status.blocked_replies_7d) == (
        "expedia", True, 3, 3)
    with pytest.raises(NotFound):
        w.inbox.channels("h-none")


def test_a_past_guest_message_is_stored_without_the_bot_and_once():
    w = world()
    event = w.inbox.look_up("h1", "expedia", "thr-old", external_message_id="m-old")
    inbound = InboundMessage("h1", "expedia", "thr-old", "m-old", "Is breakfast included?", T0 - timedelta(days=3),
                             GuestProfile("thr-old", "Inès"))
    received = w.inbox.record_past_guest_message(inbound, event)
    assert w.bot.seen == [] and w.outbox.jobs == []
    assert received.conversation.status is Status.BOT and received.conversation.contact_name == "Inès"
    again = w.inbox.look_up("h1", "expedia", "thr-old", external_message_id="m-old")
    assert again.message_handled
