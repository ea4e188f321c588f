"""The main table's DynamoDB Stream feeding the fan-out function, as Lambda's event source mapping does.

moto records every write of a stream-enabled table (``StreamShard.items``, Lambda-shaped
records from ``StreamRecord.to_json()``) but does not serve ``DescribeStream`` or
``GetRecords``, so nothing outside this process can read them. ``ChangeFeed`` runs in the
process of moto's server: every ``period`` (50 ms) it takes the records written since its last
look (under the lock that serialises DynamoDB requests, ``LocalMotoServer.dynamodb_lock``, so
no write is half done), removes them from the shard (memory stays flat over a long run; the
sequence numbers keep counting), keeps those the event source's filter passes
(``names.REALTIME_FANOUT_SORT_KEYS`` / ``REALTIME_FANOUT_SORT_KEY_PREFIXES`` on the sort key of what
was written, ``REALTIME_FANOUT_REMOVED_SORT_KEYS`` of what was removed: the same match as the Lambda
filters of ``infra/realtime.py``) and hands them, up to
``names.REALTIME_FANOUT_BATCH_SIZE`` at a time, to the same fan-out handler as Lambda would,
in this process.

As the event source mapping with ``ReportBatchItemFailures``: the records from the first
reported failure on are retried (``names.REALTIME_FANOUT_RETRY_ATTEMPTS`` times), then the
batch's stream positions go to the on-failure destination (``names.REALTIME_FANOUT_DLQ``) and
the feed moves on; a whole-invocation failure counts as a failure of every record. Records
older than ``names.REALTIME_FANOUT_MAX_RECORD_AGE_SECONDS`` are dropped the same way. Bisecting
a failed batch is not emulated (with partial batch responses it changes nothing but the
number of attempts).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from infra import names
from local.workers import _Worker

log = logging.getLogger("local.changes")

PERIOD_SECONDS = 0.05


def passes_filter(record: dict, sort_key: str = "sk") -> bool:
    """The event source's filter (``infra.realtime.fanout_filter_patterns``): an INSERT or MODIFY record whose sort
    key is one of ``REALTIME_FANOUT_SORT_KEYS`` or starts with one of ``REALTIME_FANOUT_SORT_KEY_PREFIXES``, or a
    REMOVE record of ``REALTIME_FANOUT_REMOVED_SORT_KEYS`` (a conversation's)."""
    value = ((record.get("dynamodb") or {}).get("Keys") or {}).get(sort_key, {}).get("S")
    if not isinstance(value, str):
        return False
    if record.get("eventName") == "REMOVE":
        return value in names.REALTIME_FANOUT_REMOVED_SORT_KEYS
    if record.get("eventName") not in names.REALTIME_FANOUT_EVENTS:
        return False
    return value in names.REALTIME_FANOUT_SORT_KEYS or value.startswith(names.REALTIME_FANOUT_SORT_KEY_PREFIXES)


def lambda_record(record: dict, region: str, stream_arn: str) -> dict:
    """A moto stream record as Lambda hands it to a function: epoch seconds, the region, the stream's ARN."""
    dynamodb = dict(record["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        moment = created if created.tzinfo else created.replace(tzinfo=UTC)
        dynamodb["ApproximateCreationDateTime"] = int(moment.timestamp())
    shaped = {"eventID": record["eventID"], "eventName": record["eventName"], "eventVersion": "1.1",
              "eventSource": "aws:dynamodb", "awsRegion": region, "dynamodb": dynamodb,
              "eventSourceARN": stream_arn}
    if "userIdentity" in record:  # a TTL removal's (local.expiry), as DynamoDB writes it
        shaped["userIdentity"] = record["userIdentity"]
    return shaped


class MotoStream:
    """The stream of one table of moto's in-process backend (looked up at each read: a reset replaces it)."""

    def __init__(self, table_name: str, account_id: str, region: str, lock: threading.Lock):
        self.table_name = table_name
        self.account_id = account_id
        self.region = region
        self.lock = lock

    def _shard(self):
        from moto.dynamodb.models import dynamodb_backends

        table = dynamodb_backends[self.account_id][self.region].tables.get(self.table_name)
        return table, (table.stream_shard if table is not None else None)

    def arn(self) -> str:
        with self.lock:
            table, _ = self._shard()
            label = table.latest_stream_label if table is not None else "none"
            return f"arn:aws:dynamodb:{self.region}:{self.account_id}:table/{self.table_name}/stream/{label}"

    def take(self, limit: int | None = None) -> list[dict]:
        """The records written since the last take (oldest first), removed from the shard."""
        with self.lock:
            _, shard = self._shard()
            if shard is None or not shard.items:
                return []
            taken = shard.items if limit is None else shard.items[:limit]
            records = [item.to_json() for item in taken]
            del shard.items[:len(records)]
            # StreamShard.add numbers a record len(items) + starting_sequence_number: keep counting.
            shard.starting_sequence_number += len(records)
            return records

    def skip(self) -> int:
        """Forgets what is written so far (an event source created now starts at LATEST)."""
        return len(self.take())


class ChangeFeed(_Worker):
    """A daemon thread feeding ``stream``'s records to ``handler`` (``handler(event)``) until ``stop()``
    (``stream``: a ``MotoStream``, or anything with its ``take``, ``arn`` and ``region``)."""

    def __init__(self, stream: Any, handler: Callable[[dict], Any], *, dead_letters: Callable[[dict], Any]
                 | None = None, period: float = PERIOD_SECONDS, batch_size: int = names.REALTIME_FANOUT_BATCH_SIZE,
                 retry_attempts: int = names.REALTIME_FANOUT_RETRY_ATTEMPTS,
                 max_record_age: float = names.REALTIME_FANOUT_MAX_RECORD_AGE_SECONDS,
                 function_arn: str = names.REALTIME_FANOUT_FUNCTION, name: str = "lobby-realtime-changes",
                 accepts: Callable[[dict], bool] = passes_filter):
        self.stream = stream
        self.accepts = accepts  # the event source's filter
        self.handler = handler
        self.dead_letters = dead_letters
        self.period = period
        self.batch_size = batch_size
        self.retry_attempts = retry_attempts
        self.max_record_age = max_record_age
        self.function_arn = function_arn
        self.batches = 0
        self.records = 0  # handed to the function (the filter's rejects not counted)
        self.failed_batches = 0
        self._stream_arn: str | None = None
        self._pending: list[dict] = []
        super().__init__(name)

    def start(self) -> ChangeFeed:
        self._stream_arn = self.stream.arn()
        return super().start()

    def _run(self) -> None:
        while not self._stop.wait(self.period):
            try:
                self.poll_once()
            except Exception:  # moto itself failing (a reset, the stack stopping): the next period tries again
                if not self._stop.is_set():
                    log.exception("%s: reading the stream failed", self.name)

    def poll_once(self) -> int:
        """Feeds what was written since the last poll; returns how many records the function was given."""
        self._pending += [r for r in self.stream.take() if self.accepts(r)]
        given = 0
        while self._pending and not self._stop.is_set():
            batch, self._pending = self._pending[:self.batch_size], self._pending[self.batch_size:]
            given += len(batch)
            self._deliver(batch)
        return given

    def _deliver(self, batch: list[dict]) -> None:
        region = self.stream.region
        stream_arn = self._stream_arn or self.stream.arn()
        records = [lambda_record(r, region, stream_arn) for r in batch]
        attempts = 0
        while records:
            fresh = [r for r in records if time.time() - r["dynamodb"].get("ApproximateCreationDateTime", 0)
                     <= self.max_record_age]
            if len(fresh) < len(records):
                self._give_up(records[:len(records) - len(fresh)], "older than the maximum record age")
                records = fresh
                if not records:
                    return
            self.batches += 1
            self.records += len(records)
            failed_from = self._invoke(records)
            if failed_from is None:
                return
            attempts += 1
            records = records[failed_from:]
            if attempts > self.retry_attempts:
                self._give_up(records, f"failed {attempts} times")
                return

    def _invoke(self, records: list[dict]) -> int | None:
        """The position of the first record to retry (the lowest reported failure), None when all passed."""
        try:
            answer = self.handler({"Records": records})
        except Exception as error:
            log.warning("%s: the fan-out failed on %d records: %s: %s", self.name, len(records),
                        type(error).__name__, error)
            return 0
        failures = {f.get("itemIdentifier") for f in (answer or {}).get("batchItemFailures") or []}
        if not failures:
            return None
        positions = [n for n, r in enumerate(records) if r["dynamodb"].get("SequenceNumber") in failures]
        log.warning("%s: %d of %d records failed; retrying from the first", self.name, len(failures), len(records))
        return min(positions) if positions else 0  # an unknown identifier: Lambda retries the whole batch

    def _give_up(self, records: list[dict], why: str) -> None:
        """Lambda's on-failure destination for a stream: where the batch was, not its records."""
        self.failed_batches += 1
        sequence = [r["dynamodb"].get("SequenceNumber") for r in records]
        log.error("%s: %d records %s, sent to the on-failure destination", self.name, len(records), why)
        if self.dead_letters is None:
            return
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        try:
            self.dead_letters({
                "requestContext": {"requestId": records[0]["eventID"], "functionArn": self.function_arn,
                                   "condition": "RetryAttemptsExhausted", "approximateInvokeCount":
                                       self.retry_attempts + 1},
                "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": why},
                "version": "1.0", "timestamp": now,
                "DDBStreamBatchInfo": {"shardId": "shardId-local", "startSequenceNumber": sequence[0],
                                       "endSequenceNumber": sequence[-1], "batchSize": len(records),
                                       "streamArn": records[0]["eventSourceARN"],
                                       "approximateArrivalOfFirstRecord": _iso(records[0]),
                                       "approximateArrivalOfLastRecord": _iso(records[-1])}})
        except Exception:
            log.exception("%s: the on-failure destination failed", self.name)


def _iso(record: dict) -> str:
    seconds = record["dynamodb"].get("ApproximateCreationDateTime", 0)
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")


def sqs_destination(sqs, queue_url: str) -> Callable[[dict], Any]:
    """An on-failure destination: the SQS queue at ``queue_url``."""
    return lambda failure: sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(failure))
