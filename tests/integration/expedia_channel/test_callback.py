"""Expedia's callback: a good signature queues the notification at once, a bad one is 401."""

from __future__ import annotations

import json

from channel_helpers import call_callback, notification

from expedia.signature import sign


def queued(channel) -> list[str]:
    messages = channel.sqs.receive_message(QueueUrl=channel.events.queue_url, MaxNumberOfMessages=10)
    return [m["Body"] for m in messages.get("Messages", [])]


def test_a_good_signature_queues_the_notification_untouched(channel):
    body = notification(ntf_id="ntf-cb-1")
    reply = call_callback(body, {"x-expedia-signature": sign(channel.callback_secret, body)})
    assert reply["statusCode"] == 202
    assert queued(channel) == [body.decode()]


def test_the_signature_header_is_found_whatever_its_case(channel):
    body = notification(ntf_id="ntf-cb-2")
    assert call_callback(body, {"X-Expedia-Signature": sign(channel.callback_secret, body)})["statusCode"] == 202


def test_a_bad_or_missing_signature_is_401_and_nothing_is_queued(channel):
    body = notification(ntf_id="ntf-cb-3")
    for headers in ({}, {"x-expedia-signature": "00" * 32}, {"x-expedia-signature": sign("wrong secret", body)},
                    {"x-expedia-signature": sign(channel.callback_secret, body + b" ")}):
        reply = call_callback(body, headers)
        assert reply["statusCode"] == 401 and "signature" in json.loads(reply["body"])["message"]
    assert queued(channel) == []
