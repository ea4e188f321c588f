"""The inbox state machine: the transition table of the API contract, written once as data,
and the one function that applies an event to a conversation.

``apply`` is pure: it returns what should change (the new conversation, the activity
entry, the effects to carry out) and leaves storing and side effects to the adapters.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from inbox.bot import Answer, BotDecision, HandOff, SpamVerdict
from inbox.errors import InvalidInput, TransitionNotAllowed
from inbox.model import (
    BOT,
    BOT_STATUSES,
    SYSTEM,
    Activity,
    Actor,
    ActorType,
    AgentRef,
    Conversation,
    Sender,
    Status,
    iso,
    message_preview,
    preview,
    repeats_of,
    text_digest,
)
from inbox.redaction import CARD_NUMBER, REDACTED, redact_value

MAX_HOLD = timedelta(days=30)

B, O, H, C, S = Status.BOT, Status.OPEN, Status.ON_HOLD, Status.CLOSED, Status.SPAM  # noqa: E741 (the table's letters)


@dataclass(frozen=True)
class Row:
    """One row of the transition table: the status reached and the activity type written."""

    to: Status
    activity: str | None  # None: the status does not change and no entry is written


# trigger -> {from status: row}. Any (trigger, status) pair missing here is refused,
# except wake_up, which is ignored (a stale or repeated wake-up is normal, not an error).
TRANSITIONS: dict[str, dict[Status, Row]] = {
    "bot_answered": {B: Row(B, None), C: Row(C, None)},
    "handed_off": {B: Row(O, "handed_off"), C: Row(O, "handed_off")},
    "bot_spam": {B: Row(S, "marked_spam"), C: Row(S, "marked_spam")},
    "guest_message": {O: Row(O, None), H: Row(O, "resumed"), S: Row(S, None)},
    "agent_reply": {O: Row(O, None), H: Row(O, "resumed"), B: Row(O, "taken_over"), C: Row(O, "taken_over")},
    "hold": {O: Row(H, "held"), H: Row(H, "held")},
    "wake_up": {H: Row(O, "woken")},
    "close": {B: Row(C, "closed"), O: Row(C, "closed"), H: Row(C, "closed")},
    "reopen": {C: Row(O, "reopened")},
    "spam": {B: Row(S, "marked_spam"), O: Row(S, "marked_spam"), H: Row(S, "marked_spam"), C: Row(S, "marked_spam")},
    "not_spam": {S: Row(O, "unmarked_spam")},
    # The agent started typing a reply to a held conversation: it is back in Open at once.
    "resume": {H: Row(O, "resumed"), O: Row(O, None)},
}

# Triggers whose only effect is the move: where their row moves nothing, the event changes nothing
# (no write), and ``inbox.actions`` offers no button for it.
MOVE_ONLY = frozenset({"resume"})

# Statuses a conversation can be assigned in: spam is never assigned (a spam tab has no owners).
ASSIGNABLE = frozenset({B, O, H, C})

# Triggers after which nobody waits any more: an agent answered, or the conversation is closed or spam.
_ANSWERED = frozenset({"agent_reply", "close", "spam", "bot_spam"})
# Triggers that take the conversation from its assignee: a handoff arrives unassigned, spam is nobody's.
_UNASSIGNS = frozenset({"handed_off", "spam", "bot_spam"})

# Triggers after which the conversation is no longer "fully automated": a person or a
# handoff touched it.
_TOUCHED_BY_A_PERSON = frozenset(TRANSITIONS) - {"bot_answered", "bot_spam", "guest_message", "wake_up"}


def new_id(prefix: str) -> str:
    """A fresh id that sorts by creation time (entries written in the same millisecond keep their order)."""
    return f"{prefix}_{time.time_ns():016x}{uuid.uuid4().hex[:8]}"


# --- events ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GuestMessage:
    """A guest wrote. ``decision`` is the bot's verdict, needed when the bot has the
    conversation (status bot or closed) and ignored otherwise."""

    text: str
    at: datetime  # when the guest wrote (the channel's time)
    decision: BotDecision | None = None
    guest: Actor = Actor(ActorType.GUEST)
    received_at: datetime | None = None  # when Lobby handled it: the time of the activity entry
    attachment_names: tuple[str, ...] = ()  # the files on it (the preview names one when the text is empty)

    @property
    def actor(self) -> Actor:
        return BOT if isinstance(self.decision, (HandOff, SpamVerdict)) else self.guest


@dataclass(frozen=True)
class AgentReply:
    actor: Actor
    text: str
    at: datetime
    attachment_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hold:
    actor: Actor
    until: datetime
    at: datetime
    token: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass(frozen=True)
class WakeUp:
    hold_token: str
    at: datetime
    actor: Actor = SYSTEM


@dataclass(frozen=True)
class Close:
    actor: Actor
    at: datetime


@dataclass(frozen=True)
class Reopen:
    actor: Actor
    at: datetime


@dataclass(frozen=True)
class MarkSpam:
    actor: Actor
    at: datetime


@dataclass(frozen=True)
class MarkNotSpam:
    actor: Actor
    at: datetime


@dataclass(frozen=True)
class Resume:
    """The agent started a reply (the first keystroke in the composer)."""

    actor: Actor
    at: datetime


Event = GuestMessage | AgentReply | Hold | WakeUp | Close | Reopen | MarkSpam | MarkNotSpam | Resume

_SIMPLE_TRIGGERS = {Close: "close", Reopen: "reopen", MarkSpam: "spam", MarkNotSpam: "not_spam", AgentReply: "agent_reply",
                    Hold: "hold", WakeUp: "wake_up", Resume: "resume"}


# --- effects --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleWakeUp:
    """Schedule the one-off wake-up of this hold (its own schedule, named after its token)."""

    until: datetime
    hold_token: str


@dataclass(frozen=True)
class CancelWakeUp:
    """Cancel the wake-up of the hold ``hold_token``: the conversation left On hold before it
    fired, or a new hold replaced it."""

    hold_token: str


@dataclass(frozen=True)
class DeliverReply:
    """Send a reply to the guest on the conversation's channel."""

    text: str
    sender: Sender
    actor: Actor


