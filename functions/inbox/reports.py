"""The hotel's daily figures (issue 15): what each change adds to them, and the report read from them.

Plain Python. Every commit of a change carries ``figure_changes(...)`` of that change, and the store adds them,
in the same transaction, to one pre-aggregated item per day of the hotel (its time zone): a report reads those
items (one Query), whatever the number of conversations. Durations (first human reply, time on hold) are kept
as counts in fixed logarithmic buckets, which merge by adding counts (days, shards, ranges):

- bucket ``i`` covers ``[R**i, R**(i+1))`` seconds with ``R = 2**(1/4)``; values under 1 s are in bucket 0;
- a bucket's value is its geometric midpoint ``R**(i+1/2)``, so a percentile read from the buckets is within
  ``PERCENTILE_ERROR`` (``sqrt(R) - 1``, about 9.1 %) of the true one for durations of 1 s or more (nearest
  rank: the true value lies in the very bucket whose midpoint is read). Below 1 s the error is at most 1.19 s.

Times are taken at the store's millisecond precision (``inbox.times.iso``) and sums are of whole seconds, so a
recount from the stored items gives the same counts and sums.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from inbox.errors import InvalidInput, NotFound
from inbox.model import Activity, ActorType, Conversation, Direction, Message, Sender, Status
from inbox.ports import ConversationStore, Hotel
from inbox.times import hotel_zone

R = 2 ** 0.25
PERCENTILE_ERROR = math.sqrt(R) - 1  # 0.0905...: the API rounds it to 0.091
MAX_RANGE_DAYS = 366
DEFAULT_RANGE_DAYS = 30

# Figure names: the one place they are spelt (the store adds them as they are).
STARTED = "started#"  # + channel
AUTOMATED = "automated"
HANDED_OFF = "handed_off#"  # + reason
SPAM = "spam#"  # + "bot" or "agent"
MESSAGES_IN = "messages_in"
MESSAGES_OUT = "messages_out"
REPLY = "reply#"  # + bucket
REPLY_SECONDS = "reply_seconds"
HOLD = "hold#"  # + bucket
HOLD_SECONDS = "hold_seconds"
KNOWN_HANDOFF_REASONS = ("human_requested", "bot_unanswered", "bot_disabled")

FigureChanges = dict[date, dict[str, int]]


# --- buckets -------------------------------------------------------------------------------------


def bucket_of(seconds: float) -> int:
    """The bucket of a duration: ``i`` with ``R**i <= seconds < R**(i+1)`` (0 below 1 s)."""
    if not seconds >= 1:  # NaN too
        return 0
    i = math.floor(4 * math.log2(seconds))
    while R ** (i + 1) <= seconds:  # float rounding near a boundary, either way
        i += 1
    while i > 0 and R ** i > seconds:
        i -= 1
    return i


def bucket_value(i: int) -> float:
    """What a bucket reads as: its geometric midpoint."""
    return float(R ** (i + 0.5))


def merge(*buckets: Mapping[int, int]) -> dict[int, int]:
    """Buckets of several days (or shards) as one: counts add."""
    total: Counter[int] = Counter()
    for b in buckets:
        total.update(b)
    return {i: n for i, n in sorted(total.items()) if n}


def percentile(buckets: Mapping[int, int], p: float) -> float | None:
    """The nearest-rank ``p``-th percentile (0 < p <= 100) read from buckets; None when they are empty."""
    count = sum(n for n in buckets.values() if n > 0)
    if count == 0:
        return None
    rank = max(math.ceil(p / 100 * count), 1)
    seen = 0
    for i in sorted(buckets):
        seen += max(buckets[i], 0)
        if seen >= rank:
            return bucket_value(i)
    return bucket_value(max(buckets))  # unreachable with non-negative counts


# --- what a change adds --------------------------------------------------------------------------


def _ms(moment: datetime) -> datetime:
    """The time as the store keeps it (milliseconds)."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def day_of(moment: datetime, zone: str | ZoneInfo) -> date:
    """The hotel's calendar day of a moment."""
    tz = zone if isinstance(zone, ZoneInfo) else hotel_zone(zone)
    return _ms(moment).astimezone(tz).date()


def duration_seconds(start: datetime, end: datetime) -> float:
    """``end - start`` at the store's precision, never negative (a guest's clock may run ahead)."""
    return max((_ms(end) - _ms(start)).total_seconds(), 0.0)


def _automated(c: Conversation | None) -> int:
    return int(c is not None and c.automated and c.status is not Status.SPAM)


