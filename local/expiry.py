"""DynamoDB's TTL on the local stack: what AWS deletes by itself, and the expiry function's stream source.

moto accepts ``UpdateTimeToLive`` but never deletes an expired item, and its stream would not say who deleted
one. ``TtlSweep`` does what DynamoDB's TTL does, locally: every ``SWEEP_PERIOD_SECONDS`` it looks for items whose
``expires_at`` (``store.schema.TTL_ATTRIBUTE``, epoch seconds) is past, deletes each one (conditionally: an item
written again meanwhile, with a later expiry, stays) and writes the stream record TTL writes: ``REMOVE``, with the
item's old image and ``userIdentity`` ``{"type": "Service", "principalId": names.TTL_PRINCIPAL}``.

It looks with a ``Scan`` of the whole table (paged, filtered on the attribute): acceptable for the local stack's
few thousand items and nowhere else; in AWS, TTL finds expired items itself and no Lobby code ever scans.
The deletion goes through moto's server, so moto's own stream (the real-time fan-out's, ``local.changes``) sees
a ``REMOVE`` too, as it would in AWS: a console drops an expired conversation.

``expiry_feed`` hands those records to the expiry function as its event source mapping does in AWS
(``infra/expiry.py``): the same filter (``passes_expiry_filter``: TTL's removals of conversations and messages),
batches of ``names.EXPIRY_BATCH_SIZE``, partial batch responses, ``names.EXPIRY_RETRY_ATTEMPTS`` retries, then
the batch's positions to ``names.EXPIRY_DLQ`` (``local.changes.ChangeFeed`` does the delivering).
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from infra import names
from local.changes import ChangeFeed
from store.schema import PARTITION_KEY, SORT_KEY, STREAM_VIEW, TTL_ATTRIBUTE

log = logging.getLogger("local.expiry")

SWEEP_PERIOD_SECONDS = 5.0  # DynamoDB deletes within days; a few seconds locally, so a demo shows it
TTL_IDENTITY = {"type": "Service", "principalId": names.TTL_PRINCIPAL}


def passes_expiry_filter(record: dict) -> bool:
    """The expiry mapping's filter (``infra.expiry.expiry_filter_pattern``): a REMOVE by TTL of a conversation
    (``names.EXPIRY_SORT_KEYS``) or a message (``names.EXPIRY_SORT_KEY_PREFIXES``)."""
    if record.get("eventName") != "REMOVE" or record.get("userIdentity") != TTL_IDENTITY:
        return False
    value = ((record.get("dynamodb") or {}).get("Keys") or {}).get(SORT_KEY, {}).get("S")
    return isinstance(value, str) and (value in names.EXPIRY_SORT_KEYS
                                       or value.startswith(names.EXPIRY_SORT_KEY_PREFIXES))


def ttl_removal(old_image: dict, *, sequence_number: int, at: float) -> dict:
    """The stream record DynamoDB's TTL writes when it deletes the item ``old_image`` (moto's record shape, which
    ``local.changes.lambda_record`` turns into Lambda's)."""
    keys = {name: old_image[name] for name in (PARTITION_KEY, SORT_KEY)}
    return {"eventID": f"ttl-{sequence_number}", "eventName": "REMOVE", "userIdentity": dict(TTL_IDENTITY),
            "dynamodb": {"ApproximateCreationDateTime": int(at), "Keys": keys, "OldImage": old_image,
                         "SequenceNumber": str(sequence_number), "SizeBytes": len(str(old_image)),
                         "StreamViewType": STREAM_VIEW}}


class TtlSweep:
    """DynamoDB's TTL on one moto table: ``take()`` deletes what expired and returns TTL's stream records of it."""

    def __init__(self, dynamodb, table_name: str, region: str, account_id: str,
                 clock: Callable[[], float] = time.time):
        self.dynamodb = dynamodb  # a client of moto's server
        self.table_name = table_name
        self.region = region
        self.account_id = account_id
        self.clock = clock
        self.deleted = 0
        self._sequence = itertools.count(10**20)  # after any of moto's own numbers
        self._lock = threading.Lock()

    def arn(self) -> str:
        return f"arn:aws:dynamodb:{self.region}:{self.account_id}:table/{self.table_name}/stream/local-ttl"

    def take(self, limit: int | None = None) -> list[dict]:
        """Deletes every item whose expiry has passed; the REMOVE records of those it deleted, oldest expiry first."""
        with self._lock:
            now = self.clock()
            expired = sorted(self._expired(now), key=lambda item: float(item[TTL_ATTRIBUTE]["N"]))
            records = []
            for item in expired[:limit] if limit is not None else expired:
                old = self._delete(item, now)
                if old is not None:
                    records.append(ttl_removal(old, sequence_number=next(self._sequence), at=now))
            self.deleted += len(records)
            return records

    def _expired(self, now: float) -> list[dict]:
        found: list[dict] = []
        pages = self.dynamodb.get_paginator("scan").paginate(
            TableName=self.table_name, FilterExpression="#e < :now", ExpressionAttributeNames={"#e": TTL_ATTRIBUTE},
            ExpressionAttributeValues={":now": {"N": str(int(now))}})
        for page in pages:
            found += page.get("Items", [])
        return found

    def _delete(self, item: dict, now: float) -> dict | None:
        """The item as it was when deleted; None when it was written again (a later expiry) or is gone."""
        try:
            answer = self.dynamodb.delete_item(
                TableName=self.table_name, Key={name: item[name] for name in (PARTITION_KEY, SORT_KEY)},
                ConditionExpression="#e < :now", ExpressionAttributeNames={"#e": TTL_ATTRIBUTE},
                ExpressionAttributeValues={":now": {"N": str(int(now))}}, ReturnValues="ALL_OLD")
        except self.dynamodb.exceptions.ConditionalCheckFailedException:
            return None
        old: dict | None = answer.get("Attributes")
        return old


def expiry_feed(sweep: TtlSweep, handler: Callable[[dict], Any], *, dead_letters: Callable[[dict], Any] | None = None,
                period: float = SWEEP_PERIOD_SECONDS, function_arn: str = names.EXPIRY_FUNCTION) -> ChangeFeed:
    """The expiry function's event source on the sweep's records (a daemon thread once started)."""
    return ChangeFeed(sweep, handler, dead_letters=dead_letters, period=period, batch_size=names.EXPIRY_BATCH_SIZE,
                      retry_attempts=names.EXPIRY_RETRY_ATTEMPTS, max_record_age=float("inf"),
                      function_arn=function_arn, name="lobby-expiry", accepts=passes_expiry_filter)