@dataclass(frozen=True)
class BotSwitched:
    """The bot is switched on (closed, bot) or off (open, on hold, spam) for this conversation."""

    on: bool


Effect = ScheduleWakeUp | CancelWakeUp | DeliverReply | BotSwitched


@dataclass(frozen=True)
class Outcome:
    """What applying an event decided: store ``conversation`` and ``activity``, carry out ``effects``."""

    conversation: Conversation
    activity: Activity | None
    effects: tuple[Effect, ...] = ()
    trigger: str = ""
    ignored: str | None = None  # why nothing changed, for events that may be stale

    @property
    def changed(self) -> bool:
        return self.ignored is None


# --- the rules ------------------------------------------------------------------------


def trigger_of(conversation: Conversation, event: Event) -> str:
    """Which row of the table an event selects, given where the conversation stands."""
    if isinstance(event, GuestMessage):
        if conversation.status not in BOT_STATUSES:
            return "guest_message"
        decision = event.decision
        if isinstance(decision, Answer):
            return "bot_answered"
        if isinstance(decision, HandOff):
            return "handed_off"
        if isinstance(decision, SpamVerdict):
            return "bot_spam"
        raise InvalidInput("a guest message to the bot needs the bot's decision")
    return _SIMPLE_TRIGGERS[type(event)]


def validate_hold(until: datetime, now: datetime) -> None:
    """A hold must end in the future and at most 30 days ahead."""
    if until.tzinfo is None:
        raise InvalidInput("until must carry a time zone (use a Z suffix for UTC)")
    if until <= now:
        raise InvalidInput("until must lie in the future")
    if until > now + MAX_HOLD:
        raise InvalidInput("until must be at most 30 days ahead")


