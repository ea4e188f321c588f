"""Random event sequences through the state machine, with the invariants checked after each step."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from inbox_states import AGENT, T0, new_conversation

from inbox.bot import Answer, HandOff, HandoffReason, SpamVerdict
from inbox.errors import TransitionNotAllowed
from inbox.machine import (
    AgentReply,
    CancelWakeUp,
    Close,
    GuestMessage,
    Hold,
    MarkNotSpam,
    MarkSpam,
    Reopen,
    ScheduleWakeUp,
    WakeUp,
    apply,
)
from inbox.model import BOT_STATUSES, Status, Tab, bot_enabled

decisions = st.one_of(
    st.builds(Answer, text=st.text(min_size=1, max_size=50), entry_id=st.just("wifi"), score=st.just(0.9),
              language=st.just("en")),
    st.builds(HandOff, reason=st.sampled_from(list(HandoffReason))),
    st.builds(SpamVerdict, score=st.just(0.99), reasons=st.just(("link",))),
)


class InboxMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.conversation = new_conversation()
        self.clock = T0
        self.entries = 1  # the "created" entry
        self.status_changes = 0
        self.reholds = 0
        self.tokens_seen: list[str] = []
        self.scheduled_token: str | None = None

    def step(self, minutes: int):
        self.clock += timedelta(minutes=minutes)
        return self.clock

    def run(self, event):
        before = self.conversation
        try:
            outcome = apply(before, event)
        except TransitionNotAllowed as refused:
            assert refused.status == before.status
            return
        self.conversation = outcome.conversation
        changed = outcome.conversation.status != before.status
        self.status_changes += changed
        self.entries += outcome.activity is not None
        # Exactly one entry per change of status; a re-hold is the only entry without one.
        assert (outcome.activity is not None) == (changed or isinstance(event, Hold))
        for effect in outcome.effects:
            if isinstance(effect, ScheduleWakeUp):
                self.scheduled_token = effect.hold_token
            if isinstance(effect, CancelWakeUp):
                assert before.status is Status.ON_HOLD and effect.hold_token == before.hold_token
                self.scheduled_token = None
        if before.status is Status.ON_HOLD and self.conversation.status is not Status.ON_HOLD:
            self.scheduled_token = None

    @rule(decision=decisions, minutes=st.integers(0, 600), text=st.text(min_size=1, max_size=200))
    def guest_writes(self, decision, minutes, text):
        self.run(GuestMessage(text, self.step(minutes), decision))

    @rule(minutes=st.integers(0, 600))
    def agent_replies(self, minutes):
        self.run(AgentReply(AGENT, "reply", self.step(minutes)))

    @rule(minutes=st.integers(0, 600), hours=st.integers(1, 24 * 30))
    def agent_holds(self, minutes, hours):
        at = self.step(minutes)
        was_on_hold = self.conversation.status is Status.ON_HOLD
        before_token = self.conversation.hold_token
        self.run(Hold(AGENT, at + timedelta(hours=hours), at))
        token = self.conversation.hold_token
        if token != before_token:  # the hold was applied: its token is fresh
            assert token not in self.tokens_seen
            self.tokens_seen.append(token)
            self.reholds += was_on_hold

    @rule(use_current=st.booleans(), minutes=st.integers(0, 600))
    def wake_up_fires(self, use_current, minutes):
        token = self.conversation.hold_token if use_current and self.conversation.hold_token else "stale-token"
        before = self.conversation
        self.run(WakeUp(token, self.step(minutes)))
        if token == "stale-token":
            assert self.conversation == before

    @rule(minutes=st.integers(0, 600),
          action=st.sampled_from([Close, Reopen, MarkSpam, MarkNotSpam]))
    def agent_acts(self, minutes, action):
        self.run(action(AGENT, self.step(minutes)))

    @invariant()
    def tab_membership_follows_the_status(self):
        c = self.conversation
        assert (Tab.ALL in c.tabs) == (c.status is not Status.SPAM)
        own = {Tab.OPEN: Status.OPEN, Tab.ON_HOLD: Status.ON_HOLD, Tab.CLOSED: Status.CLOSED, Tab.SPAM: Status.SPAM}
        for tab, status in own.items():
            assert (tab in c.tabs) == (c.status is status)

    @invariant()
    def hold_until_is_set_exactly_when_on_hold(self):
        c = self.conversation
        assert (c.hold_until is not None) == (c.status is Status.ON_HOLD) == (c.hold_token is not None)
        assert (self.scheduled_token is not None) == (c.status is Status.ON_HOLD)
        if c.status is Status.ON_HOLD:
            assert self.scheduled_token == c.hold_token

    @invariant()
    def bot_enabled_follows_its_rule(self):
        c = self.conversation
        assert bot_enabled(c.status, True) == (c.status in BOT_STATUSES)
        assert not bot_enabled(c.status, False)

    @invariant()
    def automated_only_while_no_person_touched_it(self):
        c = self.conversation
        if c.status in (Status.OPEN, Status.ON_HOLD):
            assert c.automated is False

    @invariant()
    def one_entry_per_change_of_status(self):
        assert self.entries == 1 + self.status_changes + self.reholds


InboxMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None,
                                          suppress_health_check=[HealthCheck.too_slow])
TestInbox = InboxMachine.TestCase
