"""A message is a repeat only within its conversation; the guest's profile language is the one
of the guest's text; an unreadable item is logged with its key and counted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
from lobby_env import TABLE

from inbox.bot import KnowledgeBase, KnowledgeEntry
from inbox.inbound import GuestProfile, InboundMessage
from inbox.model import Tab
from inbox.ports import Hotel


def partner_message(chat: str, message_id: str, text: str) -> InboundMessage:
    return InboundMessage(
        hotel_id="h1", channel="webchat", external_conversation_id=chat, external_message_id=message_id, text=text,
        sent_at=datetime.now(UTC) - timedelta(minutes=1), sender=GuestProfile(external_id=f"visitor-{chat}"),
    )


def test_a_partner_numbering_messages_per_chat_loses_none_of_them(service):
    one = service.receive(partner_message("chat-1", "m-1", "I want to talk to a person"))
    two = service.receive(partner_message("chat-2", "m-1", "Can I speak to someone please?"))
    assert not one.duplicate and not two.duplicate and one.conversation_id != two.conversation_id
    for received, text in ((one, "I want to talk to a person"), (two, "Can I speak to someone please?")):
        assert service.conversation("h1", received.conversation_id).id == received.conversation_id
        assert [m.text for m in service.messages("h1", received.conversation_id, 50, None).items] == [text]
    assert service.tab_counts("h1")[Tab.OPEN] == 2


def test_the_same_message_id_twice_in_one_chat_is_still_stored_once(service):
    first = service.receive(partner_message("chat-1", "m-1", "I want to talk to a person"))
    again = service.receive(partner_message("chat-1", "m-1", "I want to talk to a person"))
    assert again.duplicate and again.message_id == first.message_id
    assert len(service.messages("h1", first.conversation_id, 50, None).items) == 1


def test_a_spanish_guest_answered_in_english_gets_a_spanish_profile(service, store):
    english_only = KnowledgeBase(entries=(KnowledgeEntry(
        "checkin", "Check-in", ("What time is check-in?", "When can I check in?"), {"en": "Check-in is from 3 pm."}),))
    store.put_hotel(Hotel("h-es", "Hotel Sol", knowledge=english_only))
    received = service.receive(InboundMessage(
        hotel_id="h-es", channel="webchat", external_conversation_id="chat-es", external_message_id="m-1",
        text="Hola, ¿a qué hora podemos hacer el check-in?", sent_at=datetime.now(UTC) - timedelta(minutes=1),
        sender=GuestProfile(external_id="visitor-es"),
    ))
    assert received.decision.language == "en"  # the answer is the English one
    assert service.contact_of(received.conversation).language == "es"  # the guest wrote Spanish


def test_an_unreadable_item_is_logged_with_its_key_and_counted(service, region, caplog):
    from wiring.observability import metrics

    boto3.client("dynamodb", region_name=region).put_item(TableName=TABLE, Item={
        "pk": {"S": "HOTEL#h1#CONV#cv_year91"}, "sk": {"S": "CONVERSATION"}, "conversation_id": {"S": "cv_year91"},
        "hotel_id": {"S": "h1"}, "channel": {"S": "webchat"}, "status": {"S": "open"},
        "created_at": {"S": "91-01-20T17:51:29.000Z"}, "updated_at": {"S": "91-01-20T17:51:29.000Z"},
        "last_message_at": {"S": "91-01-20T17:51:29.000Z"}, "version": {"N": "1"},
        "open_pk": {"S": "h1"}, "open_sk": {"S": "91-01-20T17:51:29.000Z#cv_year91"},
    })
    service.list_tab("h1", Tab.OPEN, 25, None)
    (entry,) = [r for r in caplog.records if r.getMessage() == "unreadable item"]
    assert entry.item_key == "HOTEL#h1#CONV#cv_year91 | CONVERSATION" and "91-01-20" in entry.error
    assert "Store.unreadable_item" in metrics.metric_set
    metrics.clear_metrics()
