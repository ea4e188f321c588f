"""A 30-day report costs at most two DynamoDB requests whatever the volume: the hotel (one GetItem) and its day
items (one Query), counted from botocore's own events, at 100 and at 10,000 conversations.

Seeding: each conversation's life (the bot answers; a handoff and a reply; a handoff, a hold, its wake-up and a
reply; spam) runs through the core (``inbox.machine.apply``), and what each step adds to the figures is
``figure_changes`` of that step. At 100 conversations each is written by its own ``store.commit`` with its
figures, as the inbox writes it. At 10,000, moto takes about 40 ms a transaction, so the figures of every 100
conversations of a day are summed into one ``store.commit`` (the same UpdateItems on the day items, 100 times
fewer), and the other conversation items are put in batches of the store's own items: the day items are what
they would be (at most 4 shards a day), and the table holds all 10,000 conversations."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from conversations_helpers import RequestCounter

from inbox.bot import Answer, HandOff, HandoffReason, SpamVerdict
from inbox.machine import AgentReply, GuestMessage, Hold, WakeUp, apply, start_conversation
from inbox.model import Actor, ActorType, Conversation, Direction, Message, Sender
from inbox.ports import Hotel
from inbox.reports import figure_changes
from inbox.service import Inbox
from store import keys
from store.dynamo import _conversation_fields
from store.models import ConversationItem
from store.team import index_keys

PARIS = ZoneInfo("Europe/Paris")
TODAY = date(2026, 11, 30)
GUEST = Actor(ActorType.GUEST, "guest", "Guest")
AGENT = Actor(ActorType.AGENT, "agent-ana", "Ana")
REASONS = tuple(HandoffReason)


class Life:
    """One conversation's steps, each with what it adds to the figures."""

    def __init__(self, n: int, at: datetime, channel: str):
        start = start_conversation(conversation_id=f"c{n:05d}", hotel_id="h1", channel=channel, at=at, actor=GUEST)
        self.conversation, self.activities, self.messages = start.conversation, [start.activity], []
        self.figures: dict[date, Counter[str]] = {}
        self._add(None, start.conversation, [start.activity], [])

    def _add(self, before, after, activities, messages) -> None:
        for day, changes in figure_changes(before, after, activities, messages, "Europe/Paris").items():
            self.figures.setdefault(day, Counter()).update(changes)

    def step(self, event, *written: Message) -> None:
        outcome = apply(self.conversation, event)
        entries = [outcome.activity] if outcome.activity else []
        messages = list(written)
        self._add(self.conversation, outcome.conversation, entries, messages)
        self.conversation, self.activities, self.messages = (outcome.conversation, self.activities + entries,
                                                             self.messages + messages)

    def message(self, direction: Direction, sender: Sender, at: datetime) -> Message:
        return Message(id=f"m{len(self.messages)}{sender.value}-{self.conversation.id}", conversation_id=self.conversation.id,
                       hotel_id="h1", direction=direction, sender=sender, text="...", sent_at=at)


def lives(volume: int, seed: int = 15) -> list[Life]:
    rng = random.Random(seed)
    first = datetime.combine(TODAY - timedelta(days=29), time(6), tzinfo=PARIS).astimezone(UTC)
    out = []
    for n in range(volume):
        at = first + timedelta(minutes=rng.randrange(29 * 24 * 60))  # the last one by 06:00 today in Paris
        life = Life(n, at, rng.choice(["expedia", "webchat", "whatsapp"]))
        kind = rng.choice(["bot", "reply", "hold", "spam"])
        guest = life.message(Direction.INBOUND, Sender.GUEST, at)
        if kind == "bot":
            answer = life.message(Direction.OUTBOUND, Sender.BOT, at + timedelta(seconds=1))
            life.step(GuestMessage("Check-in?", at, Answer("From 3 pm.", "check_in", 0.9, "en")), guest, answer)
        elif kind == "spam":
            life.step(GuestMessage("Casino!", at, SpamVerdict(0.99, ("casino",))), guest)
        else:
            life.step(GuestMessage("A person please", at, HandOff(rng.choice(REASONS))), guest)
            later = at + timedelta(seconds=rng.randrange(30, 6 * 3600))
            if kind == "hold":
                held = at + timedelta(seconds=10)
                life.step(Hold(AGENT, later, held, token=f"t{n}"))
                life.step(WakeUp(f"t{n}", later))
                later += timedelta(seconds=rng.randrange(5, 600))
            life.step(AgentReply(AGENT, "Hello", later), life.message(Direction.OUTBOUND, Sender.AGENT, later))
        out.append(life)
    return out


def seed(store, all_lives: list[Life], per_commit: int) -> None:
    rest: list[Life] = []
    by_day: dict[date, list[Life]] = {}
    for life in all_lives:  # a day's conversations together: each commit touches a day or two, as the inbox's
        by_day.setdefault(life.conversation.created_at.astimezone(PARIS).date(), []).append(life)
    groups = [lives_of_day[start:start + per_commit] for lives_of_day in by_day.values()
              for start in range(0, len(lives_of_day), per_commit)]
    for group in groups:
        summed: dict[date, Counter[str]] = {}
        for life in group:
            for day, changes in life.figures.items():
                summed.setdefault(day, Counter()).update(changes)
        head = group[0]
        store.commit(None, head.conversation, head.activities, head.messages,
                     figures={day: dict(c) for day, c in summed.items()})
        rest += group[1:]
    # After the commits: moto's transactions (the local stack's backup of what they touch) slow down as the
    # table grows, batch writes do not.
    with ConversationItem.batch_write() as batch:
        for life in rest:
            batch.save(_item(life.conversation))


def _item(c: Conversation) -> ConversationItem:
    values = {name: v for name, v in {**_conversation_fields(c), **index_keys(c)}.items() if v is not None}
    return ConversationItem(keys.conversation_pk(c.hotel_id, c.id), keys.CONVERSATION_SK, version=1, **values)


@pytest.mark.parametrize(("volume", "per_commit"), [(100, 1), (10_000, 100)])
def test_a_30_day_report_is_two_reads_at_any_volume(store, volume, per_commit):
    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris"))
    all_lives = lives(volume)
    seed(store, all_lives, per_commit)
    noon = datetime.combine(TODAY, time(12), tzinfo=PARIS).astimezone(UTC)
    inbox = Inbox(store, clock=lambda: noon)  # a fresh process: the hotel is not cached yet
    counter = RequestCounter()
    counter.attach(store)

    report = inbox.report("h1")

    print(f"\n{volume} conversations: {dict(counter.counts)}")
    assert counter.counts == {"GetItem": 1, "Query": 1}
    (query,) = [params for name, params in counter.calls if name == "Query"]
    assert "IndexName" not in query and "Limit" not in query
    assert (report.start, report.end, len(report.days)) == (TODAY - timedelta(days=29), TODAY, 30)
    kinds = Counter(next((a.type for a in life.activities[1:] if a.type in ("handed_off", "marked_spam")), "bot")
                    for life in all_lives)
    totals = report.totals
    assert totals.started_total == volume and totals.automated == kinds["bot"]
    assert totals.handed_off_total == kinds["handed_off"] and totals.spam_total == kinds["marked_spam"]
    assert totals.reply_count == kinds["handed_off"] and totals.hold_count == sum(
        any(a.type == "woken" for a in life.activities) for life in all_lives)
    assert totals.messages_in == volume and totals.messages_out == kinds["bot"] + kinds["handed_off"]
