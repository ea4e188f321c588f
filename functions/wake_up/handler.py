"""Entry point of the wake-up function: EventBridge Scheduler calls it when a hold ends.

Delivery is at least once, so a wake-up for an older hold, a repeated one, or one for a
conversation that is no longer on hold changes nothing (and says why in the log).
"""

from __future__ import annotations

from dataclasses import dataclass

from wiring.observability import logger, metrics

FIELDS = ("hotel_id", "conversation_id", "hold_token")


@dataclass(frozen=True)
class WakeUpInput:
    """The schedule's input, as the API wrote it when the hold was made: three non-blank strings.

    Checked by hand rather than with pydantic: this function needs pydantic for nothing else,
    and importing it would cost every wake-up's cold start about half a bare ``import boto3``.
    """

    hotel_id: str
    conversation_id: str
    hold_token: str

    @classmethod
    def from_event(cls, event) -> WakeUpInput:
        """The input in ``event``; ``ValueError`` naming every field that is missing or not a string."""
        if not isinstance(event, dict):
            raise ValueError("the input is not an object")
        bad = [name for name in FIELDS if not isinstance(event.get(name), str) or not event[name].strip()]
        if bad:
            raise ValueError(f"missing or not a non-blank string: {', '.join(bad)}")
        return cls(*(event[name] for name in FIELDS))


# No Tracer: two DynamoDB calls, off any user's path; Lambda's active tracing records the invocation.
@logger.inject_lambda_context
@metrics.log_metrics
def handler(event, context) -> dict:
    from inbox.errors import NotFound
    from wiring.container import inbox

    try:
        wake = WakeUpInput.from_event(event)
    except ValueError as error:
        # Retrying a malformed input cannot help; say so and stop.
        logger.error("malformed wake-up input", extra={"errors": str(error)})
        return {"woken": False, "reason": "malformed input"}
    logger.append_keys(hotel_id=wake.hotel_id, conversation_id=wake.conversation_id)
    try:
        outcome = inbox().wake_up(wake.hotel_id, wake.conversation_id, wake.hold_token)
    except NotFound:
        logger.warning("wake-up for a conversation that does not exist")
        return {"woken": False, "reason": "conversation not found"}
    if not outcome.changed:
        return {"woken": False, "reason": outcome.ignored}
    logger.info("conversation woken")
    return {"woken": True, "status": outcome.conversation.status.value}
