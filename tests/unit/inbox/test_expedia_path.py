"""The Expedia path through the inbox: the ingest, the sender and the backfill translate Expedia's shapes
and call only ``Inbox`` (here on fakes of the ports, and a fake of Lobby's Expedia client)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from fakes import T0, world

from expedia.backfill import ExpediaBackfill
from expedia.errors import ExpediaNotFound, ExpediaUnavailable
from expedia.files import Downloaded, TooLarge
from expedia.ingest import ExpediaIngest
from expedia.models import ExpediaMessage, ExpediaThread, Page
from expedia.notifications import ExpediaNotification
from expedia.sender import FILES_UNAVAILABLE, UNAVAILABLE, ClaimedElsewhere, ExpediaSender
from inbox.attachments import MAX_ATTACHMENT_BYTES, NOT_FETCHED, TOO_LARGE, TYPE_REFUSED
from inbox.model import Actor, ActorType, Delivery, Direction

AGENT = Actor(ActorType.AGENT, "agent-1", "Ana")
PDF, PNG = b"%PDF-1.7 confirmation", b"\x89PNG\r\n\x1a\n room"


def message(id, body="I want a person", role="TRAVELER", thread="thr-1", at=T0, files=(), review=None):
    return ExpediaMessage.model_validate({
        "id": id, "messageThread": {"id": thread, "property": {"id": "p1"}}, "creationDateTimeUtc": at,
        "body": {"value": body}, "fromRole": role, "reviewStatus": review,
        "attachments": [{"id": f, "name": name, "url": f"https://files.test/{f}"} for f, name in files]})


def thread(id="thr-1"):
    return ExpediaThread.model_validate({"id": id, "property": {"id": "p1"},
                                         "primaryTraveler": {"firstName": "Inès", "lastName": "Moreau"}})


class FakeExpedia:
    """Lobby's Expedia client as the path uses it, on dicts."""

    def __init__(self):
        self.messages: dict[str, ExpediaMessage] = {}
        self.threads: dict[str, ExpediaThread] = {"thr-1": thread()}
        self.files: dict[str, Downloaded | TooLarge | Exception] = {}
        self.sent: list[tuple[str, str, str, tuple[str, ...]]] = []
        self.uploaded: list[tuple[str, str, str, bytes]] = []
        self.upload_error: Exception | None = None
        self.send_started = threading.Event()
        self.send_may_finish = threading.Event()
        self.send_may_finish.set()

    def get_message(self, message_id):
        return self.messages.get(message_id)

    def get_thread(self, thread_id):
        return self.threads.get(thread_id)

    def download_file(self, url, max_bytes):
        got = self.files[url.rsplit("/", 1)[-1]]
        if isinstance(got, Exception):
            raise got
        return got

    def upload_file(self, thread_id, name, content_type, data):
        if self.upload_error is not None:
            raise self.upload_error
        self.uploaded.append((thread_id, name, content_type, data))
        return f"exp-file-{len(self.uploaded)}"

    def send_message(self, thread_id, body, client_mutation_id, attachment_ids=()):
        self.send_started.set()
        self.send_may_finish.wait(5)
        self.sent.append((thread_id, body, client_mutation_id, tuple(attachment_ids)))
        return f"exp-{client_mutation_id}"

    def property_threads(self, property_id, since, until, *, limit=50, cursor=None):
        threads = sorted(self.threads.values(), key=lambda t: t.id)
        start = int(cursor or 0)
        return Page(tuple(threads[start:start + 1]), str(start + 1) if start + 1 < len(threads) else None,
                    len(threads))

    def thread_messages(self, thread_id, *, limit=50, cursor=None):
        found = tuple(m for m in self.messages.values() if m.thread_id == thread_id)
        return Page(found, None, len(found))


def notify(ingest, expedia, m, ntf="n-1", event="MessageReceived", via_reconciliation=False):
    expedia.messages[m.id] = m
    return ingest.handle(ExpediaNotification.model_validate({
        "eventType": event, "creationDateTime": T0, "notificationId": ntf,
        "payload": {"propertyId": "p1", "messageThreadId": m.thread_id, "messageId": m.id}}),
        via_reconciliation=via_reconciliation)


@pytest.fixture
def path():
    w, expedia = world(), FakeExpedia()
    return w, expedia, ExpediaIngest(w.inbox, expedia), ExpediaSender(w.inbox, expedia)


def job_of(w, reply):
    (job,) = [j for j in w.outbox.jobs if j.message_id == reply.id]
    return job


