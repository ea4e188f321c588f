"""A hotel's files are stored for its retention: the inbox hands the hotel's retention_days to the storage with each
file (an upload grant, a channel's file), and the storage's tier is the smallest at least that long."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fakes import T0, world
from hypothesis import given
from hypothesis import strategies as st

from inbox.inbound import GuestProfile, InboundMessage
from inbox.retention import (
    RETENTION_DAYS_DEFAULT,
    RETENTION_DAYS_MAX,
    RETENTION_DAYS_MIN,
    RETENTION_TIERS,
    retention_tier,
)

PDF = b"%PDF-1.7 the booking confirmation"


def conversation_of(w, hotel_id: str = "h1") -> str:
    return w.inbox.receive(InboundMessage(hotel_id, "expedia", "thr-1", "thr-1-m1", "I want a person", T0,
                                          GuestProfile("g-1", "Inès"))).conversation_id


@pytest.mark.parametrize("days", [30, 90, 730, 3650])
def test_an_upload_and_a_channel_file_are_stored_for_the_hotels_retention(days):
    w = world()
    w.store.hotels["h1"] = replace(w.store.hotels["h1"], retention_days=days)
    cid = conversation_of(w)
    upload, _ = w.inbox.grant_upload("h1", cid, "plan.pdf", "application/pdf", len(PDF))
    kept = w.inbox.keep_channel_file("h1", cid, "file-1", "passport.pdf", "application/pdf", PDF)
    assert w.files.retention == {upload.key: days, kept.key: days}


def test_a_hotel_never_set_keeps_its_files_the_default_retention():
    w = world()
    cid = conversation_of(w)
    upload, _ = w.inbox.grant_upload("h1", cid, "plan.pdf", "application/pdf", len(PDF))
    assert w.files.retention == {upload.key: RETENTION_DAYS_DEFAULT}


@given(st.integers(RETENTION_DAYS_MIN, RETENTION_DAYS_MAX))
def test_the_tier_is_the_smallest_that_keeps_a_file_at_least_the_retention(days):
    tier = retention_tier(days)
    assert tier in RETENTION_TIERS and tier >= days
    assert not [t for t in RETENTION_TIERS if days <= t < tier]


def test_the_tiers_start_at_the_shortest_retention_and_end_at_the_longest():
    assert RETENTION_TIERS == tuple(sorted(set(RETENTION_TIERS)))
    assert RETENTION_TIERS[0] == RETENTION_DAYS_MIN and RETENTION_TIERS[-1] == RETENTION_DAYS_MAX
    assert retention_tier(RETENTION_DAYS_DEFAULT) == RETENTION_DAYS_DEFAULT  # the default has a tier of its own
