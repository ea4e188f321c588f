"""The one way times enter Lobby (parse_time) and the one way they are written (iso)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inbox.times import SENT_AT_EARLIEST, check_sent_at, iso, parse_time

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
moments = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC))


@given(moments)
def test_every_time_lobby_writes_reads_back_to_the_millisecond(moment):
    assert parse_time(iso(moment)) == moment.replace(microsecond=moment.microsecond // 1000 * 1000)


@given(moments, moments)
def test_written_times_sort_as_the_times_do_whatever_the_year(a, b):
    if a.replace(microsecond=a.microsecond // 1000 * 1000) < b.replace(microsecond=b.microsecond // 1000 * 1000):
        assert iso(a) < iso(b)


def test_a_year_before_1000_is_written_with_four_digits():
    assert iso(datetime(91, 1, 20, 17, 51, 29, tzinfo=UTC)) == "0091-01-20T17:51:29.000Z"


@pytest.mark.parametrize("text", [
    "91-01-20T17:51:29Z",             # two-digit year
    "2026-11-24T09:15Z",              # no seconds
    "2026-11-24T09:15:02",            # no zone
    "2026-11-24",                     # a date
    "2026-11-24T09:15:02Z\n",         # a trailing line break
    "२०२६-11-24T09:15:02Z",           # digits of another script
    "2026-02-30T00:00:00Z",           # no such day
    "9999-12-31T23:59:59-14:00",      # past year 9999 in UTC
    "0001-01-01T00:00:00+14:00",      # before year 1 in UTC
    "",
])
def test_what_is_not_an_rfc3339_time_is_refused_with_a_reason(text):
    with pytest.raises(ValueError, match="time"):
        parse_time(text)


def test_an_offset_is_turned_into_utc_and_extra_fraction_digits_are_dropped():
    assert parse_time("2026-11-24T10:15:02.123456789+01:00") == datetime(2026, 11, 24, 9, 15, 2, 123456, tzinfo=UTC)


@pytest.mark.parametrize("moment", [SENT_AT_EARLIEST - timedelta(seconds=1), NOW + timedelta(days=1, seconds=1),
                                    datetime(2100, 1, 1, tzinfo=UTC)])
def test_a_sent_at_no_real_message_can_have_is_refused(moment):
    with pytest.raises(ValueError, match="sent_at"):
        check_sent_at(moment, NOW)


def test_a_sent_at_within_the_window_is_kept_in_utc():
    ahead = (NOW + timedelta(hours=20)).astimezone(ZoneInfo("Asia/Tokyo"))
    assert check_sent_at(ahead, NOW) == NOW + timedelta(hours=20)
    assert check_sent_at(ahead, NOW).tzinfo is UTC
