"""An admin changes the hotel's settings (``Inbox.update_hotel_settings``) on fakes: checked before anything is
written, one ``hotel_updated`` entry per change naming each field's from and to, the new retention used at once."""

from __future__ import annotations

import pytest
from fakes import world

from inbox.audit import HOTEL_UPDATED, AuditTarget
from inbox.errors import InvalidInput, NotFound
from inbox.model import Actor, ActorType

ADMIN = Actor(ActorType.AGENT, "agent-adele", "Adèle")


def test_a_new_retention_is_stored_audited_and_used_at_once():
    w = world()
    assert w.inbox.retention_days("h1") == 730  # read (and cached) before the change
    hotel = w.inbox.update_hotel_settings("h1", ADMIN, retention_days=90)
    assert hotel.retention_days == 90 and w.inbox.retention_days("h1") == 90
    (entry,) = w.audit.of("h1")
    assert (entry.action, entry.target, entry.actor) == (HOTEL_UPDATED, AuditTarget("hotel", "h1"), ADMIN)
    assert entry.details == {"retention_days": {"from": 730, "to": 90}} and entry.at == w.clock()


@pytest.mark.parametrize("days", [29, 3651, 0, None, "90", 90.0, True])
def test_a_retention_out_of_range_writes_nothing(days):
    w = world()
    stored = w.store.get_hotel("h1")
    with pytest.raises(InvalidInput, match="30 to 3650"):
        w.inbox.update_hotel_settings("h1", ADMIN, retention_days=days, reply_target_minutes=60)
    assert "set_retention_days" not in w.store.writes and "set_reply_target" not in w.store.writes
    assert w.store.get_hotel("h1") == stored and stored.reply_target_minutes is None  # the valid 60 not kept either
    assert w.inbox.retention_days("h1") == 730
    assert w.audit.of("h1") == []


def test_two_settings_are_one_entry_and_an_unchanged_one_is_none():
    w = world()
    w.inbox.update_hotel_settings("h1", ADMIN, retention_days=365, reply_target_minutes=120)
    w.inbox.update_hotel_settings("h1", ADMIN, retention_days=365)
    w.inbox.update_hotel_settings("h1", ADMIN)
    (entry,) = w.audit.of("h1")
    assert entry.details == {"retention_days": {"from": 730, "to": 365},
                             "reply_target_minutes": {"from": None, "to": 120}}


def test_a_hotel_that_does_not_exist_is_not_found():
    w = world()
    with pytest.raises(NotFound):
        w.inbox.update_hotel_settings("h-ghost", ADMIN, retention_days=365)
    assert w.audit.entries == []
