"""Files both ways through the stand-in, the callback, the queues and moto's S3 and DynamoDB;
and two copies of one outbound job at once."""

from __future__ import annotations

import base64
import threading

import boto3
import requests
from channel_helpers import BUCKET, call_callback
from conversations_helpers import RequestCounter
from lobby_env import AGENT

from expedia.sender import ClaimedElsewhere, ExpediaSender
from outbox.jobs import decode

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 20
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 1024


def files(*named: tuple[str, str, bytes]) -> list[dict]:
    return [{"name": n, "contentType": t, "base64": base64.b64encode(d).decode()} for n, t, d in named]


def bucket_object(region: str, key: str) -> tuple[bytes, str]:
    got = boto3.client("s3", region_name=region).get_object(Bucket=BUCKET, Key=key)
    return got["Body"].read(), got["ContentType"]


def test_a_traveler_message_with_a_pdf_and_a_png_lists_both_with_the_files_in_the_bucket(channel, region):
    channel.connect()
    channel.traveler_writes("thr-f", "Our passports, please check them", attachments=files(
        ("passport.pdf", "application/pdf", PDF), ("photo.png", "image/png", PNG)))
    channel.run()
    (message,) = channel.messages_of("thr-f")
    assert message.text == "Our passports, please check them"
    assert [(a.name, a.content_type, a.size, a.available) for a in message.attachments] == [
        ("passport.pdf", "application/pdf", len(PDF), True), ("photo.png", "image/png", len(PNG), True)]
    assert [bucket_object(region, a.key) for a in message.attachments] == [(PDF, "application/pdf"),
                                                                           (PNG, "image/png")]
    assert channel.dlq_bodies(channel.events_dlq) == []


def test_a_traveler_message_of_files_only_goes_to_the_agents_with_the_file_as_its_preview(channel):
    channel.connect()
    channel.traveler_writes("thr-p", "", attachments=files(("visa.pdf", "application/pdf", PDF)))
    channel.run()
    conversation = channel.conversation_of("thr-p")
    assert conversation.status.value == "open" and conversation.last_message_preview == "\U0001f4ce visa.pdf"
    assert channel.messages_of("thr-p")[0].text == ""


def test_the_attachment_service_down_retries_the_record_and_stores_the_message_once(channel):
    channel.connect()
    channel.standin.set_faults({"download": [503] * 4})  # the client's own retries, then SQS's
    channel.traveler_writes("thr-d", "Here is the form", attachments=files(("form.pdf", "application/pdf", PDF)))
    channel.run()
    assert not channel.standin.pending_faults().get("download")  # every 503 was answered to Lobby
    (message,) = channel.messages_of("thr-d")
    assert message.attachments[0].available


def test_an_agent_reply_with_a_file_reaches_expedias_files_and_send_message_carries_its_id(channel, region):
    from wiring.container import inbox

    channel.connect()
    channel.traveler_writes("thr-r", "I want to talk to a person")
    channel.run()
    conversation = channel.conversation_of("thr-r")
    upload, grant = inbox().grant_upload("h1", conversation.id, "invoice.pdf", "application/pdf", len(PDF))
    posted = requests.post(grant.url, data=grant.fields, files={"file": ("invoice.pdf", PDF, "application/pdf")},
                           timeout=10)
    assert posted.status_code in (200, 201, 204), posted.text
    reply = inbox().reply("h1", conversation.id, AGENT.actor, "Your invoice", [upload.id])
    channel.run()
    (uploaded,) = [f for f in channel.standin.files.listing() if f["source"] != "traveler"]
    assert (uploaded["name"], uploaded["size"]) == ("invoice.pdf", len(PDF))
    (sent,) = channel.sent()
    assert sent["input"]["attachmentIds"] == [uploaded["attachmentId"]]
    assert sent["input"]["clientMutationId"] == reply.id
    assert channel.messages_of("thr-r")[0].delivery.value == "delivered"


class _HeldInSendMessage:
    """Lobby's Expedia client, whose sendMessage waits until it is let go (the first copy is mid-send)."""

    def __init__(self, client):
        self._client, self.entered, self.let_go = client, threading.Event(), threading.Event()

    def send_message(self, *args, **kwargs):
        self.entered.set()
        self.let_go.wait(30)
        return self._client.send_message(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._client, name)


