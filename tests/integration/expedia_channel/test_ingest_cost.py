"""What one notification costs: Expedia queries and DynamoDB requests, counted from real hooks."""

from __future__ import annotations

from channel_helpers import call_callback
from conversations_helpers import RequestCounter


def test_a_new_message_on_an_existing_conversation_costs_one_query_and_two_requests(channel):
    from wiring.container import inbox, store

    channel.connect()
    channel.traveler_writes("thr-c", "I want to talk to a person")
    channel.run()  # the conversation exists and the function is warm (hotel, property, token)
    inbox().NOTE_EVERY_SECONDS = 3600  # the health note of the warm-up stands for the counted message, however slow
    counter = RequestCounter()
    counter.attach(store())
    queries_before = len(channel.standin.requests)

    channel.hold_notifications()
    channel.traveler_writes("thr-c", "Are you still there?")
    (body, headers), = channel.held
    call_callback(body, headers)
    channel.events.drain()

    expedia_calls = channel.standin.requests[queries_before:]
    assert [r.get("operation") for r in expedia_calls] == ["message"]
    assert counter.counts == {"BatchGetItem": 1, "TransactWriteItems": 1}

    counter.reset()
    call_callback(body, headers)  # the same notification again
    channel.events.drain()
    assert counter.counts == {"BatchGetItem": 1}  # a repeat: one read, no write
    assert len(channel.standin.requests) == len(expedia_calls) + queries_before  # and no Expedia query
