"""``ExpediaIngest``: what Lobby does with one of Expedia's notifications.

The notification is a trigger; Expedia's GraphQL answer is the truth: a notification whose
property or thread is not where Expedia says the thread or message belongs is refused, and so
is a time from Expedia that cannot be a real message's time (``inbox.times``). This module only
translates Expedia's shapes: every effect is an ``Inbox`` use case (look the event up, keep the
guest's files, receive a guest message, record a hotel message, record moderation, the profile).
Repeats (the same notification, or the same Expedia message under another notification) change
nothing and cost one read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from expedia.errors import ExpediaRejected
from expedia.files import TooLarge
from expedia.models import ExpediaAttachment, ExpediaMessage, ExpediaThread
from expedia.notifications import ExpediaNotification
from inbox.attachments import MAX_ATTACHMENT_BYTES, NOT_FETCHED
from inbox.channel import EXPEDIA, ChannelEvent
from inbox.inbound import GuestProfile, InboundMessage
from inbox.model import Attachment, Reservation
from inbox.times import check_sent_at, iso

CHANNEL = EXPEDIA
EMPTY_TEXT = "(empty message)"  # a message with neither text nor files


class IngestError(Exception):
    """A notification Lobby cannot take: its record fails and, after retries, waits in the DLQ."""


class UnknownProperty(IngestError):
    pass


class UnknownToExpedia(IngestError):
    pass


class NotWhereExpediaSays(IngestError):
    """The notification names a property or thread other than the one Expedia gives for its thread or message."""


class ImplausibleTime(IngestError):
    """A time from Expedia that cannot be a real message's (before 2000, or more than a day ahead)."""


@dataclass(frozen=True)
class Ingested:
    """What became of a notification (for logs and tests)."""

    outcome: str  # "stored", "repeat", "profile", "channel_reply", "own_reply", "moderation", "ignored"
    conversation_id: str | None = None


class ExpediaIngest:
    def __init__(self, inbox: Any, client: Any, *, log: Callable[..., None] = lambda message, **fields: None,
                 clock: Callable[[], datetime] | None = None):
        self.inbox = inbox
        self.client = client
        self.log = log
        self.clock = clock or inbox.clock

    def hotel_for(self, property_id: str) -> str:
        hotel_id = self.inbox.hotel_for_expedia_property(property_id)
        if hotel_id is None:
            raise UnknownProperty(f"no hotel is connected to Expedia property {property_id}")
        return str(hotel_id)

    def handle(self, notification: ExpediaNotification, *, via_reconciliation: bool = False) -> Ingested:
        """Take one notification; ``via_reconciliation``: the reconciler queued it, so Expedia did not reach
        the callback with it and the channel's last notification is left as it is."""
        payload = notification.payload
        self._plausible(notification.creation_date_time, f"notification {notification.notification_id}'s "
                                                         "creationDateTime")
        hotel_id = self.hotel_for(payload.property_id)
        if not via_reconciliation:
            self.inbox.note_notification(hotel_id, CHANNEL)
        event: ChannelEvent = self.inbox.look_up(hotel_id, CHANNEL, payload.message_thread_id,
                                                 event_id=notification.notification_id,
                                                 external_message_id=payload.message_id)
        if event.handled:
            return Ingested("repeat", event.conversation_id)

        if notification.event_type == "MessageThreadCreated":
            profile = self._profile(notification)
            if profile is None:
                raise UnknownToExpedia(f"Expedia does not know thread {payload.message_thread_id}")
            saved = self.inbox.save_guest_profile(event, profile)
            return Ingested("profile" if saved else "repeat", event.conversation_id)
        if notification.event_type == "MessageAttributesUpdated":
            message = self._message(notification)
            ours = message.from_role == "SUPPLIER" and event.message_handled
            if not ours:
                self.inbox.mark_handled(event)
                return Ingested("ignored")
            self.inbox.record_moderation(event, message.id, blocked=message.review_status == "BLOCKED")
            return Ingested("moderation", event.handled_message.conversation_id if event.handled_message else None)
        if event.message_handled:  # the same message under another notification, or our own reply
            return Ingested("repeat", event.conversation_id)

        message = self._message(notification)
        profile = GuestProfile(external_id=payload.message_thread_id)
        if event.conversation is None and message.from_role == "TRAVELER":
            # A new conversation: learn who the guest is (the only case with a second query).
            profile = self._profile(notification) or profile
        inbound = inbound_message(self.inbox, self.client, event, message, profile,
                                  message.creation_date_time_utc or notification.creation_date_time)
        if message.from_role == "SUPPLIER":
            received = self.inbox.record_hotel_message(inbound, event)
            if received.own_reply:
                return Ingested("own_reply", event.conversation_id)
            return Ingested("repeat" if received.duplicate else "channel_reply", event.conversation_id)
        received = self.inbox.receive(inbound, event=event)
        return Ingested("repeat" if received.duplicate else "stored", event.conversation_id)

    def _message(self, notification: ExpediaNotification) -> ExpediaMessage:
        """The notification's message as Expedia gives it; refused unless it is in the notification's
        thread and property, at a plausible time."""
        payload = notification.payload
        assert payload.message_id is not None  # the notification's model requires it for message events
        message: ExpediaMessage | None = self.client.get_message(payload.message_id)
        if message is None:
            raise UnknownToExpedia(f"Expedia does not know message {payload.message_id}")
        if (message.thread_id, message.property_id) != (payload.message_thread_id, payload.property_id):
            raise NotWhereExpediaSays(
                f"notification {notification.notification_id} names property {payload.property_id} and thread "
                f"{payload.message_thread_id}, but Expedia gives message {message.id} in thread {message.thread_id} "
                f"of property {message.property_id}")
        if message.creation_date_time_utc is not None:
            self._plausible(message.creation_date_time_utc, f"message {message.id}'s creationDateTimeUtc")
        return message

    def _profile(self, notification: ExpediaNotification) -> GuestProfile | None:
        """The guest of the notification's thread, refused unless Expedia puts the thread in its property."""
        payload = notification.payload
        thread: ExpediaThread | None = self.client.get_thread(payload.message_thread_id)
        if thread is None:
            return None
        if thread.property_id != payload.property_id:
            raise NotWhereExpediaSays(
                f"notification {notification.notification_id} names property {payload.property_id}, but Expedia "
                f"gives thread {thread.id} to property {thread.property_id}")
        return profile_of(thread)

    def _plausible(self, moment: datetime, what: str) -> None:
        try:
            check_sent_at(moment, self.clock())
        except ValueError as error:
            raise ImplausibleTime(f"{what} {iso(moment)}: {error}") from None


