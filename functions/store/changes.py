"""The main table's DynamoDB Stream records (new images) read back as the changes consoles care about.

Only the store knows the items' shapes, so it is the store that reads its stream: a conversation item is a
``conversation`` change (removed too: the consoles drop it), a message or note item a ``message`` change
(its new image read by the same code as a page of messages, ``reading.message``), a counter shard a
``counts`` change. Every other item (activity, guards, contacts, search entries...) is not fanned out.
"""

from __future__ import annotations

from typing import Any

from inbox.ports import Change
from store import keys, reading
from store.schema import PARTITION_KEY, SORT_KEY
from store.table import OnUnreadable, log_unreadable

EVENT_NAMES = frozenset({"INSERT", "MODIFY", "REMOVE"})
_HOTEL = keys.hotel_pk("")  # "HOTEL#"
_CONVERSATION = "#CONV#"  # between the hotel and the conversation in a conversation's partition key


class UnreadableChange(Exception):
    """A stream record of the table's items that cannot be read (the reason says why): the fan-out reports
    it as a failure of its batch, so it is retried and then kept in the dead-letter queue."""


def decode(record: dict[str, Any], *, on_unreadable: OnUnreadable = log_unreadable) -> Change | None:
    """The change a Lambda DynamoDB-stream record (its new image; the stream also carries old ones) tells of, None for an item consoles do not
    follow; ``UnreadableChange`` for a record of ours that cannot be read. ``on_unreadable`` hears of a
    message shown without the attachments it could not read (as a page of messages does)."""
    if not isinstance(record, dict) or not isinstance(record.get("dynamodb"), dict):
        raise UnreadableChange("not a DynamoDB stream record (no 'dynamodb')")
    stream = record["dynamodb"]
    event = record.get("eventName")
    if event not in EVENT_NAMES:
        raise UnreadableChange(f"unknown eventName {event!r}")
    key = stream.get("Keys")
    pk, sk = (_key_part(key, name) for name in (PARTITION_KEY, SORT_KEY))
    if sk == keys.CONVERSATION_SK:
        hotel_id, conversation_id = _conversation_of(pk)
        if event != "REMOVE":
            _same(_image(stream, event), hotel_id, conversation_id)
        return Change(hotel_id, "conversation", conversation_id)
    if sk.startswith(keys.MESSAGE_PREFIX):
        hotel_id, conversation_id = _conversation_of(pk)
        if event == "REMOVE":  # messages are never deleted; consoles have nothing to do with one that was
            return None
        image = _image(stream, event)
        try:
            message, problems = reading.message(image)
        except (reading.UnreadableItem, ValueError, TypeError, KeyError, AttributeError) as error:
            raise UnreadableChange(f"{pk} | {sk}: {error}") from error
        if problems:
            on_unreadable(reading.item_key(image), reading.UnreadableItem("; ".join(problems)))
        if (message.hotel_id, message.conversation_id) != (hotel_id, conversation_id):
            raise UnreadableChange(f"{pk} | {sk}: the message says hotel {message.hotel_id!r}, "
                                   f"conversation {message.conversation_id!r}")
        return Change(hotel_id, "message", conversation_id, message)
    if sk.startswith(keys.COUNTER_PREFIX):
        hotel_id = pk.removeprefix(_HOTEL)
        if not pk.startswith(_HOTEL) or not hotel_id or _CONVERSATION in hotel_id:
            raise UnreadableChange(f"{pk} | {sk}: not a hotel's counter shard")
        return Change(hotel_id, "counts")
    return None


def _key_part(key: Any, name: str) -> str:
    value = key.get(name, {}).get("S") if isinstance(key, dict) and isinstance(key.get(name), dict) else None
    if not isinstance(value, str) or not value:
        raise UnreadableChange(f"Keys.{name} missing or not a string")
    return value


def _conversation_of(pk: str) -> tuple[str, str]:
    """(hotel, conversation) of a conversation's partition key ``HOTEL#<h>#CONV#<c>``."""
    hotel_id, found, conversation_id = pk.removeprefix(_HOTEL).partition(_CONVERSATION)
    if not pk.startswith(_HOTEL) or not found or not hotel_id or not conversation_id \
            or keys.conversation_pk(hotel_id, conversation_id) != pk:
        raise UnreadableChange(f"{pk}: not a conversation's partition key")
    return hotel_id, conversation_id


def _image(stream: dict[str, Any], event: str) -> dict[str, Any]:
    image = stream.get("NewImage")
    if not isinstance(image, dict) or not image:
        raise UnreadableChange(f"{event} without a NewImage (the stream must send new images)")
    return image


def _same(image: dict[str, Any], hotel_id: str, conversation_id: str) -> None:
    """A conversation item that names a hotel or conversation names those of its key (the fan-out reads it by
    the key). An image of the keys alone is fine: moto records one before the real image when an UpdateItem
    creates an item (DynamoDB records one image)."""
    for name, expected in (("hotel_id", hotel_id), ("conversation_id", conversation_id)):
        if name not in image:
            continue
        stored = image[name].get("S") if isinstance(image[name], dict) else None
        if stored != expected:
            raise UnreadableChange(f"{keys.conversation_pk(hotel_id, conversation_id)}: {name} is {stored!r}, "
                                   f"its key says {expected!r}")
