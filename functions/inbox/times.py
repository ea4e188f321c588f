"""Times Lobby accepts, and the one form it stores them in.

Every time that crosses a boundary (the HTTP API, a channel) goes through ``parse_time``:
RFC 3339 with a four-digit year, seconds and a zone, nothing else. Inside Lobby a time is an
aware ``datetime`` in UTC, and ``iso`` writes it back the same way whatever the year, so a
stored time always reads back and stored strings sort by time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

# 2026-11-24T09:15:02Z, 2026-11-24T09:15:02.123456+01:00 (a space or a lower-case t/z is RFC 3339 too).
_RFC3339 = re.compile(
    r"^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ](?P<time>[0-9]{2}:[0-9]{2}:[0-9]{2})(?P<fraction>\.[0-9]{1,9})?"
    r"(?P<zone>[Zz]|[+-][0-9]{2}:[0-9]{2})\Z"
)

# A guest message's channel time: not before this, and not more than SENT_AT_AHEAD past Lobby's
# clock (clocks drift, but a message from next year is a bug, and it would pin the conversation
# at the top of every list).
SENT_AT_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
SENT_AT_AHEAD = timedelta(days=1)


def parse_time(text: str) -> datetime:
    """An RFC 3339 time as an aware UTC datetime; ``ValueError`` with a readable reason otherwise."""
    match = _RFC3339.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError("a time must be RFC 3339 with a four-digit year, seconds and a zone, "
                         "e.g. 2026-11-24T09:15:02Z")
    fraction = (match["fraction"] or "")[:7]  # Python keeps microseconds: drop digits past them
    zone = match["zone"].upper().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(f"{match['date']}T{match['time']}{fraction}{zone}")
        return moment.astimezone(UTC)
    except (ValueError, OverflowError) as error:  # 2026-02-30, or a zone that pushes it past year 9999
        raise ValueError(f"not a real time: {text}") from error


def check_sent_at(moment: datetime, now: datetime) -> datetime:
    """A channel's message time, refused when it cannot be a real message's time."""
    if moment.tzinfo is None:
        raise ValueError("a time must carry a zone (use a Z suffix for UTC)")
    if moment < SENT_AT_EARLIEST:
        raise ValueError(f"sent_at lies before {iso(SENT_AT_EARLIEST)}")
    if moment > now + SENT_AT_AHEAD:
        raise ValueError("sent_at lies more than a day in the future")
    return moment.astimezone(UTC)


def hotel_zone(name: str) -> ZoneInfo:
    """The hotel's time zone by its IANA name; UTC for a name that is not one (a saved reply still renders and a
    figure still counts: never a failed write for a hotel's setting)."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):  # ZoneInfoNotFoundError is a KeyError; a malformed name a ValueError
        return ZoneInfo("UTC")


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z`` and millisecond precision, four-digit year always (so strings sort by time)."""
    t = moment.astimezone(UTC)
    return (f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}."
            f"{t.microsecond // 1000:03d}Z")
