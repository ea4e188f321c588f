"""A day-long outage of Lobby's callback, then reconciliation: every traveler message stored once, none twice.

Expedia retries a notification every hour for a day, then gives up (the stand-in's ``/outage`` and
``/clock`` simulate that in seconds). The reconciler, through its real handler, pages what Expedia
could not deliver onto the events queue, and the real ingest on moto stores it. Lobby's own clock
is the wall clock: only Expedia's moved on, so the 26-hour window still holds the first message.
"""

from __future__ import annotations

import collections

from inbox.inbound import conversation_id_for
from inbox.model import Direction

THREADS = 20
MESSAGES_PER_THREAD = 10  # 200 traveler messages, 220 notifications with the threads' creations


def stored_guest_messages(store, threads: list[str]) -> collections.Counter[str]:
    """Expedia message id -> how many times Lobby stored it, over every thread's conversation."""
    stored: collections.Counter[str] = collections.Counter()
    for thread in threads:
        conversation = conversation_id_for("h1", "expedia", thread)
        cursor = None
        while True:
            page = store.list_messages("h1", conversation, 100, cursor)
            stored.update(m.external_message_id for m in page.items if m.direction == Direction.INBOUND)
            cursor = page.next_cursor
            if cursor is None:
                break
    return stored


def count_batches(lobby_sqs_client) -> list[int]:
    sizes: list[int] = []
    lobby_sqs_client.meta.events.register("provide-client-params.sqs.SendMessageBatch",
                                          lambda params, **_: sizes.append(len(params["Entries"])))
    return sizes


def test_a_26_hour_outage_then_reconciliation_stores_every_traveler_message_once(expedia, lobby, lobby_logs):
    from wiring.container import client

    threads = [f"thr-out-{n:02d}" for n in range(THREADS)]
    expedia.outage(callbacks=False)
    sent = [expedia.traveler_writes(thread, f"Message {i} de {thread}")["messageId"]
            for i in range(MESSAGES_PER_THREAD) for thread in threads]
    assert lobby.queue_depth() == 0  # nothing reached Lobby
    moved = expedia.advance(26)
    resumed = expedia.outage(callbacks=True)
    held = expedia.notifications()
    batches = count_batches(client("sqs"))

    found = lobby.reconcile()
    lobby.ingest()

    assert moved["retried"] == [] and resumed["retried"] == []  # Expedia gave up on every one
    assert all(n["givenUp"] for n in held) and len(held) == THREADS + len(sent)
    assert found["undelivered"] == found["queued"] == THREADS + len(sent) == 220
    assert found["errors"] == {"CALLBACK_UNREACHABLE": 220}
    assert batches and max(batches) == 10 and sum(batches) == 220  # SendMessageBatch of 10: 22 requests
    stored = stored_guest_messages(lobby.store, threads)
    assert set(stored) == set(sent) and len(sent) == 200
    assert max(stored.values()) == 1  # none twice
    assert lobby.dlq_depth() == 0
    health = lobby.store.channel_health("h1", "expedia")
    assert health.undelivered == 220 and health.last_reconciled_at is not None
    assert health.last_error.startswith("CALLBACK_UNREACHABLE")
    logged = [r for r in lobby_logs() if r["message"] == "undelivered notification"]
    assert len(logged) == 220 and all(r["error_code"] == "CALLBACK_UNREACHABLE" and r["error_message"]
                                      for r in logged)

    # Expedia still lists them (its callback never got through): the next hourly run queues them again.
    again = lobby.reconcile()
    lobby.ingest()
    # And Expedia's own retry of one of them, redelivered through the callback.
    redelivered = expedia.sim(f"/notifications/{held[-1]['notificationId']}/redeliver")
    lobby.ingest()

    assert again["queued"] == 220
    assert redelivered
    assert stored_guest_messages(lobby.store, threads) == stored  # nothing changed
    assert lobby.dlq_depth() == 0
    conversation = lobby.store.get_conversation("h1", conversation_id_for("h1", "expedia", threads[0]))
    assert conversation.contact_id  # one conversation per thread, with its guest


def test_reconciliation_with_nothing_undelivered_queues_nothing(expedia, lobby):
    expedia.traveler_writes("thr-fine", "Bonjour")  # the callback gets through
    lobby.ingest()

    found = lobby.reconcile()

    assert found["undelivered"] == found["queued"] == 0
    assert lobby.queue_depth() == 0
