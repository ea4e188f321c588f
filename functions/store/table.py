"""What every part of the DynamoDB store shares: the table, a low-level client, the tolerant reader."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from pynamodb.connection import Connection

from store import reading
from store.schema import PARTITION_KEY, SORT_KEY

_log = logging.getLogger(__name__)

# Called with an item's key and why it could not be read (the composition root logs it and counts a metric).
OnUnreadable = Callable[[str, Exception], None]


def log_unreadable(key: str, error: Exception) -> None:
    _log.warning("unreadable item %s: %s", key, error)


class Table:
    """The base of the store's parts (``DynamoStore`` sets these attributes in its constructor)."""

    table_name: str
    on_unreadable: OnUnreadable
    _tx_connection: Connection

    @property
    def _client(self) -> Any:
        return self._tx_connection.client

    def _get_raw(self, pk: str, sk: str) -> dict[str, Any] | None:
        item: dict[str, Any] | None = self._client.get_item(
            TableName=self.table_name, Key={PARTITION_KEY: {"S": pk}, SORT_KEY: {"S": sk}}).get("Item")
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
