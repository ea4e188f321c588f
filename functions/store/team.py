"""The team's part of the store (issue 12): tabs filtered by assignee or sorted by waiting time, the counts
of everyone, mine and nobody's, read marks, mentions, search entries, saved replies, the reply target.

Floors it keeps (tests count them): a page is one Query on one index, the counts one Query of the counter
shards, a read mark one UpdateItem, a search lookup one Query, the conversations found one BatchGetItem,
the Mentions view one Query and one BatchGetItem.

Indexes (``store.schema``), each left by REMOVING its key attributes:

- ``tab-<tab>``: the hotel, newest last message first (everyone's page of a tab);
- ``team-all``: "<hotel>#<assignee or ->", every status but spam, newest first;
- ``team-tab``: "<hotel>#<assignee or ->#<tab>", open/on_hold/closed, newest first;
- ``open-waiting``: the hotel, open only, the guest waiting longest first (ascending);
- ``team-waiting``: "<hotel>#<assignee or ->", open only, waiting order.

Counters: each shard holds ``<tab>`` and ``<tab>@<agent id>``; nobody's = everyone's - the sum of the
assigned ones, so conversations written before assignment existed count as unassigned with no migration.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError
from pynamodb.exceptions import UpdateError
from pynamodb.expressions.operand import Path
from pynamodb.expressions.update import Action

from inbox.errors import InvalidInput, NotFound
from inbox.model import UNASSIGNED, Conversation, ListOrder, SavedReply, Status, Tab, iso
from inbox.ports import InboxCounts, Mention, Page, SearchEntry, TeamCounts
from inbox.retention import RETENTION_DAYS_DEFAULT, expiry
from store import keys, reading
from store.models import HotelItem, MentionItem, SavedReplyItem, SearchEntryItem
from store.schema import OPEN_WAITING, PARTITION_KEY, SORT_KEY, TAB_INDEXES, TEAM_ALL, TEAM_TAB, TEAM_WAITING
from store.table import BATCH_GET_MAX_KEYS, Table, decode_cursor, encode_cursor, item_key

MENTIONS_READ_FACTOR = 4  # mention items read for a page of N conversations (one conversation may have several)
MENTIONS_READ_MAX = 400
MENTIONS_SEEN_MAX = 200  # conversations a Mentions cursor remembers as shown
_SEEN = "seen"
REPLIES_READ_MAX = 1000  # far above the 200 a hotel may keep: one Query page


# --- what a conversation item holds for the indexes and counters -------------------------------------


def index_keys(c: Conversation) -> dict[str, str]:
    """Every index key attribute the conversation has now (the others must be absent from its item)."""
    newest = keys.tab_sort_key(c.last_message_at, c.id)
    assignee = c.assignee.id if c.assignee else None
    out: dict[str, str] = {}
    for tab in c.tabs:
        spec = TAB_INDEXES[tab.value]
        out[spec.partition_key], out[spec.sort_key] = c.hotel_id, newest
    if c.status is not Status.SPAM:
        out[TEAM_ALL.partition_key] = keys.team_all_pk(c.hotel_id, assignee)  # its sort key is all_sk, above
    if c.status in (Status.OPEN, Status.ON_HOLD, Status.CLOSED):
        out[TEAM_TAB.partition_key] = keys.team_tab_pk(c.hotel_id, assignee, c.status.value)
        out[TEAM_TAB.sort_key] = newest
    if c.status is Status.OPEN:
        out[OPEN_WAITING.partition_key] = c.hotel_id
        out[TEAM_WAITING.partition_key] = keys.team_waiting_pk(c.hotel_id, assignee)
        out[OPEN_WAITING.sort_key] = keys.waiting_sort_key(c.waiting_since, c.last_message_at, c.id)
    return out


def counter_deltas(before: Conversation | None, after: Conversation) -> dict[str, int]:
    """What a change adds to the counter attributes: ``<tab>`` and ``<tab>@<assignee>`` (non-zero only)."""
    delta: Counter[str] = Counter()
    for conversation, sign in ((before, -1), (after, 1)):
        if conversation is None:
            continue
        for tab in conversation.tabs:
            delta[keys.counter_attribute(tab.value)] += sign
            if conversation.assignee is not None:
                delta[keys.counter_attribute(tab.value, conversation.assignee.id)] += sign
    return {name: d for name, d in sorted(delta.items()) if d}


def counter_actions(deltas: dict[str, int]) -> list[Action]:
    return [Path([name]).add({"N": str(d)}) for name, d in deltas.items()]


def read_mark_actions(before: Conversation | None, after: Conversation) -> list[Action]:
    """SET the read marks ``after`` changed (a mark never goes away)."""
    old = before.read_at if before is not None else {}
    return [Path([keys.read_attribute(agent)]).set({"S": iso(at)})
            for agent, at in sorted(after.read_at.items()) if old.get(agent) != at and agent]


def search_entry_items(hotel_id: str, entries: Iterable[SearchEntry]) -> list[SearchEntryItem]:
    """One item per distinct (term, kind, conversation): a transaction cannot touch one item twice."""
    items: dict[str, SearchEntryItem] = {}
    for e in entries:
        sk = keys.find_sk(e.term, e.kind, e.conversation_id)
        if e.term and keys.FIND_SEPARATOR not in e.term:
            items[sk] = SearchEntryItem(keys.find_pk(hotel_id), sk, label=e.label or None)
    return list(items.values())


def mention_items(hotel_id: str, mentions: Iterable[Mention], retention_days: int = RETENTION_DAYS_DEFAULT
                  ) -> list[MentionItem]:
    """One item per mention, expiring ``retention_days`` after it (``inbox.retention``)."""
    items: dict[tuple[str, str], MentionItem] = {}
    for m in mentions:
        pk, sk = keys.mentions_pk(hotel_id, m.agent_id), keys.mention_sk(m.at, m.conversation_id, m.message_id)
        items[(pk, sk)] = MentionItem(pk, sk, conversation_id=m.conversation_id, message_id=m.message_id,
                                      at=iso(m.at), expires_at=expiry(m.at, retention_days))
    return list(items.values())


class Team(Table):
    # --- pages and counts ----------------------------------------------------------------------

    def list_tab(self, hotel_id: str, tab: Tab, limit: int, cursor: str | None = None, *,
                 assignee: str | None = None, order: ListOrder = ListOrder.NEWEST) -> Page[Conversation]:
        """One page of a tab, everyone's or ``assignee``'s (an agent id, or ``UNASSIGNED``), in one Query
        on the index that holds exactly it; spam is never assigned, so an agent's spam is empty (no request)."""
        tab, order = Tab(tab), ListOrder(order)
        if order is ListOrder.WAITING and tab is not Tab.OPEN:
            raise InvalidInput("only the open tab can be sorted by waiting time")
        who = None if assignee in (None, UNASSIGNED) else assignee
        if assignee is not None and tab is Tab.SPAM and who is not None:
            decode_cursor(cursor, {PARTITION_KEY, SORT_KEY, TAB_INDEXES["spam"].partition_key,
                                   TAB_INDEXES["spam"].sort_key})  # a bad cursor is still refused
            return Page([], None)
        if order is ListOrder.WAITING:
            index = (OPEN_WAITING.name, OPEN_WAITING.partition_key, OPEN_WAITING.sort_key, hotel_id) if assignee is None \
                else (TEAM_WAITING.name, TEAM_WAITING.partition_key, TEAM_WAITING.sort_key,
                      keys.team_waiting_pk(hotel_id, who))
        elif assignee is None or tab is Tab.SPAM:
            spec = TAB_INDEXES[tab.value]
            index = (spec.name, spec.partition_key, spec.sort_key, hotel_id)
        elif tab is Tab.ALL:
            index = (TEAM_ALL.name, TEAM_ALL.partition_key, TEAM_ALL.sort_key, keys.team_all_pk(hotel_id, who))
        else:
            index = (TEAM_TAB.name, TEAM_TAB.partition_key, TEAM_TAB.sort_key,
                     keys.team_tab_pk(hotel_id, who, tab.value))
        return self._index_page(hotel_id, *index, limit, cursor, forward=order is ListOrder.WAITING)

    def _index_page(self, hotel_id: str, name: str, partition_key: str, sort_key: str, partition: str,
                    limit: int, cursor: str | None, *, forward: bool) -> Page[Conversation]:
        names = (PARTITION_KEY, SORT_KEY, partition_key, sort_key)
        start = decode_cursor(cursor, set(names))
        if start is not None and (start[partition_key]["S"] != partition
                                  or not start[PARTITION_KEY]["S"].startswith(keys.conversation_pk(hotel_id, ""))):
            raise InvalidInput("invalid cursor")
        items = self._query(limit + 1, start, forward=forward, IndexName=name, KeyConditionExpression="#p = :p",
                            ExpressionAttributeNames={"#p": partition_key},
                            ExpressionAttributeValues={":p": {"S": partition}})
        page, more = items[:limit], len(items) > limit
        # The cursor is the last item's key, read or not, so a bad item never stops the paging.
        next_cursor = encode_cursor(page[-1], names) if more else None
        conversations = [self._read(reading.conversation, raw) for raw in page]
        return Page([c for c in conversations if c is not None], next_cursor)

    def tab_counts(self, hotel_id: str) -> dict[Tab, int]:
        return self.inbox_counts(hotel_id, None).tabs

    def inbox_counts(self, hotel_id: str, agent_id: str | None) -> InboxCounts:
        """Everyone's, ``agent_id``'s and nobody's counts, from one Query of the hotel's counter shards."""
        team = self.team_counts(hotel_id)
        return InboxCounts(team.tabs, team.mine(agent_id) if agent_id else dict.fromkeys(Tab, 0), team.unassigned)

    def team_counts(self, hotel_id: str) -> TeamCounts:
        """Everyone's, each assignee's and nobody's counts at once (the consoles' real time), from one Query
        of the hotel's counter shards."""
        tabs: dict[Tab, int] = dict.fromkeys(Tab, 0)
        by_agent: dict[str, dict[Tab, int]] = {}
        by_name = {t.value: t for t in Tab}
        shards = self._query(None, None, KeyConditionExpression="#p = :p AND begins_with(#s, :c)",
                             ExpressionAttributeNames={"#p": PARTITION_KEY, "#s": SORT_KEY},
                             ExpressionAttributeValues={":p": {"S": keys.hotel_pk(hotel_id)},
                                                        ":c": {"S": keys.COUNTER_PREFIX}})
        for raw in shards:
            for name, stored in raw.items():
                tab_name, _, agent = name.partition("@")
                tab = by_name.get(tab_name)
                if tab is None:
                    continue
                try:
                    n = int(stored["N"])
                except (KeyError, TypeError, ValueError) as error:
                    self.on_unreadable(reading.item_key(raw), reading.UnreadableItem(f"{name}: {error!r}"))
                    continue
                if not agent:
                    tabs[tab] += n
                else:
                    mine = by_agent.setdefault(agent, dict.fromkeys(Tab, 0))
                    mine[tab] += n
        unassigned = {tab: max(tabs[tab] - sum(m[tab] for m in by_agent.values()), 0) for tab in Tab}
        return TeamCounts(tabs, unassigned, by_agent)

    # --- conversations by id, read marks, mentions ---------------------------------------------------

    def get_conversations(self, hotel_id: str, conversation_ids: Sequence[str]) -> list[Conversation]:
        """These conversations of the hotel (one BatchGetItem, its unprocessed keys sent again: ``Table._batch_get``), in the order
        asked; absent or unreadable ones (reported) are left out."""
        wanted = list(dict.fromkeys(conversation_ids))
        if not wanted:
            return []
        if len(wanted) > BATCH_GET_MAX_KEYS:
            raise InvalidInput(f"at most {BATCH_GET_MAX_KEYS} conversations at once")
        pks = [keys.conversation_pk(hotel_id, c) for c in wanted]
        found: dict[str, Conversation] = {}
        for raw in self._batch_get([item_key(pk, keys.CONVERSATION_SK) for pk in pks]):
            conversation: Conversation | None = self._read(reading.conversation, raw)
            if conversation is not None:
                found[raw[PARTITION_KEY]["S"]] = conversation
        return [found[pk] for pk in pks if pk in found]

    def mark_read(self, hotel_id: str, conversation_id: str, agent_id: str, at: datetime) -> None:
        """The agent opened it at ``at``: one UpdateItem of ``read@<agent>``, kept only if later (no version
        bump: a read mark never conflicts with a change); ``NotFound`` when there is no such conversation."""
        try:
            self._client.update_item(
                TableName=self.table_name,
                Key=item_key(keys.conversation_pk(hotel_id, conversation_id), keys.CONVERSATION_SK),
                UpdateExpression="SET #r = :at",
                ConditionExpression="attribute_exists(#pk) AND (attribute_not_exists(#r) OR #r < :at)",
                ExpressionAttributeNames={"#r": keys.read_attribute(agent_id), "#pk": PARTITION_KEY},
                ExpressionAttributeValues={":at": {"S": iso(at)}},
                ReturnValuesOnConditionCheckFailure="ALL_OLD")
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            if not error.response.get("Item"):  # nothing there: no such conversation
                raise NotFound(f"conversation {conversation_id} not found") from None
            # a later mark is already there: nothing to do

    def list_mentions(self, hotel_id: str, agent_id: str, limit: int, cursor: str | None = None
                      ) -> Page[Conversation]:
        """Conversations where the agent was mentioned, newest mention first, each once on a page: one Query
        of the agent's mention items and one BatchGetItem of their conversations."""
        pk = keys.mentions_pk(hotel_id, agent_id)
        start = decode_cursor(cursor, {PARTITION_KEY, SORT_KEY, _SEEN})
        if start is not None and start[PARTITION_KEY]["S"] != pk:
            raise InvalidInput("invalid cursor")
        # The cursor also names the conversations shown on earlier pages (the latest ones), so an older
        # mention of one of them does not show it again.
        seen = [i for i in start.pop(_SEEN)["S"].split(keys.FIND_SEPARATOR) if i] if start is not None else []
        limit = max(1, min(limit, BATCH_GET_MAX_KEYS))
        items, last = self._query_page(min(limit * MENTIONS_READ_FACTOR, MENTIONS_READ_MAX), start,
                                       KeyConditionExpression="#p = :p",
                                       ExpressionAttributeNames={"#p": PARTITION_KEY},
                                       ExpressionAttributeValues={":p": {"S": pk}})
        ids: list[str] = []
        consumed: dict[str, Any] | None = None
        next_key: dict[str, Any] | None = last
        for raw in items:
            conversation_id = self._read(reading.mention_conversation, raw)
            if conversation_id is not None and conversation_id not in ids and conversation_id not in seen:
                if len(ids) == limit:  # the next page starts here
                    next_key = consumed
                    break
                ids.append(conversation_id)
            consumed = {PARTITION_KEY: raw[PARTITION_KEY], SORT_KEY: raw[SORT_KEY]}
        next_cursor = None
        if next_key:
            shown = [*seen, *ids][-MENTIONS_SEEN_MAX:]
            next_cursor = encode_cursor({**next_key, _SEEN: {"S": keys.FIND_SEPARATOR.join(shown)}},
                                        (PARTITION_KEY, SORT_KEY, _SEEN))
        return Page(self.get_conversations(hotel_id, ids), next_cursor)

    # --- search entries ------------------------------------------------------------------------------

    def find(self, hotel_id: str, prefix: str, limit: int) -> list[SearchEntry]:
        """Search entries whose term starts with ``prefix``, by term (one Query of the hotel's FIND partition)."""
        if not prefix or keys.FIND_SEPARATOR in prefix:
            return []
        items = self._query(max(1, limit), None, forward=True,
                            KeyConditionExpression="#p = :p AND begins_with(#s, :prefix)",
                            ExpressionAttributeNames={"#p": PARTITION_KEY, "#s": SORT_KEY},
                            ExpressionAttributeValues={":p": {"S": keys.find_pk(hotel_id)}, ":prefix": {"S": prefix}})
        entries = [self._read(reading.search_entry, raw) for raw in items]
        return [e for e in entries if e is not None]

    # --- saved replies -------------------------------------------------------------------------------

    def list_replies(self, hotel_id: str) -> list[SavedReply]:
        """The hotel's saved replies, by title (one Query); unreadable ones are left out (and reported)."""
        items = self._query(REPLIES_READ_MAX, None, forward=True,
                            KeyConditionExpression="#p = :p AND begins_with(#s, :r)",
                            ExpressionAttributeNames={"#p": PARTITION_KEY, "#s": SORT_KEY},
                            ExpressionAttributeValues={":p": {"S": keys.hotel_pk(hotel_id)},
                                                       ":r": {"S": keys.REPLY_PREFIX}})
        replies = [r for r in (self._read(reading.saved_reply, raw) for raw in items) if r is not None]
        return sorted(replies, key=lambda r: (r.title.casefold(), r.title, r.id))

    def get_reply(self, hotel_id: str, reply_id: str) -> SavedReply | None:
        raw = self._get_raw(keys.hotel_pk(hotel_id), keys.reply_sk(reply_id))
        reply: SavedReply | None = self._read(reading.saved_reply, raw) if raw else None
        return reply

    def put_reply(self, reply: SavedReply) -> None:
        """Create or replace it (one PutItem)."""
        SavedReplyItem(keys.hotel_pk(reply.hotel_id), keys.reply_sk(reply.id), reply_id=reply.id,
                       hotel_id=reply.hotel_id, title=reply.title, shortcut=reply.shortcut,
                       texts=dict(reply.texts)).save()

    def delete_reply(self, hotel_id: str, reply_id: str) -> bool:
        """Delete it (one DeleteItem); False when there was none."""
        response = self._client.delete_item(
            TableName=self.table_name,
            Key=item_key(keys.hotel_pk(hotel_id), keys.reply_sk(reply_id)),
            ReturnValues="ALL_OLD")
        return bool(response.get("Attributes"))

    def set_reply_target(self, hotel_id: str, minutes: int | None) -> None:
        """The hotel's own reply target (one UpdateItem; None removes it); ``NotFound`` for no such hotel."""
        action = (HotelItem.reply_target_minutes.set(minutes) if minutes is not None
                  else HotelItem.reply_target_minutes.remove())
        try:
            HotelItem(keys.hotel_pk(hotel_id), keys.HOTEL_SK).update(actions=[action], condition=HotelItem.pk.exists())
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise NotFound(f"hotel {hotel_id} not found") from None
            raise
