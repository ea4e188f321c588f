"""Concurrent changes of one held (or about to be held) conversation, in process with the real
``Inbox``, ``DynamoStore`` and ``EventBridgeWakeUpScheduler`` on moto.

Two threads act on one conversation; the store's reads and commits and the scheduler's
creations go through an ``Interleaving`` that lets them happen in a chosen order, and every
order of two requests is tried. Whatever the order, the conversation ends with exactly one
pending wake-up, the one of its stored ``hold_token``, or none when it is no longer on hold
(moto stores schedules and never fires them: what is pending is what ``list_schedules`` says).
"""

from __future__ import annotations

import itertools
import json
import threading
import uuid
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from conversations_helpers import AGENT, open_one
from lobby_env import GROUP, TABLE, WAKE_UP_ARN
from moto import mock_aws

from inbox.errors import Conflict, TransitionNotAllowed
from inbox.model import Status
from inbox.service import Inbox
from scheduling.eventbridge import EventBridgeWakeUpScheduler, schedule_name
from store.dynamo import DynamoStore
from store.schema import table_definition

HOTEL = "h1"
STEP_TIMEOUT = 20  # seconds a step waits for its turn before the test calls it a deadlock


class Interleaving:
    """Runs the scripted calls of named threads in the script's order: ``[("a", "read"),
    ("b", "read"), ("b", "schedule"), ...]``. A call that is not (or no longer) in the script
    runs at once; a thread that ends gives up the rest of its turns."""

    def __init__(self, order):
        self.order = list(order)
        self._turn = threading.Condition()

    def step(self, what, call):
        me = threading.current_thread().name
        with self._turn:
            if (me, what) not in self.order:
                return call()
            if not self._turn.wait_for(lambda: self.order[0] == (me, what), timeout=STEP_TIMEOUT):
                raise AssertionError(f"{me} waited for its {what} in vain; left: {self.order}")
        try:
            return call()
        finally:
            self._pass()

    def _pass(self):
        with self._turn:
            self.order.pop(0)
            self._turn.notify_all()

    def done(self):
        me = threading.current_thread().name
        with self._turn:
            self.order = [turn for turn in self.order if turn[0] != me]
            self._turn.notify_all()


class StepStore:
    """The real store; its reads and commits wait for their turn."""

    def __init__(self, store, interleaving):
        self._store, self._turns = store, interleaving

    def get_conversation(self, *args):
        return self._turns.step("read", lambda: self._store.get_conversation(*args))

    def commit(self, *args, **kwargs):
        return self._turns.step("commit", lambda: self._store.commit(*args, **kwargs))

    def __getattr__(self, name):
        return getattr(self._store, name)


class StepScheduler:
    """The real EventBridge adapter; creating a schedule waits for its turn."""

    def __init__(self, scheduler, interleaving):
        self._scheduler, self._turns = scheduler, interleaving

    def schedule(self, *args):
        return self._turns.step("schedule", lambda: self._scheduler.schedule(*args))

    def cancel(self, *args):
        return self._scheduler.cancel(*args)


def orders(a_steps, b_steps):
    """Every interleaving of a's and b's steps, each thread's own steps kept in order."""
    n = len(a_steps) + len(b_steps)
    for a_at in itertools.combinations(range(n), len(a_steps)):
        a, b = iter(a_steps), iter(b_steps)
        yield [("a", next(a)) if i in a_at else ("b", next(b)) for i in range(n)]


def label(order):
    return " ".join(f"{who}.{what}" for who, what in order)


HOLD = ("read", "schedule", "commit")
CHANGE = ("read", "commit")
HOLD_VS_HOLD = list(orders(HOLD, HOLD))
HOLD_VS_CHANGE = list(orders(HOLD, CHANGE))


# One moto account for the module (its setup is the slow part); each case has its own conversation.
@pytest.fixture(scope="module")
def account():
    with mock_aws():
        region = "eu-west-1"
        boto3.client("dynamodb", region_name=region).create_table(**table_definition(TABLE))
        client = boto3.client("scheduler", region_name=region)
        client.create_schedule_group(Name=GROUP)
        yield region, client


@pytest.fixture
def store(account):
    return DynamoStore(TABLE, account[0])


@pytest.fixture
def scheduler_client(account):
    return account[1]


@pytest.fixture
def adapter(scheduler_client):
    return EventBridgeWakeUpScheduler(scheduler_client, group=GROUP, target_arn=WAKE_UP_ARN,
                                      role_arn="arn:aws:iam::123456789012:role/lobby-scheduler",
                                      dead_letter_arn="")


@pytest.fixture
def conversation(store, scheduler_client) -> str:
    """An open conversation of its own; yields its id, then empties the schedule group."""
    conversation_id = f"c-{uuid.uuid4().hex[:12]}"
    open_one(store, HOTEL, conversation_id, datetime.now(UTC) - timedelta(minutes=5))
    yield conversation_id
    for s in scheduler_client.list_schedules(GroupName=GROUP)["Schedules"]:
        scheduler_client.delete_schedule(Name=s["Name"], GroupName=GROUP)


def pending_tokens(client, conversation_id: str) -> list[str]:
    """The hold tokens of the conversation's pending schedules, read from moto."""
    inputs = [json.loads(client.get_schedule(Name=s["Name"], GroupName=GROUP)["Target"]["Input"])
              for page in client.get_paginator("list_schedules").paginate(GroupName=GROUP)
              for s in page["Schedules"]]
    return [i["hold_token"] for i in inputs if i["conversation_id"] == conversation_id]


