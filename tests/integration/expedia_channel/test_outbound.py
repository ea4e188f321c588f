"""Replies and spam flags leave through the outbound queue to Expedia's GraphQL API."""

from __future__ import annotations

import json

import pytest
from lobby_env import AGENT


@pytest.fixture
def open_thread(channel):
    """An Expedia guest who asked for a person; returns the conversation."""
    channel.connect()
    channel.traveler_writes("thr-7", "I want to talk to a person")
    channel.run()
    return channel.conversation_of("thr-7")


def agent_replies(channel, conversation, text="Bonjour Inès, we will upgrade your room."):
    from wiring.container import inbox

    return inbox().reply("h1", conversation.id, AGENT.actor, text)


def test_a_reply_arrives_as_send_message_with_thread_body_and_client_mutation_id(channel, open_thread):
    message = agent_replies(channel, open_thread)
    channel.run()
    (sent,) = channel.sent()
    assert sent["input"] == {"clientMutationId": message.id, "messageThreadId": "thr-7",
                             "body": "Bonjour Inès, we will upgrade your room."}
    stored = channel.messages_of("thr-7")[0]
    assert stored.id == message.id and stored.delivery.value == "delivered"
    assert len(channel.messages_of("thr-7")) == 2  # Expedia's echo of our reply is recognised as ours


def test_500_500_then_success_is_delivered_once(channel, open_thread):
    channel.standin.set_faults({"sendMessage": [500, 500]})
    agent_replies(channel, open_thread)
    channel.run()
    assert len(channel.sent()) == 1
    assert channel.messages_of("thr-7")[0].delivery.value == "delivered"


def test_a_graphql_refusal_fails_at_once_without_retry_and_parks_the_job(channel, open_thread):
    channel.standin.set_faults({"sendMessage": ["graphql:BAD_REQUEST"]})
    agent_replies(channel, open_thread)
    channel.run()
    assert len(channel.standin.calls("sendMessage")) == 1
    stored = channel.messages_of("thr-7")[0]
    assert stored.delivery.value == "failed" and "rejected_by_expedia" in stored.delivery_error
    (parked,) = channel.dlq_bodies(channel.outbound_dlq)
    assert json.loads(parked)["message_id"] == stored.id


def test_expedia_down_for_good_fails_the_reply_after_the_receive_limit(channel, open_thread):
    channel.standin.set_faults({"sendMessage": [503] * 100})
    agent_replies(channel, open_thread)
    channel.run()
    stored = channel.messages_of("thr-7")[0]
    assert stored.delivery.value == "failed" and stored.delivery_error == "expedia_unavailable"
    assert len(channel.dlq_bodies(channel.outbound_dlq)) == 1
    channel.standin.set_faults({"sendMessage": []})


def test_a_redelivered_job_sends_once(channel, open_thread):
    agent_replies(channel, open_thread)
    (job,) = channel.sqs.receive_message(QueueUrl=channel.outbound.queue_url).get("Messages", [])
    channel.sqs.send_message(QueueUrl=channel.outbound.queue_url, MessageBody=job["Body"])  # SQS delivers twice
    channel.sqs.change_message_visibility(QueueUrl=channel.outbound.queue_url, ReceiptHandle=job["ReceiptHandle"],
                                          VisibilityTimeout=0)
    channel.run()
    assert len(channel.sent()) == 1


def test_spam_and_not_spam_reach_expedia(channel, open_thread):
    from wiring.container import inbox

    inbox().mark_spam("h1", open_thread.id, AGENT.actor)
    inbox().mark_not_spam("h1", open_thread.id, AGENT.actor)
    channel.run()
    flags = [(s["input"]["id"], s["input"]["status"]) for s in channel.sent("setMessageThreadSpamStatus")]
    assert flags == [("thr-7", "SPAM"), ("thr-7", "NOT_SPAM")]


def test_a_spam_flag_that_fails_never_blocks_the_agent(channel, open_thread):
    from wiring.container import inbox

    channel.standin.set_faults({"setMessageThreadSpamStatus": [503] * 4})
    assert inbox().mark_spam("h1", open_thread.id, AGENT.actor).status.value == "spam"
    channel.run()
    assert [s["input"]["status"] for s in channel.sent("setMessageThreadSpamStatus")] == ["SPAM"]


def test_a_reply_blocked_by_expedias_moderation_shows_as_failed(channel, open_thread):
    message = agent_replies(channel, open_thread)
    channel.run()
    expedia_id = channel.messages_of("thr-7")[0].external_message_id
    channel.standin.review(expedia_id, "BLOCKED")
    channel.run()
    stored = channel.messages_of("thr-7")[0]
    assert stored.id == message.id
    assert stored.delivery.value == "failed" and stored.delivery_error == "blocked_by_expedia"
