"""The fan-out: one stream batch's changes reach the connections of their hotel, coalesced, and nothing else."""

from __future__ import annotations

import pytest
from realtime_fakes import (
    BEN,
    CAMILLE,
    RealtimeWorld,
    conversation_change,
    counts_change,
    message,
    message_change,
)

from inbox.realtime import FanOutReport
from inbox.realtime_ports import Change, ConversationEvent, CountsEvent, MessageEvent


def hotels_of(events):
    return {e.hotel_id for e in events}


def test_two_hotels_never_cross():
    w = RealtimeWorld()
    w.connect("c1", hotels=["h1"])
    w.connect("c2", BEN, hotels=["h2"])
    w.conversation("h1", "conv-1")
    w.conversation("h2", "conv-2")
    m1, m2 = message("h1", "conv-1", "m1"), message("h2", "conv-2", "m2")
    w.realtime.fan_out([message_change(m1), conversation_change("h1", "conv-1"), counts_change("h1"),
                        message_change(m2), conversation_change("h2", "conv-2"), counts_change("h2")])
    assert hotels_of(w.push.to("c1")) == {"h1"} and hotels_of(w.push.to("c2")) == {"h2"}
    assert [e.message.id for e in w.push.to("c1") if isinstance(e, MessageEvent)] == ["m1"]
    assert [e.conversation.id for e in w.push.to("c2") if isinstance(e, ConversationEvent)] == ["conv-2"]
    assert ("get_conversations", "h2", ("conv-2",)) in w.reads.calls


def test_an_agent_of_both_hotels_gets_each_hotels_events_and_the_others_only_theirs():
    w = RealtimeWorld()
    w.connect("both", CAMILLE, hotels=["h1", "h2"])
    w.connect("only-h2", BEN, hotels=["h2"])
    w.conversation("h1", "conv-1")
    w.realtime.fan_out([conversation_change("h1", "conv-1"), message_change(message("h2", "conv-2", "m2"))])
    assert hotels_of(w.push.to("both")) == {"h1", "h2"}
    assert hotels_of(w.push.to("only-h2")) == {"h2"}
    assert w.push.calls_to("both") == 2  # one send per hotel: events of two hotels are never in one send
    assert all(len(hotels_of(events)) == 1 for _, events in w.push.sent)


def test_a_gone_connection_is_removed_and_the_others_are_still_served():
    w = RealtimeWorld()
    for cid in ("c1", "c2", "c3"):
        w.connect(cid)
    w.push.gone.add("c2")
    report = w.realtime.fan_out([counts_change("h1")])
    assert report == FanOutReport(connections=2, events=2, gone=1, failed=0)
    assert w.connections.named("remove") == ["c2"]
    assert "c2" not in w.connections.items and {"c1", "c3"} <= set(w.connections.items)
    assert [type(e) for e in w.push.to("c1")] == [CountsEvent] == [type(e) for e in w.push.to("c3")]
    w.forget_calls()
    w.realtime.fan_out([counts_change("h1")])
    assert sorted(w.push.attempts) == ["c1", "c3"]  # the gone one is not tried again


def test_a_push_that_raises_for_one_connection_does_not_stop_the_others():
    w = RealtimeWorld()
    for cid in ("c1", "c2", "c3"):
        w.connect(cid)
    w.push.broken.add("c1")
    report = w.realtime.fan_out([message_change(message("h1", "conv-1", "m1"))])
    assert report == FanOutReport(connections=2, events=2, gone=0, failed=1)
    assert [e.message.id for e in w.push.to("c2")] == ["m1"] == [e.message.id for e in w.push.to("c3")]
    assert "c1" in w.connections.items  # a failure is not a 410: the connection stays
    assert ("push failed", "c1") in [(m, f.get("connection_id")) for m, f in w.logged]


def test_a_gone_connection_that_cannot_be_removed_still_leaves_the_others_served():
    w = RealtimeWorld()
    w.connect("c1")
    w.connect("c2")
    w.push.gone.add("c1")

    def failing_remove(connection_id):
        raise RuntimeError("throttled")

    w.connections.remove = failing_remove
    report = w.realtime.fan_out([counts_change("h1")])
    assert (report.connections, report.gone) == (1, 1)
    assert len(w.push.to("c2")) == 1


def test_a_burst_is_coalesced_one_conversation_event_each_one_counts_every_message_in_that_order():
    w = RealtimeWorld()
    w.connect("c1")
    w.connect("c2", BEN)
    w.conversation("h1", "conv-a", minute=5)
    w.conversation("h1", "conv-b", minute=7)
    w.counts("h1", open_=2)
    changes: list[Change] = []
    for n in range(10):
        cid = "conv-a" if n % 2 else "conv-b"
        m = message("h1", cid, f"m{n}", minute=n)
        changes += [message_change(m), conversation_change("h1", cid), counts_change("h1")]
    report = w.realtime.fan_out(changes)
    events = w.push.to("c1")
    assert w.push.calls_to("c1") == 1 == w.push.calls_to("c2")  # 30 changes, one send a connection
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["MessageEvent"] * 10 + ["ConversationEvent"] * 2 + ["CountsEvent"]
    assert [e.message.id for e in events[:10]] == [f"m{n}" for n in range(10)]
    assert [e.conversation.id for e in events[10:12]] == ["conv-b", "conv-a"]  # first appearance
    assert events[12].counts.tabs["open"] == 2
    assert report == FanOutReport(connections=2, events=26, gone=0, failed=0)
    # Each conversation's state read once, the counts once.
    assert w.reads.calls == [("get_conversations", "h1", ("conv-b", "conv-a")), ("team_counts", "h1", ())]


