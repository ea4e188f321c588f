"""The inbox's use cases of the team: assignment, notes and mentions, read marks, search, saved replies.

A mixin of ``Inbox`` (``inbox.service``). The hotel's agents come from the ``AgentDirectory`` port.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from inbox import search as find
from inbox.audit import REPLY_DELETED, REPLY_SAVED, TARGET_REPLY, AuditTarget, AuditUseCases
from inbox.errors import Conflict, InvalidInput, NotFound
from inbox.machine import assign, new_id, redacted
from inbox.mentions import mentioned
from inbox.model import (
    UNASSIGNED,
    Actor,
    Agent,
    AgentRef,
    Contact,
    Conversation,
    Direction,
    ListOrder,
    Message,
    SavedReply,
    Sender,
    Tab,
)
from inbox.ports import AgentDirectory, ConversationStore, Hotel, InboxCounts, Mention, Page
from inbox.redaction import kinds, redact_cards
from inbox.replies import MAX_REPLIES, MAX_TEXT, RenderedReply, check_reply, render
from inbox.reports import FigureChanges

MIN_REPLY_TARGET, MAX_REPLY_TARGET = 5, 7 * 24 * 60  # minutes: five minutes to a week
NOTE_ATTEMPTS = 3
FIND_LIMIT = 100  # entries read per lookup (one Query page)
BATCH_LIMIT = 100  # conversations read at once (one BatchGetItem)


class TeamUseCases(AuditUseCases):
    """What agents do together: who owns a conversation, notes to each other, finding a guest."""

    store: ConversationStore
    directory: AgentDirectory | None
    clock: Callable[[], datetime]
    hotel: Callable[[str], Hotel | None]
    retention_days: Callable[[str], int]
    figures: Callable[..., FigureChanges]
    contact_of: Callable[[Conversation], Contact | None]
    _hotels: dict[str, tuple[datetime, Hotel | None]]

    # --- the team -----------------------------------------------------------------------------

    def agents(self, hotel_id: str) -> list[Agent]:
        """The hotel's agents, as the directory lists them."""
        assert self.directory is not None, "an inbox that knows the team needs the agent directory"
        return self.directory.agents(hotel_id)

    def _agent(self, hotel_id: str, agent_id: str) -> Agent:
        for agent in self.agents(hotel_id):
            if agent.id == agent_id:
                return agent
        raise InvalidInput(f"agent {agent_id} does not work for this hotel")

    def inbox_counts(self, hotel_id: str, agent_id: str | None) -> InboxCounts:
        return self.store.inbox_counts(hotel_id, agent_id)

    def list_tab(self, hotel_id: str, tab: Tab, limit: int, cursor: str | None, *, assignee: str | None = None,
                 order: ListOrder = ListOrder.NEWEST) -> Page[Conversation]:
        """One page of a tab, everyone's or one assignee's (an agent id, or ``UNASSIGNED``)."""
        if order is ListOrder.WAITING and tab is not Tab.OPEN:
            raise InvalidInput("only the open tab can be sorted by waiting time")
        if assignee is not None and assignee != UNASSIGNED:
            self._agent(hotel_id, assignee)
        return self.store.list_tab(hotel_id, tab, limit, cursor, assignee=assignee, order=order)

    def assign(self, hotel_id: str, conversation_id: str, actor: Actor, agent_id: str | None) -> Conversation:
        """Give the conversation to an agent of the hotel (None: to nobody), with one activity entry.

        Lost to another writer: ``Conflict`` saying who holds it now (no retry: the caller decides).
        """
        agent = self._agent(hotel_id, agent_id).ref if agent_id is not None else None
        before = self.store.get_conversation(hotel_id, conversation_id)
        outcome = assign(before, actor, agent, self.clock())
        if not outcome.changed or outcome.activity is None:
            return before
        try:
            return self.store.commit(before, outcome.conversation, [outcome.activity],
                                     retention_days=self.retention_days(hotel_id),
                                     figures=self.figures(hotel_id, before, outcome.conversation, [outcome.activity]))
        except Conflict:
            current = self.store.get_conversation(hotel_id, conversation_id)
        holder = current.assignee
        raise Conflict(current.status.value,
                       f"{holder.name} has it now" if holder else "someone else changed it first: nobody has it now",
                       assignee=_ref(holder), assignee_known=True)

    # --- notes ------------------------------------------------------------------------------

    def add_note(self, hotel_id: str, conversation_id: str, actor: Actor, text: str,
                 mentions: Sequence[str] = ()) -> Message:
        """A note for the team in the timeline: never sent, no change of status; each mentioned agent
        (``mentions`` and ``@Name`` in the text) finds the conversation in their Mentions view."""
        if not text.strip() or len(text) > MAX_TEXT:
            raise InvalidInput(f"a note is 1 to {MAX_TEXT} characters")
        masked = redact_cards(text)  # card numbers masked before anything keeps the note (names have no digits)
        text = masked.text
        named = self._mentioned(hotel_id, text, mentions)
        for attempt in range(NOTE_ATTEMPTS):
            before = self.store.get_conversation(hotel_id, conversation_id)
            now = self.clock()
            note = Message(id=new_id("msg"), conversation_id=conversation_id, hotel_id=hotel_id,
                           direction=Direction.OUTBOUND, sender=Sender.AGENT, text=text, sent_at=now,
                           agent_id=actor.id, delivery=None, internal=True, mentions=tuple(named),
                           redactions=kinds(masked.count))
            read_at = {**before.read_at, actor.id: now} if actor.id else before.read_at
            # Unread for the others, read for its author; the list order and preview stay the guest's.
            after = before.evolve(attention_at=max(before.attention_at or now, now), read_at=read_at,
                                  updated_at=max(before.updated_at, now))
            try:
                entries = [redacted(after, note.id, masked.count, now)] if masked.count else []
                self.store.commit(before, after, entries, [note],
                                  mentions=[Mention(a, conversation_id, note.id, now) for a in named],
                                  retention_days=self.retention_days(hotel_id),
                                  figures=self.figures(hotel_id, before, after, entries, [note]))
            except Conflict:
                # A note depends on nothing the other writer changed: write it on the fresh state.
                if attempt == NOTE_ATTEMPTS - 1:
                    raise
                continue
            return note
        raise AssertionError("unreachable")

    def _mentioned(self, hotel_id: str, text: str, ids: Sequence[str]) -> list[str]:
        if not ids and "@" not in text:
            return []  # no directory call for a note that mentions nobody
        agents = self.agents(hotel_id)
        known = {a.id for a in agents}
        strangers = [i for i in ids if i not in known]
        if strangers:
            raise InvalidInput(f"not agents of this hotel: {', '.join(strangers)}")
        named = dict.fromkeys([*ids, *(a.id for a in mentioned(text, agents))])
        return list(named)

    def mentions(self, hotel_id: str, agent_id: str, limit: int, cursor: str | None) -> Page[Conversation]:
        return self.store.list_mentions(hotel_id, agent_id, limit, cursor)

    def mark_read(self, hotel_id: str, conversation_id: str, agent_id: str) -> None:
        self.store.mark_read(hotel_id, conversation_id, agent_id, self.clock())

    # --- search -----------------------------------------------------------------------------

    def search(self, hotel_id: str, q: str) -> list[Conversation]:
        """Conversations whose guest matches ``q`` (at most 25, newest first): one Query a lookup, one batch read."""
        plan = find.lookups(q)
        ids = find.matching_ids((lookup, self.store.find(hotel_id, lookup.prefix, FIND_LIMIT)) for lookup in plan)
        if not ids:
            return []
        found = self.store.get_conversations(hotel_id, ids[:BATCH_LIMIT])
        return sorted(found, key=lambda c: c.last_message_at, reverse=True)[:find.MAX_RESULTS]

    # --- saved replies ----------------------------------------------------------------------

    def replies(self, hotel_id: str) -> list[SavedReply]:
        return self.store.list_replies(hotel_id)

    def save_reply(self, reply: SavedReply, actor: Actor) -> SavedReply:
        """Create or replace a saved reply (``InvalidInput`` for a bad one, a full library, a taken shortcut);
        the audit log says who, the reply's title and shortcut, and which of them and its texts changed."""
        reply = check_reply(reply)
        library = self.store.list_replies(reply.hotel_id)
        previous = next((r for r in library if r.id == reply.id), None)
        others = [r for r in library if r.id != reply.id]
        if len(others) >= MAX_REPLIES:
            raise InvalidInput(f"a hotel keeps at most {MAX_REPLIES} saved replies")
        taken = next((r for r in others if r.shortcut == reply.shortcut), None)
        if taken is not None:  # "/" + the shortcut must find one reply
            raise InvalidInput(f"the shortcut {reply.shortcut} is taken by {taken.title!r}")
        self.store.put_reply(reply)
        details: dict[str, object] = {"title": reply.title, "shortcut": reply.shortcut,
                                      "languages": sorted(reply.texts)}
        if previous is None:
            details["created"] = True
        else:
            details["changed"] = [name for name in ("title", "shortcut", "texts")
                                  if getattr(previous, name) != getattr(reply, name)]
        self.record_admin_action(reply.hotel_id, actor, REPLY_SAVED, AuditTarget(TARGET_REPLY, reply.id), details)
        return reply

    def delete_reply(self, hotel_id: str, reply_id: str, actor: Actor) -> None:
        """Delete a saved reply (``NotFound`` when there is none); the audit log keeps its title."""
        reply = self.store.get_reply(hotel_id, reply_id)
        if reply is None or not self.store.delete_reply(hotel_id, reply_id):
            raise NotFound(f"saved reply {reply_id} not found")
        self.record_admin_action(hotel_id, actor, REPLY_DELETED, AuditTarget(TARGET_REPLY, reply_id),
                                 {"title": reply.title, "shortcut": reply.shortcut})

    def render_reply(self, hotel_id: str, conversation_id: str, reply_id: str, agent_name: str | None
                     ) -> RenderedReply:
        """The saved reply filled in for this conversation's guest, in their language."""
        conversation = self.store.get_conversation(hotel_id, conversation_id)
        reply = self.store.get_reply(hotel_id, reply_id)
        hotel = self.hotel(hotel_id)
        if reply is None or hotel is None:
            raise NotFound(f"saved reply {reply_id} not found")
        return render(reply, contact=self.contact_of(conversation), hotel=hotel, agent_name=agent_name,
                      now=self.clock())

    def set_reply_target(self, hotel_id: str, minutes: int | None) -> None:
        """The hotel's own reply target, in minutes (5 to 10080), or None for none (no audit entry: an admin's
        change goes through ``update_hotel_settings``)."""
        self.store.set_reply_target(hotel_id, check_reply_target(minutes))
        self._hotels.pop(hotel_id, None)  # this process shows the new clock at once


def check_reply_target(minutes: int | None) -> int | None:
    """``minutes`` if it is a reply target Lobby accepts (5 to 10080, or None for none), else ``InvalidInput``."""
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int)
                                or not MIN_REPLY_TARGET <= minutes <= MAX_REPLY_TARGET):
        raise InvalidInput(f"reply_target_minutes must be {MIN_REPLY_TARGET} to {MAX_REPLY_TARGET}, or null")
    return minutes


def _ref(agent: AgentRef | None) -> dict[str, str] | None:
    return {"id": agent.id, "name": agent.name} if agent else None