def start_conversation(
    *, conversation_id: str, hotel_id: str, channel: str, at: datetime, actor: Actor,
    contact_id: str | None = None, external_conversation_id: str | None = None, contact_name: str | None = None,
) -> Outcome:
    """A new conversation starts with the bot, with a ``created`` entry."""
    conversation = Conversation(
        id=conversation_id, hotel_id=hotel_id, channel=channel, status=Status.BOT,
        created_at=at, updated_at=at, last_message_at=at, contact_id=contact_id, contact_name=contact_name,
        external_conversation_id=external_conversation_id,
    )
    activity = Activity(
        id=new_id("act"), conversation_id=conversation_id, hotel_id=hotel_id, type="created", actor=actor,
        from_status=None, to_status=Status.BOT, at=at,
    )
    return Outcome(conversation, activity, (BotSwitched(on=True),), trigger="created")


def apply(conversation: Conversation, event: Event) -> Outcome:
    """Apply one event to a conversation.

    Raises ``TransitionNotAllowed`` (naming the current status) when the table has no row
    for the pair, and ``InvalidInput`` for a hold outside its window. A wake-up for an
    older hold or for a conversation no longer on hold changes nothing (``ignored``).
    """
    trigger = trigger_of(conversation, event)
    status = conversation.status

    if isinstance(event, WakeUp):
        if status is not Status.ON_HOLD:
            return Outcome(conversation, None, (), trigger, ignored=f"conversation is {status}, not on hold")
        if event.hold_token != conversation.hold_token:
            return Outcome(conversation, None, (), trigger, ignored="wake-up of an older hold")

    row = TRANSITIONS[trigger].get(status)
    if row is None:
        raise TransitionNotAllowed(trigger, status)
    if trigger in MOVE_ONLY and row.activity is None:
        return Outcome(conversation, None, (), trigger, ignored=f"conversation is already {status}")
    if isinstance(event, Hold):
        validate_hold(event.until, event.at)

    # A message is placed by the time it was written; the change it causes happens when it arrives.
    changed_at = getattr(event, "received_at", None) or event.at
    changes: dict[str, Any] = {"status": row.to, "updated_at": max(conversation.updated_at, changed_at)}
    if trigger in _TOUCHED_BY_A_PERSON:
        changes["automated"] = False
    if row.to is Status.ON_HOLD:
        assert isinstance(event, Hold)  # only a hold leads to On hold (the table says so)
        changes["hold_until"], changes["hold_token"] = event.until, event.token
        # Held since the first hold of a stay On hold (a new hold keeps it): the time on hold (``inbox.reports``).
        changes["held_since"] = conversation.held_since if status is Status.ON_HOLD else changed_at
    else:
        changes["hold_until"] = changes["hold_token"] = changes["held_since"] = None

    effects: list[Effect] = []
    text_in = getattr(event, "text", None)
    if text_in is not None:
        _note_message(conversation, changes, message_preview(text_in, getattr(event, "attachment_names", ())),
                      event.at)
    if isinstance(event, GuestMessage):
        changes["guest_text_repeats"] = repeats_of(conversation, event.text)
        changes["guest_text_digest"] = text_digest(event.text) if event.text.strip() else None
        if row.to in (O, H):  # an agent has to answer it (a guest the bot handles waits for nobody)
            changes["waiting_since"] = conversation.waiting_since or event.at
            changes["attention_at"] = max(conversation.attention_at or event.at, event.at)
    if trigger in _ANSWERED:
        changes["waiting_since"] = None
    unassigned = conversation.assignee if trigger in _UNASSIGNS else None
    if unassigned is not None:
        changes["assignee"] = None
    if trigger == "bot_answered":
        assert isinstance(event, GuestMessage) and isinstance(event.decision, Answer)  # what trigger_of read
        _note_message(conversation, changes, preview(event.decision.text), event.at)
        effects.append(DeliverReply(event.decision.text, Sender.BOT, BOT))
    if isinstance(event, AgentReply):
        effects.append(DeliverReply(event.text, Sender.AGENT, event.actor))

    # A fired wake-up deletes its own schedule; any other way out of a hold (or a new hold)
    # cancels the old hold's wake-up, and only that one.
    if status is Status.ON_HOLD and trigger != "wake_up" and conversation.hold_token:
        effects.append(CancelWakeUp(conversation.hold_token))
    if isinstance(event, Hold):
        effects.append(ScheduleWakeUp(event.until, event.token))
    if (status in BOT_STATUSES) != (row.to in BOT_STATUSES):
        effects.append(BotSwitched(on=row.to in BOT_STATUSES))

    new = conversation.evolve(**changes)
    activity = None
    if row.activity is not None:
        details = redact_value(_details(event))  # what the bot read in a guest's text, never a card number
        if unassigned is not None:  # said in the same entry: the move and its consequence
            details["unassigned"] = _ref(unassigned)
        activity = Activity(
            id=new_id("act"), conversation_id=conversation.id, hotel_id=conversation.hotel_id, type=row.activity,
            actor=event.actor, from_status=status, to_status=row.to, at=changed_at,
            reason=_reason(trigger, event), details=details,
        )
    return Outcome(new, activity, tuple(effects), trigger)