def test_a_traveler_message_with_a_pdf_and_a_png_keeps_both_files_before_the_message(path):
    w, expedia, ingest, _ = path
    expedia.files = {"f-pdf": Downloaded("application/pdf", PDF), "f-png": Downloaded("image/png", PNG)}
    outcome = notify(ingest, expedia, message("exp-1", "Here are my documents",
                                              files=[("f-pdf", "booking.pdf"), ("f-png", "passport.png")]))
    (stored,) = w.store.all_messages("h1", outcome.conversation_id)
    assert stored.text == "Here are my documents"  # no "[attachments: …]" in the text any more
    assert [(a.name, a.content_type, a.size, a.available) for a in stored.attachments] == [
        ("booking.pdf", "application/pdf", len(PDF), True), ("passport.png", "image/png", len(PNG), True)]
    assert sorted(data for data, _ in w.files.objects.values()) == sorted([PDF, PNG])


def test_a_refused_guest_file_is_listed_unavailable_and_the_message_is_stored(path):
    w, expedia, ingest, _ = path
    expedia.files = {"f-exe": Downloaded("application/x-msdownload", b"MZ"),
                     "f-big": TooLarge(MAX_ATTACHMENT_BYTES, 9_000_000, "image/jpeg"),
                     "f-gone": ExpediaNotFound("no such file")}
    outcome = notify(ingest, expedia, message("exp-2", "", files=[("f-exe", "a.exe"), ("f-big", "huge.jpg"),
                                                                  ("f-gone", "old.pdf")]))
    (stored,) = w.store.all_messages("h1", outcome.conversation_id)
    assert [(a.name, a.unavailable_reason) for a in stored.attachments] == [
        ("a.exe", TYPE_REFUSED), ("huge.jpg", TOO_LARGE), ("old.pdf", NOT_FETCHED)]
    assert stored.text == "" and w.files.objects == {}


def test_an_attachment_service_down_fails_the_record_and_stores_nothing(path):
    w, expedia, ingest, _ = path
    expedia.files = {"f-pdf": ExpediaUnavailable("503")}
    with pytest.raises(ExpediaUnavailable):
        notify(ingest, expedia, message("exp-3", files=[("f-pdf", "booking.pdf")]))
    assert w.store.conversations == {} and w.store.writes == []
    expedia.files = {"f-pdf": Downloaded("application/pdf", PDF)}  # SQS brings the record back
    outcome = notify(ingest, expedia, message("exp-3", files=[("f-pdf", "booking.pdf")]))
    assert outcome.outcome == "stored"


def test_the_sender_uploads_each_file_then_sends_their_ids(path):
    w, expedia, ingest, sender = path
    notify(ingest, expedia, message("exp-1"))
    conversation = next(iter(w.store.conversations.values()))
    upload, grant = w.inbox.grant_upload("h1", conversation.id, "invoice.pdf", "application/pdf", len(PDF))
    w.files.upload(grant.fields["key"], PDF, "application/pdf")
    reply = w.inbox.reply("h1", conversation.id, AGENT, "Your invoice", [upload.id])
    sent = sender.deliver(job_of(w, reply), last_attempt=False)
    assert expedia.uploaded == [("thr-1", "invoice.pdf", "application/pdf", PDF)]
    assert expedia.sent == [("thr-1", "Your invoice", reply.id, ("exp-file-1",))]
    assert sent.outcome == "delivered"
    assert w.store.get_message("h1", conversation.id, reply.sent_at, reply.id).delivery is Delivery.DELIVERED


def test_two_copies_of_one_job_running_at_once_send_once(path):
    w, expedia, ingest, sender = path
    notify(ingest, expedia, message("exp-1"))
    conversation = next(iter(w.store.conversations.values()))
    reply = w.inbox.reply("h1", conversation.id, AGENT, "Bonjour")
    job = job_of(w, reply)
    expedia.send_may_finish.clear()  # the first copy is inside sendMessage when the second starts
    outcomes: list[str] = []
    first = threading.Thread(target=lambda: outcomes.append(sender.deliver(job, last_attempt=False).outcome))
    first.start()
    assert expedia.send_started.wait(5)
    with pytest.raises(ClaimedElsewhere):  # its record fails: SQS brings it back later
        sender.deliver(job, last_attempt=True)  # even on its last attempt it fails nothing
    expedia.send_may_finish.set()
    first.join()
    assert outcomes == ["delivered"] and len(expedia.sent) == 1
    assert sender.deliver(job, last_attempt=False).outcome == "already_delivered"  # the copy that came back
    assert len(expedia.sent) == 1