def assert_one_wake_up_matches(store, client, conversation_id: str):
    stored = store.get_conversation(HOTEL, conversation_id)
    if stored.status is Status.ON_HOLD:
        assert pending_tokens(client, conversation_id) == [stored.hold_token]
    else:
        assert pending_tokens(client, conversation_id) == []
    return stored


def run_both(order, store, adapter, a, b):
    """Run ``a(inbox)`` in thread a and ``b(inbox)`` in thread b, interleaved per ``order``;
    returns what each returned or raised."""
    turns = Interleaving(order)
    inbox = Inbox(StepStore(store, turns), StepScheduler(adapter, turns))
    results: dict[str, object] = {}

    def run(name, action):
        try:
            results[name] = action(inbox)
        except Exception as error:  # what the caller would hear (409, ...)
            results[name] = error
        finally:
            turns.done()

    threads = [threading.Thread(target=run, args=(name, action), name=name) for name, action in (("a", a), ("b", b))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results.values():
        if isinstance(result, AssertionError):
            raise result
    return results


def hold_for(conversation_id, hours):
    return lambda inbox: inbox.hold(HOTEL, conversation_id, AGENT, datetime.now(UTC) + timedelta(hours=hours))


def already_on_hold(store, adapter, conversation_id) -> str:
    return hold_for(conversation_id, 1)(Inbox(store, adapter)).hold_token


@pytest.mark.parametrize("start", ["open", "on_hold"])
@pytest.mark.parametrize("order", HOLD_VS_HOLD, ids=label)
def test_two_holds_at_once_leave_exactly_the_winners_wake_up(store, adapter, scheduler_client, conversation,
                                                             start, order):
    if start == "on_hold":
        already_on_hold(store, adapter, conversation)
    results = run_both(order, store, adapter, hold_for(conversation, 2), hold_for(conversation, 3))
    stored = assert_one_wake_up_matches(store, scheduler_client, conversation)
    assert stored.status is Status.ON_HOLD
    held = [r for r in results.values() if not isinstance(r, Exception)]
    assert stored.hold_token in {r.hold_token for r in held}  # the hold that stands is one that answered 200
    assert all(isinstance(r, Conflict) for r in results.values() if isinstance(r, Exception))


# Close stands for every change that leaves On hold without a message (spam goes the same way).
ACTIONS = {
    "close": lambda inbox, c: inbox.close(HOTEL, c, AGENT),
    "reply": lambda inbox, c: inbox.reply(HOTEL, c, AGENT, "On it"),
}


@pytest.mark.parametrize("start", ["open", "on_hold"])
@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("order", HOLD_VS_CHANGE, ids=label)
def test_a_hold_racing_a_close_or_reply_leaves_a_wake_up_only_if_it_stays_on_hold(
        store, adapter, scheduler_client, conversation, start, action, order):
    if start == "on_hold":
        already_on_hold(store, adapter, conversation)
    results = run_both(order, store, adapter, hold_for(conversation, 2),
                       lambda inbox: ACTIONS[action](inbox, conversation))
    assert_one_wake_up_matches(store, scheduler_client, conversation)
    assert all(isinstance(r, (Conflict, TransitionNotAllowed)) for r in results.values() if isinstance(r, Exception))


@pytest.mark.parametrize("order", HOLD_VS_CHANGE, ids=label)
def test_a_wake_up_firing_while_the_conversation_is_held_again_leaves_one_wake_up(
        store, adapter, scheduler_client, conversation, order):
    token = already_on_hold(store, adapter, conversation)

    def fires(inbox):
        # Scheduler invokes the wake-up, then deletes the schedule that fired (ActionAfterCompletion).
        try:
            return inbox.wake_up(HOTEL, conversation, token)
        finally:
            adapter.cancel(HOTEL, conversation, token)  # gone already if the new hold came first

    results = run_both(order, store, adapter, hold_for(conversation, 2), fires)
    stored = assert_one_wake_up_matches(store, scheduler_client, conversation)
    assert not isinstance(results["b"], Exception)  # a wake-up that lost the race reads again, never fails
    assert (stored.status is Status.OPEN) == isinstance(results["a"], Conflict)


def test_a_commit_whose_outcome_is_unknown_keeps_its_wake_up(store, adapter, scheduler_client, conversation):
    class StoredThenTimedOut(StepStore):
        def commit(self, *args, **kwargs):
            self._store.commit(*args, **kwargs)
            raise TimeoutError("read timeout on TransactWriteItems")

    with pytest.raises(TimeoutError):
        hold_for(conversation, 1)(Inbox(StoredThenTimedOut(store, Interleaving([])), adapter))
    stored = assert_one_wake_up_matches(store, scheduler_client, conversation)
    assert stored.status is Status.ON_HOLD


def test_the_schedule_is_named_after_the_hold_within_schedulers_limits(store, adapter, scheduler_client,
                                                                      conversation):
    token = already_on_hold(store, adapter, conversation)
    name = schedule_name(HOTEL, conversation, token)
    assert scheduler_client.get_schedule(Name=name, GroupName=GROUP)
    assert len(name) <= 64 and name.replace("-", "").isalnum()
    adapter.schedule(HOTEL, conversation, datetime.now(UTC) + timedelta(hours=1), token)  # a retried request
    assert pending_tokens(scheduler_client, conversation) == [token]
