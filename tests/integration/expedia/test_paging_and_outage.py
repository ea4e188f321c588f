"""The client's pages (30-day backfill, reconciliation) and the stand-in's outage and clock, as Expedia's
hourly retries for one day would behave."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from expedia.client import MESSAGING_EVENT_TYPES, ExpediaClient
from expedia.errors import ExpediaNotFound, ExpediaRejected
from local.expedia import ExpediaStandIn

PROPERTY = "12345678"


def walk(fetch) -> tuple[list, int]:
    """Every element behind a cursor: (elements, pages)."""
    elements, cursor, pages = [], None, 0
    while True:
        page = fetch(cursor)
        elements += page.elements
        pages += 1
        if page.cursor is None:
            return elements, pages
        cursor = page.cursor
        assert pages < 100


def delivered_ids(captured) -> list[str]:
    return [json.loads(raw)["notificationId"] for raw, _ in captured]


def test_property_threads_pages_the_last_30_days_oldest_first(client: ExpediaClient, standin, sim):
    sim.message("thr-old", propertyId=PROPERTY, body="Forty days ago")
    sim.post("/clock", {"advance_hours": 24 * 40})
    for number in range(5):
        sim.message(f"thr-{number}", propertyId=PROPERTY, body=f"Recent {number}")
    sim.message("thr-other", propertyId="99999999", body="Another property")
    now = standin.now()

    threads, pages = walk(lambda c: client.property_threads(PROPERTY, now - timedelta(days=30), now,
                                                            limit=2, cursor=c))

    assert [t.id for t in threads] == [f"thr-{n}" for n in range(5)]
    assert pages == 3
    assert {t.property_id for t in threads} == {PROPERTY}
    assert client.property_threads(PROPERTY, now - timedelta(days=30), now, limit=2).total == 5


def test_thread_messages_pages_every_message_with_its_files_oldest_first(client, sim):
    ids = [sim.message("thr-1", body=f"Message {n}")["messageId"] for n in range(7)]
    sim.message("thr-1", body="with a file", attachments=[
        {"name": "a.pdf", "contentType": "application/pdf", "base64": "JVBERi0xLjc="}])

    messages, pages = walk(lambda c: client.thread_messages("thr-1", limit=3, cursor=c))

    assert [m.id for m in messages][:7] == ids
    assert pages == 3 and len(messages) == 8
    assert [a.name for a in messages[-1].attachments] == ["a.pdf"]
    assert {m.thread_id for m in messages} == {"thr-1"}


def test_a_property_without_threads_is_an_empty_page(client, standin):
    now = standin.now()

    page = client.property_threads("55555555", now - timedelta(days=30), now)

    assert (page.elements, page.cursor, page.total) == ((), None, 0)


def test_a_new_message_between_two_pages_neither_repeats_nor_hides_one(client, standin, sim):
    for number in range(4):
        sim.message("thr-1", body=f"Message {number}")
    first = client.thread_messages("thr-1", limit=2)
    sim.message("thr-1", body="Arrived while paging")

    second = client.thread_messages("thr-1", limit=10, cursor=first.cursor)

    bodies = [m.body for m in first.elements + second.elements]
    assert bodies == ["Message 0", "Message 1", "Message 2", "Message 3", "Arrived while paging"]


def test_an_invalid_limit_is_rejected(client, standin):
    now = standin.now()
    with pytest.raises(ExpediaRejected) as caught:
        client.property_threads(PROPERTY, now - timedelta(days=1), now, limit=0)
    assert caught.value.code == "BAD_REQUEST"


def test_an_outage_holds_notifications_and_resuming_redelivers_them_in_order(standin, sim, captured, client):
    sim.post("/outage", {"callbacks": False})
    sent = [sim.message(f"thr-{n}", propertyId=PROPERTY, body="Anyone?") for n in range(3)]
    assert captured == []
    now = standin.now()
    held = client.undelivered_notifications(MESSAGING_EVENT_TYPES, now - timedelta(hours=26), now, limit=50)
    assert held.cursor is not None  # one page per event type behind one cursor
    assert {n.error_code for n in held.elements} == {"CALLBACK_UNREACHABLE"}
    sim.post("/clock", {"advance_hours": 3})

    resumed = sim.post("/outage", {"callbacks": True}).json()

    expected = [n["notificationId"] for n in standin.notifications]
    assert resumed["retried"] == expected == delivered_ids(captured)
    assert {s["notificationId"] for s in sent} <= set(expected)
    now = standin.now()
    assert client.undelivered_notifications(MESSAGING_EVENT_TYPES, now - timedelta(hours=26), now).elements == ()


def test_after_26_hours_the_old_ones_are_given_up_but_listed_and_the_younger_ones_retried(
        standin, sim, captured, client):
    sim.post("/outage", {"callbacks": False})
    early = sim.message("thr-early", propertyId=PROPERTY, body="Monday morning")
    sim.post("/clock", {"advance_hours": 5})
    late = sim.message("thr-late", propertyId=PROPERTY, body="Monday afternoon")
    sim.post("/clock", {"advance_hours": 21})  # 26 h after the first, 21 h after the second

    resumed = sim.post("/outage", {"callbacks": True}).json()

    assert late["notificationId"] in resumed["retried"] and early["notificationId"] not in resumed["retried"]
    assert early["notificationId"] not in delivered_ids(captured)
    [listed] = [n for n in sim.get("/notifications").json() if n["notificationId"] == early["notificationId"]]
    assert listed["givenUp"] and listed["error"]["code"] == "CALLBACK_UNREACHABLE"
    now = standin.now()
    left, _ = walk(lambda c: client.undelivered_notifications(MESSAGING_EVENT_TYPES, now - timedelta(hours=27),
                                                              now, limit=1, cursor=c))
    assert [(n.event_type, n.notification["payload"]["messageThreadId"]) for n in left] == [
        ("MessageThreadCreated", "thr-early"), ("MessageReceived", "thr-early")]
    assert left[1].notification_id == early["notificationId"]


def test_a_failing_callback_is_listed_and_retried_on_the_next_hour(receiver):
    receiver.answers = [500, 500]
    with ExpediaStandIn(callback_url=receiver.url, id_prefix="") as expedia:
        sent = expedia.add_message("thr-1", {"propertyId": PROPERTY, "body": "Hi"})
        [failed] = [n for n in expedia.notifications if n["notificationId"] == sent["notificationId"]]
        assert failed["error"]["code"] == "CALLBACK_FAILED" and "500" in failed["error"]["message"]

        moved = expedia.advance_clock(1)

        assert set(moved["retried"]) == {n["notificationId"] for n in expedia.notifications}
        assert all(n["delivered"] for n in expedia.notifications)


def test_200_messages_through_a_26_hour_outage_are_all_listed_once(standin, sim, captured, client):
    sim.post("/outage", {"callbacks": False})
    sent = [sim.message(f"thr-{n % 40}", propertyId=PROPERTY, body=f"Message {n}") for n in range(200)]
    sim.post("/clock", {"advance_hours": 25})
    sim.post("/outage", {"callbacks": True})
    now = standin.now()

    listed, pages = walk(lambda c: client.undelivered_notifications(
        "MessageReceived", now - timedelta(hours=26), now, limit=50, cursor=c))

    assert captured == []  # every one older than a day: given up
    assert sorted(n.notification_id for n in listed) == sorted(s["notificationId"] for s in sent)
    assert pages == 4


def test_messages_of_an_unknown_thread_are_not_found(client):
    with pytest.raises(ExpediaNotFound):
        client.thread_messages("thr-missing")


def test_a_cursor_of_another_listing_is_refused_before_calling_expedia(client, standin):
    now = standin.now()
    with pytest.raises(ValueError):
        client.undelivered_notifications(MESSAGING_EVENT_TYPES, now - timedelta(hours=1), now, cursor="7:x")
    assert standin.calls("undeliveredNotifications") == []
