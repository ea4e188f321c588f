"""Entry point of the Expedia ingest function: batches from the ``expedia-events`` queue.

Each record is one of Expedia's notifications. A record that cannot be taken (not JSON,
an unknown event type, missing ids, an unknown property, a message Expedia does not know,
Expedia unreachable) fails alone, with its reason logged; SQS retries it and, after the
receive limit, keeps it in the DLQ. Every other record of the batch is stored.
A record the reconciler queued carries its ``lobby-source`` attribute: it is taken the same way but
does not count as Expedia reaching the callback (the channel's last notification).
"""

from __future__ import annotations

import json

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from wiring.observability import logger, metrics, tracer


class NotificationProcessor(BatchProcessor):
    """A BatchProcessor that says, for every failed record, which notification and why."""

    def failure_handler(self, record, exception):
        _, error, _ = exception
        logger.error("notification failed", extra={
            "sqs_message_id": record.message_id, "notification_id": _notification_id(record.body),
            "reason": f"{type(error).__name__}: {error}", "receive_count": record.attributes.approximate_receive_count,
        })
        return super().failure_handler(record, exception)


processor = NotificationProcessor(event_type=EventType.SQS)


def take(record: SQSRecord):
    from pydantic import ValidationError

    from expedia.notifications import FROM_RECONCILIATION, SOURCE_ATTRIBUTE, ExpediaNotification
    from wiring.container import expedia_ingest

    try:
        notification = ExpediaNotification.model_validate_json(record.body)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in error.errors())
        raise ValueError(f"not a notification Lobby knows: {problems}") from None
    source = record.message_attributes[SOURCE_ATTRIBUTE]
    reconciled = source is not None and source.string_value == FROM_RECONCILIATION
    result = expedia_ingest().handle(notification, via_reconciliation=reconciled)
    logger.info("notification taken", extra={"notification_id": notification.notification_id,
                                              "event_type": notification.event_type, "outcome": result.outcome,
                                              "conversation_id": result.conversation_id,
                                              "via_reconciliation": reconciled})
    return result.outcome


def _notification_id(body: str) -> str | None:
    try:
        value = json.loads(body)
        return value.get("notificationId") if isinstance(value, dict) else None
    except (ValueError, TypeError):
        return None


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event, context):
    return process_partial_response(event=event, record_handler=take, processor=processor, context=context)
