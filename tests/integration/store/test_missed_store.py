"""Missed questions in the table (moto): a question the bot could not answer is counted in its group in the guest
message's own TransactWriteItems (still one BatchGetItem and one transaction a message); the list is one Query on
``missed-recent``, last asked first, paged by its cursor; a message delivered twice counts once; the agent's first
reply is the answer, in the reply's transaction; teaching and dismissing take the group off the list; an unreadable
group is skipped, not fatal; an erase takes the guest's words out of the group."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from bot.engine import KeywordBot
from inbox.inbound import GuestProfile, InboundMessage
from inbox.model import Actor, ActorType
from inbox.ports import Hotel
from inbox.service import Inbox
from store import keys
from store.schema import MISSED_RECENT

AGENT = Actor(ActorType.AGENT, "agent-ana", "Ana Lima")
ADMIN = Actor(ActorType.AGENT, "agent-adele", "Adèle")
GYM = "Do you have a gym?"
GYM_AGAIN = "A gym - do you have one??"
HELIPAD = "Is there a helipad for my private jet?"
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self):
        self.at = T0

    def __call__(self):
        return self.at


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def inbox(store, clock):
    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris"))
    store.put_hotel(Hotel("h2", "Hotel Aurora", "Europe/Berlin"))
    return Inbox(store, bot=KeywordBot(), audit=store, guest_data=store, channels_that_deliver=frozenset(),
                 clock=clock)


_threads = itertools.count(1)


def asks(inbox, clock, text, *, hotel="h1", thread=None, message="m-1", guest="g"):
    clock.at += timedelta(seconds=10)  # within the hotel cache (30 s): a message reads no hotel
    thread = thread or f"t-{next(_threads)}"
    return inbox.receive(InboundMessage(hotel, "webchat", thread, message, text, clock.at,
                                        GuestProfile(f"{guest}-{thread}", "Inès Moreau")))


def test_the_question_rides_in_the_guest_messages_one_transaction(inbox, clock, store, requests_sent):
    asks(inbox, clock, "Hello")  # the hotel is read (and cached) once
    requests_sent.reset()

    received = asks(inbox, clock, GYM)

    assert requests_sent.counts == {"BatchGetItem": 1, "TransactWriteItems": 1}
    ((_, transaction),) = [c for c in requests_sent.calls if c[0] == "TransactWriteItems"]
    updated = [i["Update"]["Key"]["sk"]["S"] for i in transaction["TransactItems"] if "Update" in i]
    (group,) = store.list_missed("h1", 10).items
    assert keys.missed_sk(group.id) in updated
    assert (group.question, group.count, group.language, group.conversation_id) == (GYM, 1, "en",
                                                                                  received.conversation_id)
    assert store.get_conversation("h1", received.conversation_id).missed_group == group.id


def test_the_list_is_one_query_on_its_index_last_asked_first_with_a_cursor(inbox, clock, store, requests_sent):
    for text in (GYM, HELIPAD, GYM_AGAIN, "Do you rent bicycles?", "Is there a sauna?"):
        asks(inbox, clock, text)
    asks(inbox, clock, "Gibt es eine Sauna?")
    asks(inbox, clock, HELIPAD, hotel="h2")  # another hotel's list
    requests_sent.reset()

    first = inbox.missed_questions("h1", 2, None)
    second = inbox.missed_questions("h1", 2, first.next_cursor)
    third = inbox.missed_questions("h1", 2, second.next_cursor)

    assert [name for name, _ in requests_sent.calls] == ["Query", "Query", "Query"]
    assert {params.get("IndexName") for _, params in requests_sent.calls} == {MISSED_RECENT.name}
    shown = [(g.question, g.count, g.language) for page in (first, second, third) for g in page.items]
    assert shown == [("Gibt es eine Sauna?", 1, "de"), ("Is there a sauna?", 1, "en"),
                     ("Do you rent bicycles?", 1, "en"), (GYM_AGAIN, 2, "en"), (HELIPAD, 1, "en")]
    assert third.next_cursor is None
    assert [g.question for g in inbox.missed_questions("h2", 10, None).items] == [HELIPAD]


def test_a_cursor_of_another_hotel_or_made_up_is_refused(inbox, clock):
    from inbox.errors import InvalidInput

    for text in (GYM, HELIPAD):
        asks(inbox, clock, text)
    cursor = inbox.missed_questions("h1", 1, None).next_cursor
    with pytest.raises(InvalidInput):
        inbox.missed_questions("h2", 1, cursor)
    with pytest.raises(InvalidInput):
        inbox.missed_questions("h1", 1, "bm90IGEgY3Vyc29y")


def test_a_message_delivered_twice_counts_once(inbox, clock, store):
    message = InboundMessage("h1", "expedia", "thr-9", "exp-1", GYM, T0, GuestProfile("thr-9", "Inès"))
    first = inbox.receive(message)
    again = inbox.receive(message)  # the queue's at-least-once delivery: the same record again
    other = Inbox(store, bot=KeywordBot(), channels_that_deliver=frozenset())  # another worker, its own cache
    third = other.receive(message)

    assert not first.duplicate and again.duplicate and third.duplicate
    (group,) = store.list_missed("h1", 10).items
    assert group.count == 1


def test_the_agents_first_reply_is_the_answer_in_the_replys_transaction(inbox, clock, store, requests_sent):
    received = asks(inbox, clock, GYM)
    requests_sent.reset()

    inbox.reply("h1", received.conversation_id, AGENT, "Yes, on the 2nd floor.")

    assert requests_sent.counts["TransactWriteItems"] == 1
    inbox.reply("h1", received.conversation_id, AGENT, "Anything else?")
    (group,) = store.list_missed("h1", 10).items
    assert (group.answer.text, group.answer.agent) == ("Yes, on the 2nd floor.", "Ana Lima")
    assert store.get_conversation("h1", received.conversation_id).missed_group is None


def test_teaching_and_dismissing_take_groups_off_the_list_and_a_new_question_puts_it_back(inbox, clock, store):
    asks(inbox, clock, GYM)
    asks(inbox, clock, HELIPAD)
    helipad, gym = store.list_missed("h1", 10).items

    entry = inbox.teach("h1", gym.id, ADMIN, {"en": "Floor 2."})
    inbox.dismiss_missed("h1", helipad.id, ADMIN)

    assert store.list_missed("h1", 10).items == []
    assert store.get_missed("h1", gym.id).taught_entry_id == entry.id
    assert [e.id for e in store.get_hotel("h1").knowledge.entries] == [entry.id]
    assert asks(inbox, clock, GYM_AGAIN).conversation.status.value == "bot"  # taught: the bot answers
    asks(inbox, clock, HELIPAD)
    (back,) = store.list_missed("h1", 10).items
    assert (back.id, back.count) == (helipad.id, 2)


def test_an_unreadable_group_is_skipped_and_reported(inbox, clock, store, region):
    asks(inbox, clock, GYM)
    asks(inbox, clock, HELIPAD)
    helipad, gym = store.list_missed("h1", 10).items
    reported = []
    store.on_unreadable = lambda key, error: reported.append(key)
    boto3.client("dynamodb", region_name=region).update_item(
        TableName=store.table_name,
        Key={"pk": {"S": keys.hotel_pk("h1")}, "sk": {"S": keys.missed_sk(gym.id)}},
        UpdateExpression="SET #c = :bad", ExpressionAttributeNames={"#c": "count"},
        ExpressionAttributeValues={":bad": {"S": "many"}})

    assert [g.id for g in store.list_missed("h1", 10).items] == [helipad.id]
    assert store.get_missed("h1", gym.id) is None
    assert len(reported) == 2 and all(keys.missed_sk(gym.id) in key for key in reported)


def test_erasing_the_guest_takes_their_words_out_of_the_group(inbox, clock, store):
    other = asks(inbox, clock, GYM)
    inbox.reply("h1", other.conversation_id, AGENT, "Yes, floor 2.")
    erased = asks(inbox, clock, "Camille here, do you have a gym?", guest="camille")
    inbox.reply("h1", erased.conversation_id, AGENT, "Yes Camille, floor 2.")
    shown = store.list_missed("h1", 10).items
    contact = store.get_conversation("h1", erased.conversation_id).contact_id

    inbox.erase_guest("h1", contact, ADMIN)

    assert store.list_missed("h1", 10).items == [g for g in shown if "Camille" not in g.question]
    for group in shown:
        left = store.get_missed("h1", group.id)
        assert "Camille" not in left.question and (left.answer is None or "Camille" not in left.answer.text)
