"""What AWS runs for Lobby besides its functions, as threads of the local stack.

- ``QueueWorker``: Lambda's SQS event source mapping for one queue (``names.EVENT_SOURCES``):
  long polls, hands batches to the function through ``local.lambda_runtime.SqsPoller``
  (partial batch responses honoured, failed records made visible again, moto redrives them
  to the DLQ after the queue's ``maxReceiveCount``).
- ``ScheduleWorker``: EventBridge Scheduler for one schedule group. moto stores schedules but
  never fires them, so every second this lists the group's schedules, invokes the target of
  each one-time ``at(...)`` schedule that is due with the schedule's ``Input``, and deletes
  it after completion when ``ActionAfterCompletion`` is ``DELETE``. At least once: a crash
  between the invocation and the deletion delivers the schedule again (the wake-up handler
  ignores repeats). A failing target is retried every second within the schedule's
  ``RetryPolicy``, then its input goes to the schedule's dead-letter queue.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from local.lambda_runtime import SqsPoller

log = logging.getLogger("local.workers")


class _Worker:
    """A daemon thread running ``_run`` until ``stop()``."""

    def __init__(self, name: str):
        self.name = name
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        raise NotImplementedError

    def start(self):
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def thread(self) -> threading.Thread:
        return self._thread


class QueueWorker(_Worker):
    """Feeds one queue to one function until stopped (one batch at a time)."""

    def __init__(self, poller: SqsPoller, *, name: str, wait_seconds: int = 1, idle_pause: float = 0.05):
        super().__init__(name)
        self.poller = poller
        self.wait_seconds = wait_seconds
        self.idle_pause = idle_pause
        self.batches = 0
        self.records = 0
        self.failures = 0

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                result = self.poller.poll_once(wait_seconds=self.wait_seconds)
            except Exception:  # SQS itself failing (the stack stopping, moto reset): try again shortly
                if not self._stop.is_set():
                    log.exception("%s: polling failed", self.name)
                    self._stop.wait(1)
                continue
            if result.received:
                self.batches += 1
                self.records += result.received
                self.failures += result.failed
                if result.failed:
                    log.warning("%s: %d of %d records failed; SQS will deliver them again", self.name,
                                result.failed, result.received)
            else:
                self._stop.wait(self.idle_pause)


_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")


def due_time(expression: str, timezone_name: str | None) -> datetime | None:
    """When a one-time ``at(yyyy-mm-ddThh:mm:ss)`` schedule fires (aware, UTC); None for rate/cron."""
    match = _AT.match(expression.strip())
    if not match:
        return None
    local = datetime.fromisoformat(match.group(1)).replace(tzinfo=ZoneInfo(timezone_name or "UTC"))
    return local.astimezone(UTC)


@dataclass
class _Attempts:
    count: int = 0
    first_at: float = field(default_factory=time.time)


class ScheduleWorker(_Worker):
    """EventBridge Scheduler's one-time schedules of one group, fired by polling moto."""

    def __init__(self, scheduler, sqs, group: str, targets: dict[str, Callable[[Any], Any]], *,
                 interval: float = 1.0, name: str = "lobby-scheduler",
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        super().__init__(name)
        self.scheduler = scheduler
        self.sqs = sqs
        self.group = group
        self.targets = targets
        self.interval = interval
        self.clock = clock
        self.fired = 0
        self._attempts: dict[tuple[str, Any], _Attempts] = {}
        self._done: set[tuple[str, Any]] = set()  # fired schedules that are kept (ActionAfterCompletion NONE)
        self._warned: set[str] = set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.tick()
            except Exception:
                if not self._stop.is_set():
                    log.exception("%s: listing the schedules failed", self.name)

    def tick(self) -> int:
        """Fire every due schedule once; returns how many targets were invoked successfully."""
        fired = 0
        now = self.clock()
        for summary in self._summaries():
            if summary.get("State", "ENABLED") != "ENABLED":
                continue
            try:
                schedule = self.scheduler.get_schedule(Name=summary["Name"], GroupName=self.group)
            except self.scheduler.exceptions.ResourceNotFoundException:
                continue  # deleted meanwhile (a reply cancelled the hold)
            key = (schedule["Name"], schedule.get("LastModificationDate"))
            if key in self._done:
                continue
            due = due_time(schedule["ScheduleExpression"], schedule.get("ScheduleExpressionTimezone"))
            if due is None:
                self._warn_once(schedule["Name"], "only one-time at(...) schedules are fired locally")
                continue
            if due > now:
                continue
            if self._fire(schedule, key):
                fired += 1
        self.fired += fired
        return fired

    def _summaries(self):
        paginator = self.scheduler.get_paginator("list_schedules")
        for page in paginator.paginate(GroupName=self.group):
            yield from page.get("Schedules", [])

    def _fire(self, schedule: dict, key: tuple[str, Any]) -> bool:
        target = schedule["Target"]
        function = self.targets.get(target["Arn"])
        if function is None:
            self._warn_once(schedule["Name"], f"no local function for target {target['Arn']}")
            return False
        try:
            event = json.loads(target.get("Input") or "{}")
            function(event)
        except Exception as error:
            self._failed(schedule, key, error)
            return False
        self._attempts.pop(key, None)
        self._complete(schedule, key)
        return True

    def _complete(self, schedule: dict, key: tuple[str, Any]) -> None:
        if schedule.get("ActionAfterCompletion") != "DELETE":
            self._done.add(key)
            return
        try:
            # Only the schedule that fired: a hold made meanwhile replaced it and must stay.
            current = self.scheduler.get_schedule(Name=schedule["Name"], GroupName=self.group)
            if current.get("LastModificationDate") != schedule.get("LastModificationDate"):
                return
            self.scheduler.delete_schedule(Name=schedule["Name"], GroupName=self.group)
        except self.scheduler.exceptions.ResourceNotFoundException:
            pass

    def _failed(self, schedule: dict, key: tuple[str, Any], error: Exception) -> None:
        attempts = self._attempts.setdefault(key, _Attempts())
        attempts.count += 1
        policy = schedule["Target"].get("RetryPolicy") or {}
        max_retries = policy.get("MaximumRetryAttempts", 185)
        max_age = policy.get("MaximumEventAgeInSeconds", 86400)
        exhausted = attempts.count > max_retries or time.time() - attempts.first_at > max_age
        log.warning("%s: schedule %s failed (attempt %d): %s: %s", self.name, schedule["Name"], attempts.count,
                    type(error).__name__, error)
        if not exhausted:
            return
        dead_letters = (schedule["Target"].get("DeadLetterConfig") or {}).get("Arn")
        if dead_letters:
            _, _, _, region, account, queue = dead_letters.split(":", 5)
            url = self.sqs.get_queue_url(QueueName=queue, QueueOwnerAWSAccountId=account)["QueueUrl"]
            self.sqs.send_message(QueueUrl=url, MessageBody=schedule["Target"].get("Input") or "{}")
        self._attempts.pop(key, None)
        self._complete(schedule, key)

    def _warn_once(self, name: str, message: str) -> None:
        if name not in self._warned:
            self._warned.add(name)
            log.warning("%s: schedule %s: %s", self.name, name, message)


class PeriodicWorker(_Worker):
    """A rate schedule (EventBridge Scheduler's ``rate(...)``): invokes ``function`` with ``event``
    every ``period`` seconds, the first time one period after the start. ``run_now()`` invokes it
    at once (on demand); the function itself runs one invocation at a time."""

    def __init__(self, function: Callable[[Any], Any], period: float, *, name: str, event: Any = None):
        super().__init__(name)
        self.function = function
        self.period = period
        self.event = {} if event is None else event
        self.runs = 0
        self.failures = 0
        self.last_result: Any = None

    def _run(self) -> None:
        while not self._stop.wait(self.period):
            try:
                self.run_now()
            except Exception as error:  # Scheduler retries a failed run; the next period does here
                if not self._stop.is_set():
                    log.warning("%s: run failed: %s: %s", self.name, type(error).__name__, error)

    def run_now(self) -> Any:
        try:
            self.last_result = self.function(self.event)
        except Exception:
            self.failures += 1
            raise
        self.runs += 1
        return self.last_result
