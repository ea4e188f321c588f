"""The authorizer's pace for a partner key's last use: at most one write a minute per key in a warm process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from auth.keys import USE_NOTED_EVERY_SECONDS, UseNotes, looks_like_key_id, new_key_id

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_a_key_is_noted_once_a_minute_and_each_key_on_its_own():
    notes = UseNotes()
    assert notes.due("hash-a", T0)
    assert not notes.due("hash-a", T0 + timedelta(seconds=59))
    assert notes.due("hash-b", T0 + timedelta(seconds=59))
    assert notes.due("hash-a", T0 + timedelta(seconds=USE_NOTED_EVERY_SECONDS))
    assert not notes.due("hash-a", T0 + timedelta(seconds=61))


def test_a_clock_that_went_back_does_not_silence_a_key():
    notes = UseNotes()
    assert notes.due("hash-a", T0)
    assert notes.due("hash-a", T0 - timedelta(minutes=5))


def test_key_ids_are_new_each_time_and_never_look_like_a_key():
    first, second = new_key_id(), new_key_id()
    assert first != second and looks_like_key_id(first) and looks_like_key_id(second)
    assert not looks_like_key_id("lby_" + "a" * 40) and not looks_like_key_id("pk_xyz")
