"""GET /v1/hotels/{h}/channels: the hotel's Expedia channel and its health, as the store noted it."""

from __future__ import annotations

from datetime import timedelta

from lobby_env import OTHER_AGENT, PARTNER

from inbox.ports import Hotel


def test_a_connected_hotel_sees_its_last_notification_undelivered_and_blocked_replies_of_the_week(api, store, now):
    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris", expedia_property_id="12345678"))
    store.note_notification("h1", "expedia", now - timedelta(minutes=3))
    store.note_reconciled("h1", "expedia", now - timedelta(minutes=20), 2, "TIMEOUT: callback timed out")
    store.note_blocked_reply("h1", "expedia", now - timedelta(days=1))
    store.note_blocked_reply("h1", "expedia", now - timedelta(days=9))  # older than a week: not counted

    reply = api.get("/v1/hotels/h1/channels")

    assert reply.status == 200
    (expedia,) = reply.json["items"]
    assert expedia == {"channel": "expedia", "connected": True,
                       "last_notification_at": (now - timedelta(minutes=3)).isoformat(timespec="milliseconds")
                       .replace("+00:00", "Z"),
                       "undelivered": 2, "blocked_replies_7d": 1,
                       "last_reconciled_at": (now - timedelta(minutes=20)).isoformat(timespec="milliseconds")
                       .replace("+00:00", "Z")}


def test_a_hotel_without_expedia_is_listed_as_not_connected_with_nothing_noted(api, store):
    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris"))

    reply = api.get("/v1/hotels/h1/channels", as_=PARTNER)

    assert reply.status == 200
    assert reply.json["items"] == [{"channel": "expedia", "connected": False, "last_notification_at": None,
                                    "undelivered": 0, "blocked_replies_7d": 0, "last_reconciled_at": None}]


def test_another_hotels_channels_are_403_and_an_unknown_hotel_404(api, store):
    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris", expedia_property_id="12345678"))

    assert api.get("/v1/hotels/h1/channels", as_=OTHER_AGENT).status == 403
    assert api.get("/v1/hotels/h3/channels", as_=PARTNER).status == 404  # the partner's, but no such hotel


def _at(moment) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_a_later_run_that_found_nothing_for_the_hotel_shows_zero_at_the_runs_time(api, store, now):
    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris", expedia_property_id="12345678"))
    store.note_reconciled("h1", "expedia", now - timedelta(hours=2), 2, "TIMEOUT: callback timed out")
    store.note_run("expedia", now - timedelta(hours=1))

    (expedia,) = api.get("/v1/hotels/h1/channels").json["items"]

    assert (expedia["undelivered"], expedia["last_reconciled_at"]) == (0, _at(now - timedelta(hours=1)))


def test_the_channels_of_a_connected_hotel_cost_three_gets_and_no_scan(api, store, now):
    from conversations_helpers import RequestCounter

    from wiring.container import store as live_store

    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris", expedia_property_id="12345678"))
    store.note_run("expedia", now)
    counter = RequestCounter()
    counter.attach(live_store())

    assert api.get("/v1/hotels/h1/channels").status == 200
    assert counter.counts == {"GetItem": 3}  # the hotel, its channel health, the channel's last run