def figure_changes(before: Conversation | None, after: Conversation, activities: Sequence[Activity],
                   messages: Sequence[Message], zone: str) -> FigureChanges:
    """What one change (``before`` -> ``after``, with the entries and messages it writes) adds to the figures of
    each day (the hotel's ``zone``). Pure; zeros are left out."""
    tz = hotel_zone(zone)
    out: dict[date, Counter[str]] = {}

    def add(moment: datetime, name: str, n: int = 1) -> None:
        out.setdefault(day_of(moment, tz), Counter())[name] += n

    for a in activities:
        if a.type == "created":
            add(a.at, STARTED + after.channel)
        elif a.type == "handed_off":
            add(a.at, HANDED_OFF + (a.reason or "unknown"))
        elif a.type == "marked_spam":
            add(a.at, SPAM + ("bot" if a.actor.type is ActorType.BOT else "agent"))
    # A conversation is fully automated on the day it started while the bot alone handled it (and not spam).
    if before is not None and _automated(before):
        add(before.created_at, AUTOMATED, -1)
    if _automated(after):
        add(after.created_at, AUTOMATED)
    for m in messages:
        if m.internal:
            continue
        add(m.sent_at, MESSAGES_IN if m.direction is Direction.INBOUND else MESSAGES_OUT)
    # The first human reply to a guest waiting: the agent's reply that ends the wait.
    waited = before.waiting_since if before is not None else None
    if waited is not None and after.waiting_since is None:
        reply = next((m for m in messages if m.sender is Sender.AGENT and m.direction is Direction.OUTBOUND
                      and not m.internal), None)
        if reply is not None:
            seconds = duration_seconds(waited, reply.sent_at)
            add(reply.sent_at, REPLY + str(bucket_of(seconds)))
            add(reply.sent_at, REPLY_SECONDS, int(seconds))
    # Time on hold, when the conversation leaves On hold.
    if (before is not None and before.status is Status.ON_HOLD and after.status is not Status.ON_HOLD
            and before.held_since is not None):
        left = next((a.at for a in activities if a.from_status is Status.ON_HOLD and a.to_status is not Status.ON_HOLD),
                    after.updated_at)
        seconds = duration_seconds(before.held_since, left)
        add(left, HOLD + str(bucket_of(seconds)))
        add(left, HOLD_SECONDS, int(seconds))
    return {day: {name: n for name, n in sorted(c.items()) if n} for day, c in sorted(out.items())
            if any(c.values())}


# --- the report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayFigures:
    """The figures of one day, or of a whole range (``totals``): durations as buckets (``reply``, ``hold``)."""

    started: Mapping[str, int] = field(default_factory=dict)  # channel -> conversations started
    automated: int = 0
    handed_off: Mapping[str, int] = field(default_factory=dict)  # reason -> handoffs
    spam: Mapping[str, int] = field(default_factory=dict)  # "bot" / "agent" -> conversations marked spam
    messages_in: int = 0
    messages_out: int = 0
    reply: Mapping[int, int] = field(default_factory=dict)  # bucket -> first human replies
    reply_seconds: int = 0
    hold: Mapping[int, int] = field(default_factory=dict)  # bucket -> holds ended
    hold_seconds: int = 0

    @property
    def started_total(self) -> int:
        return sum(self.started.values())

    @property
    def handed_off_total(self) -> int:
        return sum(self.handed_off.values())

    @property
    def spam_total(self) -> int:
        return sum(self.spam.values())

    @property
    def reply_count(self) -> int:
        return sum(self.reply.values())

    @property
    def hold_count(self) -> int:
        return sum(self.hold.values())

    def reply_percentile(self, p: float) -> float | None:
        return percentile(self.reply, p)

    def hold_percentile(self, p: float) -> float | None:
        return percentile(self.hold, p)

    @property
    def reply_mean(self) -> float | None:
        return self.reply_seconds / self.reply_count if self.reply_count else None


def _prefixed(raw: Mapping[str, int], prefix: str) -> dict[str, int]:
    return {name.removeprefix(prefix): n for name, n in raw.items() if name.startswith(prefix)}


def _buckets(raw: Mapping[str, int], prefix: str) -> dict[int, int]:
    out: Counter[int] = Counter()
    for name, n in _prefixed(raw, prefix).items():
        if name.isdigit():
            out[int(name)] += n
    return {i: n for i, n in sorted(out.items()) if n}


