"""``ExpediaSender``: delivers replies and spam flags of Expedia conversations through Expedia's API.

It only translates: the inbox claims the message, reads its files and records the outcome.
Two copies of a job send once: each claims the message first (one conditional write); a copy
that finds a live claim fails its record so SQS brings it back later (it changes nothing), and a
message already ``delivered`` is skipped. ``clientMutationId`` is the Lobby message id. Expedia
refusing a reply fails it at once; Expedia (or its attachment service) unavailable is retried by
SQS until the receive limit, and the last attempt records the failure before the job goes to the DLQ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from expedia.errors import ExpediaRejected, ExpediaUnavailable
from inbox.channel import DeliveryClaim
from inbox.ports import DeliveryJob

UNAVAILABLE = "expedia_unavailable"
FILES_UNAVAILABLE = "expedia_attachment_service_unavailable"


class Rejected(Exception):
    """The channel refused the job for good: it goes to the DLQ without retries."""


class ClaimedElsewhere(Exception):
    """Another copy of the job is sending this message now: this record fails, SQS brings it back later."""


@dataclass(frozen=True)
class Sent:
    outcome: Literal["delivered", "already_delivered", "spam_status_set", "gone", "not_pending"]
    external_message_id: str | None = None


class ExpediaSender:
    def __init__(self, inbox: Any, client: Any):
        self.inbox = inbox
        self.client = client

    def deliver(self, job: DeliveryJob, *, last_attempt: bool) -> Sent:
        if job.external_conversation_id is None:
            raise Rejected("the conversation has no Expedia thread")
        if job.type == "spam_status":
            self.client.set_spam_status(job.external_conversation_id, bool(job.spam),
                                        f"{job.conversation_id}:spam:{'on' if job.spam else 'off'}")
            return Sent("spam_status_set")
        if job.message_id is None or job.message_sent_at is None:
            raise Rejected("a reply job names no message")
        claim: DeliveryClaim = self.inbox.claim_delivery(job.hotel_id, job.conversation_id, job.message_sent_at,
                                                         job.message_id)
        if claim.outcome == "busy":
            raise ClaimedElsewhere(f"message {job.message_id} is being sent by another copy of this job")
        if claim.outcome == "delivered":
            return Sent("already_delivered", claim.message.external_message_id if claim.message else None)
        if claim.outcome in ("gone", "not_pending"):
            return Sent("gone" if claim.outcome == "gone" else "not_pending")
        message = claim.message
        assert message is not None  # a claim is on a message
        try:
            attachment_ids = self._upload_files(job.external_conversation_id, message)
            expedia_id = self._send(job.external_conversation_id, message, attachment_ids)
        except ExpediaRejected as refused:
            self.inbox.record_failed_delivery(message, f"rejected_by_expedia: {refused}")
            raise Rejected(str(refused)) from refused
        except _Unavailable as down:
            self.inbox.release_delivery(claim)
            if last_attempt:
                self.inbox.record_failed_delivery(message, down.reason)
            raise down.cause from None
        except Exception:
            self.inbox.release_delivery(claim)  # e.g. the storage could not be read: the next copy tries
            raise
        self.inbox.record_delivery(message, expedia_id)
        return Sent("delivered", expedia_id)

    def _upload_files(self, thread_id: str, message: Any) -> list[str]:
        """Each file Lobby holds, uploaded to Expedia's attachment service (its ids, for ``sendMessage``)."""
        ids = []
        for attachment in message.attachments:
            if not attachment.available:
                continue
            data = self.inbox.attachment_bytes(attachment)
            try:
                ids.append(self.client.upload_file(thread_id, attachment.name, attachment.content_type, data))
            except ExpediaUnavailable as down:
                raise _Unavailable(FILES_UNAVAILABLE, down) from down
        return ids

    def _send(self, thread_id: str, message: Any, attachment_ids: list[str]) -> str:
        try:
            return str(self.client.send_message(thread_id, message.text, message.id, attachment_ids=attachment_ids))
        except ExpediaUnavailable as down:
            raise _Unavailable(UNAVAILABLE, down) from down


class _Unavailable(Exception):
    """Expedia or its attachment service could not be reached: why (the console's reason) and the error."""

    def __init__(self, reason: str, cause: ExpediaUnavailable):
        super().__init__(reason)
        self.reason = reason
        self.cause = cause
