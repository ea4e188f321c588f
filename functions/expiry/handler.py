"""Entry point of the expiry function: batches of the main table's DynamoDB Stream (new and old images).

The event source passes REMOVE records of conversations and messages (a Lambda filter, infra/names.py
``EXPIRY_SORT_KEYS``/``_PREFIXES``); of those, only what DynamoDB's TTL removed counts (``userIdentity`` of type
``Service``, principal ``dynamodb.amazonaws.com``): a user's delete (an erase) or any other record is skipped.
Each record is handled alone (``store.expiry.decode_expired``, then ``inbox.expiry.Expiry``): one that cannot
be read, or whose handling fails, is a batch item failure (partial batch response), retried by the stream and
then kept in the DLQ; the others are done. Delivery is at least once: a removal told again changes nothing.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from wiring.observability import count, logger, metrics


class ExpiryProcessor(BatchProcessor):
    """A BatchProcessor that says, for every failed record, which item and why."""

    def failure_handler(self, record, exception):
        _, error, _ = exception
        stream = record.dynamodb
        logger.error("expiry record not handled", extra={
            "event_id": record.event_id, "sequence_number": stream.sequence_number if stream else None,
            "reason": f"{type(error).__name__}: {error}"})
        count("Expiry.failed_record")
        return super().failure_handler(record, exception)


processor = ExpiryProcessor(event_type=EventType.DynamoDBStreams)


def take(record) -> None:
    """One stream record: a conversation or a message TTL removed is followed up; anything else is skipped."""
    from inbox.model import Conversation
    from store.expiry import decode_expired
    from wiring.container import expiry

    removed = decode_expired(record.raw_event)  # raises UnreadableExpiry: this record's failure
    if removed is None:
        count("Expiry.skipped_record")
        return
    if isinstance(removed, Conversation):
        done = expiry().conversation_expired(removed)
        count("Expiry.conversation")
        logger.info("conversation expired", extra={"hotel_id": removed.hotel_id, "conversation_id": removed.id,
                                                   "counted": done.counted, "recreated": done.recreated,
                                                   "search_entries": done.search_entries, "contact": done.contact})
        return
    files = expiry().message_expired(removed)
    count("Expiry.message")
    if files:
        count("Expiry.file", files)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: Any, context: Any) -> Any:
    return process_partial_response(event=event, record_handler=take, processor=processor, context=context)
