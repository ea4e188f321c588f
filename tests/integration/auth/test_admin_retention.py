"""``python -m admin set-retention`` and ``set-reply-target`` on moto: the hotel's setting through the core's
use case, with one ``hotel_updated`` entry by the Operator who ran it (the OS user); a value out of range or
a hotel that does not exist is refused (exit 2) before anything is written."""

from __future__ import annotations

import getpass

import pytest

from inbox.audit import HOTEL_UPDATED, AuditTarget
from inbox.model import Actor, ActorType
from inbox.ports import Hotel


@pytest.fixture
def lumiere(store):
    store.put_hotel(Hotel("h1", "Lumière"))


OPERATOR = Actor(ActorType.OPERATOR, getpass.getuser(), getpass.getuser())


def test_set_retention_stores_it_and_records_who(admin_cli, store, lumiere):
    code, out, err = admin_cli("set-retention", "--hotel-id", "h1", "--days", "365")
    assert code == 0, err
    assert "365 days" in out and store.get_hotel("h1").retention_days == 365
    (entry,) = store.list_audit("h1", 10).items
    assert (entry.action, entry.target, entry.actor) == (HOTEL_UPDATED, AuditTarget("hotel", "h1"), OPERATOR)
    assert entry.details == {"retention_days": {"from": 730, "to": 365}}


@pytest.mark.parametrize("days", ["29", "3651", "0"])
def test_set_retention_out_of_range_is_refused_before_any_write(admin_cli, store, lumiere, days):
    code, _, err = admin_cli("set-retention", "--hotel-id", "h1", "--days", days)
    assert code == 2 and "30 to 3650" in err and days in err
    assert store.get_hotel("h1").retention_days == 730 and store.list_audit("h1", 10).items == []


def test_set_retention_of_a_hotel_that_does_not_exist_is_refused(admin_cli, store):
    code, _, err = admin_cli("set-retention", "--hotel-id", "h-ghost", "--days", "365")
    assert code == 2 and "hotel h-ghost does not exist" in err
    assert store.get_hotel("h-ghost") is None and store.list_audit("h-ghost", 10).items == []


def test_set_reply_target_is_audited_too(admin_cli, store, lumiere):
    assert admin_cli("set-reply-target", "--hotel-id", "h1", "--minutes", "240")[0] == 0
    assert store.get_hotel("h1").reply_target_minutes == 240
    assert admin_cli("set-reply-target", "--hotel-id", "h1", "--none")[0] == 0
    assert store.get_hotel("h1").reply_target_minutes is None
    details = [e.details for e in reversed(store.list_audit("h1", 10).items)]
    assert details == [{"reply_target_minutes": {"from": None, "to": 240}},
                       {"reply_target_minutes": {"from": 240, "to": None}}]
    assert {e.actor for e in store.list_audit("h1", 10).items} == {OPERATOR}
