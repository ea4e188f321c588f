"""``ExpediaBackfill``: a newly connected property's last 30 days of threads and messages, imported once.

Through the same idempotent use cases as the ingest (the guest's profile, guest messages, the
hotel's messages, files kept before their message): each message's guard is the one its
notification would take, so running it twice, or a notification of an imported message arriving
later, changes nothing. Past guest messages are stored as they were, without the bot: the hotel
answered them on Expedia then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from expedia.ingest import CHANNEL, UnknownProperty, inbound_message, profile_of
from expedia.models import ExpediaMessage, ExpediaThread
from inbox.times import check_sent_at

BACKFILL_DAYS = 30
PAGE = 50


@dataclass
class Backfilled:
    """What a run imported (for the admin command's output and tests)."""

    threads: int = 0
    messages: int = 0  # new messages stored
    repeats: int = 0  # messages Lobby already held


class ExpediaBackfill:
    def __init__(self, inbox: Any, client: Any, *, log: Callable[..., None] = lambda message, **fields: None):
        self.inbox = inbox
        self.client = client
        self.log = log

    def run(self, property_id: str, since: datetime | None = None, until: datetime | None = None) -> Backfilled:
        """Import the property's threads created in ``[since, until]`` (the last 30 days by default)."""
        hotel_id = self.inbox.hotel_for_expedia_property(property_id)
        if hotel_id is None:
            raise UnknownProperty(f"no hotel is connected to Expedia property {property_id}")
        until = until or self.inbox.clock()
        since = since or until - timedelta(days=BACKFILL_DAYS)
        done = Backfilled()
        for thread in self._threads(property_id, since, until):
            done.threads += 1
            event = self.inbox.look_up(hotel_id, CHANNEL, thread.id)
            self.inbox.save_guest_profile(event, profile_of(thread))
            for message in self._messages(thread.id):
                stored = self._message(hotel_id, thread, message)
                done.messages += stored
                done.repeats += not stored
        self.log("Expedia backfill done", property_id=property_id, hotel_id=hotel_id, threads=done.threads,
                 messages=done.messages, repeats=done.repeats)
        return done

    def _message(self, hotel_id: str, thread: ExpediaThread, message: ExpediaMessage) -> bool:
        """Store one past message unless Lobby holds it; True when it was stored now."""
        sent_at = message.creation_date_time_utc or self.inbox.clock()
        try:
            check_sent_at(sent_at, self.inbox.clock())
        except ValueError as error:  # one bad message never stops the import
            self.log("Expedia backfill skipped a message", message_id=message.id, reason=str(error))
            return False
        event = self.inbox.look_up(hotel_id, CHANNEL, thread.id, external_message_id=message.id)
        if event.message_handled:
            return False
        inbound = inbound_message(self.inbox, self.client, event, message, profile_of(thread), sent_at)
        if message.from_role == "SUPPLIER":
            received = self.inbox.record_hotel_message(inbound, event)
        else:
            received = self.inbox.record_past_guest_message(inbound, event)
        return not received.duplicate and not received.own_reply

    def _threads(self, property_id: str, since: datetime, until: datetime) -> Iterator[ExpediaThread]:
        cursor = None
        while True:
            page = self.client.property_threads(property_id, since, until, limit=PAGE, cursor=cursor)
            yield from page.elements
            if page.cursor is None or not page.elements:
                return
            cursor = page.cursor

    def _messages(self, thread_id: str) -> Iterator[ExpediaMessage]:
        cursor = None
        while True:
            page = self.client.thread_messages(thread_id, limit=PAGE, cursor=cursor)
            yield from page.elements
            if page.cursor is None or not page.elements:
                return
            cursor = page.cursor
