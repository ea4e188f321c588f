"""The hotel's bot settings as an admin changes them: the switch and the knowledge base, with an audit entry.

The entry says what changed, never the knowledge base itself: the switch and the default language
(``{"from", "to"}``) when they changed, the trusted domains when they changed, and the entries as counts
(``{"from": 12, "to": 13, "added": 1, "removed": 0, "changed": 2}``, entries matched by id).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from inbox.audit import BOT_UPDATED, TARGET_BOT, AuditEntry, AuditTarget, AuditUseCases, change
from inbox.bot import KnowledgeBase
from inbox.errors import NotFound
from inbox.model import Actor
from inbox.ports import ConversationStore, Hotel


def bot_change(before: Hotel, enabled: bool, knowledge: KnowledgeBase) -> dict[str, Any]:
    """The ``details`` of a ``bot_updated`` entry: what differs between the hotel's bot and the new settings."""
    details: dict[str, Any] = {}
    if before.bot_enabled != enabled:
        details["enabled"] = change(before.bot_enabled, enabled)
    old = before.knowledge
    if old.default_language != knowledge.default_language:
        details["default_language"] = change(old.default_language, knowledge.default_language)
    if tuple(old.trusted_domains) != tuple(knowledge.trusted_domains):
        details["trusted_domains"] = change(list(old.trusted_domains), list(knowledge.trusted_domains))
    was = {e.id: e for e in old.entries}
    now = {e.id: e for e in knowledge.entries}
    details["entries"] = {
        **change(len(old.entries), len(knowledge.entries)),
        "added": sum(1 for i in now if i not in was),
        "removed": sum(1 for i in was if i not in now),
        "changed": sum(1 for i, e in now.items() if i in was and was[i] != e),
    }
    return details


class BotSettingsUseCases(AuditUseCases):
    """Mixed into ``Inbox``: replace the hotel's bot settings (``PUT /v1/hotels/{h}/bot``, ``set-bot``)."""

    store: ConversationStore
    _hotels: dict[str, tuple[datetime, Hotel | None]]

    def update_bot(self, hotel_id: str, actor: Actor, enabled: bool, knowledge: KnowledgeBase, *,
                   before: Hotel | None = None) -> AuditEntry:
        """Switch the bot and replace its knowledge base (``NotFound`` for no such hotel, ``TooLarge`` when it
        cannot be stored: nothing written), then record who changed what. ``before``: the hotel as the caller
        just read it from the store (teaching a missed question does), so it is not read twice."""
        if before is None:  # not the cached copy: the entry compares with what is stored
            before = self.store.get_hotel(hotel_id)
        if before is None:
            raise NotFound(f"hotel {hotel_id} not found")
        self.store.set_bot(hotel_id, enabled, knowledge)
        self._hotels.pop(hotel_id, None)  # this process answers with the new settings at once
        return self.record_admin_action(hotel_id, actor, BOT_UPDATED, AuditTarget(TARGET_BOT, hotel_id),
                                        bot_change(before, enabled, knowledge))
