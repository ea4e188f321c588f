"""Packing one console's events into @connections frames: in order, a lone event unwrapped, batches under
the frame limit, an event too large to share a frame sent alone."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from realtime.push import FRAME_MAX_BYTES, encode, pack


def unwrap(frames: list[bytes]) -> list[dict]:
    out: list[dict] = []
    for frame in frames:
        value = json.loads(frame)
        out.extend(value["events"] if value["type"] == "batch" else [value])
    return out


def event(n: int, size: int) -> dict:
    return {"type": "message", "n": n, "text": "é" * size}


def test_a_lone_event_goes_unwrapped():
    assert pack([encode(event(1, 10))]) == [encode(event(1, 10))]


def test_several_small_events_share_one_batch_frame():
    events = [event(n, 100) for n in range(5)]

    (frame,) = pack([encode(e) for e in events])

    assert json.loads(frame) == {"type": "batch", "events": events}


def test_an_event_too_large_to_share_a_frame_goes_alone_between_the_others():
    events = [event(1, 10), event(2, FRAME_MAX_BYTES), event(3, 10), event(4, 10)]

    frames = pack([encode(e) for e in events])

    assert [json.loads(f)["type"] for f in frames] == ["message", "message", "batch"]
    assert unwrap(frames) == events


@given(st.lists(st.integers(min_value=0, max_value=12_000), max_size=40), st.integers(min_value=2_000, max_value=40_000))
def test_frames_keep_every_event_in_order_each_under_the_limit(sizes, limit):
    events = [event(n, size) for n, size in enumerate(sizes)]
    encoded = [encode(e) for e in events]

    frames = pack(encoded, limit)

    assert unwrap(frames) == events
    for frame in frames:
        assert len(frame) <= limit or frame in encoded  # only a lone event may be over the limit
    assert len(frames) <= len(events)
