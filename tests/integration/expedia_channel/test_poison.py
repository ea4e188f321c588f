"""Bad input gets a clear error and loses nothing: poison records fail alone and reach the DLQ."""

from __future__ import annotations

import json

from channel_helpers import notification

from inbox.model import Status


def send_raw(channel, body: bytes | str) -> None:
    channel.sqs.send_message(QueueUrl=channel.events.queue_url,
                             MessageBody=body.decode() if isinstance(body, bytes) else body)


def test_poison_records_fail_alone_and_end_in_the_dlq(channel, lobby_logs):
    channel.hold_notifications()
    good = []
    for n in range(6):
        channel.traveler_writes(f"thr-ok-{n}", "I want to talk to a person")
    good = list(channel.held)
    poison = [
        "this is not JSON",
        json.dumps({"eventType": "ReservationCancelled", "creationDateTime": "2026-11-24T09:15:02Z",
                    "notificationId": "ntf-unknown-type", "payload": {"propertyId": "12345678",
                                                                      "messageThreadId": "t"}}),
        json.dumps({"eventType": "MessageReceived", "creationDateTime": "2026-11-24T09:15:02Z",
                    "notificationId": "ntf-no-ids", "payload": {"propertyId": "12345678"}}),
        notification(ntf_id="ntf-unknown-property", property_id="99999999", thread="thr-x", message="msg-x"),
        notification(ntf_id="ntf-unknown-message", thread="thr-ok-0", message="msg-that-never-was"),
    ]
    mixed = [b for b, _ in good[:6]] + poison + [b for b, _ in good[6:]]
    for body in mixed:
        send_raw(channel, body)
    first = channel.events.poll_once()
    assert first.received == 10
    channel.events.drain()
    for n in range(6):
        assert channel.conversation_of(f"thr-ok-{n}").status is Status.OPEN
    in_dlq = channel.dlq_bodies(channel.events_dlq)
    assert sorted(in_dlq) == sorted(b.decode() if isinstance(b, bytes) else b for b in poison)
    failures = {(r.get("notification_id"), r["reason"]) for r in lobby_logs() if r["message"] == "notification failed"}
    reasons = {ntf: reason for ntf, reason in failures}
    assert "eventType" in reasons["ntf-unknown-type"]
    assert "messageThreadId: Field required" in reasons["ntf-no-ids"]
    assert "no hotel is connected to Expedia property 99999999" in reasons["ntf-unknown-property"]
    assert "does not know message msg-that-never-was" in reasons["ntf-unknown-message"]
    assert any("Invalid JSON" in reason for ntf, reason in failures if ntf is None)


def test_exactly_the_poison_records_are_reported_as_failures(channel):
    from expedia_ingest.handler import handler
    from local.lambda_runtime import LambdaContext, sqs_event

    channel.hold_notifications()
    channel.traveler_writes("thr-a", "I want to talk to a person")
    valid = [b.decode() for b, _ in channel.held]
    bodies = valid + ["{not json", notification(ntf_id="ntf-bad", property_id="0").decode()]
    messages = [{"MessageId": f"m{i}", "ReceiptHandle": f"r{i}", "Body": body, "MD5OfBody": "x",
                 "Attributes": {"ApproximateReceiveCount": "1"}} for i, body in enumerate(bodies)]
    response = handler(sqs_event(messages, "arn:aws:sqs:eu-west-1:123456789012:lobby-expedia-events", "eu-west-1"),
                       LambdaContext())
    assert sorted(f["itemIdentifier"] for f in response["batchItemFailures"]) == [f"m{len(valid)}", f"m{len(valid) + 1}"]
    assert channel.conversation_of("thr-a").status is Status.OPEN


def test_expedia_unreachable_fails_the_record_and_a_later_try_succeeds(channel):
    channel.hold_notifications()
    channel.traveler_writes("thr-down", "I want to talk to a person")
    for body, _ in channel.held:
        send_raw(channel, body)
    channel.standin.set_faults({"messageThread": [503] * 4, "message": [503] * 4})  # more than the client retries
    first = channel.events.poll_once()
    assert first.failed >= 1
    channel.events.drain()
    assert channel.conversation_of("thr-down").status is Status.OPEN
    assert channel.dlq_bodies(channel.events_dlq) == []
