"""The hotel's daily figures in the table (issue 15): written with each commit, read by a report in one Query.

Each day of a hotel has up to ``COUNTER_SHARDS`` items (pk ``HOTEL#<h>``, sk ``REPORT#<yyyy-mm-dd>#<shard>``),
whose top-level number attributes are the figures ``inbox.reports`` names; a commit ADDs its changes to one
shard per day it touches (chosen at random, as the tab counters: parallel transactions rarely meet on one item),
in its own transaction. The read is one Query ``sk BETWEEN REPORT#<first> AND REPORT#<last>~`` of the hotel's
partition, shards summed: a 30-day report reads at most 120 small items, one page, whatever the volume.

The items hold counts only (no guest data): an erase or a conversation's expiry leaves them. Each expires
``REPORT_KEEP_DAYS`` after its day (the longest report is 366 days).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pynamodb.expressions.update import Action

from inbox.reports import FigureChanges
from store import keys, reading
from store.models import ReportItem
from store.schema import COUNTER_SHARDS, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE
from store.table import Table
from store.team import counter_actions

REPORT_KEEP_DAYS = 400
_NOT_FIGURES = frozenset({PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE})


def report_expiry(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=REPORT_KEEP_DAYS), time(), tzinfo=UTC)


def report_updates(hotel_id: str, figures: FigureChanges | None) -> list[tuple[ReportItem, list[Action]]]:
    """The UpdateItems a commit adds to its transaction: one per day with changes, on a random shard."""
    updates = []
    for day, changes in sorted((figures or {}).items()):
        actions = counter_actions({name: n for name, n in sorted(changes.items()) if n})
        if not actions:
            continue
        item = ReportItem(keys.hotel_pk(hotel_id), keys.report_sk(day, random.randrange(COUNTER_SHARDS)))
        updates.append((item, [*actions, ReportItem.expires_at.set(report_expiry(day))]))
    return updates


def figures_of(raw: dict[str, Any]) -> tuple[tuple[date, dict[str, int]], list[str]]:
    """A shard's day and figures (with no problems: the store's readers' form); ``UnreadableItem`` when its key
    or any figure cannot be read (the whole shard is left out, so its figures never disagree)."""
    try:
        day = keys.report_day(raw[SORT_KEY]["S"])
    except (KeyError, TypeError, ValueError) as error:
        raise reading.UnreadableItem(f"report key: {error!r}") from error
    figures: dict[str, int] = {}
    for name, stored in raw.items():
        if name in _NOT_FIGURES:
            continue
        try:
            value = stored["N"]
            n = int(value)
        except (KeyError, TypeError, ValueError) as error:
            raise reading.UnreadableItem(f"{name}: {error!r}") from error
        figures[name] = n
    return (day, figures), []


class Reports(Table):
    def read_figures(self, hotel_id: str, first: date, last: date) -> dict[date, dict[str, int]]:
        """The hotel's figures of each day from ``first`` to ``last`` (days with none are absent), its shards
        summed, in one Query (more pages only past DynamoDB's 1 MB, far beyond a year of figures). A shard
        that cannot be read is reported and left out: one bad item never breaks a report."""
        low, high = keys.report_range(first, last)
        params: dict[str, Any] = {
            "KeyConditionExpression": "#p = :p AND #s BETWEEN :a AND :b",
            "ExpressionAttributeNames": {"#p": PARTITION_KEY, "#s": SORT_KEY},
            "ExpressionAttributeValues": {":p": {"S": keys.hotel_pk(hotel_id)}, ":a": {"S": low}, ":b": {"S": high}},
        }
        days: dict[date, Counter[str]] = {}
        for raw in self._query_all(**params):
            read = self._read(figures_of, raw)
            if read is None:
                continue
            day, figures = read
            days.setdefault(day, Counter()).update(figures)
        return {day: dict(figures) for day, figures in sorted(days.items())}
