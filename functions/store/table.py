"""What every part of the DynamoDB store shares: the table, a low-level client, the tolerant reader, item keys
and the batch requests (what DynamoDB leaves unprocessed is sent again, backing off)."""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

from pynamodb.connection import Connection
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from inbox.errors import InvalidInput
from store import reading
from store.schema import PARTITION_KEY, SORT_KEY

_log = logging.getLogger(__name__)

BATCH_WRITE_MAX_ITEMS = 25  # BatchWriteItem's limit
BATCH_GET_MAX_KEYS = 100  # BatchGetItem's limit
UNPROCESSED_ATTEMPTS = 8  # a throttled batch is sent again (what is left of it) this many times at most

# Called with an item's key and why it could not be read (the composition root logs it and counts a metric).
OnUnreadable = Callable[[str, Exception], None]


def log_unreadable(key: str, error: Exception) -> None:
    _log.warning("unreadable item %s: %s", key, error)


def item_key(pk: str, sk: str) -> dict[str, Any]:
    """An item's key in the low-level client's form."""
    return {PARTITION_KEY: {"S": pk}, SORT_KEY: {"S": sk}}


class _Unprocessed(RuntimeError):
    """DynamoDB left some of a batch request unprocessed (throttled): what is left is sent again."""


def _unprocessed_retrying() -> Retrying:
    return Retrying(retry=retry_if_exception_type(_Unprocessed), reraise=True,
                    stop=stop_after_attempt(UNPROCESSED_ATTEMPTS), wait=wait_exponential(multiplier=0.05, max=1))


class Table:
    """The base of the store's parts (``DynamoStore`` sets these attributes in its constructor)."""

    table_name: str
    on_unreadable: OnUnreadable
    _tx_connection: Connection

    @property
    def _client(self) -> Any:
        return self._tx_connection.client

    def _get_raw(self, pk: str, sk: str, *, consistent: bool = False) -> dict[str, Any] | None:
        params: dict[str, Any] = {"ConsistentRead": True} if consistent else {}
        item: dict[str, Any] | None = self._client.get_item(
            TableName=self.table_name, Key=item_key(pk, sk), **params).get("Item")
        return item

    def _read(self, reader: Callable[[dict[str, Any]], Any], raw: dict[str, Any]) -> Any:
        """``reader(raw)``, or None when the item cannot be read; either way problems are reported."""
        try:
            result = reader(raw)
        except (reading.UnreadableItem, ValueError, TypeError, KeyError, AttributeError) as error:
            self.on_unreadable(reading.item_key(raw), error)
            return None
        if isinstance(result, tuple):  # (object, problems): readable, maybe with placeholders
            result, problems = result
            if problems:
                self.on_unreadable(reading.item_key(raw), reading.UnreadableItem("; ".join(problems)))
        return result

    def _query(self, limit: int | None, start: dict[str, Any] | None, *, forward: bool = False,
               **params: Any) -> list[dict[str, Any]]:
        """One Query (newest first unless ``forward``), its raw items."""
        return self._query_page(limit, start, forward=forward, **params)[0]

    def _query_page(self, limit: int | None, start: dict[str, Any] | None, *, forward: bool = False,
                    **params: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """One Query: its raw items and DynamoDB's LastEvaluatedKey."""
        params.update(TableName=self.table_name, ScanIndexForward=forward)
        if limit is not None:
            params["Limit"] = limit
        if start is not None:
            params["ExclusiveStartKey"] = start
        response = self._client.query(**params)
        items: list[dict[str, Any]] = response["Items"]
        return items, response.get("LastEvaluatedKey")

    def _query_all(self, **params: Any) -> list[dict[str, Any]]:
        """Every item a Query finds, oldest key first: its pages, one request each (one unless past 1 MB)."""
        found: list[dict[str, Any]] = []
        start: dict[str, Any] | None = None
        while True:
            items, start = self._query_page(None, start, forward=True, **params)
            found += items
            if not start:
                return found

    def _batch_write(self, requests: Sequence[dict[str, Any]]) -> None:
        """These Put/DeleteRequests in BatchWriteItem requests of 25; ``_Unprocessed`` when DynamoDB still
        leaves some after ``UNPROCESSED_ATTEMPTS``."""
        for start in range(0, len(requests), BATCH_WRITE_MAX_ITEMS):
            pending: list[dict[str, Any]] = list(requests[start:start + BATCH_WRITE_MAX_ITEMS])
            for attempt in _unprocessed_retrying():
                with attempt:
                    response = self._client.batch_write_item(RequestItems={self.table_name: pending})
                    pending = response.get("UnprocessedItems", {}).get(self.table_name, [])
                    if pending:
                        raise _Unprocessed(f"DynamoDB left {len(pending)} writes unprocessed; try again")

    def _batch_get(self, item_keys: Sequence[dict[str, Any]], **params: Any) -> list[dict[str, Any]]:
        """The raw items of these keys that exist, in BatchGetItem requests of 100 (``params``: a projection,
        its names); ``_Unprocessed`` when DynamoDB still leaves keys after ``UNPROCESSED_ATTEMPTS``."""
        found: list[dict[str, Any]] = []
        for start in range(0, len(item_keys), BATCH_GET_MAX_KEYS):
            wanted: dict[str, Any] = {"Keys": list(item_keys[start:start + BATCH_GET_MAX_KEYS]), **params}
            for attempt in _unprocessed_retrying():
                with attempt:
                    response = self._client.batch_get_item(RequestItems={self.table_name: wanted})
                    found += response.get("Responses", {}).get(self.table_name, [])
                    left = response.get("UnprocessedKeys", {}).get(self.table_name)
                    if left:
                        wanted = left
                        raise _Unprocessed(f"DynamoDB left {len(left.get('Keys', ()))} keys unprocessed; try again")
        return found


# --- cursors -----------------------------------------------------------------------------------


def encode_cursor(raw: dict[str, Any], names: Sequence[str]) -> str:
    key = {name: raw[name] for name in names}
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, names: set[str]) -> dict | None:
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        valid = isinstance(key, dict) and set(key) == names and all(
            isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in key.values())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        valid = False
    if not valid:
        raise InvalidInput("invalid cursor")
    return key
