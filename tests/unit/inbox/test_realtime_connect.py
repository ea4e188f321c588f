"""A console's socket: kept at connect with its agent and hotels until its TTL, forgotten at disconnect."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from realtime_fakes import ANA, BEN, T0, RealtimeWorld

from inbox.errors import InvalidInput
from inbox.model import AgentRef, Role
from inbox.realtime import Realtime
from inbox.realtime_ports import Connection, PresenceEvent
from infra import names


def test_connect_keeps_the_agent_and_the_hotels_of_its_token_until_the_ttl():
    w = RealtimeWorld()
    connection = w.realtime.connect("c1", ANA, Role.ADMIN, ["h1", "h2", "h1"], T0)
    assert connection == Connection("c1", ANA, Role.ADMIN, frozenset({"h1", "h2"}), T0,
                                    T0 + timedelta(seconds=names.CONNECTION_TTL_SECONDS))
    assert w.connections.items == {"c1": connection}
    assert names.CONNECTION_TTL_SECONDS == 7800  # API Gateway's 2 hours and 10 minutes to spare


def test_a_role_given_as_the_authorizers_text_is_read():
    w = RealtimeWorld()
    assert w.realtime.connect("c1", ANA, "admin", ["h1"], T0).role is Role.ADMIN


def test_the_ttl_is_the_composition_roots_setting():
    w = RealtimeWorld()
    realtime = Realtime(w.connections, w.push, w.reads, ttl_seconds=60)
    assert realtime.connect("c1", ANA, Role.AGENT, ["h1"], T0).expires_at == T0 + timedelta(minutes=1)


@pytest.mark.parametrize(("connection_id", "agent", "role", "hotels", "now"), [
    ("", ANA, Role.AGENT, ["h1"], T0),
    (None, ANA, Role.AGENT, ["h1"], T0),
    ("c1", AgentRef("", "Nobody"), Role.AGENT, ["h1"], T0),
    ("c1", "ag-ana", Role.AGENT, ["h1"], T0),
    ("c1", ANA, "boss", ["h1"], T0),
    ("c1", ANA, Role.AGENT, [], T0),
    ("c1", ANA, Role.AGENT, "h1", T0),
    ("c1", ANA, Role.AGENT, None, T0),
    ("c1", ANA, Role.AGENT, [["h1"]], T0),
    ("c1", ANA, Role.AGENT, ["h1", ""], T0),
    ("c1", ANA, Role.AGENT, ["h1", 7], T0),
    ("c1", ANA, Role.AGENT, ["h1"], datetime(2026, 11, 24, 9, 0)),  # naive
])
def test_a_connection_without_an_id_an_agent_a_role_hotels_or_an_aware_time_is_refused(
        connection_id, agent, role, hotels, now):
    w = RealtimeWorld()
    with pytest.raises(InvalidInput):
        w.realtime.connect(connection_id, agent, role, hotels, now)
    assert w.connections.calls == []


def test_disconnect_forgets_the_connection_and_is_idempotent():
    w = RealtimeWorld()
    w.connect("c1")
    w.connect("c2", BEN)
    assert w.realtime.disconnect("c1").id == "c1"
    assert set(w.connections.items) == {"c2"}
    assert w.realtime.disconnect("c1") is None
    assert w.push.attempts == []  # it viewed nothing: nobody is told


@pytest.mark.parametrize("connection_id", ["", None, 42])
def test_disconnect_of_no_id_touches_nothing(connection_id):
    w = RealtimeWorld()
    w.connect("c1")
    w.forget_calls()
    assert w.realtime.disconnect(connection_id) is None
    assert w.connections.calls == []


def test_disconnect_while_viewing_tells_the_hotels_other_agents_it_left():
    w = RealtimeWorld()
    w.conversation("h1", "conv-1")
    w.connect("ana-1")
    w.connect("ana-2")  # Ana's second tab
    w.connect("ben", BEN)
    w.connect("ben-h2", BEN, hotels=["h2"])
    assert w.realtime.presence("ana-1", "conv-1", "viewing")
    w.forget_calls()
    w.realtime.disconnect("ana-1")
    assert w.push.sent == [("ben", [PresenceEvent("h1", "conv-1", ANA, "left")])]
    assert w.reads.calls == []  # what it viewed was checked when it said so


def test_a_push_that_fails_at_disconnect_does_not_stop_the_others():
    w = RealtimeWorld()
    w.conversation("h1", "conv-1")
    w.connect("ana")
    w.connect("ben", BEN)
    w.connect("camille", AgentRef("ag-camille", "Camille"))
    w.connect("dana", AgentRef("ag-dana", "Dana"))
    w.realtime.presence("ana", "conv-1", "typing")
    w.forget_calls()
    w.push.broken.add("ben")
    w.push.gone.add("camille")
    assert w.realtime.disconnect("ana").id == "ana"
    assert "camille" not in w.connections.items and "ben" in w.connections.items
    assert w.push.sent == [("dana", [PresenceEvent("h1", "conv-1", ANA, "left")])]
