"""Reconciliation: what Expedia could not deliver to the callback, fed through the same ingest.

Expedia retries a messaging notification every hour for one day, then never again. Every hour
(a schedule) this pages ``undeliveredNotifications`` for the three messaging event types over the
last 26 hours (a day of Expedia's retries, plus two runs' margin) and puts each notification, as
the callback would have queued it, on the ``expedia-events`` queue: the ingest drops repeats, so
a notification that reaches Lobby twice (the callback got through after all, or two runs saw it)
changes nothing. Each hotel with undelivered notifications notes how many and why; then the run
itself is noted once for the channel (the store has no list of connected hotels without a Scan):
a hotel whose own note is older than the channel's last run had nothing undelivered in it
(``Inbox.channels``). A run that fails notes nothing, so its hotels keep what the last good run said.
A notification of a property no hotel is connected to is logged, not queued (the ingest would only
fail it into the DLQ, again at every run).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from expedia.notifications import FROM_RECONCILIATION, SOURCE_ATTRIBUTE
from inbox.channel import EXPEDIA
from inbox.ports import ChannelHealthStore

CHANNEL = EXPEDIA  # the one name of the channel (inbox.channel)
EVENT_TYPES = ("MessageThreadCreated", "MessageReceived", "MessageAttributesUpdated")
WINDOW = timedelta(hours=26)
PAGE_SIZE = 50  # notifications per undeliveredNotifications call
MAX_PAGES = 200  # per event type and run: a cursor that never ends cannot hold the function
SQS_BATCH = 10  # SendMessageBatch takes at most 10 entries


class UndeliveredPages(Protocol):
    """What the reconciler needs of the Expedia client (``expedia.client.ExpediaClient``)."""

    def undelivered_notifications(self, event_types: str, since: datetime, until: datetime, *,
                                  limit: int = PAGE_SIZE, cursor: str | None = None) -> Any: ...


class PropertyHotels(Protocol):
    def hotel_for_expedia_property(self, property_id: str) -> str | None: ...


class NotificationQueue(Protocol):
    def put_all(self, bodies: Sequence[str]) -> None:
        """Queue every body (raise when some could not be queued: the run is retried, the ingest is idempotent)."""
        ...


@dataclass
class Reconciliation:
    """What one run found and did."""

    undelivered: int = 0
    queued: int = 0
    unknown_property: int = 0  # notifications of a property no hotel is connected to (not queued)
    unreadable: int = 0  # notifications without an id or a property (not queued)
    # undelivered == queued + unknown_property + unreadable
    by_hotel: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)  # error code -> how many
    complete: bool = True  # False when a page limit cut the list short (the run then speaks for no other hotel)


class ExpediaReconciler:
    def __init__(self, client: UndeliveredPages, queue: NotificationQueue, hotels: PropertyHotels,
                 health: ChannelHealthStore, *, now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 log: Callable[..., None] = lambda message, **fields: None, page_size: int = PAGE_SIZE):
        self._client = client
        self._queue = queue
        self._hotels = hotels
        self._health = health
        self._now = now
        self._log = log
        self._page_size = page_size

    def run(self) -> Reconciliation:
        now = self._now()
        result = Reconciliation()
        seen: set[str] = set()
        hotel_of: dict[str, str | None] = {}
        last_error: dict[str, tuple[str, str]] = {}  # hotel -> (creationDateTime, "CODE: message")
        batch: list[str] = []
        for element in self._undelivered(now - WINDOW, now, result):
            taken = self._take(element, result, seen, hotel_of)
            if taken is None:
                continue
            hotel_id, notification = taken
            created = str(notification.get("creationDateTime") or "")
            if created >= last_error.get(hotel_id, ("", ""))[0]:  # the newest error speaks for the hotel
                last_error[hotel_id] = (created, _error_text(element.error_code, element.error_message))
            batch.append(json.dumps(notification, separators=(",", ":"), ensure_ascii=False))
            if len(batch) == SQS_BATCH:  # queued as found: a run cut short has still queued what it read
                result.queued += self._put(batch)
        result.queued += self._put(batch)
        for hotel_id, count in result.by_hotel.items():
            self._health.note_reconciled(hotel_id, CHANNEL, now, count, last_error[hotel_id][1])
        # Last, once every hotel it found is noted: read with them, it says "0" for every other hotel,
        # which only a run that read the whole list may say.
        if result.complete:
            self._health.note_run(CHANNEL, now)
        return result

    def _take(self, element: Any, result: Reconciliation, seen: set[str], hotel_of: dict[str, str | None]
              ) -> tuple[str, dict[str, Any]] | None:
        """The hotel and notification to queue for one undelivered element, or None (counted in ``result``)."""
        notification_id = element.notification_id
        if notification_id is not None and notification_id in seen:
            return None  # on two pages (the list moved while we paged)
        result.undelivered += 1
        if notification_id is None:
            result.unreadable += 1
            self._log("undelivered notification without an id", error_code=element.error_code)
            return None
        seen.add(notification_id)
        result.errors[element.error_code or "UNKNOWN"] += 1
        self._log("undelivered notification", notification_id=notification_id, event_type=element.event_type,
                  error_code=element.error_code, error_message=element.error_message)
        property_id = _property_id(element.notification)
        if property_id is None:
            result.unreadable += 1
            return None
        if property_id not in hotel_of:
            hotel_of[property_id] = self._hotels.hotel_for_expedia_property(property_id)
        hotel_id = hotel_of[property_id]
        if hotel_id is None:
            # Queued, the ingest would fail it into the DLQ, again at every run for 26 hours: logged once a run.
            result.unknown_property += 1
            self._log("undelivered notification of a property no hotel is connected to",
                      notification_id=notification_id, property_id=property_id)
            return None
        result.by_hotel[hotel_id] += 1
        return hotel_id, element.notification

    def _put(self, batch: list[str]) -> int:
        if not batch:
            return 0
        self._queue.put_all(batch)
        count = len(batch)
        batch.clear()
        return count

    def _undelivered(self, since: datetime, until: datetime, result: Reconciliation) -> Iterator[Any]:
        for event_type in EVENT_TYPES:
            cursor: str | None = None
            for _ in range(MAX_PAGES):
                page = self._client.undelivered_notifications(event_type, since, until, cursor=cursor,
                                                              limit=self._page_size)
                yield from page.elements
                cursor = page.cursor or None
                if cursor is None or not page.elements:
                    break
            else:
                result.complete = False
                self._log("undelivered notifications: page limit reached", event_type=event_type,
                          pages=MAX_PAGES)


def _error_text(code: str | None, message: str | None) -> str:
    return ": ".join(part for part in (code or "UNKNOWN", message) if part)


def _property_id(notification: dict[str, Any]) -> str | None:
    payload = notification.get("payload")
    found = payload.get("propertyId") if isinstance(payload, dict) else None
    return found if isinstance(found, str) and found else None


class SqsNotificationQueue:
    """The ``expedia-events`` queue: each body as the callback would have queued it, 10 per request, marked
    as the reconciler's (``SOURCE_ATTRIBUTE``) so the ingest does not count it as a callback."""

    ATTRIBUTES = {SOURCE_ATTRIBUTE: {"DataType": "String", "StringValue": FROM_RECONCILIATION}}

    def __init__(self, sqs, queue_url: str):
        self._sqs = sqs
        self._queue_url = queue_url

    def put_all(self, bodies: Iterable[str]) -> None:
        entries = [{"Id": str(i), "MessageBody": body, "MessageAttributes": self.ATTRIBUTES}
                   for i, body in enumerate(bodies)]
        for start in range(0, len(entries), SQS_BATCH):
            answer = self._sqs.send_message_batch(QueueUrl=self._queue_url, Entries=entries[start:start + SQS_BATCH])
            failed = answer.get("Failed") or []
            if failed:
                reasons = "; ".join(f"{f.get('Code')}: {f.get('Message')}" for f in failed)
                raise RuntimeError(f"{len(failed)} notifications could not be queued ({reasons})")