def assign(conversation: Conversation, actor: Actor, agent: AgentRef | None, at: datetime) -> Outcome:
    """Give the conversation to ``agent`` (None: to nobody), with an ``assigned``/``unassigned`` entry.

    Spam is never assigned (``TransitionNotAllowed``). The current assignee again changes nothing (``ignored``).
    """
    status = conversation.status
    if status not in ASSIGNABLE:
        raise TransitionNotAllowed("assign", status)
    previous = conversation.assignee
    if (previous.id if previous else None) == (agent.id if agent else None):
        return Outcome(conversation, None, (), "assign", ignored="already assigned so")
    new = conversation.evolve(assignee=agent, automated=False, updated_at=max(conversation.updated_at, at))
    details: dict[str, Any] = {"previous": _ref(previous) if previous else None}
    if agent is not None:
        details = {"assignee": _ref(agent), **details}
    activity = Activity(
        id=new_id("act"), conversation_id=conversation.id, hotel_id=conversation.hotel_id,
        type="assigned" if agent else "unassigned", actor=actor, from_status=status, to_status=status, at=at,
        details=details,
    )
    return Outcome(new, activity, (), "assign")


def redacted(conversation: Conversation, message_id: str, count: int, at: datetime) -> Activity:
    """The ``redacted`` entry written with a message whose card numbers were masked (``inbox.redaction``):
    by the system, the status as the same commit leaves it (from = to)."""
    return Activity(
        id=new_id("act"), conversation_id=conversation.id, hotel_id=conversation.hotel_id, type=REDACTED,
        actor=SYSTEM, from_status=conversation.status, to_status=conversation.status, at=at,
        details={"message_id": message_id, "kinds": [CARD_NUMBER], "count": count},
    )


def _ref(agent: AgentRef) -> dict[str, str]:
    return {"id": agent.id, "name": agent.name}


def note_message(conversation: Conversation, text: str, at: datetime,
                 attachment_names: tuple[str, ...] = ()) -> Conversation:
    """A message that moves nothing (a reply the hotel wrote on the channel's own site, a past message imported)."""
    changes: dict[str, Any] = {}
    _note_message(conversation, changes, message_preview(text, attachment_names), at)
    return conversation.evolve(**changes) if changes else conversation


def _note_message(conversation: Conversation, changes: dict[str, Any], shown: str, at: datetime) -> None:
    # A late message (older than the last one) is kept but never moves the list order back.
    if at >= changes.get("last_message_at", conversation.last_message_at):
        changes["last_message_at"] = at
        changes["last_message_preview"] = shown


def _reason(trigger: str, event: Event) -> str | None:
    if isinstance(event, GuestMessage) and isinstance(event.decision, HandOff):
        return str(event.decision.reason)
    if isinstance(event, GuestMessage) and trigger == "bot_spam":
        return "spam_detected"
    return {"agent_reply": "agent_reply", "guest_message": "guest_message", "wake_up": "hold_expired",
            "resume": "agent_started_reply"}.get(trigger)


def _details(event: Event) -> dict[str, Any]:
    if isinstance(event, Hold):
        return {"until": iso(event.until)}
    if isinstance(event, GuestMessage) and isinstance(event.decision, SpamVerdict):
        return {"score": event.decision.score, "reasons": list(event.decision.reasons)}
    if isinstance(event, GuestMessage) and isinstance(event.decision, HandOff):
        return dict(event.decision.details)
    return {}