@pytest.mark.parametrize(("down", "reason"), [("upload", FILES_UNAVAILABLE), ("send", UNAVAILABLE)])
def test_expedia_or_its_attachment_service_down_keeps_the_reply_pending_then_fails_it_on_the_last_attempt(
        path, down, reason):
    w, expedia, ingest, sender = path
    notify(ingest, expedia, message("exp-1"))
    conversation = next(iter(w.store.conversations.values()))
    upload, grant = w.inbox.grant_upload("h1", conversation.id, "a.pdf", "application/pdf", len(PDF))
    w.files.upload(grant.fields["key"], PDF, "application/pdf")
    reply = w.inbox.reply("h1", conversation.id, AGENT, "see file", [upload.id])
    if down == "upload":
        expedia.upload_error = ExpediaUnavailable("files 503")
    else:
        expedia.send_message = lambda *a, **k: (_ for _ in ()).throw(ExpediaUnavailable("graphql 503"))
    stored = lambda: w.store.get_message("h1", conversation.id, reply.sent_at, reply.id)  # noqa: E731
    with pytest.raises(ExpediaUnavailable):
        sender.deliver(job_of(w, reply), last_attempt=False)
    assert stored().delivery is Delivery.PENDING and w.store.claims == {}  # given back for the retry
    with pytest.raises(ExpediaUnavailable):
        sender.deliver(job_of(w, reply), last_attempt=True)
    assert (stored().delivery, stored().delivery_error) == (Delivery.FAILED, reason)


def test_expedias_echo_before_the_sender_records_the_id_is_known_as_ours(path):
    w, expedia, ingest, _ = path
    notify(ingest, expedia, message("exp-1"))
    conversation = next(iter(w.store.conversations.values()))
    reply = w.inbox.reply("h1", conversation.id, AGENT, "On our way")
    outcome = notify(ingest, expedia, message("exp-echo", "On our way", role="SUPPLIER",
                                              at=T0 + timedelta(minutes=1)), ntf="n-echo")
    assert outcome.outcome == "own_reply"
    outbound = [m for m in w.store.all_messages("h1", conversation.id) if m.direction is Direction.OUTBOUND]
    assert [(m.id, m.delivery) for m in outbound] == [(reply.id, Delivery.DELIVERED)]


def test_moderation_blocking_our_reply_goes_through_the_inbox(path):
    w, expedia, ingest, sender = path
    notify(ingest, expedia, message("exp-1"))
    conversation = next(iter(w.store.conversations.values()))
    reply = w.inbox.reply("h1", conversation.id, AGENT, "call me at")
    sender.deliver(job_of(w, reply), last_attempt=False)
    blocked = message(f"exp-{reply.id}", "call me at", role="SUPPLIER", review="BLOCKED")
    assert notify(ingest, expedia, blocked, ntf="n-mod", event="MessageAttributesUpdated").outcome == "moderation"
    stored = w.store.get_message("h1", conversation.id, reply.sent_at, reply.id)
    assert (stored.delivery, stored.delivery_error) == (Delivery.FAILED, "blocked_by_expedia")
    assert len(w.health.blocked) == 1


def test_a_backfill_run_twice_changes_nothing_the_second_time(path):
    w, expedia, _, _ = path
    expedia.threads["thr-2"] = thread("thr-2")
    expedia.files = {"f-pdf": Downloaded("application/pdf", PDF)}
    for m in (message("old-1", "Is parking free?", at=T0 - timedelta(days=3)),
              message("old-2", "Yes, it is.", role="SUPPLIER", at=T0 - timedelta(days=3, hours=-1)),
              message("old-3", "", thread="thr-2", at=T0 - timedelta(days=1), files=[("f-pdf", "visa.pdf")])):
        expedia.messages[m.id] = m
    backfill = ExpediaBackfill(w.inbox, expedia)
    first = backfill.run("p1")
    assert (first.threads, first.messages, first.repeats) == (2, 3, 0)
    held = {key: dict(messages) for key, messages in w.store.messages.items()}
    conversations = dict(w.store.conversations)
    second = backfill.run("p1")
    assert (second.threads, second.messages, second.repeats) == (2, 0, 3)
    assert w.store.messages == held and w.store.conversations == conversations
    assert w.bot.seen == [] and w.outbox.jobs == []  # the past is not answered again


def test_a_notification_the_reconciler_queued_is_stored_but_is_not_noted_as_a_callback(path):
    w, expedia, ingest, _ = path
    assert notify(ingest, expedia, message("exp-r"), ntf="n-r", via_reconciliation=True).outcome == "stored"
    assert w.health.notifications == []  # Expedia did not reach the callback with it
    w.clock.advance(minutes=2)
    assert notify(ingest, expedia, message("exp-c"), ntf="n-c").outcome == "stored"
    assert w.health.notifications == [("h1", "expedia", T0 + timedelta(minutes=2))]
