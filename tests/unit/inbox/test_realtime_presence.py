"""Presence: "Ana is viewing / typing / left" reaches the hotel's other agents, and nothing else gets through."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from realtime_fakes import ANA, BEN, CAMILLE, RealtimeWorld

from inbox.realtime_ports import PRESENCE_STATES, PresenceEvent


def team() -> RealtimeWorld:
    """h1: Ana (two tabs), Ben; h2: Camille; Camille also works for h1 on a second socket of both hotels."""
    w = RealtimeWorld()
    w.conversation("h1", "conv-1")
    w.conversation("h1", "conv-2")
    w.conversation("h2", "conv-h2")
    w.connect("ana-1")
    w.connect("ana-2")
    w.connect("ben", BEN)
    w.connect("camille-h2", CAMILLE, hotels=["h2"])
    return w


def test_viewing_is_told_to_the_hotels_other_agents_never_to_the_same_agents_tabs():
    w = team()
    w.forget_calls()
    assert w.realtime.presence("ana-1", "conv-1", "viewing") is True
    assert w.push.sent == [("ben", [PresenceEvent("h1", "conv-1", ANA, "viewing")])]
    assert w.connections.items["ana-1"].viewing == ("h1", "conv-1")
    assert w.connections.named("set_viewing") == [("ana-1", ("h1", "conv-1"))]


def test_typing_then_left_each_reach_the_others_and_left_clears_what_it_views():
    w = team()
    w.realtime.presence("ana-1", "conv-1", "viewing")
    w.forget_calls()
    assert w.realtime.presence("ana-1", "conv-1", "typing")
    assert w.realtime.presence("ana-1", "conv-1", "left")
    assert [e.state for e in w.push.to("ben")] == ["typing", "left"]
    assert w.push.to("ana-2") == [] and w.push.to("camille-h2") == []
    # typing on the conversation it views moves nothing; left clears it
    assert w.connections.named("set_viewing") == [("ana-1", None)]
    assert w.connections.items["ana-1"].viewing is None


def test_viewing_sent_again_writes_nothing_but_is_told_again():
    w = team()
    w.realtime.presence("ana-1", "conv-1", "viewing")
    w.realtime.presence("ana-1", "conv-1", "viewing")  # the console's 30 s keep-alive of presence
    assert len(w.connections.named("set_viewing")) == 1
    assert [e.state for e in w.push.to("ben")] == ["viewing", "viewing"]


def test_moving_to_another_conversation_updates_what_it_views():
    w = team()
    w.realtime.presence("ana-1", "conv-1", "viewing")
    w.realtime.presence("ana-1", "conv-2", "viewing")
    assert w.connections.items["ana-1"].viewing == ("h1", "conv-2")


def test_a_late_left_of_the_previous_conversation_keeps_the_current_one():
    w = team()
    w.realtime.presence("ana-1", "conv-1", "viewing")
    w.realtime.presence("ana-1", "conv-2", "viewing")
    assert w.realtime.presence("ana-1", "conv-1", "left")
    assert w.connections.items["ana-1"].viewing == ("h1", "conv-2")
    assert w.push.to("ben")[-1] == PresenceEvent("h1", "conv-1", ANA, "left")


def test_the_conversation_is_looked_for_in_each_of_the_connections_hotels():
    w = team()
    w.connect("camille-both", CAMILLE, hotels=["h1", "h2"])
    w.forget_calls()
    assert w.realtime.presence("camille-both", "conv-h2", "viewing")
    assert w.connections.items["camille-both"].viewing == ("h2", "conv-h2")
    # told to h2's connections only, and not to Camille's own other socket
    assert w.push.attempts == []
    w.connect("dana-h2", BEN, hotels=["h2"])
    assert w.realtime.presence("camille-both", "conv-h2", "typing")
    assert w.push.sent == [("dana-h2", [PresenceEvent("h2", "conv-h2", CAMILLE, "typing")])]


def test_a_given_hotel_is_the_only_one_read():
    w = team()
    w.connect("camille-both", CAMILLE, hotels=["h1", "h2"])
    w.forget_calls()
    assert w.realtime.presence("camille-both", "conv-h2", "viewing", "h2")
    assert w.reads.calls == [("get_conversations", "h2", ("conv-h2",))]
    assert not w.realtime.presence("camille-both", "conv-h2", "viewing", "h1")  # not there


def test_another_hotels_conversation_is_ignored_logged_and_told_to_nobody():
    w = team()
    w.forget_calls()
    assert w.realtime.presence("ana-1", "conv-h2", "viewing") is False
    assert w.reads.calls == [("get_conversations", "h1", ("conv-h2",))]  # only Ana's hotel is read
    assert w.push.attempts == [] and w.connections.named("set_viewing") == []
    assert w.reasons() == ["no such conversation in the connection's hotels"]


def test_naming_a_hotel_that_is_not_the_connections_is_ignored_without_a_read():
    w = team()
    w.forget_calls()
    assert w.realtime.presence("ana-1", "conv-h2", "viewing", "h2") is False
    assert w.reads.calls == [] and w.push.attempts == []
    assert w.reasons() == ["not a hotel of the connection"]


def test_an_unknown_or_expired_connection_is_ignored():
    w = team()
    assert w.realtime.presence("nobody", "conv-1", "viewing") is False
    w.connections.now = w.connections.items["ana-1"].expires_at
    assert w.realtime.presence("ana-1", "conv-1", "viewing") is False
    assert w.reads.calls == [] and w.push.attempts == []
    assert w.reasons() == ["unknown connection", "unknown connection"]


@pytest.mark.parametrize("state", ["VIEWING", "", "away", None, 1, True, ["viewing"], {"state": "viewing"}])
def test_only_the_three_states_are_presence(state):
    w = team()
    w.forget_calls()
    assert w.realtime.presence("ana-1", "conv-1", state) is False
    assert w.connections.calls == [] and w.reads.calls == [] and w.push.attempts == []
    assert w.reasons() == ["unknown state"]


@pytest.mark.parametrize("conversation_id", ["", None, 17, ["conv-1"], {"id": "conv-1"}, "c" * 201])
def test_the_conversation_id_is_a_text_of_1_to_200_characters(conversation_id):
    w = team()
    w.forget_calls()
    assert w.realtime.presence("ana-1", conversation_id, "viewing") is False
    assert w.connections.calls == [] and w.reads.calls == [] and w.push.attempts == []


def test_a_conversation_id_of_200_characters_is_one():
    w = team()
    w.conversation("h1", "c" * 200)
    assert w.realtime.presence("ana-1", "c" * 200, "viewing") is True


@pytest.mark.parametrize("hotel_id", ["", 1, ["h1"], {"h": "h1"}, False])
def test_a_hotel_id_that_is_not_an_id_is_ignored(hotel_id):
    w = team()
    w.forget_calls()
    assert w.realtime.presence("ana-1", "conv-1", "viewing", hotel_id) is False
    assert w.connections.calls == [] and w.push.attempts == []


def test_a_long_client_value_is_logged_bounded():
    w = team()
    w.realtime.presence("ana-1", "x" * 10_000, "viewing")
    assert all(len(str(v)) <= 80 for _, fields in w.logged for v in fields.values())


def test_a_push_that_fails_for_one_agent_still_tells_the_others():
    w = team()
    w.connect("camille-h1", CAMILLE)
    w.push.broken.add("ben")
    assert w.realtime.presence("ana-1", "conv-1", "viewing") is True
    assert w.push.to("camille-h1") == [PresenceEvent("h1", "conv-1", ANA, "viewing")]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=250),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
# Plausible messages: the team's own connections, conversations and hotels, mixed with wrong ones.
likely = st.tuples(st.sampled_from(["ana-1", "ana-2", "ben", "camille-h2", "nobody"]),
                   st.sampled_from(["conv-1", "conv-2", "conv-h2", "missing"]),
                   st.sampled_from([*PRESENCE_STATES, "Viewing"]),
                   st.sampled_from([None, "h1", "h2", "h3"]))
anything = st.tuples(json_values | st.sampled_from(["ana-1", "ben"]), json_values, json_values, json_values)


def is_real_presence(w, connection, conversation_id, state, hotel_id):
    """The rules, written out: a known connection, a state, a conversation of one of its hotels."""
    return (connection is not None and isinstance(state, str) and state in PRESENCE_STATES
            and isinstance(conversation_id, str)
            and (hotel_id is None or (isinstance(hotel_id, str) and hotel_id in connection.hotel_ids))
            and any((h, conversation_id) in w.reads.conversations for h in connection.hotel_ids
                    if hotel_id is None or h == hotel_id))


@settings(deadline=None, max_examples=200)  # a shared machine under load must not fail a correct example
@given(st.lists(likely | anything, min_size=1, max_size=8))
def test_any_presence_input_never_raises_and_only_a_real_presence_is_told(messages):
    w = team()
    for connection_id, conversation_id, state, hotel_id in messages:
        before = len(w.push.attempts)
        sender = w.connections.items.get(connection_id) if isinstance(connection_id, str) else None
        told = w.realtime.presence(connection_id, conversation_id, state, hotel_id)
        assert told is is_real_presence(w, sender, conversation_id, state, hotel_id)
        if not told:
            assert len(w.push.attempts) == before
            continue
        assert sender is not None
        where = next(h for h in ([hotel_id] if hotel_id else sorted(sender.hotel_ids))
                     if (h, conversation_id) in w.reads.conversations)
        if state != "left":
            assert w.connections.items[sender.id].viewing == (where, conversation_id)
        else:  # left clears only what it views
            cleared = sender.viewing == (where, conversation_id)
            assert w.connections.items[sender.id].viewing == (None if cleared else sender.viewing)
        for receiver, events in w.push.sent[before:]:
            (event,) = events
            assert (event.conversation_id, event.agent, event.state) == (conversation_id, sender.agent, state)
            assert event.hotel_id == where and where in w.connections.items[receiver].hotel_ids
            assert w.connections.items[receiver].agent.id != sender.agent.id
