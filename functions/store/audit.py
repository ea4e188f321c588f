"""The audit log in the single table: pk ``HOTEL#<h>#AUDIT``, sk ``<at>#<id>`` (``store.keys``).

One PutItem an entry, one Query a page (newest first). Entries have no expiry: the log outlives the
data it speaks of, and holds no personal data (``inbox.audit``).
"""

from __future__ import annotations

import json
from typing import Any

from inbox.audit import AuditEntry, AuditTarget
from inbox.errors import InvalidInput
from inbox.model import Actor, ActorType
from inbox.ports import Page
from inbox.times import iso, parse_time
from store import keys
from store.schema import PARTITION_KEY, SORT_KEY
from store.table import Table, decode_cursor, encode_cursor


class AuditTrail(Table):
    def record_audit(self, entry: AuditEntry) -> None:
        self._client.put_item(TableName=self.table_name, Item={
            PARTITION_KEY: {"S": keys.audit_pk(entry.hotel_id)}, SORT_KEY: {"S": keys.audit_sk(entry.at, entry.id)},
            "entry_id": {"S": entry.id}, "hotel_id": {"S": entry.hotel_id}, "at": {"S": iso(entry.at)},
            "actor": {"S": json.dumps({"type": entry.actor.type.value, "id": entry.actor.id, "name": entry.actor.name})},
            "action": {"S": entry.action}, "target_type": {"S": entry.target.type},
            "target_id": {"S": entry.target.id},
            "details": {"S": json.dumps(dict(entry.details), ensure_ascii=False, default=str)},
        })

    def list_audit(self, hotel_id: str, limit: int, cursor: str | None = None) -> Page[AuditEntry]:
        """One page of the hotel's audit log, newest first (one Query); an entry that cannot be read is skipped."""
        pk = keys.audit_pk(hotel_id)
        start = decode_cursor(cursor, {PARTITION_KEY, SORT_KEY})
        if start is not None and start[PARTITION_KEY]["S"] != pk:
            raise InvalidInput("invalid cursor")
        found = self._query(limit + 1, start, KeyConditionExpression="#p = :p",
                            ExpressionAttributeNames={"#p": PARTITION_KEY}, ExpressionAttributeValues={":p": {"S": pk}})
        page, more = found[:limit], len(found) > limit
        entries = [e for e in (self._read(_entry, raw) for raw in page) if e is not None]
        return Page(entries, encode_cursor(page[-1], (PARTITION_KEY, SORT_KEY)) if more else None)


def _entry(raw: dict[str, Any]) -> AuditEntry:
    actor = json.loads(raw["actor"]["S"])
    return AuditEntry(
        id=raw["entry_id"]["S"], hotel_id=raw["hotel_id"]["S"], at=parse_time(raw["at"]["S"]),
        actor=Actor(ActorType(actor["type"]), actor.get("id"), actor.get("name")), action=raw["action"]["S"],
        target=AuditTarget(raw["target_type"]["S"], raw["target_id"]["S"]), details=json.loads(raw["details"]["S"]),
    )
