"""``ExpediaIngest``: what Lobby does with one of Expedia's notifications.

The notification is a trigger; Expedia's GraphQL answer is the truth: a notification whose
property or thread is not where Expedia says the thread or message belongs is refused, and so
is a time from Expedia that cannot be a real message's time (``inbox.times``). Repeats (the same
notification, or the same Expedia message under another notification) change nothing and
cost one read. Traveler messages go through the inbox pipeline; replies the hotel wrote on
Expedia's own site are stored as they are; moderation is recorded on our replies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from expedia.notifications import ExpediaNotification
from inbox.inbound import (
    GuestProfile,
    InboundMessage,
    contact_id_for,
    conversation_id_for,
    message_guard,
    notification_guard,
)
from inbox.model import Contact, Delivery, Reservation
from inbox.times import check_sent_at, iso

CHANNEL = "expedia"


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

    outcome: str  # "stored", "repeat", "profile", "channel_reply", "moderation", "ignored"
    conversation_id: str | None = None


class ExpediaIngest:
    # A property moved to another hotel (``python -m admin connect-expedia``) is followed within this.
    PROPERTY_CACHE_SECONDS = 30

    def __init__(self, inbox, store, client, *, log: Callable[..., None] = lambda message, **fields: None,
                 clock: Callable[[], datetime] | None = None):
        self.inbox = inbox
        self.store = store
        self.client = client
        self.log = log
        self.clock = clock or inbox.clock
        self._hotels: dict[str, tuple[datetime, str]] = {}  # Expedia property -> (when read, hotel)

    def hotel_for(self, property_id: str) -> str:
        now = self.clock()
        cached = self._hotels.get(property_id)
        if cached is not None and (now - cached[0]).total_seconds() <= self.PROPERTY_CACHE_SECONDS:
            return cached[1]
        hotel_id = self.store.hotel_for_expedia_property(property_id)
        if hotel_id is None:
            raise UnknownProperty(f"no hotel is connected to Expedia property {property_id}")
        self._hotels[property_id] = (now, hotel_id)
        return hotel_id

    def handle(self, notification: ExpediaNotification) -> Ingested:
        payload = notification.payload
        self._plausible(notification.creation_date_time, f"notification {notification.notification_id}'s "
                                                         "creationDateTime")
        hotel_id = self.hotel_for(payload.property_id)
        conversation_id = conversation_id_for(hotel_id, CHANNEL, payload.message_thread_id)
        ntf_guard = notification_guard(CHANNEL, notification.notification_id)
        msg_guard = message_guard(conversation_id, payload.message_id) if payload.message_id else None
        guards = [ntf_guard] + ([msg_guard] if msg_guard else [])
        conversation, taken = self.store.find_conversation(hotel_id, conversation_id, guards)
        if ntf_guard in taken:
            return Ingested("repeat", conversation_id)

        if notification.event_type == "MessageThreadCreated":
            return self._thread_created(notification, hotel_id, conversation_id, ntf_guard)
        if notification.event_type == "MessageAttributesUpdated":
            return self._attributes_updated(notification, hotel_id, taken.get(msg_guard), ntf_guard)
        if msg_guard in taken:  # the same message under another notification, or our own reply
            return Ingested("repeat", conversation_id)

        message = self._message(notification)
        profile = GuestProfile(external_id=payload.message_thread_id)
        if conversation is None and message.from_role == "TRAVELER":
            # A new conversation: learn who the guest is (the only case with a second query).
            profile = self._profile(notification) or profile
        inbound = InboundMessage(
            hotel_id=hotel_id, channel=CHANNEL, external_conversation_id=payload.message_thread_id,
            external_message_id=message.id, text=_text_of(message), sent_at=message.creation_date_time_utc
            or notification.creation_date_time, sender=profile,
        )
        if message.from_role == "SUPPLIER":
            own = self._own_reply_in_flight(hotel_id, conversation, inbound.text)
            if own is not None:
                # Expedia told us of our reply before the sender recorded its id: it is ours.
                self.store.mark_delivered(own, message.id, msg_guard)
                self.store.take_guards(hotel_id, [ntf_guard])
                return Ingested("own_reply", conversation_id)
            received = self.inbox.record_channel_reply(inbound, guards=(ntf_guard,), known=(conversation,))
            return Ingested("repeat" if received.duplicate else "channel_reply", conversation_id)
        received = self.inbox.receive(inbound, guards=(ntf_guard,), known=(conversation,))
        return Ingested("repeat" if received.duplicate else "stored", conversation_id)

    def _thread_created(self, notification, hotel_id: str, conversation_id: str, ntf_guard: str) -> Ingested:
        thread_id = notification.payload.message_thread_id
        profile = self._profile(notification)
        if profile is None:
            raise UnknownToExpedia(f"Expedia does not know thread {thread_id}")
        contact = Contact(id=contact_id_for(CHANNEL, thread_id), hotel_id=hotel_id, channel=CHANNEL,
                          external_id=thread_id, name=profile.name, reservations=profile.reservations)
        from inbox.errors import Duplicate

        try:
            self.store.save_profile(contact, guards=[ntf_guard])
        except Duplicate:
            return Ingested("repeat", conversation_id)
        return Ingested("profile", conversation_id)

    def _attributes_updated(self, notification, hotel_id: str, ours, ntf_guard: str) -> Ingested:
        message = self._message(notification)
        if ours is None or ours.message_id is None or message.from_role != "SUPPLIER":
            self.store.take_guards(hotel_id, [ntf_guard])
            return Ingested("ignored")
        stored = self.store.get_message(hotel_id, ours.conversation_id, ours.message_sent_at, ours.message_id)
        if stored is not None and message.review_status == "BLOCKED":
            self.store.update_delivery(stored, Delivery.FAILED, external_message_id=message.id,
                                       error="blocked_by_expedia")
            self.log("reply blocked by Expedia", conversation_id=ours.conversation_id, message_id=stored.id)
        self.store.take_guards(hotel_id, [ntf_guard])
        return Ingested("moderation", ours.conversation_id)

    def _own_reply_in_flight(self, hotel_id: str, conversation, text: str):
        """A reply of ours to this thread, still pending, with this text (read only for hotel replies)."""
        if conversation is None:
            return None
        for stored in self.store.list_messages(hotel_id, conversation.id, 20).items:
            if stored.delivery is Delivery.PENDING and stored.text.strip() == text.strip():
                return stored
        return None

    def _message(self, notification: ExpediaNotification):
        """The notification's message as Expedia gives it; refused unless it is in the notification's
        thread and property, at a plausible time."""
        payload = notification.payload
        message = self.client.get_message(payload.message_id)
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
        thread_id = payload.message_thread_id
        thread = self.client.get_thread(thread_id)
        if thread is None:
            return None
        if thread.property_id != payload.property_id:
            raise NotWhereExpediaSays(
                f"notification {notification.notification_id} names property {payload.property_id}, but Expedia "
                f"gives thread {thread_id} to property {thread.property_id}")
        reservation = thread.reservation_summary
        reservations: tuple[Reservation, ...] = ()
        if reservation is not None:
            reservations = (Reservation(reservation.reservation_id, reservation.check_in_date.isoformat(),
                                        reservation.check_out_date.isoformat(), None, reservation.guests),)
        name = thread.primary_traveler.name if thread.primary_traveler else None
        return GuestProfile(external_id=thread_id, name=name, reservations=reservations)


    def _plausible(self, moment: datetime, what: str) -> None:
        try:
            check_sent_at(moment, self.clock())
        except ValueError as error:
            raise ImplausibleTime(f"{what} {iso(moment)}: {error}") from None


def _text_of(message) -> str:
    text = (message.body or "").strip()
    if message.attachments:
        names = ", ".join(a.name for a in message.attachments)
        text = f"{text}\n[attachments: {names}]".strip()
    return text or "(empty message)"
