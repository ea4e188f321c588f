"""Delivery claims on moto: of two copies of one job, only one may send; a claim ends with the send."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import boto3
import pytest
from conversations_helpers import AGENT, open_one

from inbox.machine import AgentReply, apply
from inbox.model import Delivery, Direction, Message, Sender, iso

CLAIM = timedelta(minutes=2)


@pytest.fixture
def message(store, now) -> Message:
    c = open_one(store, "h1", "c1", now)
    at = now + timedelta(seconds=5)
    outcome = apply(c, AgentReply(AGENT, "Votre chambre est prête", at))
    reply = Message(id="m1", conversation_id="c1", hotel_id="h1", direction=Direction.OUTBOUND, sender=Sender.AGENT,
                    text="Votre chambre est prête", sent_at=at, agent_id=AGENT.id, delivery=Delivery.PENDING)
    store.commit(c, outcome.conversation, [], [reply])
    return reply


def test_of_two_claims_of_one_message_only_the_first_wins(store, message, now):
    """The claim is one conditional write, atomic in DynamoDB; moto does not serialise concurrent
    requests, so the order is fixed here rather than raced from two threads."""
    assert store.claim_delivery(message, "job-a", now + CLAIM, now) is True
    assert store.claim_delivery(message, "job-b", now + CLAIM, now + timedelta(seconds=1)) is False
    assert store.claim_delivery(message, "job-a", now + CLAIM, now + timedelta(seconds=1)) is False  # not twice either


def test_an_expired_claim_can_be_taken_again(store, message, now):
    assert store.claim_delivery(message, "job-a", now + CLAIM, now)
    assert not store.claim_delivery(message, "job-b", now + CLAIM * 2, now + CLAIM - timedelta(milliseconds=1))
    assert store.claim_delivery(message, "job-b", now + CLAIM * 2, now + CLAIM)  # job-a died holding it


def test_a_released_claim_can_be_taken_and_only_the_holder_releases(store, message, now):
    assert store.claim_delivery(message, "job-a", now + CLAIM, now)
    store.release_delivery(message, "job-b")  # not job-b's to give back: nothing changes
    assert not store.claim_delivery(message, "job-c", now + CLAIM, now)
    store.release_delivery(message, "job-a")
    assert store.claim_delivery(message, "job-c", now + CLAIM, now)
    store.release_delivery(message, "job-a")  # job-a's claim is long gone: job-c keeps its own
    assert not store.claim_delivery(message, "job-d", now + CLAIM, now)


@pytest.mark.parametrize("outcome", ["delivered", "failed"])
def test_a_message_whose_send_is_over_cannot_be_claimed(store, message, now, outcome):
    assert store.claim_delivery(message, "job-a", now + CLAIM, now)
    if outcome == "delivered":
        store.mark_delivered(message, "exp-msg-1", "expedia-message:exp-msg-1")
    else:
        store.update_delivery(message, Delivery.FAILED, error="Expedia refused the attachment")
    later = now + CLAIM * 10  # every claim has expired by then: only the state stops a second send
    assert not store.claim_delivery(message, "job-b", later + CLAIM, later)
    stored = store.get_message("h1", "c1", message.sent_at, "m1")
    assert stored.delivery is Delivery(outcome)


def test_recording_an_outcome_removes_the_claim(store, table, region, message, now):
    assert store.claim_delivery(message, "job-a", now + CLAIM, now)
    store.update_delivery(message, Delivery.PENDING, error="Expedia is unavailable; retrying")
    raw = boto3.client("dynamodb", region_name=region).get_item(
        TableName=table, Key={"pk": {"S": "HOTEL#h1#CONV#c1"}, "sk": {"S": f"MSG#{iso(message.sent_at)}#m1"}})["Item"]
    assert "claim" not in raw and "claim_until" not in raw
    assert store.claim_delivery(message, "job-b", now + CLAIM, now)  # the retry takes it at once


def test_a_message_that_does_not_exist_cannot_be_claimed(store, message, now):
    ghost = replace(message, id="m-ghost")
    assert not store.claim_delivery(ghost, "job-a", now + CLAIM, now)
    assert store.get_message("h1", "c1", ghost.sent_at, "m-ghost") is None  # and no item was made by trying
