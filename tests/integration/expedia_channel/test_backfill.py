"""The backfill and the ingest share one idempotent path: what one imported, the other never stores again."""

from __future__ import annotations

from channel_helpers import call_callback


def test_notifications_of_messages_the_backfill_imported_store_nothing_twice(channel):
    from wiring.container import expedia_backfill

    channel.hold_notifications()  # Expedia's notifications of these messages are late
    channel.traveler_writes("thr-b1", "Is parking free?")
    channel.standin.add_message("thr-b1", {"propertyId": channel.property_id, "body": "Yes, it is.",
                                           "fromRole": "SUPPLIER"})
    channel.traveler_writes("thr-b2", "I want to talk to a person")

    first = expedia_backfill().run(channel.property_id)
    assert (first.threads, first.messages, first.repeats) == (2, 3, 0)
    imported = {t: [(m.id, m.text, m.delivery) for m in channel.messages_of(t)] for t in ("thr-b1", "thr-b2")}

    for body, headers in channel.held:
        call_callback(body, headers)
    channel.run()
    after = {t: [(m.id, m.text, m.delivery) for m in channel.messages_of(t)] for t in ("thr-b1", "thr-b2")}
    assert after == imported  # no message twice, and no bot answer to the past
    assert channel.sent() == []
    assert channel.dlq_bodies(channel.events_dlq) == []