def test_a_conversation_event_carries_its_latest_state_as_read():
    w = RealtimeWorld()
    w.connect("c1")
    w.conversation("h1", "conv-a", minute=1)
    latest = w.conversation("h1", "conv-a", minute=9)  # the store holds the latest: two changes, one state
    w.realtime.fan_out([conversation_change("h1", "conv-a"), conversation_change("h1", "conv-a")])
    assert w.push.to("c1") == [ConversationEvent("h1", latest)]


def test_nobody_connected_to_a_hotel_means_no_read_at_all_for_it():
    w = RealtimeWorld()
    w.connect("c2", BEN, hotels=["h2"])
    w.conversation("h1", "conv-1")
    report = w.realtime.fan_out([message_change(message("h1", "conv-1", "m1")),
                                 conversation_change("h1", "conv-1"), counts_change("h1")])
    assert report == FanOutReport()
    assert w.connections.calls == [("add", "c2"), ("of_hotel", "h1")]  # one Query, then nothing
    assert w.reads.calls == [] and w.push.attempts == []


def test_no_counts_read_when_no_counter_moved():
    w = RealtimeWorld()
    w.connect("c1")
    w.conversation("h1", "conv-1")
    w.realtime.fan_out([conversation_change("h1", "conv-1")])
    assert [call for call, *_ in w.reads.calls] == ["get_conversations"]


def test_a_message_alone_needs_no_read():
    w = RealtimeWorld()
    w.connect("c1")
    note = message("h1", "conv-1", "note-1", internal=True)
    w.realtime.fan_out([message_change(note)])
    assert w.reads.calls == []
    assert w.push.to("c1") == [MessageEvent("h1", "conv-1", note)]


@pytest.mark.parametrize(("count", "chunks"), [(100, [100]), (101, [100, 1]), (250, [100, 100, 50])])
def test_conversations_are_read_a_hundred_at_a_time(count, chunks):
    w = RealtimeWorld()
    w.connect("c1")
    ids = [f"conv-{n:03}" for n in range(count)]
    for cid in ids:
        w.conversation("h1", cid)
    w.realtime.fan_out([conversation_change("h1", cid) for cid in ids])
    assert [len(ids) for _, _, ids in w.reads.calls] == chunks
    assert [e.conversation.id for e in w.push.to("c1")] == ids


def test_a_conversation_gone_from_the_store_is_left_out():
    w = RealtimeWorld()
    w.connect("c1")
    w.conversation("h1", "conv-1")
    w.realtime.fan_out([conversation_change("h1", "ghost"), conversation_change("h1", "conv-1")])
    assert [e.conversation.id for e in w.push.to("c1")] == ["conv-1"]


def test_what_a_store_returns_of_another_hotel_is_never_sent():
    w = RealtimeWorld()
    w.connect("c1")
    stranger = w.conversation("h2", "conv-x")
    w.reads.conversations[("h1", "conv-x")] = stranger  # a store that answers with another hotel's item
    misfiled = message("h2", "conv-x", "m-x")
    w.realtime.fan_out([conversation_change("h1", "conv-x"), Change("h1", "message", "conv-x", misfiled)])
    assert w.push.attempts == []
    assert "message missing or of another hotel" in w.reasons() and "of another hotel" in w.reasons()


def test_changes_missing_their_subject_are_skipped_and_logged():
    w = RealtimeWorld()
    w.connect("c1")
    w.conversation("h1", "conv-1")
    report = w.realtime.fan_out([Change("h1", "message"), Change("h1", "conversation"), Change("", "counts"),
                                 conversation_change("h1", "conv-1")])
    assert [type(e) for e in w.push.to("c1")] == [ConversationEvent]
    assert report.connections == 1
    assert {"no conversation id", "no hotel", "message missing or of another hotel"} <= set(w.reasons())


def test_an_empty_batch_reads_nothing():
    w = RealtimeWorld()
    w.connect("c1")
    w.forget_calls()
    assert w.realtime.fan_out([]) == FanOutReport()
    assert w.connections.calls == [] and w.reads.calls == []


def test_a_read_that_fails_raises_so_the_stream_retries_the_batch():
    w = RealtimeWorld()
    w.connect("c1")

    def failing_counts(hotel_id):
        raise ConnectionError("DynamoDB unavailable")

    w.reads.team_counts = failing_counts
    with pytest.raises(ConnectionError):
        w.realtime.fan_out([counts_change("h1")])
