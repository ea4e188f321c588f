"""Entry point of the fan-out function: batches of the main table's DynamoDB Stream (new and old images; it reads
the new ones).

The event source passes only conversations, messages (and notes) and counter shards written, and conversations
removed (a Lambda filter, infra/names.py ``REALTIME_FANOUT_SORT_KEYS``/``_PREFIXES``/``_EVENTS``/``_REMOVED_SORT_KEYS``;
the local runner applies the same match).
Each record is decoded alone (``store.changes.decode``): a record of ours that cannot be read fails
alone, as a batch item failure, with its reason logged; a record that is no change a console cares
about is skipped. Then one ``Realtime.fan_out`` of every decoded change of the batch, so a burst of
changes to a hotel costs each of its connections a few frames, not one call per change.

Delivery is at least once, and a stream retries from the first failed record: the events of the
records after it are sent again. That is harmless: consoles replace a conversation, a message
(by id) and the counts with what they receive. A failure of the fan-out itself (the table
unreachable) fails the whole batch, which the stream retries (then bisects, then the DLQ).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from wiring.observability import count, logger, metrics


class ChangeProcessor(BatchProcessor):
    """A BatchProcessor that says, for every failed record, which item and why."""

    def failure_handler(self, record, exception):
        _, error, _ = exception
        keys = record.dynamodb.keys if record.dynamodb else None
        logger.error("stream record not taken", extra={
            "event_id": record.event_id, "sequence_number": record.dynamodb.sequence_number if record.dynamodb else None,
            "item_key": _key_text(keys), "reason": f"{type(error).__name__}: {error}"})
        count("Realtime.unreadable_change")
        return super().failure_handler(record, exception)


processor = ChangeProcessor(event_type=EventType.DynamoDBStreams)


class _Batch:
    """The changes decoded from one invocation's records, in stream order (a record seen twice in the
    same batch counts once)."""

    def __init__(self) -> None:
        self.changes: list[Any] = []
        self._seen: set[str] = set()

    def take(self, record) -> None:
        from store.changes import decode

        if record.event_id and record.event_id in self._seen:
            return
        change = decode(record.raw_event)  # raises UnreadableChange: this record's failure
        if record.event_id:
            self._seen.add(record.event_id)
        if change is not None:
            self.changes.append(change)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: Any, context: Any) -> Any:
    from wiring.container import realtime

    batch = _Batch()
    records = event.get("Records") if isinstance(event, dict) else None
    response: Any = process_partial_response(event=event, record_handler=batch.take, processor=processor,
                                             context=context)
    report = realtime().fan_out(batch.changes) if batch.changes else None
    if report is not None:
        count("Realtime.connections_reached", report.connections)
        if report.failed:  # a console's send failed (logged by the core); the others were served
            count("Realtime.push_failed", report.failed)
    logger.info("stream batch pushed", extra={"records": len(records or []), "changes": len(batch.changes),
                                              "failures": len(response.get("batchItemFailures", [])),
                                              "report": asdict(report) if report is not None else None})
    return response


def _key_text(keys: Any) -> str | None:
    """``pk|sk`` of a record's keys (strings only), for the log."""
    if not isinstance(keys, dict):
        return None
    parts = [next(iter(value.values()), "") if isinstance(value, dict) else value for value in
             (keys.get("pk"), keys.get("sk"))]
    return "|".join(str(part) for part in parts if part is not None) or None