def day_figures(raw: Mapping[str, int], channels: Sequence[str] = (), reasons: Sequence[str] = ()) -> DayFigures:
    """A day's figures from its stored counts (the shards summed); ``channels``/``reasons`` listed with 0 too.
    The automated count is never below 0 (conversations started before the figures existed lose it later)."""
    started = {**dict.fromkeys(channels, 0), **_prefixed(raw, STARTED)}
    handed = {**dict.fromkeys(reasons, 0), **_prefixed(raw, HANDED_OFF)}
    return DayFigures(
        started=dict(sorted(started.items())), automated=max(raw.get(AUTOMATED, 0), 0),
        handed_off=dict(sorted(handed.items())), spam=_prefixed(raw, SPAM),
        messages_in=raw.get(MESSAGES_IN, 0), messages_out=raw.get(MESSAGES_OUT, 0),
        reply=_buckets(raw, REPLY), reply_seconds=raw.get(REPLY_SECONDS, 0),
        hold=_buckets(raw, HOLD), hold_seconds=raw.get(HOLD_SECONDS, 0),
    )


def _merge_days(days: Sequence[DayFigures]) -> DayFigures:
    def dicts(name: str) -> dict[str, int]:
        total: Counter[str] = Counter()
        for d in days:
            total.update(getattr(d, name))
        return {k: total[k] for k in sorted(total)}

    return DayFigures(
        started=dicts("started"), automated=sum(d.automated for d in days), handed_off=dicts("handed_off"),
        spam=dicts("spam"), messages_in=sum(d.messages_in for d in days),
        messages_out=sum(d.messages_out for d in days), reply=merge(*(d.reply for d in days)),
        reply_seconds=sum(d.reply_seconds for d in days), hold=merge(*(d.hold for d in days)),
        hold_seconds=sum(d.hold_seconds for d in days),
    )


@dataclass(frozen=True)
class Report:
    """A hotel's figures over ``start`` .. ``end`` (its calendar days, both included): each day, and the totals."""

    hotel_id: str
    timezone: str
    start: date
    end: date
    days: tuple[tuple[date, DayFigures], ...]  # every day of the range, ascending (zeros too)
    totals: DayFigures
    percentile_error: float = PERCENTILE_ERROR


def build_report(hotel_id: str, timezone: str, start: date, end: date,
                 stored: Mapping[date, Mapping[str, int]]) -> Report:
    """The report of ``start`` .. ``end`` from the stored counts per day (days with none are zeros). Every day
    lists the channels and handoff reasons the range saw (the known reasons always), so its rows line up."""
    in_range = {d: raw for d, raw in stored.items() if start <= d <= end}
    channels = sorted({k for raw in in_range.values() for k in _prefixed(raw, STARTED)})
    reasons = sorted({*KNOWN_HANDOFF_REASONS, *(k for raw in in_range.values() for k in _prefixed(raw, HANDED_OFF))})
    days = []
    for n in range((end - start).days + 1):
        day = start + timedelta(days=n)
        days.append((day, day_figures(in_range.get(day, {}), channels, reasons)))
    return Report(hotel_id, timezone, start, end, tuple(days), _merge_days([f for _, f in days]))


def report_range(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """The range asked for: ``end`` defaults to today, ``start`` to 29 days before ``end``; ``InvalidInput`` when
    ``start`` is after ``end`` or the range is longer than ``MAX_RANGE_DAYS``."""
    last = end or today
    try:
        first = start or last - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    except OverflowError:  # the first days of year 1
        first = date.min
    if first > last:
        raise InvalidInput(f"from ({first.isoformat()}) must not be after to ({last.isoformat()})")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise InvalidInput(f"a report covers at most {MAX_RANGE_DAYS} days")
    return first, last


# --- the use cases ---------------------------------------------------------------------------------


class ReportUseCases:
    """A mixin of ``Inbox``: the figures every commit carries, and the report."""

    store: ConversationStore
    clock: Callable[[], datetime]
    hotel: Callable[[str], Hotel | None]

    def figures(self, hotel_id: str, before: Conversation | None, after: Conversation,
                activities: Sequence[Activity] = (), messages: Sequence[Message] = ()) -> FigureChanges:
        """What this change adds to the hotel's daily figures, in its time zone (the cached hotel: no read)."""
        hotel = self.hotel(hotel_id)
        return figure_changes(before, after, activities, messages, hotel.timezone if hotel is not None else "UTC")

    def report(self, hotel_id: str, start: date | None = None, end: date | None = None) -> Report:
        """The hotel's figures per day over ``start`` .. ``end`` (defaults: the 30 days to today, in the hotel's
        time zone): the hotel (cached) and one Query of the day items. ``NotFound`` for no such hotel."""
        hotel = self.hotel(hotel_id)
        if hotel is None:
            raise NotFound(f"hotel {hotel_id} not found")
        first, last = report_range(start, end, day_of(self.clock().astimezone(UTC), hotel.timezone))
        return build_report(hotel_id, hotel.timezone, first, last, self.store.read_figures(hotel_id, first, last))
