"""``EventBridgeWakeUpScheduler``: one one-off EventBridge Scheduler schedule per hold.

Each hold has its own schedule, named after its token: two requests that hold one
conversation at the same moment create two schedules, and the one whose hold is not stored
deletes its own without touching the winner's.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

# Scheduler retries a failed invocation for up to a day, then hands it to the DLQ.
RETRY_POLICY = {"MaximumEventAgeInSeconds": 24 * 3600, "MaximumRetryAttempts": 185}


def schedule_name(hotel_id: str, conversation_id: str, hold_token: str) -> str:
    """One name per hold, the same each time it is asked for: 1-64 of [A-Za-z0-9-_.]."""
    digest = hashlib.sha256(f"{hotel_id}\x00{conversation_id}\x00{hold_token}".encode()).hexdigest()[:48]
    return f"wake-{digest}"


def at_expression(until: datetime) -> str:
    """``at(...)`` in UTC, rounded up to the second so a hold never ends early."""
    until = until.astimezone(UTC)
    if until.microsecond:
        until = until.replace(microsecond=0) + timedelta(seconds=1)
    return f"at({until:%Y-%m-%dT%H:%M:%S})"


class EventBridgeWakeUpScheduler:
    def __init__(self, client, *, group: str, target_arn: str, role_arn: str, dead_letter_arn: str):
        self._client = client
        self._group = group
        self._target = {"Arn": target_arn, "RoleArn": role_arn, "RetryPolicy": RETRY_POLICY}
        if dead_letter_arn:
            self._target["DeadLetterConfig"] = {"Arn": dead_letter_arn}

    def schedule(self, hotel_id: str, conversation_id: str, until: datetime, hold_token: str) -> None:
        """Create the hold's schedule. It exists already only when this very call was sent
        before (a retried request): the same hold, so that is fine."""
        try:
            self._client.create_schedule(
                Name=schedule_name(hotel_id, conversation_id, hold_token),
                GroupName=self._group,
                ScheduleExpression=at_expression(until),
                ScheduleExpressionTimezone="UTC",
                FlexibleTimeWindow={"Mode": "OFF"},
                ActionAfterCompletion="DELETE",
                State="ENABLED",
                Target={**self._target, "Input": json.dumps(
                    {"hotel_id": hotel_id, "conversation_id": conversation_id, "hold_token": hold_token})},
            )
        except self._client.exceptions.ConflictException:
            pass

    def cancel(self, hotel_id: str, conversation_id: str, hold_token: str) -> None:
        """Delete the hold's schedule; one that already fired or never existed is fine."""
        try:
            self._client.delete_schedule(Name=schedule_name(hotel_id, conversation_id, hold_token),
                                         GroupName=self._group)
        except self._client.exceptions.ResourceNotFoundException:
            pass
