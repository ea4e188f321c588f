"""The inbox's use cases: read a conversation, apply an event, store the outcome, carry out its effects.

Plain Python over the ports: the store, the wake-up scheduler, the outbox, the attachment storage,
the channel health and the agent directory are passed in. ``Inbox`` is the one facade; the channels'
use cases live in ``inbox.channel``, those of files in ``inbox.files``, the team's in ``inbox.team``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from inbox.audit import AuditLog, AuditUseCases
from inbox.bot import Bot, BotDecision, GuestText
from inbox.bot_settings import BotSettingsUseCases
from inbox.channel import ChannelEvent, ChannelUseCases
from inbox.errors import Conflict, DomainError, Duplicate, InvalidInput, NotFound
from inbox.errors import SchedulingFailed as SchedulingFailed  # importable from here, as before
from inbox.files import FileUseCases
from inbox.guest_data import GuestDataUseCases
from inbox.holds import HoldUseCases
from inbox.hotel_settings import HotelSettingsUseCases
from inbox.inbound import (
    InboundMessage,
    Received,
    contact_id_for,
    conversation_id_for,
    message_guard,
    message_id_for,
)
from inbox.machine import (
    AgentReply,
    CancelWakeUp,
    Close,
    DeliverReply,
    Event,
    GuestMessage,
    Hold,
    MarkNotSpam,
    MarkSpam,
    Outcome,
    Reopen,
    Resume,
    ScheduleWakeUp,
    apply,
    new_id,
    redacted,
    start_conversation,
)
from inbox.missed import MissedAnswer, MissedUseCases, missed_question, noted
from inbox.model import (
    BOT_STATUSES,
    Activity,
    Actor,
    ActorType,
    Attachment,
    Contact,
    Conversation,
    Delivery,
    Direction,
    Message,
    Sender,
    Tab,
    repeats_of,
    utc_now,
)
from inbox.ports import (
    AgentDirectory,
    AttachmentStorage,
    ChannelHealthStore,
    ConversationStore,
    DeliveryJob,
    GuestDataStore,
    Hotel,
    Outbox,
    Page,
    WakeUpScheduler,
)
from inbox.redaction import kinds, redact_attachments, redact_cards, redact_inbound
from inbox.reports import ReportUseCases
from inbox.retention import RETENTION_DAYS_DEFAULT
from inbox.search import entry_terms
from inbox.team import TeamUseCases


class Inbox(TeamUseCases, HoldUseCases, ChannelUseCases, FileUseCases, BotSettingsUseCases, AuditUseCases,
            HotelSettingsUseCases, GuestDataUseCases, MissedUseCases, ReportUseCases):
    """What agents, partners, channels and the system do to conversations."""

    def __init__(
        self, store: ConversationStore, scheduler: WakeUpScheduler | None = None, outbox: Outbox | None = None, *,
        bot: Bot | None = None,
        files: AttachmentStorage | None = None,
        health: ChannelHealthStore | None = None,
        directory: AgentDirectory | None = None,
        audit: AuditLog | None = None,
        guest_data: GuestDataStore | None = None,
        channels_that_deliver: frozenset[str] = frozenset({"expedia"}),
        clock: Callable[[], datetime] = utc_now,
        on_transition: Callable[[str], None] = lambda trigger: None,
        log: Callable[..., None] = lambda message, **fields: None,
    ):
        self.store = store
        self.scheduler = scheduler
        self.outbox = outbox
        self.bot = bot
        self.files = files
        self.health = health
        self.directory = directory
        self.audit = audit
        self.guest_data = guest_data
        self.channels_that_deliver = channels_that_deliver
        self.clock = clock
        self.on_transition = on_transition
        self.log = log
        self._hotels: dict[str, tuple[datetime, Hotel | None]] = {}
        self._properties: dict[str, tuple[datetime, str]] = {}
        self._noted: dict[tuple[str, str], datetime] = {}

    HOTEL_CACHE_SECONDS = 30

    def hotel(self, hotel_id: str) -> Hotel | None:
        """The hotel's settings, cached in the warm process for half a minute (they rarely change)."""
        now = self.clock()
        cached = self._hotels.get(hotel_id)
        if cached is None or (now - cached[0]).total_seconds() > self.HOTEL_CACHE_SECONDS:
            cached = (now, self.store.get_hotel(hotel_id))
            self._hotels[hotel_id] = cached
        return cached[1]

    def retention_days(self, hotel_id: str) -> int:
        """How long the hotel keeps its guests' data (the default for a hotel not found)."""
        hotel = self.hotel(hotel_id)
        return hotel.retention_days if hotel is not None else RETENTION_DAYS_DEFAULT

    def hotel_bot_on(self, hotel_id: str) -> bool:
        hotel = self.hotel(hotel_id)
        return bool(hotel and hotel.bot_enabled)

    # --- reads -------------------------------------------------------------------------

    def tab_counts(self, hotel_id: str) -> dict[Tab, int]:
        return self.store.tab_counts(hotel_id)

    def conversation(self, hotel_id: str, conversation_id: str) -> Conversation:
        return self.store.get_conversation(hotel_id, conversation_id)

    def contact_of(self, conversation: Conversation) -> Contact | None:
        return self.store.get_contact(conversation.hotel_id, conversation.contact_id) if conversation.contact_id else None

    def messages(self, hotel_id: str, conversation_id: str, limit: int, cursor: str | None) -> Page[Message]:
        return self.store.list_messages(hotel_id, conversation_id, limit, cursor)

    def activity(self, hotel_id: str, conversation_id: str, limit: int, cursor: str | None) -> Page[Activity]:
        return self.store.list_activity(hotel_id, conversation_id, limit, cursor)

    # --- agent and partner actions --------------------------------------------------------

    def reply(self, hotel_id: str, conversation_id: str, actor: Actor, text: str,
              attachment_ids: Sequence[str] = ()) -> Message:
        """An agent's reply, with files uploaded through ``grant_upload``; ``text`` may be empty when it has some.

        A file never granted for this conversation, or not uploaded as granted: ``InvalidInput``, nothing stored.
        """
        attachments = self._reply_attachments(hotel_id, conversation_id, attachment_ids) if attachment_ids else ()
        if not text.strip() and not attachments:
            raise InvalidInput("a reply needs a text or an attachment")
        # Card numbers are masked before anything sees the reply (its preview, the store, the channel).
        masked = redact_cards(text)
        attachments, in_names = redact_attachments(attachments)
        names = tuple(a.name for a in attachments)
        _, messages = self._change(hotel_id, conversation_id, lambda now: AgentReply(actor, masked.text, now, names),
                                   attachments, redactions=masked.count + in_names)
        return messages[0]

    def hold(self, hotel_id: str, conversation_id: str, actor: Actor, until: datetime) -> Conversation:
        return self._change(hotel_id, conversation_id, lambda now: Hold(actor, until, now))[0]

    def close(self, hotel_id: str, conversation_id: str, actor: Actor) -> Conversation:
        return self._change(hotel_id, conversation_id, lambda now: Close(actor, now))[0]

    def reopen(self, hotel_id: str, conversation_id: str, actor: Actor) -> Conversation:
        return self._change(hotel_id, conversation_id, lambda now: Reopen(actor, now))[0]

    def mark_spam(self, hotel_id: str, conversation_id: str, actor: Actor) -> Conversation:
        return self._change(hotel_id, conversation_id, lambda now: MarkSpam(actor, now))[0]

    def mark_not_spam(self, hotel_id: str, conversation_id: str, actor: Actor) -> Conversation:
        return self._change(hotel_id, conversation_id, lambda now: MarkNotSpam(actor, now))[0]

    def resume(self, hotel_id: str, conversation_id: str, actor: Actor) -> Conversation:
        """The agent started a reply: a held conversation is back in Open at once (its wake-up cancelled);
        an open one stays as it is, with no write."""
        return self._change(hotel_id, conversation_id, lambda now: Resume(actor, now))[0]

    # --- guests -------------------------------------------------------------------------------

    def receive(self, inbound: InboundMessage, *, event: ChannelEvent | None = None) -> Received:
        """Run one guest message through the pipeline: find or create the conversation,
        store the message once, ask the bot, move the conversation, send the bot's reply.

        On an existing conversation this costs two DynamoDB requests: one BatchGetItem
        (the conversation and the message's guard) and one TransactWriteItems. A channel
        that already looked the event up (``event``, from ``look_up``) saves the read; the
        event's own guard is written with the message.

        Card numbers in the text and the files' names are masked first (``inbox.redaction``):
        the bot, the preview and the store see only the masked text.
        """
        inbound, masked = redact_inbound(inbound)
        for attempt in range(self.INBOUND_ATTEMPTS):
            try:
                return self._receive_once(inbound, event, fresh=attempt > 0, redactions=masked)
            except Conflict:
                # Another message or an agent moved the conversation meanwhile: read it again.
                if attempt == self.INBOUND_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    INBOUND_ATTEMPTS = 3

    def _receive_once(self, m: InboundMessage, event: ChannelEvent | None, *, fresh: bool,
                      redactions: int = 0) -> Received:
        conversation_id = conversation_id_for(m.hotel_id, m.channel, m.external_conversation_id)
        message_id = message_id_for(conversation_id, m.external_message_id)
        guard = message_guard(conversation_id, m.external_message_id)
        extra_guards = event.guards if event is not None else ()
        if event is not None and not fresh:
            before = event.conversation
            if event.message_handled:
                return Received(conversation_id, message_id, duplicate=True, conversation=before)
        else:
            before, taken = self.store.find_conversation(m.hotel_id, conversation_id, [guard])
            if guard in taken:
                return Received(conversation_id, message_id, duplicate=True, conversation=before)
        hotel = self.hotel(m.hotel_id)
        if hotel is None:
            raise NotFound(f"hotel {m.hotel_id} not found")

        guest = Actor(ActorType.GUEST, m.sender.external_id, m.sender.name)
        activities: list[Activity] = []
        contact: Contact | None = None
        current = before
        if before is None:
            contact_id = contact_id_for(m.channel, m.sender.external_id)
            start = start_conversation(conversation_id=conversation_id, hotel_id=m.hotel_id, channel=m.channel,
                                       at=m.sent_at, actor=guest, contact_id=contact_id,
                                       external_conversation_id=m.external_conversation_id,
                                       contact_name=m.sender.name)
            current, activities = start.conversation, [start.activity] if start.activity else []
            contact = Contact(id=contact_id, hotel_id=m.hotel_id, channel=m.channel, external_id=m.sender.external_id,
                              name=m.sender.name, email=m.sender.email, phone=m.sender.phone,
                              language=m.sender.language, reservations=m.sender.reservations)

        assert current is not None  # found, or started just above
        decision: BotDecision | None = None
        if current.status in BOT_STATUSES:
            # The bot reads the guest's text only (empty for files alone: it hands those to the agents).
            assert self.bot is not None, "an inbox that takes guest messages needs a bot"
            decision = self.bot.decide(GuestText(
                text=m.text, wants_human=m.wants_human, sender_is_new=current.automated,
                repeat_count=repeats_of(before, m.text), language=m.sender.language), hotel.bot)
        if contact is not None and contact.language is None and decision is not None:
            # Channels such as Expedia do not say which language the guest speaks: the bot can tell.
            contact = replace(contact, language=_language_of(decision))
        received_at = self.clock()
        outcome = apply(current, GuestMessage(m.text, m.sent_at, decision, guest=guest, received_at=received_at,
                                              attachment_names=tuple(a.name for a in m.attachments)))
        # A question the bot could not answer counts in its missed-question group, with this message.
        missed = missed_question(self.bot, decision, outcome, m.text, received_at) if self.bot else None
        if missed is not None:
            outcome = noted(outcome, missed)
        if outcome.activity is not None:
            activities.append(outcome.activity)
        if redactions:
            activities.append(redacted(outcome.conversation, message_id, redactions, received_at))

        messages = [Message(id=message_id, conversation_id=conversation_id, hotel_id=m.hotel_id,
                            direction=Direction.INBOUND, sender=Sender.GUEST, text=m.text, sent_at=m.sent_at,
                            external_message_id=m.external_message_id, attachments=m.attachments,
                            redactions=kinds(redactions))]
        for reply in (e for e in outcome.effects if isinstance(e, DeliverReply)):
            # The bot answers after the guest wrote, even when the guest's clock runs ahead.
            answered_at = max(self.clock(), m.sent_at + timedelta(milliseconds=1))
            messages.append(replace(self._outbound_message(current, outcome, reply), sent_at=answered_at))
        # A new conversation can be found by its guest from the start.
        search = entry_terms(outcome.conversation, contact) if before is None else ()
        try:
            after = self.store.commit(before, outcome.conversation, activities, messages,
                                      guards=[guard, *extra_guards], contact=contact, search=search,
                                      retention_days=hotel.retention_days, missed=missed,
                                      figures=self.figures(m.hotel_id, before, outcome.conversation, activities,
                                                           messages))
        except Duplicate:
            return Received(conversation_id, message_id, duplicate=True)
        self.on_transition(outcome.trigger)
        self._after_commit(current, after, outcome, messages[1:])
        return Received(conversation_id, message_id, conversation=after, decision=decision, trigger=outcome.trigger)

    # --- the one write path ------------------------------------------------------------------

    def _change(self, hotel_id: str, conversation_id: str, make_event: Callable[[datetime], Event],
                attachments: tuple[Attachment, ...] = (), *, redactions: int = 0
                ) -> tuple[Conversation, list[Message]]:
        """``redactions``: card numbers masked in the event's reply (its message says so, with a ``redacted`` entry)."""
        before = self.store.get_conversation(hotel_id, conversation_id)
        now = self.clock()
        outcome = apply(before, make_event(now))
        if not outcome.changed:
            return before, []
        answer = _missed_answer(before, outcome, now)
        if answer is not None:  # the first agent reply after a missed question: the group's answer
            outcome = replace(outcome, conversation=outcome.conversation.evolve(missed_group=None))
        messages = [replace(self._outbound_message(before, outcome, effect), attachments=attachments,
                            redactions=kinds(redactions))
                    for effect in outcome.effects if isinstance(effect, DeliverReply)]
        activities = [outcome.activity] if outcome.activity else []
        if redactions:
            activities += [redacted(outcome.conversation, message.id, redactions, now) for message in messages]
        # The wake-up is scheduled before the hold is stored: if scheduling fails, nothing
        # changes and the caller hears of it, so no conversation sleeps forever. Each hold has
        # its own schedule (named after its token), so concurrent requests never touch
        # another's: the loser deletes only its own, the winner the hold it replaced.
        hold = next((e for e in outcome.effects if isinstance(e, ScheduleWakeUp)), None)
        if hold is not None:
            self._schedule(hotel_id, conversation_id, hold)
        try:
            after = self.store.commit(before, outcome.conversation, activities, messages,
                                      retention_days=self.retention_days(hotel_id), missed_answer=answer,
                                      figures=self.figures(hotel_id, before, outcome.conversation, activities,
                                                           messages))
        except DomainError:
            # Refused for sure (another change came first): this hold was never stored.
            # Any other failure may hide a stored commit: the schedule stays, since a stale
            # wake-up changes nothing and a missing one would leave the hold for good.
            if hold is not None:
                self._cancel(hotel_id, conversation_id, hold.hold_token)
            raise
        self.on_transition(outcome.trigger)
        self._after_commit(before, after, outcome, messages)
        return after, messages

    def _after_commit(self, before: Conversation, after: Conversation, outcome: Outcome, messages: list[Message]) -> None:
        for cancel in (e for e in outcome.effects if isinstance(e, CancelWakeUp)):
            self._cancel(after.hotel_id, after.id, cancel.hold_token)
        if after.channel not in self.channels_that_deliver or self.outbox is None:
            return
        for message in messages:
            self._enqueue(after, DeliveryJob("reply", after.hotel_id, after.id, after.channel,
                                             after.external_conversation_id, message.id, message.sent_at),
                          message)
        if outcome.trigger in ("spam", "not_spam"):
            self._enqueue(after, DeliveryJob("spam_status", after.hotel_id, after.id, after.channel,
                                             after.external_conversation_id, spam=outcome.trigger == "spam"))

    def _enqueue(self, conversation: Conversation, job: DeliveryJob, message: Message | None = None) -> None:
        try:
            assert self.outbox is not None  # checked by the caller
            self.outbox.enqueue(job)
        except Exception as error:
            # The agent's change is stored; a reply that cannot be queued shows as failed.
            self.log("could not queue a delivery job", error=str(error), conversation_id=conversation.id)
            if message is not None:
                self.store.update_delivery(message, Delivery.FAILED, error="outbound queue unavailable")

    def _outbound_message(self, before: Conversation, outcome: Outcome, reply: DeliverReply) -> Message:
        return Message(
            id=new_id("msg"), conversation_id=before.id, hotel_id=before.hotel_id, direction=Direction.OUTBOUND,
            sender=reply.sender, text=reply.text, sent_at=outcome.conversation.last_message_at,
            agent_id=reply.actor.id if reply.sender.value == "agent" else None,
            delivery=Delivery.PENDING if before.channel in self.channels_that_deliver else None,
        )


def _missed_answer(before: Conversation, outcome: Outcome, now: datetime) -> MissedAnswer | None:
    """The agent's reply with a text, in a conversation whose question the bot missed: its group's answer."""
    if before.missed_group is None or outcome.trigger != "agent_reply":
        return None
    reply = next((e for e in outcome.effects if isinstance(e, DeliverReply) and e.text.strip()), None)
    if reply is None:  # files only: the next reply with a text answers
        return None
    return MissedAnswer(before.missed_group, reply.text, reply.actor.name or reply.actor.id or "", now, before.id)


def _language_of(decision: BotDecision) -> str | None:
    """The language the bot read in the guest's text (not the language it answered in)."""
    return decision.guest_language
