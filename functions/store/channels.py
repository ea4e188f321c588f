"""The channels' part of the store: delivery claims on message items, and each hotel's channel health.

Each method is one conditional write or one read; a condition that does not hold is an answer
(someone else holds the claim, a later time is already noted), never an error.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError
from pynamodb.exceptions import UpdateError

from inbox.model import Delivery, Message, iso
from inbox.ports import ChannelHealthRecord
from store import keys, reading
from store.models import BLOCKED_DAY_PREFIX, ChannelHealthItem, ChannelRunItem, MessageItem
from store.table import Table, item_key

BLOCKED_DAYS_KEPT = 8  # today and the 7 days before it: enough for "blocked replies this week"
# Each write that counts a day (and each reconciliation, hourly) removes the counters of the days this
# far back; a day passes through this window for two weeks, so every old counter is met and removed.
_PRUNED_DAYS = range(BLOCKED_DAYS_KEPT, BLOCKED_DAYS_KEPT + 14)

_LAST_NOTIFICATION = ChannelHealthItem.last_notification_at.attr_name
_LAST_RECONCILED = ChannelHealthItem.last_reconciled_at.attr_name
_LAST_RUN = ChannelRunItem.last_run_at.attr_name


def _condition_failed(error: Exception) -> bool:
    if isinstance(error, UpdateError):
        return error.cause_response_code == "ConditionalCheckFailedException"
    return isinstance(error, ClientError) and error.response["Error"]["Code"] == "ConditionalCheckFailedException"


def _blocked_day(day: date) -> str:
    return f"{BLOCKED_DAY_PREFIX}{day.isoformat()}"


class Channels(Table):
    # --- delivery claims (on the message item) ------------------------------------------------

    def claim_delivery(self, message: Message, claim: str, until: datetime, now: datetime) -> bool:
        """Take the right to send ``message`` until ``until`` (one conditional UpdateItem): True only when
        it is still pending and nobody holds a claim that is unexpired at ``now``, so two copies send once."""
        condition = (MessageItem.pk.exists() & (MessageItem.delivery == Delivery.PENDING.value)
                     & (MessageItem.claim_until.does_not_exist() | (MessageItem.claim_until <= iso(now))))
        try:
            self._message(message).update(
                actions=[MessageItem.claim.set(claim), MessageItem.claim_until.set(iso(until))], condition=condition)
        except UpdateError as error:
            if _condition_failed(error):
                return False
            raise
        return True

    def release_delivery(self, message: Message, claim: str) -> None:
        """Give the claim back (one conditional UpdateItem); a claim someone else holds now is left alone."""
        try:
            self._message(message).update(actions=[MessageItem.claim.remove(), MessageItem.claim_until.remove()],
                                          condition=MessageItem.claim == claim)
        except UpdateError as error:
            if not _condition_failed(error):
                raise

    @staticmethod
    def _message(message: Message) -> MessageItem:
        return MessageItem(keys.conversation_pk(message.hotel_id, message.conversation_id),
                           keys.message_sk(message.sent_at, message.id))

    # --- channel health: one item per hotel and channel ------------------------------------------

    def note_notification(self, hotel_id: str, channel: str, at: datetime) -> None:
        """The channel reached Lobby at ``at``: kept only if later than what is noted (one UpdateItem)."""
        self._note(hotel_id, channel, "SET #n = :at, #h = :h, #c = :c",
                   "attribute_not_exists(#n) OR #n < :at", {"#n": _LAST_NOTIFICATION}, {":at": {"S": iso(at)}})

    def note_blocked_reply(self, hotel_id: str, channel: str, at: datetime) -> None:
        """Count a reply the channel refused, on its UTC day (one UpdateItem, which also drops old days)."""
        pruned, names = self._pruned_days(at)
        self._note(hotel_id, channel, f"SET #h = :h, #c = :c ADD #day :one REMOVE {pruned}", None,
                   {"#day": _blocked_day(at.astimezone(UTC).date()), **names}, {":one": {"N": "1"}})

    def note_reconciled(self, hotel_id: str, channel: str, at: datetime, undelivered: int,
                        error: str | None) -> None:
        """What a reconciliation found (one UpdateItem); an older reconciliation never overwrites a later one."""
        pruned, names = self._pruned_days(at)
        names = {**names, "#r": _LAST_RECONCILED, "#u": ChannelHealthItem.undelivered.attr_name,
                 "#e": ChannelHealthItem.last_error.attr_name}
        values: dict[str, Any] = {":at": {"S": iso(at)}, ":u": {"N": str(int(undelivered))}}
        if error:
            values[":e"] = {"S": error}
            update = f"SET #r = :at, #u = :u, #e = :e, #h = :h, #c = :c REMOVE {pruned}"
        else:
            update = f"SET #r = :at, #u = :u, #h = :h, #c = :c REMOVE #e, {pruned}"
        self._note(hotel_id, channel, update, "attribute_not_exists(#r) OR #r <= :at", names, values)

    def channel_health(self, hotel_id: str, channel: str) -> ChannelHealthRecord | None:
        """What is noted of the hotel's channel (one GetItem), or None when nothing is."""
        raw = self._get_raw(keys.hotel_pk(hotel_id), keys.channel_sk(channel))
        record: ChannelHealthRecord | None = self._read(reading.channel_health, raw) if raw else None
        return record

    # --- the channel's reconciliation runs: one item per channel ---------------------------------

    def note_run(self, channel: str, at: datetime) -> None:
        """A reconciliation run of the channel completed at ``at`` (one UpdateItem, kept only if later)."""
        try:
            self._client.update_item(
                TableName=self.table_name,
                Key=item_key(keys.channel_run_pk(channel), keys.CHANNEL_RUN_SK),
                UpdateExpression="SET #r = :at, #c = :c",
                ConditionExpression="attribute_not_exists(#r) OR #r < :at",
                ExpressionAttributeNames={"#r": _LAST_RUN, "#c": ChannelRunItem.channel.attr_name},
                ExpressionAttributeValues={":at": {"S": iso(at)}, ":c": {"S": channel}})
        except ClientError as error:
            if not _condition_failed(error):  # a later run is already noted: nothing to do
                raise

    def last_run(self, channel: str) -> datetime | None:
        """When the channel's last completed reconciliation run was (one GetItem), or None."""
        raw = self._get_raw(keys.channel_run_pk(channel), keys.CHANNEL_RUN_SK)
        at: datetime | None = self._read(reading.channel_run, raw) if raw else None
        return at

    def _note(self, hotel_id: str, channel: str, update: str, condition: str | None, names: dict[str, str],
              values: dict[str, Any]) -> None:
        params: dict[str, Any] = {
            "TableName": self.table_name,
            "Key": item_key(keys.hotel_pk(hotel_id), keys.channel_sk(channel)),
            "UpdateExpression": update,
            "ExpressionAttributeNames": {"#h": ChannelHealthItem.hotel_id.attr_name,
                                         "#c": ChannelHealthItem.channel.attr_name, **names},
            "ExpressionAttributeValues": {":h": {"S": hotel_id}, ":c": {"S": channel}, **values},
        }
        if condition:
            params["ConditionExpression"] = condition
        try:
            self._client.update_item(**params)
        except ClientError as error:
            if not _condition_failed(error):  # a later time is already noted: nothing to do
                raise

    @staticmethod
    def _pruned_days(at: datetime) -> tuple[str, dict[str, str]]:
        """The REMOVE list of the old days' counters, and its attribute names."""
        today = at.astimezone(UTC).date()
        names = {f"#old{n}": _blocked_day(today - timedelta(days=n)) for n in _PRUNED_DAYS}
        return ", ".join(names), names
