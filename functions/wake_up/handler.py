"""Entry point of the wake-up function: EventBridge Scheduler calls it when a hold ends.

Delivery is at least once, so a wake-up for an older hold, a repeated one, or one for a
conversation that is no longer on hold changes nothing (and says why in the log).
"""

from __future__ import annotations

from pydantic import BaseModel, ValidationError

from wiring.observability import logger, metrics, tracer


class WakeUpInput(BaseModel):
    """The schedule's input, as the API wrote it when the hold was made."""

    hotel_id: str
    conversation_id: str
    hold_token: str


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event, context) -> dict:
    from inbox.errors import NotFound
    from wiring.container import inbox

    try:
        wake = WakeUpInput.model_validate(event)
    except ValidationError as error:
        # Retrying a malformed input cannot help; say so and stop.
        logger.error("malformed wake-up input", extra={"errors": error.errors(include_url=False)})
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
