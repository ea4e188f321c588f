"""Partner API keys in the single table: two items a key (``store.keys``).

* the hash item, pk ``PARTNERKEY#<sha-256>``: what the authorizer reads (one consistent GetItem a request):
  ``partner_id``, ``name``, ``hotel_ids``, ``created_at``, ``key_id``, ``last_used_at`` (written at most once a
  minute, ``note_partner_key_used``) and ``revoked_at`` once revoked (the key is refused from the next request:
  the read is consistent and the API's authorizer caches nothing);
* the id item, pk ``PARTNERKEYS``, sk ``KEY#<key id>``: what the admin commands list (one Query): the same
  partner, name and hotels, ``key_hash``, ``created_at``, ``revoked_at``, ``rotated_at``, ``replaced_by`` /
  ``rotated_from`` and the API Gateway key it is metered with (``usage_key_id``, ``usage_plan_id``).

Issuing, revoking and rotating write both items in one transaction. A key issued before key ids existed has
a hash item only: it still works, and is not listed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from auth.keys import PartnerKeyRecord
from inbox.errors import Conflict, NotFound
from inbox.ports import PartnerKey
from inbox.times import iso, parse_time
from store import keys
from store.schema import PARTITION_KEY
from store.table import Table, item_key


class PartnerKeys(Table):
    # --- the authorizer -------------------------------------------------------------------------

    def find_partner_key(self, key_hash: str) -> PartnerKey | None:
        """What a key grants (one consistent GetItem), or None for a key that is unknown or revoked."""
        raw = self._get_raw(keys.partner_key_pk(key_hash), keys.PARTNER_KEY_SK, consistent=True)
        if raw is None or "revoked_at" in raw:
            return None
        return PartnerKey(raw["partner_id"]["S"], raw["name"]["S"], frozenset(raw.get("hotel_ids", {}).get("SS", ())))

    def note_partner_key_used(self, key_hash: str, at: datetime, *, not_since: datetime) -> bool:
        """``last_used_at = at`` on the key's hash item, unless it is later than ``not_since`` already (another
        process wrote it) or the key is gone or revoked: one conditional UpdateItem; whether it wrote."""
        try:
            self._client.update_item(
                TableName=self.table_name, Key=item_key(keys.partner_key_pk(key_hash), keys.PARTNER_KEY_SK),
                UpdateExpression="SET last_used_at = :at",
                ConditionExpression="attribute_exists(#pk) AND attribute_not_exists(revoked_at) "
                                    "AND (attribute_not_exists(last_used_at) OR last_used_at < :since)",
                ExpressionAttributeNames={"#pk": PARTITION_KEY},
                ExpressionAttributeValues={":at": {"S": iso(at)}, ":since": {"S": iso(not_since)}})
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    # --- the admin commands ---------------------------------------------------------------------

    def add_partner_key(self, record: PartnerKeyRecord) -> None:
        """Both items of a new key, in one transaction (neither may exist already)."""
        self._client.transact_write_items(TransactItems=[
            {"Put": {"TableName": self.table_name, "Item": _id_item(record),
                     "ConditionExpression": "attribute_not_exists(#pk)", "ExpressionAttributeNames": _PK}},
            {"Put": {"TableName": self.table_name, "Item": _hash_item(record),
                     "ConditionExpression": "attribute_not_exists(#pk)", "ExpressionAttributeNames": _PK}},
        ])

    def partner_key(self, key_id: str) -> PartnerKeyRecord | None:
        """The key with this id, with when it was last used (two GetItems), or None."""
        raw = self._get_raw(keys.PARTNER_KEYS_PK, keys.partner_key_id_sk(key_id), consistent=True)
        if raw is None:
            return None
        used = self._get_raw(keys.partner_key_pk(raw["key_hash"]["S"]), keys.PARTNER_KEY_SK, consistent=True)
        return _record(raw, used)

    def partner_keys(self, partner_id: str | None = None) -> list[PartnerKeyRecord]:
        """Every key (or the partner's), oldest first: one Query a page of the ``PARTNERKEYS`` partition, then
        their hash items' ``last_used_at`` (one BatchGetItem per 100 keys)."""
        params: dict[str, Any] = {"KeyConditionExpression": "#pk = :pk", "ExpressionAttributeNames": _PK,
                                  "ExpressionAttributeValues": {":pk": {"S": keys.PARTNER_KEYS_PK}}}
        if partner_id is not None:
            params["FilterExpression"] = "partner_id = :partner"
            params["ExpressionAttributeValues"][":partner"] = {"S": partner_id}
        items = self._query_all(**params)
        used = self._hash_items([raw["key_hash"]["S"] for raw in items])
        return [_record(raw, used.get(raw["key_hash"]["S"])) for raw in items]

    def revoke_partner_key(self, key_id: str, key_hash: str, at: datetime, *, replaced_by: PartnerKeyRecord | None = None
                           ) -> None:
        """Revoke the key (both items marked ``revoked_at``), in one transaction with the key that replaces it when
        rotating (``replaced_by``: its two items, and ``rotated_at`` / ``replaced_by`` on the old one).
        ``NotFound`` for no such key; ``Conflict`` when it is revoked already (or was meanwhile)."""
        update = "SET revoked_at = :at"
        values: dict[str, Any] = {":at": {"S": iso(at)}, ":hash": {"S": key_hash}}
        if replaced_by is not None:
            update += ", rotated_at = :at, replaced_by = :new"
            values[":new"] = {"S": replaced_by.key_id}
        items: list[dict[str, Any]] = [
            {"Update": {"TableName": self.table_name, "Key": item_key(keys.PARTNER_KEYS_PK, keys.partner_key_id_sk(key_id)),
                        "UpdateExpression": update, "ExpressionAttributeValues": values,
                        "ConditionExpression": "attribute_exists(#pk) AND attribute_not_exists(revoked_at) "
                                               "AND key_hash = :hash",
                        "ExpressionAttributeNames": _PK}},
            {"Update": {"TableName": self.table_name, "Key": item_key(keys.partner_key_pk(key_hash), keys.PARTNER_KEY_SK),
                        "UpdateExpression": "SET revoked_at = :at", "ExpressionAttributeValues": {":at": values[":at"]},
                        "ConditionExpression": "attribute_exists(#pk)", "ExpressionAttributeNames": _PK}},
        ]
        if replaced_by is not None:
            items += [
                {"Put": {"TableName": self.table_name, "Item": _id_item(replaced_by),
                         "ConditionExpression": "attribute_not_exists(#pk)", "ExpressionAttributeNames": _PK}},
                {"Put": {"TableName": self.table_name, "Item": _hash_item(replaced_by),
                         "ConditionExpression": "attribute_not_exists(#pk)", "ExpressionAttributeNames": _PK}},
            ]
        try:
            self._client.transact_write_items(TransactItems=items)
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
            if reasons[:1] == ["ConditionalCheckFailed"]:
                current = self._get_raw(keys.PARTNER_KEYS_PK, keys.partner_key_id_sk(key_id), consistent=True)
                if current is None:
                    raise NotFound(f"no partner key {key_id}") from None
                raise Conflict(f"partner key {key_id} is revoked already") from None
            raise

    def _hash_items(self, key_hashes: list[str]) -> dict[str, dict[str, Any]]:
        """The hash items' ``last_used_at`` by key hash (one BatchGetItem per 100 keys)."""
        found = self._batch_get([item_key(keys.partner_key_pk(h), keys.PARTNER_KEY_SK) for h in key_hashes],
                                ProjectionExpression="#pk, last_used_at", ExpressionAttributeNames=_PK)
        return {raw[PARTITION_KEY]["S"].removeprefix(keys.partner_key_pk("")): raw for raw in found}


_PK = {"#pk": PARTITION_KEY}


def _optional(**values: Any) -> dict[str, Any]:
    return {name: {"S": iso(value) if isinstance(value, datetime) else value}
            for name, value in values.items() if value is not None}


def _id_item(record: PartnerKeyRecord) -> dict[str, Any]:
    return {
        **item_key(keys.PARTNER_KEYS_PK, keys.partner_key_id_sk(record.key_id)),
        "key_id": {"S": record.key_id}, "partner_id": {"S": record.partner_id}, "name": {"S": record.name},
        "hotel_ids": {"SS": sorted(record.hotel_ids)}, "key_hash": {"S": record.key_hash},
        "created_at": {"S": iso(record.created_at)},
        **_optional(revoked_at=record.revoked_at, rotated_at=record.rotated_at, replaced_by=record.replaced_by,
                    rotated_from=record.rotated_from, usage_key_id=record.usage_key_id,
                    usage_plan_id=record.usage_plan_id),
    }


def _hash_item(record: PartnerKeyRecord) -> dict[str, Any]:
    return {
        **item_key(keys.partner_key_pk(record.key_hash), keys.PARTNER_KEY_SK),
        "partner_id": {"S": record.partner_id}, "name": {"S": record.name},
        "hotel_ids": {"SS": sorted(record.hotel_ids)}, "created_at": {"S": iso(record.created_at)},
        "key_id": {"S": record.key_id},
    }


def _record(raw: dict[str, Any], used: dict[str, Any] | None) -> PartnerKeyRecord:
    def text(name: str) -> str | None:
        value = raw.get(name)
        return value["S"] if value else None

    def time(name: str, item: dict[str, Any] | None = raw) -> datetime | None:
        value = (item or {}).get(name)
        return parse_time(value["S"]) if value else None

    return PartnerKeyRecord(
        key_id=raw["key_id"]["S"], partner_id=raw["partner_id"]["S"], name=raw["name"]["S"],
        hotel_ids=frozenset(raw.get("hotel_ids", {}).get("SS", ())), key_hash=raw["key_hash"]["S"],
        created_at=parse_time(raw["created_at"]["S"]), revoked_at=time("revoked_at"), rotated_at=time("rotated_at"),
        last_used_at=time("last_used_at", used), replaced_by=text("replaced_by"), rotated_from=text("rotated_from"),
        usage_key_id=text("usage_key_id"), usage_plan_id=text("usage_plan_id"),
    )