def test_two_copies_of_one_outbound_job_running_at_once_send_once(channel):
    from wiring.container import expedia_client, expedia_sender, inbox

    channel.connect()
    channel.traveler_writes("thr-2x", "I want to talk to a person")
    channel.run()
    reply = inbox().reply("h1", channel.conversation_of("thr-2x").id, AGENT.actor, "Bonjour Inès")
    (record,) = channel.sqs.receive_message(QueueUrl=channel.outbound.queue_url)["Messages"]
    job = decode(record["Body"])
    held = _HeldInSendMessage(expedia_client())
    first_copy, outcomes = ExpediaSender(inbox(), held), []
    running = threading.Thread(target=lambda: outcomes.append(first_copy.deliver(job, last_attempt=False).outcome))
    running.start()
    assert held.entered.wait(30)
    try:
        expedia_sender().deliver(job, last_attempt=True)  # the second copy, at the same moment
        second = "sent"
    except ClaimedElsewhere:
        second = "claimed elsewhere"
    held.let_go.set()
    running.join(30)
    assert (outcomes, second) == (["delivered"], "claimed elsewhere")
    assert len(channel.sent()) == 1
    stored = channel.messages_of("thr-2x")[0]
    assert (stored.id, stored.delivery.value) == (reply.id, "delivered")
    assert expedia_sender().deliver(job, last_attempt=False).outcome == "already_delivered"  # SQS's retry of it


def test_dynamodb_requests_of_a_traveler_message_with_two_attachments(channel, region):
    """On a warm function and an existing conversation: the two files go to S3 (one PutObject each) and the
    message costs what any other does in DynamoDB (one BatchGetItem, one TransactWriteItems)."""
    from wiring.container import files, inbox, store

    channel.connect()
    channel.traveler_writes("thr-n", "I want to talk to a person")
    channel.run()
    inbox().NOTE_EVERY_SECONDS = 3600  # the health note of the warm-up stands for the counted message, however slow
    dynamodb, s3 = RequestCounter(), RequestCounter()
    dynamodb.attach(store())
    files()._client.meta.events.register("before-parameter-build.s3", s3)

    channel.hold_notifications()
    channel.traveler_writes("thr-n", "Two documents", attachments=files_of_two())
    (body, headers), = channel.held
    call_callback(body, headers)
    channel.events.drain()

    assert len(channel.messages_of("thr-n")[0].attachments) == 2
    assert dynamodb.counts == {"BatchGetItem": 1, "TransactWriteItems": 1}
    assert s3.counts == {"PutObject": 2}


def files_of_two() -> list[dict]:
    return files(("passport.pdf", "application/pdf", PDF), ("photo.png", "image/png", PNG))


def test_requests_of_delivering_a_reply_with_a_file(channel):
    """The sender reads the message, claims it (one conditional write), reads the file from S3 and records
    the delivery with its guard in one transaction."""
    from wiring.container import expedia_sender, files, inbox, store

    channel.connect()
    channel.traveler_writes("thr-s", "I want to talk to a person")
    channel.run()
    conversation = channel.conversation_of("thr-s")
    upload, grant = inbox().grant_upload("h1", conversation.id, "plan.png", "image/png", len(PNG))
    requests.post(grant.url, data=grant.fields, files={"file": ("plan.png", PNG, "image/png")}, timeout=10)
    inbox().reply("h1", conversation.id, AGENT.actor, "", [upload.id])
    (record,) = channel.sqs.receive_message(QueueUrl=channel.outbound.queue_url)["Messages"]
    dynamodb, s3 = RequestCounter(), RequestCounter()
    dynamodb.attach(store())
    files()._client.meta.events.register("before-parameter-build.s3", s3)

    assert expedia_sender().deliver(decode(record["Body"]), last_attempt=False).outcome == "delivered"

    assert dynamodb.counts == {"GetItem": 1, "UpdateItem": 1, "TransactWriteItems": 1}
    assert s3.counts == {"GetObject": 1}
    (sent,) = channel.sent()
    assert len(sent["input"]["attachmentIds"]) == 1 and sent["input"]["body"] == ""
