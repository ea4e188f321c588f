"""The store's side of the expiry (``inbox.ports.ExpiryStore``; the use cases are ``inbox.expiry``), and the
main table's stream records of what DynamoDB's TTL removed, read back (``decode_expired``).

Requests per expired conversation: 1 TransactWriteItems (its guard and a counter shard), 1 Query (what its
partition still holds: ``store.guest_data``'s holdings), 1 GetItem (the contact, for the search terms),
1 BatchWriteItem per 25 items left, search entries and mentions, 1 UpdateItem (the contact's set) and, with its
last conversation, 1 DeleteItem (the contact); S3: 1 ListObjectsV2 of its files (+ 1 DeleteObjects if any).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from inbox.model import Contact, Conversation, Message
from store import keys, reading
from store.guest_data import GuestData
from store.models import ContactItem, GuardItem
from store.schema import PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE
from store.table import item_key

# ``userIdentity.principalId`` of the stream records of TTL's deletions (infra/names.py TTL_PRINCIPAL; a test
# keeps them equal), with ``type`` "Service". A user's DeleteItem (an erase) has no userIdentity.
TTL_PRINCIPAL = "dynamodb.amazonaws.com"
TTL_IDENTITY_TYPE = "Service"
EVENT_NAMES = frozenset({"INSERT", "MODIFY", "REMOVE"})
CONFLICT_ATTEMPTS = 5


class UnreadableExpiry(Exception):
    """A stream record that cannot be read (the reason says why): a batch item failure, retried, then the DLQ."""


class _TransactionConflict(Exception):
    """Another transaction touched the counter shard at the same moment: safe to try again."""


def removed_by_ttl(record: dict[str, Any]) -> bool:
    """The record tells of an item DynamoDB's TTL deleted (not one a user deleted)."""
    identity = record.get("userIdentity")
    return (record.get("eventName") == "REMOVE" and isinstance(identity, dict)
            and identity.get("type") == TTL_IDENTITY_TYPE and identity.get("principalId") == TTL_PRINCIPAL)


def decode_expired(record: Any) -> Conversation | Message | None:
    """The conversation or message a stream record says TTL removed, as it was (its old image); None for any
    other record (a write, a user's delete, another item); ``UnreadableExpiry`` for one that cannot be read."""
    if not isinstance(record, dict) or not isinstance(record.get("dynamodb"), dict):
        raise UnreadableExpiry("not a DynamoDB stream record (no 'dynamodb')")
    if record.get("eventName") not in EVENT_NAMES:
        raise UnreadableExpiry(f"unknown eventName {record.get('eventName')!r}")
    if not removed_by_ttl(record):
        return None
    stream = record["dynamodb"]
    pk, sk = (_key_part(stream.get("Keys"), name) for name in (PARTITION_KEY, SORT_KEY))
    if sk != keys.CONVERSATION_SK and not sk.startswith(keys.MESSAGE_PREFIX):
        return None
    image = stream.get("OldImage")
    if not isinstance(image, dict) or not image:
        raise UnreadableExpiry(f"{pk} | {sk}: a removal without its OldImage (the stream must send old images)")
    try:
        item: Conversation | Message = (reading.conversation(image) if sk == keys.CONVERSATION_SK
                                        else reading.message(image))[0]
    except (reading.UnreadableItem, ValueError, TypeError, KeyError, AttributeError) as error:
        raise UnreadableExpiry(f"{pk} | {sk}: {error}") from error
    conversation_id = item.id if isinstance(item, Conversation) else item.conversation_id
    if keys.conversation_pk(item.hotel_id, conversation_id) != pk:
        raise UnreadableExpiry(f"{pk} | {sk}: the item says hotel {item.hotel_id!r}, conversation "
                               f"{conversation_id!r}")
    return item


def _key_part(key: Any, name: str) -> str:
    value = key.get(name, {}).get("S") if isinstance(key, dict) and isinstance(key.get(name), dict) else None
    if not isinstance(value, str) or not value:
        raise UnreadableExpiry(f"Keys.{name} missing or not a string")
    return value


class Expiries(GuestData):
    """Mixed into ``DynamoStore``: what ``inbox.expiry`` writes."""

    def expire_counts(self, conversation: Conversation, guard_until: datetime) -> bool:
        """The removed conversation leaves the counts it was in, with its expiry guard, in one transaction;
        False (nothing changed) when the guard is taken. A conflict on the shard is tried again."""
        for attempt in Retrying(retry=retry_if_exception_type(_TransactionConflict), reraise=True,
                                stop=stop_after_attempt(CONFLICT_ATTEMPTS),
                                wait=wait_random_exponential(multiplier=0.02, max=0.5)):
            with attempt:
                return self._expire_counts_once(conversation, guard_until)
        raise AssertionError("unreachable")

    def _expire_counts_once(self, conversation: Conversation, guard_until: datetime) -> bool:
        guard = keys.guard_pk(conversation.hotel_id, keys.expired_guard(conversation.id, conversation.version))
        items: list[dict[str, Any]] = [{"Put": {
            "TableName": self.table_name, "ConditionExpression": "attribute_not_exists(#p)",
            "ExpressionAttributeNames": {"#p": PARTITION_KEY},
            "Item": {**item_key(guard, keys.GUARD_SK), GuardItem.conversation_id.attr_name: {"S": conversation.id},
                     TTL_ATTRIBUTE: {"N": str(int(guard_until.timestamp()))}}}}]
        items += self._counts_left(conversation)
        try:
            self._client.transact_write_items(TransactItems=items)
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            codes = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
            if codes[:1] == ["ConditionalCheckFailed"]:
                return False
            if "TransactionConflict" in codes:
                raise _TransactionConflict() from error
            raise
        return True

    def release_contact(self, hotel_id: str, contact_id: str, conversation_id: str) -> tuple[Contact | None, bool]:
        """DELETE the conversation from the contact's set and ADD 1 to its revision (one UpdateItem, on an
        existing contact only); the contact as it is now and whether its set held the conversation."""
        ids, revision = ContactItem.conversation_ids.attr_name, ContactItem.revision.attr_name
        try:
            response = self._client.update_item(
                TableName=self.table_name, Key=item_key(keys.hotel_pk(hotel_id), keys.contact_sk(contact_id)),
                UpdateExpression="DELETE #ids :c ADD #rev :one", ConditionExpression="attribute_exists(#p)",
                ExpressionAttributeNames={"#ids": ids, "#rev": revision, "#p": PARTITION_KEY},
                ExpressionAttributeValues={":c": {"SS": [conversation_id]}, ":one": {"N": "1"}},
                ReturnValues="ALL_OLD")
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return None, False
        old: Contact | None = self._read(reading.contact, response.get("Attributes", {}))
        if old is None:  # unreadable (reported): kept, the set as it was is unknown
            return None, False
        now = replace(old, conversation_ids=old.conversation_ids - {conversation_id}, revision=old.revision + 1)
        return now, conversation_id in old.conversation_ids
