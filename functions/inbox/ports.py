"""What the inbox needs from the outside world, as protocols the adapters implement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from inbox.bot import KnowledgeBase
from inbox.model import Activity, Contact, Conversation, Delivery, Message, Tab

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a newest-first list, with the opaque cursor of the next page (or None)."""

    items: list[T]
    next_cursor: str | None


@dataclass(frozen=True)
class Hotel:
    id: str
    name: str
    timezone: str = "UTC"
    bot_enabled: bool = True
    expedia_property_id: str | None = None
    knowledge: KnowledgeBase = KnowledgeBase()

    @property
    def bot(self) -> KnowledgeBase:
        """The hotel's knowledge base with its on/off switch."""
        return replace(self.knowledge, enabled=self.bot_enabled)


@dataclass(frozen=True)
class Guard:
    """A taken guard key, and what it points to (the message it marked as handled)."""

    conversation_id: str | None = None
    message_id: str | None = None
    message_sent_at: datetime | None = None


@dataclass(frozen=True)
class PartnerKey:
    """What a partner's API key grants: the partner and its hotels."""

    partner_id: str
    name: str
    hotel_ids: frozenset[str]


class ConversationStore(Protocol):
    """Where conversations, their messages and activity live."""

    def get_hotel(self, hotel_id: str) -> Hotel | None: ...

    def set_bot(self, hotel_id: str, enabled: bool, knowledge: KnowledgeBase) -> None: ...

    def get_conversation(self, hotel_id: str, conversation_id: str) -> Conversation: ...

    def find_conversation(self, hotel_id: str, conversation_id: str, guards: Sequence[str] = ()
                          ) -> tuple[Conversation | None, dict[str, Guard]]: ...

    def get_contact(self, hotel_id: str, contact_id: str) -> Contact | None: ...

    def list_tab(self, hotel_id: str, tab: Tab, limit: int, cursor: str | None = None) -> Page[Conversation]: ...

    def tab_counts(self, hotel_id: str) -> dict[Tab, int]: ...

    def list_messages(self, hotel_id: str, conversation_id: str, limit: int, cursor: str | None = None) -> Page[Message]: ...

    def list_activity(self, hotel_id: str, conversation_id: str, limit: int, cursor: str | None = None) -> Page[Activity]: ...

    def update_delivery(self, message: Message, delivery: Delivery, *, external_message_id: str | None = None,
                        error: str | None = None) -> None: ...

    def commit(
        self, before: Conversation | None, after: Conversation,
        activities: Sequence[Activity] = (), messages: Sequence[Message] = (), *,
        guards: Sequence[str] = (), contact: Contact | None = None,
    ) -> Conversation: ...


class WakeUpScheduler(Protocol):
    """Wakes a held conversation at the end of its hold: one schedule per hold, named after
    its token, so that concurrent holds of one conversation never replace each other's."""

    def schedule(self, hotel_id: str, conversation_id: str, until: datetime, hold_token: str) -> None:
        """Create the hold's wake-up; doing it again for the same hold is fine."""
        ...

    def cancel(self, hotel_id: str, conversation_id: str, hold_token: str) -> None:
        """Delete the hold's wake-up, and only that one; one already gone is fine."""
        ...
