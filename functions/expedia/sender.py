"""``ExpediaSender``: delivers replies and spam flags of Expedia conversations through Expedia's API.

A job delivered twice sends once: a message already ``delivered`` is skipped, and
``clientMutationId`` is the Lobby message id. Expedia refusing a reply (GraphQL errors)
fails it at once; Expedia unavailable is retried by SQS until the receive limit, and the
last attempt records the failure before the job moves to the DLQ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from expedia.errors import ExpediaRejected, ExpediaUnavailable
from inbox.inbound import message_guard
from inbox.model import Delivery
from inbox.ports import DeliveryJob

CHANNEL = "expedia"


class Rejected(Exception):
    """The channel refused the job for good: it goes to the DLQ without retries."""


@dataclass(frozen=True)
class Sent:
    outcome: Literal["delivered", "already_delivered", "spam_status_set", "gone"]
    external_message_id: str | None = None


class ExpediaSender:
    def __init__(self, store, client):
        self.store = store
        self.client = client

    def deliver(self, job: DeliveryJob, *, last_attempt: bool) -> Sent:
        if job.external_conversation_id is None:
            raise Rejected("the conversation has no Expedia thread")
        if job.type == "spam_status":
            self.client.set_spam_status(job.external_conversation_id, bool(job.spam),
                                        f"{job.conversation_id}:spam:{'on' if job.spam else 'off'}")
            return Sent("spam_status_set")
        message = self.store.get_message(job.hotel_id, job.conversation_id, job.message_sent_at, job.message_id)
        if message is None:
            return Sent("gone")
        if message.delivery is Delivery.DELIVERED:
            return Sent("already_delivered", message.external_message_id)
        try:
            expedia_id = self.client.send_message(job.external_conversation_id, message.text, message.id)
        except ExpediaRejected as refused:
            self.store.update_delivery(message, Delivery.FAILED, error=f"rejected_by_expedia: {refused}")
            raise Rejected(str(refused)) from refused
        except ExpediaUnavailable:
            if last_attempt:
                self.store.update_delivery(message, Delivery.FAILED, error="expedia_unavailable")
            raise
        self.store.mark_delivered(message, expedia_id, message_guard(message.conversation_id, expedia_id))
        return Sent("delivered", expedia_id)