def profile_of(thread: ExpediaThread) -> GuestProfile:
    """The guest of a thread: the primary traveler's name and the reservation."""
    reservation = thread.reservation_summary
    reservations: tuple[Reservation, ...] = ()
    if reservation is not None:
        reservations = (Reservation(reservation.reservation_id, reservation.check_in_date.isoformat(),
                                    reservation.check_out_date.isoformat(), None, reservation.guests),)
    name = thread.primary_traveler.name if thread.primary_traveler else None
    return GuestProfile(external_id=thread.id, name=name, reservations=reservations)


def inbound_message(inbox: Any, client: Any, event: ChannelEvent, message: ExpediaMessage, sender: GuestProfile,
                    sent_at: datetime) -> InboundMessage:
    """An Expedia message as the inbox takes it, its files already kept in Lobby's storage."""
    attachments = keep_files(inbox, client, event, message.attachments)
    text = (message.body or "").strip()
    return InboundMessage(hotel_id=event.hotel_id, channel=CHANNEL, external_conversation_id=event.external_conversation_id,
                          external_message_id=message.id, text=text or ("" if attachments else EMPTY_TEXT),
                          sent_at=sent_at, sender=sender, attachments=attachments)


def keep_files(inbox: Any, client: Any, event: ChannelEvent, files: Sequence[ExpediaAttachment]
               ) -> tuple[Attachment, ...]:
    """Copy each of the message's files from Expedia's attachment service into Lobby's storage.

    ``ExpediaUnavailable`` (the service is down) propagates: the record fails and SQS retries it.
    A file over the limit, of a refused type, or one Expedia no longer has, is kept unavailable.
    """
    kept = []
    for file in files:
        try:
            got = client.download_file(file.url or file.id, max_bytes=MAX_ATTACHMENT_BYTES)
        except ExpediaRejected:  # includes ExpediaNotFound: retrying will not bring it back
            kept.append(inbox.keep_channel_file(event.hotel_id, event.conversation_id, file.id, file.name,
                                                "application/octet-stream", None, unavailable=NOT_FETCHED))
            continue
        if isinstance(got, TooLarge):
            kept.append(inbox.keep_channel_file(event.hotel_id, event.conversation_id, file.id, file.name,
                                                got.content_type, None, got.size))
        else:
            kept.append(inbox.keep_channel_file(event.hotel_id, event.conversation_id, file.id, file.name,
                                                got.content_type, got.data))
    return tuple(kept)
