"""The daily figures (issue 15) on fakes: the log buckets and their error bound, what each change adds to the
figures of its day in the hotel's time zone, the time on hold the state machine keeps, and the report."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from fakes import FakeBot, world
from hypothesis import given
from hypothesis import strategies as st
from inbox_states import AGENT, HUMAN, T0, new_conversation

from inbox.bot import BotDecision, GuestText, HandOff, HandoffReason, KnowledgeBase, SpamVerdict
from inbox.errors import InvalidInput, NotFound
from inbox.inbound import GuestProfile, InboundMessage
from inbox.machine import Close, GuestMessage, Hold, Resume, WakeUp, apply
from inbox.model import Status
from inbox.reports import (
    PERCENTILE_ERROR,
    R,
    bucket_of,
    bucket_value,
    build_report,
    day_of,
    figure_changes,
    merge,
    percentile,
)

durations = st.floats(min_value=1, max_value=60 * 86400, allow_nan=False)


def buckets(values) -> dict[int, int]:
    out: dict[int, int] = {}
    for v in values:
        out[bucket_of(v)] = out.get(bucket_of(v), 0) + 1
    return out


def true_percentile(values, p: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)), 1) - 1]


# --- buckets ---------------------------------------------------------------------------------------


def test_the_stated_error_is_the_half_width_of_a_bucket():
    assert R == pytest.approx(2 ** 0.25)
    assert PERCENTILE_ERROR == pytest.approx(math.sqrt(R) - 1) and round(PERCENTILE_ERROR, 3) == 0.091


@given(durations)
def test_a_duration_lies_in_its_bucket_and_reads_within_the_error(seconds):
    i = bucket_of(seconds)
    assert R ** i <= seconds * (1 + 1e-12) and seconds < R ** (i + 1) * (1 + 1e-12)
    assert abs(bucket_value(i) - seconds) <= PERCENTILE_ERROR * seconds * (1 + 1e-9)


def test_under_a_second_is_bucket_zero_and_exact_powers_of_two_start_their_bucket():
    assert bucket_of(0) == bucket_of(0.4) == bucket_of(1) == 0
    assert bucket_of(2) == 4 and bucket_of(1.999) == 3 and bucket_of(1024) == 40


@given(st.lists(durations, min_size=1, max_size=200), st.sampled_from([50, 90, 99, 100]))
def test_a_percentile_read_from_buckets_is_within_the_error_of_the_true_one(values, p):
    estimate = percentile(buckets(values), p)
    truth = true_percentile(values, p)
    assert abs(estimate - truth) <= PERCENTILE_ERROR * truth * (1 + 1e-9)


@given(st.lists(st.lists(durations, max_size=50), min_size=1, max_size=6), st.sampled_from([50, 90]))
def test_buckets_merge_by_adding_counts(parts, p):
    merged = merge(*(buckets(part) for part in parts))
    together = [v for part in parts for v in part]
    assert merged == buckets(together)
    assert percentile(merged, p) == (percentile(buckets(together), p) if together else None)


def test_no_durations_have_no_percentile():
    assert percentile({}, 50) is None


# --- the state machine keeps when a hold began ----------------------------------------------------------


def test_held_since_is_set_by_the_first_hold_kept_by_a_new_hold_and_cleared_on_leaving():
    opened = apply(new_conversation(), GuestMessage("A person please", T0, HUMAN)).conversation
    held = apply(opened, Hold(AGENT, T0 + timedelta(hours=3), T0 + timedelta(minutes=5), token="a")).conversation
    assert held.held_since == T0 + timedelta(minutes=5)
    again = apply(held, Hold(AGENT, T0 + timedelta(hours=5), T0 + timedelta(hours=1), token="b")).conversation
    assert again.held_since == T0 + timedelta(minutes=5)
    resumed = apply(again, Resume(AGENT, T0 + timedelta(hours=2))).conversation
    assert resumed.status is Status.OPEN and resumed.held_since is None


def test_leaving_a_hold_adds_its_time_on_the_day_it_ends_in_the_hotels_zone():
    opened = apply(new_conversation(), GuestMessage("A person please", T0, HUMAN)).conversation
    start = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 22:00 in New York, the 23rd
    held = apply(opened, Hold(AGENT, start + timedelta(hours=4), start, token="a")).conversation
    woken = apply(held, WakeUp("a", start + timedelta(hours=2)))  # 00:00 in New York, the 24th
    changes = figure_changes(held, woken.conversation, [woken.activity], [], "America/New_York")
    assert changes == {date(2026, 11, 24): {f"hold#{bucket_of(7200)}": 1, "hold_seconds": 7200}}


def test_an_unknown_zone_counts_in_utc():
    c = new_conversation(datetime(2026, 11, 24, 23, 30, tzinfo=UTC))
    assert day_of(c.created_at, "Mars/Olympus") == date(2026, 11, 24)
    assert figure_changes(None, c, [], [], "Mars/Olympus") == {date(2026, 11, 24): {"automated": 1}}


def test_closing_while_a_guest_waits_is_no_reply():
    opened = apply(new_conversation(), GuestMessage("A person please", T0, HUMAN)).conversation
    closed = apply(opened, Close(AGENT, T0 + timedelta(minutes=3)))
    assert figure_changes(opened, closed.conversation, [closed.activity], [], "UTC") == {}


# --- through the inbox ------------------------------------------------------------------------------


class ScriptedBot(FakeBot):
    """The fakes' bot (breakfast answered, the rest unanswered), plus spam and requests for a person."""

    def decide(self, message: GuestText, knowledge: KnowledgeBase) -> BotDecision:
        if "casino" in message.text:
            self.seen.append(message)
            return SpamVerdict(0.99, ("casino",))
        if "person" in message.text:
            self.seen.append(message)
            return HandOff(HandoffReason.HUMAN_REQUESTED)
        return super().decide(message, knowledge)


