"""The inbox's use cases for channels that deliver (Expedia): what their adapters ask of it.

A mixin of ``Inbox`` (``inbox.service``). The adapters translate the channel's shapes and call
these; every read and write goes through the ports. One channel event (a notification) is read
once (``look_up``), and what it stores is written with its guard, so a repeat changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from inbox.errors import Duplicate, NotFound
from inbox.inbound import (
    GuestProfile,
    InboundMessage,
    Received,
    contact_id_for,
    conversation_id_for,
    message_guard,
    message_id_for,
    notification_guard,
)
from inbox.machine import new_id, note_message, redacted, start_conversation
from inbox.model import Activity, Actor, ActorType, Contact, Conversation, Delivery, Direction, Message, Sender
from inbox.ports import ChannelHealthStore, ChannelStatus, ConversationStore, Guard, Hotel
from inbox.redaction import kinds, redact_inbound
from inbox.reports import FigureChanges
from inbox.search import entry_terms, profile_terms

# Channels Lobby can connect a hotel to (today Expedia, through ``Hotel.expedia_property_id``).
EXPEDIA = "expedia"
# How far back a hotel's own reply is looked for when the channel echoes it (its newest messages).
OWN_REPLY_LOOKBACK = 20
BLOCKED_DAYS = 7


@dataclass(frozen=True)
class ChannelEvent:
    """What Lobby already holds of one channel event (a notification), read in one request."""

    hotel_id: str
    channel: str
    external_conversation_id: str
    conversation_id: str
    conversation: Conversation | None  # None: the thread is new to Lobby
    guards: tuple[str, ...]  # the event's own guard, written with whatever the event stores
    handled: bool  # the event itself was handled before
    handled_message: Guard | None  # the event's message was handled before: what its guard points to

    @property
    def message_handled(self) -> bool:
        return self.handled_message is not None


@dataclass(frozen=True)
class DeliveryClaim:
    """The outcome of claiming a message before sending it: only ``claimed`` may send."""

    outcome: Literal["claimed", "delivered", "not_pending", "gone", "busy"]
    message: Message | None = None
    token: str | None = None

    @property
    def claimed(self) -> bool:
        return self.outcome == "claimed"


class ChannelUseCases:
    """What a delivering channel's ingest, sender and backfill ask of the inbox."""

    store: ConversationStore
    health: ChannelHealthStore | None
    clock: Callable[[], datetime]
    retention_days: Callable[[str], int]
    figures: Callable[..., FigureChanges]
    log: Callable[..., None]
    _properties: dict[str, tuple[datetime, str]]
    _noted: dict[tuple[str, str], datetime]

    PROPERTY_CACHE_SECONDS = 30  # a property moved to another hotel (``admin connect-expedia``) is followed within this
    NOTE_EVERY_SECONDS = 60  # at most one channel-health write a minute per hotel and warm process
    # A claim outlives the sender's timeout (30 s, ``infra/names.py``): a copy that finds it live knows
    # another copy may still send; one that crashed gives way once the lease ends.
    CLAIM_LEASE = timedelta(minutes=2)

    # --- reading the event ------------------------------------------------------------------

    def hotel_for_expedia_property(self, property_id: str) -> str | None:
        """The hotel connected to an Expedia property (cached half a minute in the warm process)."""
        now = self.clock()
        cached = self._properties.get(property_id)
        if cached is not None and (now - cached[0]).total_seconds() <= self.PROPERTY_CACHE_SECONDS:
            return cached[1]
        hotel_id = self.store.hotel_for_expedia_property(property_id)
        if hotel_id is not None:
            self._properties[property_id] = (now, hotel_id)
        return hotel_id

    def look_up(self, hotel_id: str, channel: str, external_conversation_id: str, *,
                event_id: str | None = None, external_message_id: str | None = None) -> ChannelEvent:
        """The conversation of a channel thread and whether the event and its message were handled (one read)."""
        conversation_id = conversation_id_for(hotel_id, channel, external_conversation_id)
        own = notification_guard(channel, event_id) if event_id else None
        msg = message_guard(conversation_id, external_message_id) if external_message_id else None
        wanted = [g for g in (own, msg) if g is not None]
        conversation, taken = self.store.find_conversation(hotel_id, conversation_id, wanted)
        return ChannelEvent(hotel_id=hotel_id, channel=channel, external_conversation_id=external_conversation_id,
                            conversation_id=conversation_id, conversation=conversation,
                            guards=(own,) if own else (), handled=own is not None and own in taken,
                            handled_message=taken.get(msg) if msg else None)

    def note_notification(self, hotel_id: str, channel: str) -> None:
        """The channel reached Lobby now (for its health); written at most once a minute per hotel."""
        if self.health is None:
            return
        now = self.clock()
        last = self._noted.get((hotel_id, channel))
        if last is not None and (now - last).total_seconds() < self.NOTE_EVERY_SECONDS:
            return
        self._noted[(hotel_id, channel)] = now
        try:
            self.health.note_notification(hotel_id, channel, now)
        except Exception as error:  # a health note never costs a guest message
            self.log("could not note the channel's health", error=str(error), hotel_id=hotel_id)

    # --- what the channel tells -----------------------------------------------------------------

    def mark_handled(self, event: ChannelEvent) -> None:
        """The event changes nothing (e.g. an update of a message that is not ours): only its guard is written."""
        if event.guards:
            self.store.take_guards(event.hotel_id, event.guards, retention_days=self.retention_days(event.hotel_id))

    def save_guest_profile(self, event: ChannelEvent, profile: GuestProfile) -> bool:
        """The guest of a thread as the channel gives them (fills in, never erases); False for a repeat."""
        contact = Contact(id=contact_id_for(event.channel, profile.external_id), hotel_id=event.hotel_id,
                          channel=event.channel, external_id=profile.external_id, name=profile.name,
                          email=profile.email, phone=profile.phone, language=profile.language,
                          reservations=profile.reservations, conversation_ids=frozenset({event.conversation_id}))
        # The conversation is found by what the profile tells (it may not be stored yet: same id when it is).
        # Its thread id is an entry the conversation writes itself when it is stored (``entry_terms``): the
        # profile's entries are all the contact's, so an erase of the contact finds each of them again.
        search = profile_terms(event.conversation_id, None, contact)
        try:
            self.store.save_profile(contact, guards=event.guards, search=search,
                                    retention_days=self.retention_days(event.hotel_id))
        except Duplicate:
            return False
        return True

    def record_hotel_message(self, m: InboundMessage, event: ChannelEvent) -> Received:
        """A message the hotel wrote on the channel's own site, or the channel's echo of our own reply.

        Our reply still pending with the same text is ours (the channel told of it before the sender
        recorded its id): it is marked delivered. Anything else is stored as a delivered outbound
        message; the conversation keeps its status.
        """
        message_id = message_id_for(event.conversation_id, m.external_message_id)
        m, masked = redact_inbound(m)  # card numbers masked first: our own reply was stored masked too
        own = self._own_reply_in_flight(event, m.text)
        if own is not None:
            self.record_delivery(own, m.external_message_id)
            self.mark_handled(event)
            return Received(event.conversation_id, own.id, conversation=event.conversation, own_reply=True)
        hotel = Actor(ActorType.AGENT, None, "the hotel")
        message = Message(id=message_id, conversation_id=event.conversation_id, hotel_id=m.hotel_id,
                          direction=Direction.OUTBOUND, sender=Sender.AGENT, text=m.text, sent_at=m.sent_at,
                          external_message_id=m.external_message_id, delivery=Delivery.DELIVERED,
                          attachments=m.attachments, redactions=kinds(masked))
        return self._record_as_is(m, event, message, hotel, redactions=masked)

    def record_past_guest_message(self, m: InboundMessage, event: ChannelEvent) -> Received:
        """A guest message from before the hotel connected (a backfill): stored as it was, with no bot and
        no change of status, since the hotel answered it on the channel then."""
        m, masked = redact_inbound(m)
        message = Message(id=message_id_for(event.conversation_id, m.external_message_id),
                          conversation_id=event.conversation_id, hotel_id=m.hotel_id, direction=Direction.INBOUND,
                          sender=Sender.GUEST, text=m.text, sent_at=m.sent_at,
                          external_message_id=m.external_message_id, attachments=m.attachments,
                          redactions=kinds(masked))
        guest = Actor(ActorType.GUEST, m.sender.external_id, m.sender.name)
        return self._record_as_is(m, event, message, guest, contact_name=m.sender.name, redactions=masked)

    def _record_as_is(self, m: InboundMessage, event: ChannelEvent, message: Message, actor: Actor, *,
                      contact_name: str | None = None, redactions: int = 0) -> Received:
        """``m`` and ``message`` already masked (``redactions``: how many card numbers went, for the entry)."""
        before = event.conversation
        activities: list[Activity] = []
        current = before
        if before is None:
            start = start_conversation(conversation_id=event.conversation_id, hotel_id=m.hotel_id, channel=m.channel,
                                       at=m.sent_at, actor=actor, contact_id=contact_id_for(m.channel,
                                                                                          m.sender.external_id),
                                       external_conversation_id=m.external_conversation_id, contact_name=contact_name)
            current, activities = start.conversation, [start.activity] if start.activity else []
        assert current is not None  # found, or started just above
        after_notes = note_message(current, m.text, m.sent_at, tuple(a.name for a in m.attachments))
        if message.direction is Direction.OUTBOUND and after_notes.automated:
            # The hotel wrote to the guest on the channel's own site: a person handled it, not the bot alone.
            after_notes = after_notes.evolve(automated=False)
        if redactions:
            activities.append(redacted(after_notes, message.id, redactions, self.clock()))
        search = entry_terms(after_notes, None) if before is None else ()  # its thread id, its guest's name
        try:
            after = self.store.commit(before, after_notes, activities, [message],
                                      guards=[message_guard(event.conversation_id, m.external_message_id),
                                              *event.guards], search=search,
                                      retention_days=self.retention_days(event.hotel_id),
                                      figures=self.figures(event.hotel_id, before, after_notes, activities, [message]))
        except Duplicate:
            return Received(event.conversation_id, message.id, duplicate=True)
        return Received(event.conversation_id, message.id, conversation=after)

    def _own_reply_in_flight(self, event: ChannelEvent, text: str) -> Message | None:
        """A reply of ours to this thread, still pending, with this text (read only for the hotel's messages)."""
        if event.conversation is None:
            return None
        for stored in self.store.list_messages(event.hotel_id, event.conversation_id, OWN_REPLY_LOOKBACK).items:
            if stored.delivery is Delivery.PENDING and stored.text.strip() == text.strip():
                return stored
        return None

    def record_moderation(self, event: ChannelEvent, external_message_id: str, *, blocked: bool) -> bool:
        """The channel's moderation of a message: our reply it blocked shows as failed (``blocked_by_<channel>``)
        and counts in the channel's health. False when the message is not one of ours."""
        ours = event.handled_message
        if ours is None or ours.message_id is None or ours.conversation_id is None or ours.message_sent_at is None:
            self.mark_handled(event)
            return False
        stored = self.store.get_message(event.hotel_id, ours.conversation_id, ours.message_sent_at, ours.message_id)
        if stored is not None and blocked and stored.direction is Direction.OUTBOUND:
            self.store.update_delivery(stored, Delivery.FAILED, external_message_id=external_message_id,
                                       error=f"blocked_by_{event.channel}")
            self.log("reply blocked by the channel", channel=event.channel, conversation_id=stored.conversation_id,
                     message_id=stored.id)
            if self.health is not None:
                self.health.note_blocked_reply(event.hotel_id, event.channel, self.clock())
        self.mark_handled(event)
        return True

    # --- delivering ------------------------------------------------------------------------------

    def claim_delivery(self, hotel_id: str, conversation_id: str, sent_at: datetime, message_id: str) -> DeliveryClaim:
        """Take the right to send a pending message (one conditional write), so two copies of a job send once.

        ``busy``: another copy holds a live claim (fail the job so it comes back later, change nothing).
        """
        message = self.store.get_message(hotel_id, conversation_id, sent_at, message_id)
        if message is None:
            return DeliveryClaim("gone")
        if message.delivery is Delivery.DELIVERED:
            return DeliveryClaim("delivered", message)
        if message.delivery is not Delivery.PENDING:
            return DeliveryClaim("not_pending", message)
        token, now = new_id("clm"), self.clock()
        if not self.store.claim_delivery(message, token, now + self.CLAIM_LEASE, now):
            return DeliveryClaim("busy", message)
        return DeliveryClaim("claimed", message, token)

    def release_delivery(self, claim: DeliveryClaim) -> None:
        """Give a claim back: the send failed and will be retried."""
        if claim.message is not None and claim.token is not None:
            self.store.release_delivery(claim.message, claim.token)

    def record_delivery(self, message: Message, external_message_id: str) -> None:
        """The channel has the message: its id there, guarded so the channel's echo is known as ours."""
        self.store.mark_delivered(message, external_message_id,
                                  message_guard(message.conversation_id, external_message_id),
                                  retention_days=self.retention_days(message.hotel_id))

    def record_failed_delivery(self, message: Message, reason: str) -> None:
        """The message will not reach the guest: failed, with a reason the console shows."""
        self.store.update_delivery(message, Delivery.FAILED, error=reason)

    # --- health ----------------------------------------------------------------------------------

    def channels(self, hotel_id: str) -> list[ChannelStatus]:
        """The hotel's channels and their health (``GET /v1/hotels/{h}/channels``)."""
        hotel: Hotel | None = self.store.get_hotel(hotel_id)
        if hotel is None:
            raise NotFound(f"hotel {hotel_id} not found")
        record = self.health.channel_health(hotel_id, EXPEDIA) if self.health is not None else None
        today = self.clock().astimezone(UTC).date()
        days = {(today - timedelta(days=n)).isoformat() for n in range(BLOCKED_DAYS)}
        blocked = sum(count for day, count in (record.blocked_by_day if record else {}).items() if day in days)
        undelivered = record.undelivered if record else 0
        reconciled = record.last_reconciled_at if record else None
        connected = hotel.expedia_property_id is not None
        run = self.health.last_run(EXPEDIA) if self.health is not None and connected else None
        if run is not None and (reconciled is None or run > reconciled):
            # A run noted only the hotels it found undelivered notifications for: not this one.
            undelivered, reconciled = 0, run
        return [ChannelStatus(
            channel=EXPEDIA, connected=connected,
            last_notification_at=record.last_notification_at if record else None,
            undelivered=undelivered, blocked_replies_7d=blocked, last_reconciled_at=reconciled,
        )]
