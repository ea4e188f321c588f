"""What ``GET channels`` shows after reconciliation runs (``Inbox.channels`` read with the channel's last run),
on fakes of the ports, with the real reconciler on a fake of Expedia's undelivered list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fakes import T0, world

from expedia.errors import ExpediaUnavailable
from expedia.models import Page, UndeliveredNotification
from expedia.reconcile import ExpediaReconciler
from inbox.ports import ChannelHealthRecord, Hotel


class FakeUndelivered:
    """Expedia's ``undeliveredNotifications`` on a list (one page; every event type answers the same list)."""

    def __init__(self):
        self.elements: list[UndeliveredNotification] = []
        self.down = False
        self.endless = False  # a cursor that never ends

    def add(self, notification_id: str, property_id: str = "p1") -> None:
        self.elements.append(UndeliveredNotification.model_validate({
            "notification": {"eventType": "MessageReceived", "creationDateTime": T0.isoformat(),
                             "notificationId": notification_id,
                             "payload": {"propertyId": property_id, "messageThreadId": "thr-1",
                                         "messageId": f"m-{notification_id}"}},
            "error": {"code": "CALLBACK_UNREACHABLE", "message": "connection refused"}}))

    def undelivered_notifications(self, event_type, since, until, *, limit=50, cursor=None):
        if self.down:
            raise ExpediaUnavailable("Expedia answered 503")
        found = tuple(e for e in self.elements if e.event_type == event_type)
        return Page(found, "more" if self.endless else None, len(found))


class FakeQueue:
    def __init__(self):
        self.bodies: list[str] = []

    def put_all(self, bodies):
        self.bodies += list(bodies)


@pytest.fixture
def setup():
    w, expedia, queue = world(), FakeUndelivered(), FakeQueue()
    w.store.hotels["h2"] = Hotel("h2", "Hôtel Soleil", expedia_property_id="p2")
    w.store.properties["p2"] = "h2"
    reconciler = ExpediaReconciler(expedia, queue, w.store, w.health, now=w.clock)
    return w, expedia, queue, reconciler


def status(w, hotel_id="h1"):
    (found,) = w.inbox.channels(hotel_id)
    return found


def test_a_run_with_nothing_undelivered_for_a_hotel_shows_zero_and_the_runs_time(setup):
    w, expedia, _, reconciler = setup
    expedia.add("n-1", "p2")  # only the other hotel had something undelivered
    reconciler.run()
    h1, h2 = status(w, "h1"), status(w, "h2")
    assert (h1.undelivered, h1.last_reconciled_at) == (0, T0)  # never noted itself: it had nothing
    assert (h2.undelivered, h2.last_reconciled_at) == (1, T0)  # noted by the same run: its own count stands


def test_a_hotels_count_falls_to_zero_when_a_later_run_finds_its_backlog_gone(setup):
    w, expedia, _, reconciler = setup
    expedia.add("n-1")
    expedia.add("n-2")
    reconciler.run()
    assert (status(w).undelivered, status(w).last_reconciled_at) == (2, T0)

    expedia.elements.clear()  # the ingest took them, or Expedia's day of retries is over
    w.clock.advance(hours=1)
    reconciler.run()
    assert (status(w).undelivered, status(w).last_reconciled_at) == (0, T0 + timedelta(hours=1))


def test_a_hotel_note_later_than_the_last_run_wins_over_it(setup):
    w, _, _, _ = setup
    w.health.note_run("expedia", T0)
    w.health.note_reconciled("h1", "expedia", T0 + timedelta(hours=1), 4, "CALLBACK_UNREACHABLE")
    assert (status(w).undelivered, status(w).last_reconciled_at) == (4, T0 + timedelta(hours=1))


def test_an_older_run_noted_late_never_replaces_a_later_one(setup):
    w, _, _, _ = setup
    w.health.note_run("expedia", T0 + timedelta(hours=2))
    w.health.note_run("expedia", T0)  # a slow run that started earlier
    assert status(w).last_reconciled_at == T0 + timedelta(hours=2)


def test_a_failed_run_notes_nothing_so_the_last_good_run_still_speaks(setup):
    w, expedia, _, reconciler = setup
    expedia.add("n-1")
    reconciler.run()
    expedia.down = True
    w.clock.advance(hours=1)
    with pytest.raises(ExpediaUnavailable):
        reconciler.run()
    assert w.health.last_run("expedia") == T0
    assert (status(w).undelivered, status(w).last_reconciled_at) == (1, T0)  # not 0 at the failed run's time


def test_a_failed_first_run_leaves_the_hotel_never_reconciled(setup):
    w, expedia, queue, reconciler = setup
    expedia.down = True
    with pytest.raises(ExpediaUnavailable):
        reconciler.run()
    assert w.health.last_run("expedia") is None and queue.bodies == []
    assert (status(w).undelivered, status(w).last_reconciled_at) == (0, None)


def test_a_hotel_without_expedia_is_not_said_reconciled_by_the_channels_run(setup):
    w, _, _, reconciler = setup
    w.store.hotels["h3"] = Hotel("h3", "Hôtel Sans Expedia")
    reconciler.run()
    found = status(w, "h3")
    assert (found.connected, found.undelivered, found.last_reconciled_at) == (False, 0, None)


def test_the_hotels_other_health_is_kept_when_the_run_speaks_for_it(setup):
    w, _, _, reconciler = setup
    w.health.record = ChannelHealthRecord(last_notification_at=T0 - timedelta(minutes=5), undelivered=3,
                                          last_reconciled_at=T0 - timedelta(hours=1), blocked_by_day={"2026-11-24": 2})
    reconciler.run()
    found = status(w)
    assert (found.undelivered, found.last_reconciled_at) == (0, T0)
    assert (found.last_notification_at, found.blocked_replies_7d) == (T0 - timedelta(minutes=5), 2)


def test_a_run_cut_short_by_the_page_limit_does_not_speak_for_hotels_it_found_nothing_for(setup):
    w, expedia, _, reconciler = setup
    w.health.note_reconciled("h1", "expedia", T0 - timedelta(hours=1), 5, "CALLBACK_UNREACHABLE")
    expedia.add("n-1", "p2")
    expedia.endless = True  # h1's notifications may lie on the pages it never read
    found = reconciler.run()
    assert not found.complete
    assert (status(w, "h1").undelivered, status(w, "h1").last_reconciled_at) == (5, T0 - timedelta(hours=1))
    assert status(w, "h2").last_reconciled_at == T0  # what it did find is still noted
