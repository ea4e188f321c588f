"""``DynamoConnections``: the consoles' open sockets (``inbox.ports.Connections``) on a table of their own.

Items (``store.schema.connections_table_definition``):

- ``pk=CONNECTION#<id>, sk=CONNECTION``: the agent (id, name, role), its hotels, when it connected, its TTL
  (``expires_at``, epoch seconds) and what its agent views (``viewing_hotel``, ``viewing_conversation``);
- one per hotel ``pk=HOTEL#<h>, sk=<id>``: the same but what it views, so that a hotel's connections are
  one Query.

Floors it keeps (tests count them): ``add`` one BatchWriteItem (up to 24 hotels), ``get`` one GetItem,
``of_hotel`` one Query, ``set_viewing`` one UpdateItem, ``remove`` one GetItem and one BatchWriteItem.
DynamoDB deletes an expired item some time after its TTL (within days, and moto never does), so readers
leave out what has expired themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any

from botocore.exceptions import ClientError
from pynamodb.connection import Connection as PynamoConnection

from inbox.model import AgentRef, Role, iso, utc_now
from inbox.ports import Connection
from store import reading
from store.keys import CONNECTION_SK, connection_pk, hotel_pk
from store.schema import CONNECTIONS_TTL_ATTRIBUTE, PARTITION_KEY, SORT_KEY
from store.table import OnUnreadable, Table, item_key, log_unreadable


class DynamoConnections(Table):
    """The open sockets. ``clock`` says what has expired (tests move it; DynamoDB's TTL is late anyway)."""

    def __init__(self, table_name: str, region: str, endpoint_url: str | None = None, *,
                 connect_timeout_seconds: float = 2, read_timeout_seconds: float = 5, max_retry_attempts: int = 2,
                 clock: Callable[[], datetime] = utc_now, on_unreadable: OnUnreadable = log_unreadable):
        self.table_name = table_name
        self.clock = clock
        self.on_unreadable = on_unreadable
        self._tx_connection = PynamoConnection(region=region, host=endpoint_url,
                                               connect_timeout_seconds=connect_timeout_seconds,
                                               read_timeout_seconds=read_timeout_seconds,
                                               max_retry_attempts=max_retry_attempts)

    def botocore_clients(self) -> Iterator:
        """The botocore clients this sends requests with (tests hook their events)."""
        yield self._client

    # --- Connections ------------------------------------------------------------------------------

    def add(self, connection: Connection) -> None:
        """The connection's item and one per hotel, in one BatchWriteItem (more only past 24 hotels)."""
        shared: dict[str, Any] = {
            "agent_id": {"S": connection.agent.id}, "agent_name": {"S": connection.agent.name},
            "role": {"S": connection.role.value}, "connected_at": {"S": iso(connection.connected_at)},
            CONNECTIONS_TTL_ATTRIBUTE: {"N": str(int(connection.expires_at.timestamp()))},
        }
        if connection.hotel_ids:  # a string set cannot be empty
            shared["hotel_ids"] = {"SS": sorted(connection.hotel_ids)}
        own = {**item_key(connection_pk(connection.id), CONNECTION_SK), **shared}
        if connection.viewing is not None:
            own["viewing_hotel"], own["viewing_conversation"] = ({"S": v} for v in connection.viewing)
        items = [own, *({**item_key(hotel_pk(h), connection.id), **shared} for h in sorted(connection.hotel_ids))]
        self._batch_write([{"PutRequest": {"Item": item}} for item in items])

    def get(self, connection_id: str) -> Connection | None:
        """The connection (one consistent GetItem: a presence may follow its $connect at once)."""
        raw = self._own_item(connection_id)
        return self._live(raw) if raw else None

    def remove(self, connection_id: str) -> Connection | None:
        """Forget it: its hotel items, then its own, in one BatchWriteItem after one GetItem. Its own item goes
        last, so a remove cut short is finished by the next one (API Gateway's $disconnect, or a 410)."""
        raw = self._own_item(connection_id)
        if raw is None:
            return None
        connection = self._connection_of(raw)
        hotels = connection.hotel_ids if connection is not None else _hotel_ids(raw)
        keys = [*(item_key(hotel_pk(h), connection_id) for h in sorted(hotels)),
                item_key(connection_pk(connection_id), CONNECTION_SK)]
        self._batch_write([{"DeleteRequest": {"Key": key}} for key in keys])
        return connection

    def of_hotel(self, hotel_id: str) -> list[Connection]:
        """The hotel's live connections (one Query; a hotel with thousands of consoles open pages on past 1 MB).

        Their ``viewing`` is not known here (it lives on the connection's own item only): None."""
        found: list[Connection] = []
        start: dict[str, Any] | None = None
        while True:
            items, start = self._query_page(None, start, forward=True, KeyConditionExpression="#p = :p",
                                            ExpressionAttributeNames={"#p": PARTITION_KEY},
                                            ExpressionAttributeValues={":p": {"S": hotel_pk(hotel_id)}})
            for raw in items:
                connection = self._live(raw, connection_id=raw[SORT_KEY]["S"])
                if connection is not None:
                    found.append(connection)
            if not start:
                return found

    def set_viewing(self, connection_id: str, viewing: tuple[str, str] | None) -> None:
        """One UpdateItem of the connection's own item; an unknown connection stays unknown (no item made)."""
        params: dict[str, Any] = {"TableName": self.table_name,
                                  "Key": item_key(connection_pk(connection_id), CONNECTION_SK),
                                  "ConditionExpression": "attribute_exists(#pk)"}
        names = {"#pk": PARTITION_KEY, "#h": "viewing_hotel", "#c": "viewing_conversation"}
        if viewing is None:
            params.update(UpdateExpression="REMOVE #h, #c", ExpressionAttributeNames=names)
        else:
            params.update(UpdateExpression="SET #h = :h, #c = :c", ExpressionAttributeNames=names,
                          ExpressionAttributeValues={":h": {"S": viewing[0]}, ":c": {"S": viewing[1]}})
        try:
            self._client.update_item(**params)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    # --- items ---------------------------------------------------------------------------------------

    def _own_item(self, connection_id: str) -> dict[str, Any] | None:
        """The connection's own item, read consistently (a presence may follow its $connect at once)."""
        return self._get_raw(connection_pk(connection_id), CONNECTION_SK, consistent=True)

    def _live(self, raw: dict[str, Any], connection_id: str | None = None) -> Connection | None:
        connection = self._connection_of(raw, connection_id)
        if connection is None or connection.expires_at <= self.clock():
            return None
        return connection

    def _connection_of(self, raw: dict[str, Any], connection_id: str | None = None) -> Connection | None:
        """The connection an item holds, or None (reported) when it cannot be read."""
        found: Connection | None = self._read(partial(_connection, connection_id=connection_id), raw)
        return found


def _text(raw: dict[str, Any], name: str) -> str:
    value = raw.get(name, {}).get("S")
    if not isinstance(value, str) or not value:
        raise reading.UnreadableItem(f"{name}: missing")
    return value


def _hotel_ids(raw: dict[str, Any]) -> frozenset[str]:
    """A string set, or a list of strings (an item written by hand); anything else in it is left out."""
    stored = raw.get("hotel_ids", {})
    values = stored.get("SS") or [v.get("S") for v in stored.get("L", []) if isinstance(v, dict)]
    return frozenset(v for v in values if isinstance(v, str) and v)


def _connection(raw: dict[str, Any], connection_id: str | None) -> Connection:
    """A connection's own item (``connection_id`` None) or one of its hotel items."""
    if connection_id is None:
        connection_id = _text(raw, PARTITION_KEY).removeprefix("CONNECTION#")
    expires = raw.get(CONNECTIONS_TTL_ATTRIBUTE, {}).get("N")
    if expires is None:
        raise reading.UnreadableItem(f"{CONNECTIONS_TTL_ATTRIBUTE}: missing")
    viewing_hotel, viewing_conversation = (raw.get(n, {}).get("S") for n in ("viewing_hotel", "viewing_conversation"))
    return Connection(
        id=connection_id, agent=AgentRef(_text(raw, "agent_id"), _text(raw, "agent_name")),
        role=Role(_text(raw, "role")), hotel_ids=_hotel_ids(raw),
        connected_at=reading.stored_time(_text(raw, "connected_at")),
        expires_at=datetime.fromtimestamp(int(float(expires)), UTC),
        viewing=(viewing_hotel, viewing_conversation) if viewing_hotel and viewing_conversation else None,
    )
