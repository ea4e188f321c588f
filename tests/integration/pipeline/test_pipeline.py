"""Every guest message runs through one pipeline: each row of the transition table reached
through an inbound message, duplicates, a hotel with its bot off, and the cost per message."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from conversations_helpers import RequestCounter
from lobby_env import AGENT

from inbox.model import Status, Tab

ASK_CHECK_IN = "What time is check-in?"
ASK_PERSON = "I want to talk to a person"
ASK_UNKNOWN = "Do you have a helipad for my private jet?"
SPAM = "Boost your SEO ranking! Buy backlinks at http://cheap-seo.example now, bitcoin accepted"


def messages(service, received):
    return service.messages("h1", received.conversation_id, 50, None).items


def activity_types(service, received):
    return [a.type for a in service.activity("h1", received.conversation_id, 50, None).items]


def outbound_jobs(queue_url, region):
    sqs = boto3.client("sqs", region_name=region)
    found = []
    while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        found += [json.loads(m["Body"]) for m in batch]
    return found


def test_a_question_the_bot_knows_is_answered_and_the_reply_leaves(service, guest, outbound_queue, region):
    received = service.receive(guest.says(ASK_CHECK_IN))
    assert received.conversation.status is Status.BOT and received.conversation.automated
    stored = messages(service, received)
    assert [(m.sender.value, m.direction.value) for m in stored] == [("bot", "outbound"), ("guest", "inbound")]
    assert "3 pm" in stored[0].text and stored[0].delivery.value == "pending"
    (job,) = outbound_jobs(outbound_queue, region)
    assert job["type"] == "reply" and job["message_id"] == stored[0].id
    assert activity_types(service, received) == ["created"]
    assert service.tab_counts("h1")[Tab.ALL] == 1 and service.tab_counts("h1")[Tab.OPEN] == 0


@pytest.mark.parametrize(("text", "wants_human", "reason"), [
    (ASK_PERSON, False, "human_requested"),
    (ASK_CHECK_IN, True, "human_requested"),
    (ASK_UNKNOWN, False, "bot_unanswered"),
])
def test_a_handoff_opens_the_conversation_with_its_reason(service, guest, text, wants_human, reason):
    received = service.receive(guest.says(text, wants_human=wants_human))
    assert received.conversation.status is Status.OPEN and not received.conversation.automated
    entry = service.activity("h1", received.conversation_id, 1, None).items[0]
    assert (entry.type, entry.reason, entry.actor.type.value) == ("handed_off", reason, "bot")
    assert [m.sender.value for m in messages(service, received)] == ["guest"]


def test_a_hotel_with_its_bot_off_hands_everything_off(service, store, guest, lumiere):
    store.set_bot("h1", False, lumiere.knowledge)
    service._hotels.clear()  # another warm function would see it within 30 s
    received = service.receive(guest.says(ASK_CHECK_IN))
    assert received.conversation.status is Status.OPEN
    assert service.activity("h1", received.conversation_id, 1, None).items[0].reason == "bot_disabled"


def test_spam_from_a_new_sender_goes_to_spam_by_the_bot(service, guest):
    received = service.receive(guest.says(SPAM))
    assert received.conversation.status is Status.SPAM
    entry = service.activity("h1", received.conversation_id, 1, None).items[0]
    assert entry.type == "marked_spam" and entry.actor.type.value == "bot"
    assert entry.details["score"] >= 1 and "seo_marketing" in entry.details["reasons"]
    assert service.tab_counts("h1")[Tab.SPAM] == 1 and service.tab_counts("h1")[Tab.ALL] == 0


def test_a_message_on_spam_is_stored_and_nothing_else(service, guest):
    service.receive(guest.says(SPAM))
    received = service.receive(guest.says(ASK_PERSON))
    assert received.conversation.status is Status.SPAM
    assert [m.sender.value for m in messages(service, received)] == ["guest", "guest"]
    assert activity_types(service, received) == ["marked_spam", "created"]


def test_a_message_on_open_stays_open_without_the_bot(service, guest):
    service.receive(guest.says(ASK_PERSON))
    received = service.receive(guest.says(ASK_CHECK_IN))
    assert received.conversation.status is Status.OPEN and received.decision is None
    assert [m.sender.value for m in messages(service, received)] == ["guest", "guest"]


def test_a_message_on_hold_returns_to_open_and_cancels_the_wake_up(service, guest, region, schedule_group):
    first = service.receive(guest.says(ASK_PERSON))
    service.hold("h1", first.conversation_id, AGENT.actor, datetime.now(UTC) + timedelta(hours=3))
    scheduler = boto3.client("scheduler", region_name=region)
    assert len(scheduler.list_schedules(GroupName=schedule_group)["Schedules"]) == 1
    received = service.receive(guest.says("Any news?"))
    assert received.conversation.status is Status.OPEN and received.conversation.hold_until is None
    assert scheduler.list_schedules(GroupName=schedule_group)["Schedules"] == []
    assert activity_types(service, received)[0] == "resumed"


def test_closed_goes_back_to_the_bot_then_to_open_when_the_guest_asks_for_help(service, guest):
    first = service.receive(guest.says(ASK_PERSON))
    service.close("h1", first.conversation_id, AGENT.actor)
    answered = service.receive(guest.says(ASK_CHECK_IN))
    assert answered.conversation.status is Status.CLOSED
    assert messages(service, answered)[0].sender.value == "bot"
    helped = service.receive(guest.says("Can I speak to someone at reception please?"))
    assert helped.conversation.status is Status.OPEN
    assert activity_types(service, helped)[:2] == ["handed_off", "closed"]


def test_spam_detected_on_a_closed_conversation(service, guest):
    first = service.receive(guest.says(ASK_PERSON))
    service.close("h1", first.conversation_id, AGENT.actor)
    received = service.receive(guest.says(SPAM))
    assert received.conversation.status is Status.SPAM


def test_the_same_message_twice_in_a_row_is_stored_once(service, guest, outbound_queue, region):
    message = guest.says(ASK_CHECK_IN)
    first = service.receive(message)
    again = service.receive(message)
    assert again.duplicate and (again.conversation_id, again.message_id) == (first.conversation_id, first.message_id)
    assert len(messages(service, first)) == 2  # the guest's and one bot answer, not two
    assert len(outbound_jobs(outbound_queue, region)) == 1
    assert service.tab_counts("h1")[Tab.ALL] == 1


def test_interleaved_duplicates_change_nothing_the_second_time(service, guest):
    a, b, c = guest.says(ASK_PERSON), guest.says("Hello?"), guest.says("Still there?")
    for message in (a, b, a, c, b, a):
        service.receive(message)
    conversation_id = service.receive(c).conversation_id
    stored = service.messages("h1", conversation_id, 50, None).items
    assert [m.text for m in stored] == ["Still there?", "Hello?", ASK_PERSON]
    assert [t for t in (x.type for x in service.activity("h1", conversation_id, 50, None).items)] == [
        "handed_off", "created"]


def test_the_same_thread_of_two_hotels_are_two_conversations(service, store, lumiere, new_guest):
    from inbox.ports import Hotel

    store.put_hotel(Hotel("h2", "Hotel Aurora"))
    one = service.receive(new_guest("h1", thread="thr-same").says(ASK_PERSON))
    two = service.receive(new_guest("h2", thread="thr-same").says(ASK_PERSON))
    assert one.conversation_id != two.conversation_id
    assert service.tab_counts("h1")[Tab.OPEN] == 1 and service.tab_counts("h2")[Tab.OPEN] == 1


def test_the_guest_profile_is_created_with_the_conversation(service, guest):
    received = service.receive(guest.says(ASK_PERSON))
    contact = service.contact_of(received.conversation)
    assert contact.name == "Inès Moreau" and contact.channel == "expedia"
    assert contact.language == "en"  # the channel did not say; the bot recognised English


def test_two_requests_per_message_on_an_existing_conversation_bot_reply_included(service, guest):
    service.receive(guest.says("Hello!"))  # creates the conversation, warms the hotel cache
    service.close("h1", service.receive(guest.says(ASK_PERSON)).conversation_id, AGENT.actor)
    counter = RequestCounter()
    counter.attach(service.store)
    received = service.receive(guest.says(ASK_CHECK_IN))  # answered by the bot: message + reply + conversation
    assert received.decision.__class__.__name__ == "Answer"
    assert counter.counts == {"BatchGetItem": 1, "TransactWriteItems": 1}
    counter.reset()
    service.receive(guest.says(ASK_PERSON))  # a handoff: message, conversation, entry, counters
    assert counter.counts == {"BatchGetItem": 1, "TransactWriteItems": 1}
    counter.reset()
    service.receive(guest.says(ASK_PERSON, message_id="thr-1-m3"))  # a repeat: one read, no write
    assert counter.counts == {"BatchGetItem": 1}
