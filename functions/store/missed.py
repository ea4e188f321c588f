"""Missed questions in the single table (``inbox.missed``): one item per group, pk ``HOTEL#<h>``, sk
``MISSED#<group id>`` (``store.keys``), listed through the sparse ``missed-recent`` index (``store.schema``).

A question is counted in the guest message's own TransactWriteItems (``question_actions``: its newest wording,
language, conversation and time SET, ``count`` ADDed, the index keys SET), so a message delivered twice, whose
guard cancels the second transaction, counts once; an agent's first reply sets the answer in the reply's
transaction (``answer_actions``). Neither has a condition: a group item gone (its TTL) is simply written again,
never a reason to refuse a guest's message or an agent's reply. The item expires the hotel's retention after the
last question (or answer) written to it.

Floors: the list is one Query on ``missed-recent`` (last asked first), a group one GetItem, teaching and dismissing
one UpdateItem each (REMOVE of the index keys: the item leaves the list). A group that cannot be read is reported
and skipped (a list) or not found (a read), never fatal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError
from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from inbox.errors import InvalidInput, NotFound
from inbox.missed import MissedAnswer, MissedGroup, MissedQuestion
from inbox.model import iso
from inbox.ports import Page
from inbox.retention import RETENTION_DAYS_DEFAULT, expiry
from store import keys, reading
from store.models import MissedGroupItem
from store.schema import MISSED_RECENT, PARTITION_KEY, SORT_KEY
from store.table import Table, decode_cursor, encode_cursor, item_key

_CURSOR_NAMES = (PARTITION_KEY, SORT_KEY, MISSED_RECENT.partition_key, MISSED_RECENT.sort_key)
_ANSWER = (MissedGroupItem.answer_text, MissedGroupItem.answer_agent, MissedGroupItem.answer_at,
           MissedGroupItem.answer_conversation_id)
_LISTED = (MissedGroupItem.missed_pk, MissedGroupItem.missed_sk)


def group_item(hotel_id: str, group_id: str) -> MissedGroupItem:
    return MissedGroupItem(keys.hotel_pk(hotel_id), keys.missed_sk(group_id))


def question_actions(hotel_id: str, q: MissedQuestion, retention_days: int = RETENTION_DAYS_DEFAULT
                     ) -> list[Action]:
    """Count ``q`` in its group: the newest wording and its conversation, the time, +1, back in the list."""
    return [MissedGroupItem.hotel_id.set(hotel_id), MissedGroupItem.group_id.set(q.group_id),
            MissedGroupItem.language.set(q.language), MissedGroupItem.question.set(q.question),
            MissedGroupItem.last_asked_at.set(iso(q.at)), MissedGroupItem.conversation_id.set(q.conversation_id),
            MissedGroupItem.asked.add(1), MissedGroupItem.missed_pk.set(hotel_id),
            MissedGroupItem.missed_sk.set(keys.missed_recent_sk(q.at, q.group_id)),
            MissedGroupItem.dismissed_at.remove(), MissedGroupItem.expires_at.set(expiry(q.at, retention_days))]


def answer_actions(hotel_id: str, a: MissedAnswer, retention_days: int = RETENTION_DAYS_DEFAULT) -> list[Action]:
    """The agent's reply as the group's answer."""
    return [MissedGroupItem.hotel_id.set(hotel_id), MissedGroupItem.group_id.set(a.group_id),
            MissedGroupItem.answer_text.set(a.text), MissedGroupItem.answer_agent.set(a.agent),
            MissedGroupItem.answer_at.set(iso(a.at)), MissedGroupItem.answer_conversation_id.set(a.conversation_id),
            MissedGroupItem.expires_at.set(expiry(a.at, retention_days))]


def missed_group(raw: dict[str, Any]) -> tuple[MissedGroup, list[str]]:
    """A group as stored; an answer that cannot be read is left out (and reported)."""
    f, problems = reading.fields(MissedGroupItem, raw)
    count = f.asked
    if not f.group_id or not f.language or not isinstance(count, (int, float)) or count != int(count) or count < 1:
        raise reading.UnreadableItem("; ".join([*problems, "group_id, language or count missing or wrong"]))
    last_asked_at = reading.stored_time(f.last_asked_at)
    answer = None
    if f.answer_text:
        try:
            answer = MissedAnswer(f.group_id, f.answer_text, f.answer_agent or "", reading.stored_time(f.answer_at),
                                  f.answer_conversation_id or "")
        except ValueError as error:
            problems.append(f"answer_at: {error}")
    return MissedGroup(id=f.group_id, language=f.language, question=f.question or "", count=int(count),
                       last_asked_at=last_asked_at, conversation_id=f.conversation_id, answer=answer,
                       taught_entry_id=f.taught_entry_id, listed=bool(f.missed_pk)), problems


class MissedQuestions(Table):
    def list_missed(self, hotel_id: str, limit: int, cursor: str | None = None) -> Page[MissedGroup]:
        """One page of the list, last asked first: one Query on ``missed-recent``; an unreadable group is skipped."""
        start = decode_cursor(cursor, set(_CURSOR_NAMES))
        if start is not None and (start[MISSED_RECENT.partition_key]["S"] != hotel_id
                                  or start[PARTITION_KEY]["S"] != keys.hotel_pk(hotel_id)):
            raise InvalidInput("invalid cursor")
        found = self._query(limit + 1, start, IndexName=MISSED_RECENT.name, KeyConditionExpression="#p = :p",
                            ExpressionAttributeNames={"#p": MISSED_RECENT.partition_key},
                            ExpressionAttributeValues={":p": {"S": hotel_id}})
        page, more = found[:limit], len(found) > limit
        groups = [g for g in (self._read(missed_group, raw) for raw in page) if g is not None]
        return Page(groups, encode_cursor(page[-1], _CURSOR_NAMES) if more else None)

    def get_missed(self, hotel_id: str, group_id: str) -> MissedGroup | None:
        """The group (one consistent GetItem), or None."""
        raw = self._get_raw(keys.hotel_pk(hotel_id), keys.missed_sk(group_id), consistent=True)
        group: MissedGroup | None = self._read(missed_group, raw) if raw else None
        return group

    def mark_missed_taught(self, hotel_id: str, group_id: str, entry_id: str, at: datetime) -> None:
        self._leave_list(hotel_id, group_id, [MissedGroupItem.taught_entry_id.set(entry_id),
                                              MissedGroupItem.taught_at.set(iso(at)),
                                              MissedGroupItem.dismissed_at.remove()])

    def dismiss_missed(self, hotel_id: str, group_id: str, at: datetime) -> None:
        self._leave_list(hotel_id, group_id, [MissedGroupItem.dismissed_at.set(iso(at))])

    def _leave_list(self, hotel_id: str, group_id: str, actions: list[Action]) -> None:
        """One UpdateItem: ``actions`` and the index keys REMOVEd (never set to null); ``NotFound`` for no group."""
        try:
            group_item(hotel_id, group_id).update(actions=[*actions, *(a.remove() for a in _LISTED)],
                                                  condition=MissedGroupItem.pk.exists())
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise NotFound(f"missed question {group_id} not found") from None
            raise

    def forget_missed(self, hotel_id: str, conversation_id: str, group_ids: Sequence[str]) -> None:
        """Take an erased conversation's words out of its groups: the newest wording (and the group off the list
        until asked again) where it came from that conversation, the answer where it did; one conditional
        UpdateItem each, a group that holds another conversation's words (or none) left as it is."""
        wording = (MissedGroupItem.question, MissedGroupItem.conversation_id, *_LISTED)
        for group_id in group_ids:
            for owner, removed in ((MissedGroupItem.conversation_id, wording),
                                   (MissedGroupItem.answer_conversation_id, _ANSWER)):
                placeholders = {name: f"#a{n}" for n, name in
                                enumerate(dict.fromkeys([owner.attr_name, *(a.attr_name for a in removed)]))}
                try:
                    self._client.update_item(
                        TableName=self.table_name, Key=item_key(keys.hotel_pk(hotel_id), keys.missed_sk(group_id)),
                        UpdateExpression="REMOVE " + ", ".join(placeholders[a.attr_name] for a in removed),
                        ConditionExpression=f"{placeholders[owner.attr_name]} = :c",
                        ExpressionAttributeNames={p: name for name, p in placeholders.items()},
                        ExpressionAttributeValues={":c": {"S": conversation_id}})
                except ClientError as error:
                    if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                        raise
