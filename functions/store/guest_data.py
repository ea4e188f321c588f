"""Erasing a guest in the single table (``inbox.ports.GuestDataStore``; the use case is ``inbox.guest_data``).

Per conversation: its partition read by a consistent Query (paged past 1 MB), the conversation's own item
deleted under the version read with its counters moved in one TransactWriteItems, then everything else it
held (messages, activity, uploads), its guards, search entries and mentions in BatchWriteItem requests of 25
(``Table._batch_write``: what DynamoDB leaves unprocessed is sent again, backing off). The contact goes last, in one conditional
DeleteItem under the revision read.

Requests for a guest with C conversations, conversation c holding I_c items (its partition: itself, messages,
activity, uploads; and its guards, search entries and mentions), counted by
``tests/integration/api/test_guest_erase_cost.py``: 1 GetItem (the contact) + sum over c of [1 Query a MB of
partition + 1 TransactWriteItems + ceil((I_c - 1) / 25) BatchWriteItem] + 1 DeleteItem (the contact), and the
audit entry's PutItem. A guest writing during the erase adds a round (or a conversation's re-read) of the same.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from typing import Any

from botocore.exceptions import ClientError

from inbox.errors import Conflict
from inbox.model import Contact, Conversation, Message
from inbox.ports import Holdings, Mention, SearchEntry
from store import keys, reading
from store.models import ActivityItem, ContactItem, ConversationItem, MessageItem
from store.schema import COUNTER_SHARDS, PARTITION_KEY, SORT_KEY
from store.table import Table, item_key
from store.team import counter_deltas, mention_items, search_entry_items

VERSION = ConversationItem.version.attr_name
REVISION = ContactItem.revision.attr_name


class GuestData(Table):
    def current_contact(self, hotel_id: str, contact_id: str) -> Contact | None:
        """The contact as last written (one consistent GetItem)."""
        raw = self._get_raw(keys.hotel_pk(hotel_id), keys.contact_sk(contact_id), consistent=True)
        contact: Contact | None = self._read(reading.contact, raw) if raw else None
        return contact

    def holdings(self, hotel_id: str, conversation_id: str) -> Holdings:
        """Every item of the conversation's partition: a consistent Query, paged."""
        pk = keys.conversation_pk(hotel_id, conversation_id)
        found = self._query_all(ConsistentRead=True, KeyConditionExpression="#p = :p",
                                ExpressionAttributeNames={"#p": PARTITION_KEY},
                                ExpressionAttributeValues={":p": {"S": pk}})
        conversation, external_ids, mentions, messages, activity = None, [], [], 0, 0
        groups: list[str] = []
        for raw in found:
            sk = raw[SORT_KEY]["S"]
            if sk == keys.CONVERSATION_SK:
                conversation = self._read(reading.conversation, raw)
            elif sk.startswith(keys.MESSAGE_PREFIX):
                messages += 1
                external = raw.get(MessageItem.external_message_id.attr_name, {}).get("S")
                if external:
                    external_ids.append(external)
                message: Message | None = self._read(reading.message, raw)
                if message is not None:
                    mentions += [Mention(agent, conversation_id, message.id, message.sent_at)
                                 for agent in message.mentions]
            elif sk.startswith(keys.ACTIVITY_PREFIX):
                activity += 1
                group = _missed_group_of(raw)
                if group:
                    groups.append(group)
        return Holdings(hotel_id=hotel_id, conversation_id=conversation_id, conversation=conversation,
                        item_keys=tuple((raw[PARTITION_KEY]["S"], raw[SORT_KEY]["S"]) for raw in found),
                        external_message_ids=tuple(dict.fromkeys(external_ids)), mentions=tuple(mentions),
                        messages=messages, activity=activity, missed_groups=tuple(dict.fromkeys(groups)))

    def erase_conversation(self, holdings: Holdings, *, guards: Sequence[str], search: Sequence[SearchEntry]) -> int:
        """The conversation's own item under the version read, with its counts, in one transaction
        (``Conflict`` when it changed since); then the rest in batches. Returns how many items were deleted."""
        hotel_id, own = holdings.hotel_id, (keys.conversation_pk(holdings.hotel_id, holdings.conversation_id),
                                            keys.CONVERSATION_SK)
        conversation = holdings.conversation
        if conversation is not None:
            self._delete_conversation(conversation, own)
        rest = [k for k in holdings.item_keys if conversation is None or k != own]
        rest += [(keys.guard_pk(hotel_id, g), keys.GUARD_SK) for g in guards]
        rest += [(item.pk, item.sk) for item in search_entry_items(hotel_id, search)]
        rest += [(item.pk, item.sk) for item in mention_items(hotel_id, holdings.mentions)]
        unique = list(dict.fromkeys(rest))
        self._batch_delete(unique)
        return int(conversation is not None) + len(unique)

    def erase_contact(self, contact: Contact) -> None:
        """Delete the contact if its revision is still the one read (one DeleteItem); ``Conflict`` otherwise."""
        condition: dict[str, Any] = (
            {"ConditionExpression": "#r = :r", "ExpressionAttributeNames": {"#r": REVISION},
             "ExpressionAttributeValues": {":r": {"N": str(contact.revision)}}} if contact.revision else
            # written before contacts had a revision
            {"ConditionExpression": "attribute_exists(#p) AND attribute_not_exists(#r)",
             "ExpressionAttributeNames": {"#r": REVISION, "#p": PARTITION_KEY}})
        try:
            self._client.delete_item(TableName=self.table_name,
                                     Key=item_key(keys.hotel_pk(contact.hotel_id), keys.contact_sk(contact.id)),
                                     **condition)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            raise Conflict(None, f"contact {contact.id} was written meanwhile") from None

    def _delete_conversation(self, conversation: Conversation, own: tuple[str, str]) -> None:
        items: list[dict[str, Any]] = [{"Delete": {
            "TableName": self.table_name, "Key": item_key(*own), "ConditionExpression": "#v = :v",
            "ExpressionAttributeNames": {"#v": VERSION},
            "ExpressionAttributeValues": {":v": {"N": str(conversation.version)}}}}]
        items += self._counts_left(conversation)
        try:
            self._client.transact_write_items(TransactItems=items)
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            # Changed since it was read (ConditionalCheckFailed), or another transaction at the same
            # moment (TransactionConflict): either way the caller reads the conversation again.
            raise Conflict(None, "the conversation changed while it was being erased") from None

    def _counts_left(self, conversation: Conversation) -> list[dict[str, Any]]:
        """The transaction's Update of a counter shard (one at random) taking the conversation out of the
        counts it is in (``<tab>``, ``<tab>@<assignee>``); none when it is in none."""
        deltas = {name: -d for name, d in counter_deltas(None, conversation).items()}
        if not deltas:
            return []
        return [{"Update": {
            "TableName": self.table_name,
            "Key": item_key(keys.hotel_pk(conversation.hotel_id), keys.counter_sk(random.randrange(COUNTER_SHARDS))),
            "UpdateExpression": "ADD " + ", ".join(f"#c{i} :d{i}" for i in range(len(deltas))),
            "ExpressionAttributeNames": {f"#c{i}": name for i, name in enumerate(deltas)},
            "ExpressionAttributeValues": {f":d{i}": {"N": str(d)} for i, d in enumerate(deltas.values())}}}]

    def _batch_delete(self, item_keys: Sequence[tuple[str, str]]) -> None:
        self._batch_write([{"DeleteRequest": {"Key": item_key(pk, sk)}} for pk, sk in item_keys])


def _missed_group_of(raw: dict[str, Any]) -> str | None:
    """The missed-question group a handoff entry names (``details.missed_group``), if any; one unreadable is none."""
    try:
        details = json.loads(raw.get(ActivityItem.details.attr_name, {}).get("S") or "{}")
    except ValueError:
        return None
    group = details.get("missed_group") if isinstance(details, dict) else None
    return group if isinstance(group, str) and group else None