NY = "America/New_York"
AT = datetime(2026, 11, 24, 4, 30, tzinfo=UTC)  # 23:30 in New York, the 23rd
D23, D24 = date(2026, 11, 23), date(2026, 11, 24)


@pytest.fixture
def w():
    w = world()
    w.store.hotels["h1"] = replace(w.store.hotels["h1"], timezone=NY)
    w.inbox.bot = ScriptedBot()
    w.clock.at = AT
    return w


def guest_says(w, thread: str, text: str, channel: str = "webchat", n: int = 1):
    return w.inbox.receive(InboundMessage("h1", channel, thread, f"{thread}-{n}", text, w.clock(),
                                          GuestProfile(f"g-{thread}", "Guest")))


def test_a_day_of_conversations_is_counted_by_the_day_of_each_change_in_the_hotels_zone(w):
    first = guest_says(w, "t1", "Is breakfast included?")  # 23:30 NY: the bot answers
    assert w.store.figures[("h1", D23)] == {"started#webchat": 1, "automated": 1, "messages_in": 1,
                                            "messages_out": 1}
    w.clock.advance(minutes=40)  # 00:10 NY, the 24th
    guest_says(w, "t1", "I want a person", n=2)
    assert w.store.figures[("h1", D23)]["automated"] == 0  # no longer the bot's alone: out of its start day
    w.clock.advance(minutes=10)
    w.inbox.reply("h1", first.conversation_id, AGENT, "Hello, Ana here")
    w.inbox.add_note("h1", first.conversation_id, AGENT, "VIP guest")  # a note counts nowhere
    w.clock.advance(minutes=10)
    w.inbox.hold("h1", first.conversation_id, AGENT, w.clock() + timedelta(hours=2))
    token = w.store.get_conversation("h1", first.conversation_id).hold_token
    w.clock.advance(hours=2)
    w.inbox.wake_up("h1", first.conversation_id, token)
    spam = guest_says(w, "t2", "Win at the casino", channel="expedia")  # spam by the bot: never automated
    other = guest_says(w, "t3", "Where is the spa?")  # bot_unanswered
    w.inbox.mark_spam("h1", other.conversation_id, AGENT)

    assert spam.conversation.status is Status.SPAM
    assert w.store.figures[("h1", D24)] == {
        "handed_off#human_requested": 1, "handed_off#bot_unanswered": 1, "messages_in": 3, "messages_out": 1,
        f"reply#{bucket_of(600)}": 1, "reply_seconds": 600, f"hold#{bucket_of(7200)}": 1, "hold_seconds": 7200,
        "started#expedia": 1, "started#webchat": 1, "spam#bot": 1, "spam#agent": 1}

    report = w.inbox.report("h1", D23, D24)
    (d23, first_day), (d24, second_day) = report.days
    assert (d23, d24) == (D23, D24) and report.timezone == NY
    assert first_day.started == {"expedia": 0, "webchat": 1} and first_day.automated == 0
    assert first_day.handed_off == {"bot_disabled": 0, "bot_unanswered": 0, "human_requested": 0}
    assert second_day.started_total == 2 and second_day.handed_off_total == 2 and second_day.spam_total == 2
    assert second_day.reply_count == 1 and second_day.reply_mean == 600
    assert second_day.reply_percentile(50) == pytest.approx(600, rel=PERCENTILE_ERROR)
    assert second_day.hold_count == 1 and second_day.hold_seconds == 7200
    totals = report.totals
    assert totals.started == {"expedia": 1, "webchat": 2} and totals.messages_in == 4 and totals.messages_out == 2
    assert totals.reply == second_day.reply and totals.hold == second_day.hold


