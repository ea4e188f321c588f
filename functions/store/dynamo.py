"""``DynamoStore``: the inbox's ConversationStore on one DynamoDB table, through pynamodb.

Floors it keeps (tests count them): a tab page is one Query on that tab's index, the
tab counts are one Query over the hotel's counter shards, and a change of status is one
TransactWriteItems moving the conversation, writing its activity and updating the counters.
A message's attachments ride on its item (no request of their own); uploads, claims and channel
health are one request each (``store.uploads``, ``store.channels``).
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.settings import get_settings_value as pynamodb_setting
from pynamodb.transactions import TransactWrite
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from inbox.bot import KnowledgeBase
from inbox.errors import Conflict, Duplicate, InvalidInput, NotFound
from inbox.missed import MissedAnswer, MissedQuestion
from inbox.model import (
    Activity,
    Attachment,
    Contact,
    Conversation,
    Delivery,
    Message,
    iso,
)
from inbox.ports import Guard, Hotel, Mention, Page, SearchEntry
from inbox.reports import FigureChanges
from inbox.retention import RETENTION_DAYS_DEFAULT, expiry
from store import keys, reading
from store.audit import AuditTrail
from store.channels import Channels
from store.expiry import Expiries
from store.guest_data import GuestData
from store.knowledge import pack_knowledge
from store.missed import MissedQuestions, answer_actions, group_item, question_actions
from store.models import (
    ALL_MODELS,
    INDEX_KEY_ATTRIBUTES,
    ActivityItem,
    ActorAttribute,
    AttachmentAttribute,
    ContactItem,
    ConversationItem,
    CounterItem,
    GuardItem,
    HotelItem,
    MessageItem,
    PropertyItem,
    SearchEntryItem,
    bind,
)
from store.partner_keys import PartnerKeys
from store.reports import Reports, report_updates
from store.schema import COUNTER_SHARDS, PARTITION_KEY, SORT_KEY
from store.table import OnUnreadable, decode_cursor, encode_cursor, item_key, log_unreadable
from store.team import (
    Team,
    counter_actions,
    counter_deltas,
    index_keys,
    mention_items,
    read_mark_actions,
    search_entry_items,
)
from store.uploads import Uploads

TRANSACTION_MAX_ITEMS = 100  # TransactWriteItems' limit


class _TransactionConflict(Exception):
    """Another transaction touched one of our items at the same moment: safe to try again."""


class DynamoStore(Team, Uploads, Channels, AuditTrail, Expiries, GuestData, PartnerKeys, Reports, MissedQuestions):
    """The single-table store. Build one per process (the composition root does). Uploads live in
    ``store.uploads``; delivery claims and channel health in ``store.channels``; the team's views,
    counts, read marks, mentions, search and saved replies in ``store.team``; partner keys in ``store.partner_keys``.

    Reads tolerate items they cannot read: a list skips them (or shows a conversation with
    placeholders), a reader shows what it can, and each is reported to ``on_unreadable``.
    """

    def __init__(self, table_name: str, region: str, endpoint_url: str | None = None, *, conflict_attempts: int = 5,
                 connect_timeout_seconds: float | None = None, read_timeout_seconds: float | None = None,
                 max_retry_attempts: int | None = None, on_unreadable: OnUnreadable = log_unreadable):
        bind(table_name, region, endpoint_url)
        self.table_name = table_name
        self.on_unreadable = on_unreadable
        # How long one request may take, retries included (None: pynamodb's defaults, 15 s and 30 s,
        # longer than API Gateway's 29 s; the composition root passes Lobby's settings).
        connect: float = (pynamodb_setting("connect_timeout_seconds") if connect_timeout_seconds is None
                          else connect_timeout_seconds)
        read: float = pynamodb_setting("read_timeout_seconds") if read_timeout_seconds is None else read_timeout_seconds
        attempts: int = pynamodb_setting("max_retry_attempts") if max_retry_attempts is None else max_retry_attempts
        limits = {"connect_timeout_seconds": connect, "read_timeout_seconds": read, "max_retry_attempts": attempts}
        for model in ALL_MODELS:  # pynamodb builds each model's connection from its Meta, on first use
            for name, value in limits.items():
                setattr(model.Meta, name, value)
        self._tx_connection = Connection(region=region, host=endpoint_url, connect_timeout_seconds=connect,
                                         read_timeout_seconds=read, max_retry_attempts=attempts)
        self._commit_with_retry = retry(
            retry=retry_if_exception_type(_TransactionConflict),
            wait=wait_random_exponential(multiplier=0.02, max=0.5),
            stop=stop_after_attempt(conflict_attempts),
            reraise=True,
        )(self._commit_once)

    def botocore_clients(self) -> Iterator:
        """The botocore clients this store sends requests with (tests hook their events)."""
        yield self._tx_connection.client
        for model in ALL_MODELS:
            yield model._get_connection().connection.client

    # --- hotels and contacts ----------------------------------------------------------

    def put_hotel(self, hotel: Hotel) -> None:
        HotelItem(
            keys.hotel_pk(hotel.id), keys.HOTEL_SK, hotel_id=hotel.id, name=hotel.name, timezone=hotel.timezone,
            bot_enabled=hotel.bot_enabled, expedia_property_id=hotel.expedia_property_id,
            knowledge_z=pack_knowledge(hotel.knowledge), reply_target_minutes=hotel.reply_target_minutes,
            retention_days=hotel.retention_days,
        ).save()

    def get_hotel(self, hotel_id: str) -> Hotel | None:
        """The hotel (one GetItem), its knowledge base included."""
        raw = self._get_raw(keys.hotel_pk(hotel_id), keys.HOTEL_SK)
        hotel: Hotel | None = self._read(reading.hotel, raw) if raw else None
        return hotel

    def set_bot(self, hotel_id: str, enabled: bool, knowledge: KnowledgeBase) -> None:
        """Switch the hotel's bot and replace its knowledge base (the hotel must exist).

        ``TooLarge`` (nothing written) when the knowledge base cannot fit on the hotel's item.
        """
        packed = pack_knowledge(knowledge)
        item = HotelItem(keys.hotel_pk(hotel_id), keys.HOTEL_SK)
        try:
            item.update(actions=[HotelItem.bot_enabled.set(enabled), HotelItem.knowledge_z.set(packed),
                                 HotelItem.knowledge.remove()],
                        condition=HotelItem.pk.exists())
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise NotFound(f"hotel {hotel_id} not found") from None
            raise

    def set_retention_days(self, hotel_id: str, days: int) -> None:
        """How long the hotel keeps its guests' data (one UpdateItem); ``NotFound`` for no such hotel. Items
        written from now on expire by it; those already written keep the expiry they were given."""
        try:
            HotelItem(keys.hotel_pk(hotel_id), keys.HOTEL_SK).update(
                actions=[HotelItem.retention_days.set(days)], condition=HotelItem.pk.exists())
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise NotFound(f"hotel {hotel_id} not found") from None
            raise

    def put_contact(self, contact: Contact) -> None:
        ContactItem(
            keys.hotel_pk(contact.hotel_id), keys.contact_sk(contact.id), contact_id=contact.id,
            hotel_id=contact.hotel_id, channel=contact.channel, external_id=contact.external_id, name=contact.name,
            email=contact.email, phone=contact.phone, language=contact.language,
            reservations=[r.__dict__ for r in contact.reservations],
        ).save()

    def get_contact(self, hotel_id: str, contact_id: str) -> Contact | None:
        raw = self._get_raw(keys.hotel_pk(hotel_id), keys.contact_sk(contact_id))
        contact: Contact | None = self._read(reading.contact, raw) if raw else None
        return contact

    # --- conversations ----------------------------------------------------------------

    def find_conversation(self, hotel_id: str, conversation_id: str, guards: Sequence[str] = ()
                          ) -> tuple[Conversation | None, dict[str, Guard]]:
        """The conversation (or None) and which of ``guards`` are already taken, in one BatchGetItem."""
        wanted = [(keys.conversation_pk(hotel_id, conversation_id), keys.CONVERSATION_SK)]
        wanted += [(keys.guard_pk(hotel_id, g), keys.GUARD_SK) for g in guards]
        response = self._client.batch_get_item(RequestItems={self.table_name: {
            "Keys": [item_key(pk, sk) for pk, sk in wanted]}})
        conversation, taken = None, {}
        for raw in response.get("Responses", {}).get(self.table_name, []):
            pk = raw[PARTITION_KEY]["S"]
            if pk == wanted[0][0]:
                conversation = self._read(reading.conversation, raw)
            else:  # a guard counts as taken even when what it points to cannot be read
                taken[pk.removeprefix(keys.guard_pk(hotel_id, ""))] = self._read(reading.guard, raw) or Guard()
        if response.get("UnprocessedKeys"):  # throttled: a caller retries the whole message
            raise RuntimeError("DynamoDB left keys unprocessed; try again")
        return conversation, taken

    def get_conversation(self, hotel_id: str, conversation_id: str) -> Conversation:
        """The conversation; one whose fields cannot all be read shows placeholders (``degraded``),
        one that cannot be read at all is reported and not found."""
        raw = self._get_raw(keys.conversation_pk(hotel_id, conversation_id), keys.CONVERSATION_SK)
        conversation: Conversation | None = self._read(reading.conversation, raw) if raw else None
        if conversation is None:
            raise NotFound(f"conversation {conversation_id} not found")
        return conversation

    # --- messages and activity ----------------------------------------------------------

    def list_messages(self, hotel_id: str, conversation_id: str, limit: int, cursor: str | None = None) -> Page[Message]:
        # sk >= "CONVERSATION" reads the messages ("MSG#...") newest first and then the
        # conversation item itself: one Query that also tells "no such conversation".
        items, next_cursor = self._children(hotel_id, conversation_id, keys.MESSAGE_PREFIX,
                                            "#s >= :c", limit, cursor)
        messages = [self._read(reading.message, raw) for raw in items]
        return Page([m for m in messages if m is not None], next_cursor)

    def list_activity(self, hotel_id: str, conversation_id: str, limit: int, cursor: str | None = None) -> Page[Activity]:
        # Descending from "CONVERSATION" down to "ACT#": the conversation item, then its entries newest first.
        items, next_cursor = self._children(hotel_id, conversation_id, keys.ACTIVITY_PREFIX,
                                            "#s BETWEEN :a AND :c", limit, cursor)
        entries = [self._read(reading.activity, raw) for raw in items]
        return Page([a for a in entries if a is not None], next_cursor)

    def _children(self, hotel_id: str, conversation_id: str, prefix: str, sort_condition: str, limit: int,
                  cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """One page of a conversation's messages or entries (raw), in one Query that also proves
        the conversation exists (its own item sits next to them in the key range)."""
        pk = keys.conversation_pk(hotel_id, conversation_id)
        start = decode_cursor(cursor, {PARTITION_KEY, SORT_KEY})
        if start is not None and (start[PARTITION_KEY]["S"] != pk or not start[SORT_KEY]["S"].startswith(prefix)):
            raise InvalidInput("invalid cursor")
        values = {":p": {"S": pk}, ":c": {"S": keys.CONVERSATION_SK}}
        if ":a" in sort_condition:
            values[":a"] = {"S": keys.ACTIVITY_PREFIX}
        found = self._query(limit + 2, start, KeyConditionExpression=f"#p = :p AND {sort_condition}",
                            ExpressionAttributeNames={"#p": PARTITION_KEY, "#s": SORT_KEY},
                            ExpressionAttributeValues=values)
        if start is None and not found:  # not even the conversation's own item
            raise NotFound(f"conversation {conversation_id} not found")
        children = [i for i in found if i[SORT_KEY]["S"] != keys.CONVERSATION_SK]
        page, more = children[:limit], len(children) > limit
        return page, (encode_cursor(page[-1], (PARTITION_KEY, SORT_KEY)) if more else None)

    # --- the one write path of a change ---------------------------------------------------

    def commit(
        self, before: Conversation | None, after: Conversation,
        activities: Sequence[Activity] = (), messages: Sequence[Message] = (), *,
        guards: Sequence[str] = (), contact: Contact | None = None,
        search: Sequence[SearchEntry] = (), mentions: Sequence[Mention] = (),
        retention_days: int = RETENTION_DAYS_DEFAULT, figures: FigureChanges | None = None,
        missed: MissedQuestion | None = None, missed_answer: MissedAnswer | None = None,
    ) -> Conversation:
        """Write a change as one transaction: the conversation (created, or updated under its
        version), its activity entries, new messages, and the tab counters of the hotel.
        ``figures`` (``inbox.reports``) are ADDed to the hotel's day items in the same transaction (``store.reports``).
        ``missed`` counts a question in its group, ``missed_answer`` sets a group's answer (``store.missed``), in it too.

        ``guards`` are keys (an external message id, ...) that must not have been used before:
        they are written with the change, and a taken one cancels it with ``Duplicate``.
        ``contact`` (a new conversation's guest) is created or has its known fields updated.

        ``search`` entries and ``mentions`` are written with it; the read marks ``after`` changed
        (``read@<agent>``) too. The counters move by ``<tab>`` and ``<tab>@<assignee>`` on one shard.
        Entries that do not fit in the transaction (100 items) follow it in a batch write.

        Raises ``Conflict`` when another writer changed the conversation first, ``Duplicate``
        when a guard or a message with the same key is already stored.
        """
        extras: list[Any] = [*mention_items(after.hotel_id, mentions, retention_days),
                             *search_entry_items(after.hotel_id, search)]
        fixed = 1 + len(activities) + len(messages) + len(guards) + int(contact is not None) + 1  # + a shard
        fixed += len(figures or {})  # one day item per day the figures touch (``figure_changes`` drops the others)
        fixed += int(missed is not None) + int(missed_answer is not None)  # a missed-question group
        room = max(TRANSACTION_MAX_ITEMS - fixed, 0)
        committed = self._commit_with_retry(before, after, activities, messages, guards, contact, extras[:room],
                                            retention_days, figures=figures, missed=missed,
                                            missed_answer=missed_answer)
        self._batch_put(extras[room:])
        return committed

    def _batch_put(self, items: Sequence[Any]) -> None:
        if items:
            with SearchEntryItem.batch_write() as batch:  # any item of the table: same table, same connection
                for item in items:
                    batch.save(item)

    def _commit_once(self, before, after, activities, messages, guards, contact, extras,
                     retention_days: int = RETENTION_DAYS_DEFAULT, *, figures: FigureChanges | None = None,
                     missed: MissedQuestion | None = None, missed_answer: MissedAnswer | None = None
                     ) -> Conversation:
        # Every item of the conversation carries its expiry (TTL): the conversation's own is renewed by each
        # commit, the guards expire with it as it is now; each message and entry by its own time.
        lives_until = conversation_expiry(after, retention_days)
        delta = counter_deltas(before, after)
        puts: list[str] = []  # what each Put is, to read the cancellation reasons (Puts come before Updates)
        try:
            with TransactWrite(connection=self._tx_connection) as tx:
                for activity in activities:
                    tx.save(_activity_item(activity, retention_days), condition=ActivityItem.pk.does_not_exist())
                    puts.append("activity")
                for message in messages:
                    tx.save(_message_item(message, retention_days), condition=MessageItem.pk.does_not_exist())
                    puts.append(f"message:{message.id}")
                for n, guard in enumerate(guards):
                    # The first guard is the message's own and points to it (an echo, a moderation find it
                    # there); a channel event's guards only mark the event handled: naming no conversation,
                    # they hold nothing an erase of it must find (``store.guest_data``).
                    first = n == 0
                    tx.save(_guard_item(after.hotel_id, guard, after.id if first else None,
                                        messages[0] if messages and first else None, expires_at=lives_until),
                            condition=GuardItem.pk.does_not_exist())
                    puts.append(f"guard:{guard}")
                for extra in extras:  # mentions and search entries: plain puts (writing one again is harmless)
                    tx.save(extra)
                    puts.append("extra")
                # The conversation is an Update even when it is created (its read marks are top-level
                # attributes no model declares), and the first one: its cancellation reason is at len(puts).
                if before is None:
                    item = ConversationItem(keys.conversation_pk(after.hotel_id, after.id), keys.CONVERSATION_SK)
                    tx.update(item, actions=[*_conversation_actions(None, after),
                                             ConversationItem.expires_at.set(lives_until)],
                              condition=ConversationItem.pk.does_not_exist())
                else:
                    item = ConversationItem(keys.conversation_pk(after.hotel_id, after.id), keys.CONVERSATION_SK,
                                            version=before.version)
                    tx.update(item, actions=[*_conversation_actions(before, after),
                                             ConversationItem.expires_at.set(lives_until)])
                if contact is not None:  # the guest learns of this conversation (an erase finds it there)
                    tx.update(ContactItem(keys.hotel_pk(contact.hotel_id), keys.contact_sk(contact.id)),
                              actions=_contact_actions(contact, after.id))
                if delta:
                    shard = CounterItem(keys.hotel_pk(after.hotel_id), keys.counter_sk(random.randrange(COUNTER_SHARDS)))
                    tx.update(shard, actions=counter_actions(delta))
                if missed is not None:  # the question the bot missed, counted once with its message
                    tx.update(group_item(after.hotel_id, missed.group_id),
                              actions=question_actions(after.hotel_id, missed, retention_days))
                if missed_answer is not None:  # the agent's first reply after it: the group's answer
                    tx.update(group_item(after.hotel_id, missed_answer.group_id),
                              actions=answer_actions(after.hotel_id, missed_answer, retention_days))
                for report, actions in report_updates(after.hotel_id, figures):  # the hotel's figures of each day
                    tx.update(report, actions=actions)
        except TransactWriteError as error:
            self._raise_for(error, before, after, puts, messages)
            raise
        return after.evolve(version=(before.version if before else 0) + 1, degraded=False)

    def _raise_for(self, error: TransactWriteError, before, after, puts: list[str], messages) -> None:
        reasons = error.cancellation_reasons or []
        codes = [r.code if r else None for r in reasons]
        if "TransactionConflict" in codes:
            raise _TransactionConflict() from error
        conversation_index = len(puts)
        if len(codes) > conversation_index and codes[conversation_index] == "ConditionalCheckFailed":
            current = self._status_or_none(after.hotel_id, after.id)
            raise Conflict(current, "the conversation was changed by someone else; reload it") from error
        for index, what in enumerate(puts):
            if codes[index:index + 1] == ["ConditionalCheckFailed"] and what.startswith(("message:", "guard:")):
                raise Duplicate(after.id, messages[0].id if messages else "") from error

    def _status_or_none(self, hotel_id: str, conversation_id: str) -> str | None:
        try:
            return self.get_conversation(hotel_id, conversation_id).status.value
        except NotFound:
            return None

    # --- channels ------------------------------------------------------------------------

    def set_expedia_property(self, hotel_id: str, property_id: str) -> None:
        """Connect the hotel to its Expedia property, in one transaction: the property's mapping (``Conflict``
        when another hotel holds it), the hotel's ``expedia_property_id``, and the removal of the mapping of
        the property it had before (``Conflict`` too when the hotel was reconnected meanwhile)."""
        try:
            previous = HotelItem.get(keys.hotel_pk(hotel_id), keys.HOTEL_SK, consistent_read=True,
                                     attributes_to_get=[HotelItem.pk.attr_name,  # an item with no key reads as absent
                                                        HotelItem.expedia_property_id.attr_name]).expedia_property_id
        except DoesNotExist:
            raise NotFound(f"hotel {hotel_id} not found") from None
        unchanged = (HotelItem.expedia_property_id == previous if previous
                     else HotelItem.expedia_property_id.does_not_exist())
        try:
            with TransactWrite(connection=self._tx_connection) as tx:
                tx.save(PropertyItem(keys.expedia_property_pk(property_id), keys.PROPERTY_SK, hotel_id=hotel_id),
                        condition=PropertyItem.pk.does_not_exist() | (PropertyItem.hotel_id == hotel_id))
                tx.update(HotelItem(keys.hotel_pk(hotel_id), keys.HOTEL_SK),
                          actions=[HotelItem.expedia_property_id.set(property_id)],
                          condition=HotelItem.pk.exists() & unchanged)
                if previous and previous != property_id:
                    tx.delete(PropertyItem(keys.expedia_property_pk(previous), keys.PROPERTY_SK),
                              condition=PropertyItem.pk.does_not_exist() | (PropertyItem.hotel_id == hotel_id))
        except TransactWriteError as error:
            if "ConditionalCheckFailed" not in [r.code if r else None for r in error.cancellation_reasons or []]:
                raise
            if self.hotel_for_expedia_property(property_id) not in (None, hotel_id):
                raise Conflict(None, f"Expedia property {property_id} is connected to another hotel") from error
            raise Conflict(None, f"hotel {hotel_id} was changed meanwhile: try again") from error

    def hotel_for_expedia_property(self, property_id: str) -> str | None:
        try:
            return PropertyItem.get(keys.expedia_property_pk(property_id), keys.PROPERTY_SK).hotel_id
        except DoesNotExist:
            return None

    def save_profile(self, contact: Contact, guards: Sequence[str] = (), search: Sequence[SearchEntry] = (), *,
                     retention_days: int = RETENTION_DAYS_DEFAULT) -> None:
        """Fill in a guest's profile and write the search entries it gives, in one transaction (entries
        beyond its 100 items follow in a batch write); with guards, only once (``Duplicate`` when a guard is taken).
        The guards expire ``retention_days`` from now."""
        entries = search_entry_items(contact.hotel_id, search)
        until = expiry(datetime.now(UTC), retention_days)
        room = max(TRANSACTION_MAX_ITEMS - len(guards) - 1, 0)
        try:
            with TransactWrite(connection=self._tx_connection) as tx:
                for guard in guards:
                    tx.save(_guard_item(contact.hotel_id, guard, expires_at=until),
                            condition=GuardItem.pk.does_not_exist())
                for entry in entries[:room]:
                    tx.save(entry)
                tx.update(ContactItem(keys.hotel_pk(contact.hotel_id), keys.contact_sk(contact.id)),
                          actions=_contact_actions(contact))
        except TransactWriteError as error:
            if "ConditionalCheckFailed" in [r.code if r else None for r in error.cancellation_reasons or []]:
                raise Duplicate("", "") from error
            raise
        self._batch_put(entries[room:])

    def take_guards(self, hotel_id: str, guards: Sequence[str], *, retention_days: int = RETENTION_DAYS_DEFAULT
                    ) -> None:
        """Mark keys as handled when nothing else is written with them (until ``retention_days`` from now)."""
        until = expiry(datetime.now(UTC), retention_days)
        with GuardItem.batch_write() as batch:
            for guard in guards:
                batch.save(_guard_item(hotel_id, guard, expires_at=until))

    def get_message(self, hotel_id: str, conversation_id: str, sent_at: datetime, message_id: str) -> Message | None:
        raw = self._get_raw(keys.conversation_pk(hotel_id, conversation_id), keys.message_sk(sent_at, message_id))
        message: Message | None = self._read(reading.message, raw) if raw else None
        return message

    def mark_delivered(self, message: Message, external_message_id: str, guard: str, *,
                       retention_days: int = RETENTION_DAYS_DEFAULT) -> None:
        """The channel has the message: store its id there, and guard that id so the channel's
        echo of our own message is recognised as ours (the guard expires ``retention_days`` from now)."""
        item = MessageItem(keys.conversation_pk(message.hotel_id, message.conversation_id),
                           keys.message_sk(message.sent_at, message.id))
        with TransactWrite(connection=self._tx_connection) as tx:
            tx.update(item, actions=[MessageItem.delivery.set(Delivery.DELIVERED.value),
                                     MessageItem.external_message_id.set(external_message_id),
                                     MessageItem.delivery_error.remove(), *_CLAIM_REMOVED],
                      condition=MessageItem.pk.exists())
            tx.save(_guard_item(message.hotel_id, guard, message.conversation_id, message,
                                expires_at=expiry(datetime.now(UTC), retention_days)))

    def update_delivery(self, message: Message, delivery: Delivery, *, external_message_id: str | None = None,
                        error: str | None = None) -> None:
        """Record the outcome of sending an outbound message."""
        item = MessageItem(keys.conversation_pk(message.hotel_id, message.conversation_id),
                           keys.message_sk(message.sent_at, message.id))
        actions: list[Action] = [MessageItem.delivery.set(delivery.value)]
        if external_message_id:
            actions.append(MessageItem.external_message_id.set(external_message_id))
        actions.append(MessageItem.delivery_error.set(error) if error else MessageItem.delivery_error.remove())
        item.update(actions=[*actions, *_CLAIM_REMOVED], condition=MessageItem.pk.exists())


# The send is over (delivered, or its outcome recorded): nobody holds the message any more.
_CLAIM_REMOVED = (MessageItem.claim.remove(), MessageItem.claim_until.remove())


# --- mapping between domain objects and items ------------------------------------------------


def conversation_expiry(c: Conversation, retention_days: int) -> datetime:
    """When the conversation goes if nothing changes it again: its retention after its last change."""
    return expiry(max(c.updated_at, c.last_message_at), retention_days)


def _guard_item(hotel_id: str, guard: str, conversation_id: str | None = None,
                message: Message | None = None, *, expires_at: datetime | None = None) -> GuardItem:
    return GuardItem(keys.guard_pk(hotel_id, guard), keys.GUARD_SK, conversation_id=conversation_id,
                     message_id=message.id if message else None,
                     message_sent_at=iso(message.sent_at) if message else None, expires_at=expires_at)


def _contact_actions(contact: Contact, conversation_id: str | None = None) -> list:
    """Create the contact, or fill in what this message tells of it; never erase a known field. The
    conversation (and those ``contact.conversation_ids`` names) is ADDed to its set, and its revision
    ADDs 1: an erase that read another revision deletes nothing (``store.guest_data``)."""
    conversations = set(contact.conversation_ids) | ({conversation_id} if conversation_id else set())
    actions = [ContactItem.contact_id.set(contact.id), ContactItem.hotel_id.set(contact.hotel_id),
               ContactItem.channel.set(contact.channel), ContactItem.revision.add(1)]
    if conversations:
        actions.append(ContactItem.conversation_ids.add(conversations))
    for name in ("external_id", "name", "email", "phone", "language"):
        value = getattr(contact, name)
        if value:
            actions.append(getattr(ContactItem, name).set(value))
    if contact.reservations:
        actions.append(ContactItem.reservations.set([r.__dict__ for r in contact.reservations]))
    return actions


def _conversation_fields(c: Conversation) -> dict[str, Any]:
    return {
        "conversation_id": c.id, "hotel_id": c.hotel_id, "channel": c.channel, "status": c.status.value,
        "created_at": iso(c.created_at), "updated_at": iso(c.updated_at), "last_message_at": iso(c.last_message_at),
        "last_message_preview": c.last_message_preview, "automated": c.automated,
        "hold_until": iso(c.hold_until) if c.hold_until else None, "hold_token": c.hold_token,
        "held_since": iso(c.held_since) if c.held_since else None,
        "contact_id": c.contact_id, "contact_name": c.contact_name,
        "external_conversation_id": c.external_conversation_id,
        "guest_text_digest": c.guest_text_digest, "guest_text_repeats": c.guest_text_repeats or None,
        "assignee_id": c.assignee.id if c.assignee else None, "assignee_name": c.assignee.name if c.assignee else None,
        "waiting_since": iso(c.waiting_since) if c.waiting_since else None,
        "attention_at": iso(c.attention_at) if c.attention_at else None,
        "missed_group": c.missed_group,
    }


def _conversation_actions(before: Conversation | None, after: Conversation) -> list:
    """Update actions from ``before`` (None: a new item) to ``after``: set what has a value, REMOVE what
    has none, and SET the read marks ``after`` changed.

    Index keys of the indexes the conversation leaves (a tab, an assignee's view, the waiting order) are
    removed, never set to null: DynamoDB rejects a null index key (moto does not), and a missing key is
    what keeps the index sparse.
    """
    values = {**_conversation_fields(after), **index_keys(after)}
    old: dict[str, Any] = {} if before is None else {**_conversation_fields(before), **index_keys(before)}
    if before is not None and before.degraded:
        # What is stored differs from what was read (placeholders): rewrite every field, and
        # remove every index key the conversation no longer has, whatever the item holds.
        old = {name: object() for name in (*values, *INDEX_KEY_ATTRIBUTES)}
    actions = []
    for name, value in values.items():
        attribute = getattr(ConversationItem, name)
        if value is not None and old.get(name) != value:
            actions.append(attribute.set(value))
        elif value is None and old.get(name) is not None:
            actions.append(attribute.remove())
    for name in sorted(old.keys() - values.keys()):
        actions.append(getattr(ConversationItem, name).remove())
    return [*actions, *read_mark_actions(before, after)]


def _message_item(m: Message, retention_days: int = RETENTION_DAYS_DEFAULT) -> MessageItem:
    return MessageItem(
        keys.conversation_pk(m.hotel_id, m.conversation_id), keys.message_sk(m.sent_at, m.id), message_id=m.id,
        conversation_id=m.conversation_id, hotel_id=m.hotel_id, direction=m.direction.value, sender=m.sender.value,
        text=m.text, sent_at=iso(m.sent_at), agent_id=m.agent_id, external_message_id=m.external_message_id,
        delivery=m.delivery.value if m.delivery else None, delivery_error=m.delivery_error,
        attachments=[_attachment_map(a) for a in m.attachments] or None,
        internal=True if m.internal else None, mentions=list(m.mentions) or None,
        redactions=list(m.redactions) or None, expires_at=expiry(m.sent_at, retention_days),
    )


def _attachment_map(a: Attachment) -> AttachmentAttribute:
    return AttachmentAttribute(id=a.id, name=a.name, content_type=a.content_type, size=a.size, key=a.key,
                               unavailable_reason=a.unavailable_reason, external_id=a.external_id)


def _activity_item(a: Activity, retention_days: int = RETENTION_DAYS_DEFAULT) -> ActivityItem:
    return ActivityItem(
        keys.conversation_pk(a.hotel_id, a.conversation_id), keys.activity_sk(a.at, a.id), activity_id=a.id,
        conversation_id=a.conversation_id, hotel_id=a.hotel_id, type=a.type,
        actor=ActorAttribute(type=a.actor.type.value, id=a.actor.id, name=a.actor.name),
        from_status=a.from_status.value if a.from_status else None, to_status=a.to_status.value, at=iso(a.at),
        reason=a.reason, details=a.details or None, expires_at=expiry(a.at, retention_days),
    )
