"""Traveler messages from Expedia reach the inbox through the callback, the queue and the ingest."""

from __future__ import annotations

from datetime import UTC

from channel_helpers import notification

from inbox.model import Status


def test_a_traveler_question_is_answered_through_expedia(channel):
    channel.connect()
    channel.traveler_writes("thr-1", "What time is check-in?")
    channel.run()
    conversation = channel.conversation_of("thr-1")
    assert conversation.status is Status.BOT and conversation.channel == "expedia"
    stored = channel.messages_of("thr-1")
    assert [(m.sender.value, m.direction.value) for m in stored] == [("bot", "outbound"), ("guest", "inbound")]
    (sent,) = channel.sent()
    assert sent["input"]["messageThreadId"] == "thr-1"
    assert sent["input"]["body"] == stored[0].text
    assert sent["input"]["clientMutationId"] == stored[0].id
    assert stored[0].delivery.value == "delivered" and stored[0].external_message_id
    contact = channel.store.get_contact("h1", conversation.contact_id)
    assert contact.name == "Inès Moreau"
    (reservation,) = contact.reservations
    assert (reservation.reservation_id, reservation.check_in, reservation.check_out, reservation.guests) == (
        "R-thr-1", "2026-12-01", "2026-12-04", 3)


def test_a_request_for_a_person_lands_in_open_and_the_profile_is_filled(channel):
    channel.connect()
    channel.traveler_writes("thr-2", "Bonjour, je voudrais parler à quelqu'un de la réception")
    channel.run()
    conversation = channel.conversation_of("thr-2")
    assert conversation.status is Status.OPEN
    assert channel.sent() == []  # no bot reply went out


def test_a_reply_from_the_hotel_on_expedias_site_is_stored_without_moving_the_conversation(channel):
    channel.connect()
    channel.traveler_writes("thr-3", "I want to talk to a person")
    channel.run()
    channel.standin.add_message("thr-3", {"body": "Hello from the front desk (extranet)", "fromRole": "SUPPLIER"})
    channel.run()
    conversation = channel.conversation_of("thr-3")
    assert conversation.status is Status.OPEN
    newest = channel.messages_of("thr-3")[0]
    assert (newest.direction.value, newest.sender.value, newest.delivery.value) == ("outbound", "agent", "delivered")
    assert newest.text == "Hello from the front desk (extranet)" and newest.agent_id is None


def test_a_redelivered_notification_changes_nothing(channel):
    channel.connect()
    sent = channel.traveler_writes("thr-4", "I want to talk to a person")
    channel.run()
    before = channel.conversation_of("thr-4")
    channel.standin.redeliver(sent["notificationId"])
    channel.standin.redeliver(sent["notificationId"])
    channel.run()
    assert channel.conversation_of("thr-4") == before
    assert len(channel.messages_of("thr-4")) == 1


def test_the_same_message_under_another_notification_is_stored_once(channel):
    from channel_helpers import call_callback

    from expedia.signature import sign

    channel.connect()
    sent = channel.traveler_writes("thr-5", "I want to talk to a person")
    channel.run()
    body = notification(ntf_id="ntf-other", thread="thr-5", message=sent["messageId"])
    assert call_callback(body, {"x-expedia-signature": sign(channel.callback_secret, body)})["statusCode"] == 202
    channel.run()
    assert len(channel.messages_of("thr-5")) == 1


def test_a_late_message_is_placed_by_expedias_time_and_never_moves_the_list_back(channel):
    from datetime import datetime, timedelta
    from itertools import count

    minutes = count()
    start = datetime.now(UTC) - timedelta(hours=1)
    channel.standin._now = lambda: start + timedelta(minutes=next(minutes))  # Expedia's clock, a minute a call
    channel.hold_notifications()
    channel.traveler_writes("thr-6", "I want to talk to a person")
    channel.traveler_writes("thr-6", "Are you there?")
    first_created, first, second = channel.held  # thread created, then the two messages
    from channel_helpers import call_callback

    for body, headers in (first_created, second, first):  # the older message arrives last
        call_callback(body, headers)
    channel.run()
    conversation = channel.conversation_of("thr-6")
    texts = [m.text for m in channel.messages_of("thr-6")]
    assert texts == ["Are you there?", "I want to talk to a person"]
    assert conversation.last_message_preview == "Are you there?"
    assert conversation.status is Status.OPEN