def test_a_guest_waiting_across_two_replies_counts_one_wait_per_reply(w):
    first = guest_says(w, "t1", "I want a person")
    w.clock.advance(minutes=5)
    w.inbox.reply("h1", first.conversation_id, AGENT, "Hello")
    w.clock.advance(minutes=1)
    w.inbox.reply("h1", first.conversation_id, AGENT, "Anything else?")  # nobody waited for this one
    w.clock.advance(minutes=1)
    guest_says(w, "t1", "Yes, towels please", n=2)
    w.clock.advance(seconds=90)
    w.inbox.reply("h1", first.conversation_id, AGENT, "On their way")
    day = w.inbox.report("h1", D23, D23).totals
    assert day.reply_count == 2 and day.reply_seconds == 300 + 90 and day.messages_out == 3


def test_the_report_defaults_to_the_last_30_days_in_the_hotels_zone_with_every_day(w):
    report = w.inbox.report("h1")
    assert report.end == D23  # 23:30 in New York
    assert report.start == D23 - timedelta(days=29) and len(report.days) == 30
    assert [d for d, _ in report.days] == sorted(d for d, _ in report.days)
    assert all(f.started_total == 0 and f.reply_percentile(50) is None for _, f in report.days)
    assert w.store.reads.count("read_figures") == 1


@pytest.mark.parametrize(("start", "end", "why"), [
    (date(2026, 11, 24), date(2026, 11, 23), "must not be after"),
    (date(2025, 11, 23), date(2026, 11, 24), "at most 366 days"),
])
def test_a_range_backwards_or_longer_than_366_days_is_refused(w, start, end, why):
    with pytest.raises(InvalidInput, match=why):
        w.inbox.report("h1", start, end)
    assert "read_figures" not in w.store.reads


def test_366_days_are_fine_and_an_unknown_hotel_is_not_found(w):
    assert len(w.inbox.report("h1", date(2025, 11, 24), date(2026, 11, 24)).days) == 366
    with pytest.raises(NotFound):
        w.inbox.report("nowhere")


def test_a_range_at_the_first_days_of_the_calendar_starts_there(w):
    report = w.inbox.report("h1", None, date(1, 1, 3))
    assert (report.start, len(report.days)) == (date.min, 3)


def test_a_day_with_more_automated_losses_than_starts_shows_zero():
    """Conversations started before the figures existed lose their automated mark later: never below 0."""
    report = build_report("h1", "UTC", D23, D23, {D23: {"automated": -2, "started#webchat": 1}})
    assert report.days[0][1].automated == 0 and report.totals.automated == 0


def test_a_conversation_the_hotel_wrote_on_the_channel_is_started_but_not_the_bots_alone(w):
    # The hotel answered on Expedia's own site (or its reply came in a backfill): a person handled it.
    event = w.inbox.look_up("h1", "expedia", "thr-h", event_id="n-h", external_message_id="exp-h")
    w.inbox.record_hotel_message(InboundMessage("h1", "expedia", "thr-h", "exp-h", "Your room is ready", w.clock(),
                                                GuestProfile("thr-h")), event)
    bot_alone = guest_says(w, "t1", "Is breakfast included?")

    day = w.inbox.report("h1", D23, D23).totals
    assert day.started == {"expedia": 1, "webchat": 1} and day.messages_out == 2
    assert day.automated == 1  # the bot's conversation only
    assert w.store.get_conversation("h1", bot_alone.conversation_id).automated
