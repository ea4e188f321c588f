"""The reconciler's choices: which notifications it queues, what each hotel's channel health says, its window."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import requests
from reconcile_helpers import OTHER_PROPERTY, PROPERTY

from inbox.ports import Hotel
from inbox.times import parse_time


def queued_bodies(lobby) -> list[dict]:
    bodies = []
    while batch := lobby.sqs.receive_message(QueueUrl=lobby.events.queue_url, MaxNumberOfMessages=10,
                                             VisibilityTimeout=0).get("Messages", []):
        bodies += [json.loads(m["Body"]) for m in batch]
        lobby.sqs.delete_message_batch(QueueUrl=lobby.events.queue_url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)])
    return bodies


def test_each_hotel_notes_its_own_undelivered_and_an_unconnected_property_is_not_queued(expedia, lobby, lobby_logs):
    lobby.store.put_hotel(Hotel("h2", "Hôtel Soleil", "Europe/Paris", bot_enabled=False))
    lobby.store.set_expedia_property("h2", "55555555")
    expedia.outage(callbacks=False)
    expedia.traveler_writes("thr-a", "Bonjour", PROPERTY)
    expedia.traveler_writes("thr-a", "Encore moi", PROPERTY)
    expedia.traveler_writes("thr-b", "Hello", "55555555")
    expedia.traveler_writes("thr-x", "Who is there?", OTHER_PROPERTY)

    found = lobby.reconcile()
    bodies = queued_bodies(lobby)

    assert found["undelivered"] == 7 and found["queued"] == 5 and found["unknown_property"] == 2
    assert found["hotels"] == 2
    assert {b["payload"]["propertyId"] for b in bodies} == {PROPERTY, "55555555"}
    # Exactly what the callback would have queued: Expedia's Notification envelope.
    assert all(set(b) == {"eventType", "creationDateTime", "notificationId", "payload"} for b in bodies)
    h1, h2 = lobby.store.channel_health("h1", "expedia"), lobby.store.channel_health("h2", "expedia")
    assert (h1.undelivered, h2.undelivered) == (3, 2)
    assert h1.last_error.startswith("CALLBACK_UNREACHABLE: ") and len(h1.last_error) > len("CALLBACK_UNREACHABLE: ")
    assert h1.last_reconciled_at == h2.last_reconciled_at
    unconnected = [r for r in lobby_logs() if r.get("property_id") == OTHER_PROPERTY]
    assert len(unconnected) == 2


def test_a_notification_older_than_26_hours_is_out_of_the_window(expedia, lobby):
    """Expedia's clock and Lobby's agree here: the reconciler runs at the stand-in's time."""
    from expedia.reconcile import ExpediaReconciler, SqsNotificationQueue
    from wiring.container import client, expedia_client, settings

    expedia.outage(callbacks=False)
    old = expedia.traveler_writes("thr-old", "Il y a longtemps")["notificationId"]
    expedia.advance(26.5)
    recent = expedia.traveler_writes("thr-old", "Maintenant")["notificationId"]
    expedia_now = parse_time(expedia.standin_clock())

    found = ExpediaReconciler(expedia_client(), SqsNotificationQueue(client("sqs"), settings().expedia_events_queue_url),
                              lobby.store, lobby.store, now=lambda: expedia_now).run()
    ids = {b["notificationId"] for b in queued_bodies(lobby)}

    assert recent in ids and old not in ids
    assert found.queued == 1


@pytest.mark.parametrize("page_size", [1, 3])
def test_every_page_of_every_event_type_is_read(expedia, lobby, page_size):
    from expedia.reconcile import ExpediaReconciler, SqsNotificationQueue
    from wiring.container import client, expedia_client, settings

    expedia.outage(callbacks=False)
    for n in range(4):
        expedia.traveler_writes(f"thr-p{n}", f"Message {n}")
    message = expedia.traveler_writes("thr-p0", "Suite")["messageId"]
    expedia.standin.review(message, "BLOCKED")  # a MessageAttributesUpdated too

    found = ExpediaReconciler(expedia_client(), SqsNotificationQueue(client("sqs"), settings().expedia_events_queue_url),
                              lobby.store, lobby.store, page_size=page_size,
                              now=lambda: datetime.now(UTC) + timedelta(seconds=1)).run()
    bodies = queued_bodies(lobby)

    assert found.queued == len(bodies) == 10
    assert sorted(b["eventType"] for b in bodies).count("MessageThreadCreated") == 4
    assert sum(b["eventType"] == "MessageAttributesUpdated" for b in bodies) == 1
    assert len({b["notificationId"] for b in bodies}) == 10


def test_expedia_down_fails_the_run_so_the_schedule_retries_it_and_no_health_is_noted(expedia, lobby):
    from expedia.errors import ExpediaUnavailable

    expedia.outage(callbacks=False)
    expedia.traveler_writes("thr-down", "Bonjour")
    expedia.sim("/faults", {"undeliveredNotifications": [503] * 12})

    with pytest.raises(ExpediaUnavailable):
        lobby.reconcile()

    assert lobby.store.channel_health("h1", "expedia") is None
    assert lobby.store.last_run("expedia") is None  # no hotel is told "0 undelivered" by a run that failed
    requests.delete(f"{expedia.standin.sim_url}/faults", timeout=10).raise_for_status()  # Expedia is back
    assert lobby.reconcile()["queued"] == 2


def channel_status(hotel_id: str = "h1"):
    """What ``GET /v1/hotels/{h}/channels`` answers, through the inbox the API is built with."""
    from wiring.container import inbox

    (status,) = inbox().channels(hotel_id)
    return status


def test_a_second_run_after_the_backlog_is_gone_shows_zero_undelivered_at_its_time(expedia, lobby):
    lobby.store.put_hotel(Hotel("h2", "Hôtel Soleil", "Europe/Paris", bot_enabled=False))
    lobby.store.set_expedia_property("h2", "55555555")
    expedia.outage(callbacks=False)
    expedia.traveler_writes("thr-z", "Bonjour")
    lobby.reconcile()
    lobby.ingest()
    first = channel_status()
    assert first.undelivered == 2 and first.last_reconciled_at is not None
    never_undelivered = channel_status("h2")  # a hotel no run ever found anything for
    assert (never_undelivered.undelivered, never_undelivered.last_reconciled_at) == (0, first.last_reconciled_at)

    expedia.outage(callbacks=True)  # Expedia's retries get through: nothing is undelivered any more
    lobby.ingest()
    assert lobby.reconcile()["undelivered"] == 0

    second = channel_status()
    assert second.undelivered == 0 and second.last_reconciled_at > first.last_reconciled_at
    assert lobby.store.channel_health("h1", "expedia").undelivered == 2  # the hotel's own note is left as it was


def test_a_reconciled_notification_leaves_the_last_notification_and_a_callbacks_moves_it(expedia, lobby):
    from inbox.inbound import conversation_id_for

    expedia.outage(callbacks=False)
    expedia.traveler_writes("thr-r", "Bonjour, le parking est-il gratuit ?")
    assert lobby.reconcile()["queued"] == 2
    lobby.ingest()

    conversation = lobby.store.get_conversation("h1", conversation_id_for("h1", "expedia", "thr-r"))
    assert conversation.last_message_at is not None  # the reconciled message is in the inbox
    assert channel_status().last_notification_at is None  # but Expedia never reached the callback

    expedia.outage(callbacks=True)  # Expedia's retry reaches the callback (a repeat for the inbox)
    lobby.ingest()
    assert channel_status().last_notification_at is not None
