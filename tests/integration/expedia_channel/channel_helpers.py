"""Drives the Expedia channel in tests: traveler messages in the stand-in, the callback, the pollers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from lambda_events import callback_event

from local.lambda_runtime import LambdaContext, SqsPoller

BUCKET = "lobby-attachments-test"  # the attachment bucket of the channel's tests


def call_callback(raw_body: bytes, headers: dict) -> dict:
    from expedia_callback.handler import handler

    return handler(callback_event(raw_body, headers), LambdaContext())


@dataclass
class Channel:
    standin: object
    store: object
    sqs: object
    property_id: str
    events: SqsPoller
    events_dlq: str
    outbound: SqsPoller
    outbound_dlq: str
    callback_secret: str
    held: list = field(default_factory=list)

    def connect(self) -> None:
        """Expedia's notifications reach Lobby's callback at once."""
        self.standin.notify = lambda body, headers: call_callback(body, headers)["statusCode"]

    def hold_notifications(self) -> None:
        """Expedia's notifications are kept aside (to be shuffled, repeated, then delivered)."""
        self.standin.notify = lambda body, headers: self.held.append((body, headers)) or 200

    def traveler_writes(self, thread: str, text: str, **extra) -> dict:
        spec = {"propertyId": self.property_id, "body": text, "fromRole": "TRAVELER",
                "traveler": {"firstName": "Inès", "lastName": "Moreau"},
                "reservation": {"id": f"exp-{thread}", "checkInDate": "2026-12-01", "checkOutDate": "2026-12-04",
                                "adultCount": 2, "childCount": 1, "petCount": 0,
                                "alternativeIds": {"supplierId": f"R-{thread}"}}}
        spec.update(extra)
        return self.standin.add_message(thread, spec)

    def run(self) -> None:
        """Let the pollers work until both queues are empty."""
        for _ in range(20):
            if not (self.events.drain() or self.outbound.drain()):
                return

    def dlq_bodies(self, url: str) -> list[str]:
        bodies = []
        while batch := self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            bodies += [m["Body"] for m in batch]
            self.sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)])
        return bodies

    def conversation_of(self, thread: str):
        from inbox.inbound import conversation_id_for

        return self.store.get_conversation("h1", conversation_id_for("h1", "expedia", thread))

    def messages_of(self, thread: str):
        return self.store.list_messages("h1", self.conversation_of(thread).id, 100).items

    def sent(self, operation: str = "sendMessage") -> list[dict]:
        return [s for s in self.standin.sent if s.get("operation") == operation]


def notification(event_type="MessageReceived", ntf_id="ntf-x", property_id="12345678", thread="thr-1",
                 message="msg-1", created=None) -> bytes:
    """A notification as Expedia would send it; ``created`` (its creationDateTime) defaults to a minute ago."""
    payload = {"propertyId": property_id, "messageThreadId": thread}
    if message:
        payload["messageId"] = message
    if created is None:
        created = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return json.dumps({"eventType": event_type, "creationDateTime": created,
                       "notificationId": ntf_id, "payload": payload}, separators=(",", ":")).encode()


class Clock:
    """The stand-in's clock: real time, unless a test sets ``at`` (Expedia's times are then that moment)."""

    def __init__(self):
        self.at: datetime | None = None

    def __call__(self) -> datetime:
        return self.at or datetime.now(UTC)
