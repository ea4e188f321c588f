"""The audit log: every admin action on a hotel, as one entry (who, what, when, the target, the change).

Entries never hold a guest's personal data: an erasure names the contact by its opaque id and counts
what went. The actions are the strings below (``action`` of ``GET /v1/hotels/{h}/audit``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from inbox.machine import new_id
from inbox.model import Actor

# What an admin did (one place: the API, the admin command and the console read these).
HOTEL_UPDATED = "hotel_updated"  # settings: retention, reply target (details: {"field": {"from", "to"}})
BOT_UPDATED = "bot_updated"  # the bot's switch and knowledge base
REPLY_SAVED = "reply_saved"
REPLY_DELETED = "reply_deleted"
AGENT_CREATED = "agent_created"
AGENT_HOTELS_CHANGED = "agent_hotels_changed"
ROLE_CHANGED = "role_changed"
KEY_CREATED = "key_created"
KEY_REVOKED = "key_revoked"
KEY_ROTATED = "key_rotated"
EXPORTED = "exported"  # a guest's data was exported
ERASED = "erased"  # a guest's data was erased (details: counts only)
MISSED_DISMISSED = "missed_question_dismissed"  # a missed question left the list untaught (``inbox.missed``)
ACTIONS = (HOTEL_UPDATED, BOT_UPDATED, REPLY_SAVED, REPLY_DELETED, AGENT_CREATED, AGENT_HOTELS_CHANGED,
           ROLE_CHANGED, KEY_CREATED, KEY_REVOKED, KEY_ROTATED, EXPORTED, ERASED, MISSED_DISMISSED)


@dataclass(frozen=True)
class AuditTarget:
    """What an action was done to: ``type`` (``hotel``, ``bot``, ``reply``, ``agent``, ``partner_key``, ``contact``)
    and its id."""

    type: str
    id: str


# What an action was done to (``AuditTarget.type``): the bot's target id is its hotel's, an agent's its Cognito sub.
TARGET_HOTEL = "hotel"
TARGET_BOT = "bot"
TARGET_REPLY = "reply"
TARGET_AGENT = "agent"
TARGET_PARTNER_KEY = "partner_key"
TARGET_CONTACT = "contact"  # a guest, by the contact's opaque id (never a name or an email)
TARGET_MISSED_QUESTION = "missed_question"  # a group of missed questions, by its id (never the guest's words)


@dataclass(frozen=True)
class AuditEntry:
    id: str
    hotel_id: str
    at: datetime
    actor: Actor
    action: str
    target: AuditTarget
    details: Mapping[str, Any] = field(default_factory=dict)


class AuditLog(Protocol):
    """Where audit entries are kept (the store's ``HOTEL#<h>#AUDIT`` partition), newest first."""

    def record_audit(self, entry: AuditEntry) -> None: ...

    def list_audit(self, hotel_id: str, limit: int, cursor: str | None = None) -> Any:
        """One page (``inbox.ports.Page[AuditEntry]``), newest first, in one Query."""
        ...


def audit_entry(hotel_id: str, actor: Actor, action: str, target: AuditTarget, at: datetime,
                details: Mapping[str, Any] | None = None) -> AuditEntry:
    return AuditEntry(id=new_id("aud"), hotel_id=hotel_id, at=at, actor=actor, action=action, target=target,
                      details=dict(details or {}))


def change(before: Any, after: Any) -> dict[str, Any]:
    """The ``details`` of a setting that changed: ``{"from": ..., "to": ...}``."""
    return {"from": before, "to": after}


class AuditUseCases:
    """Mixed into ``Inbox``: record an admin action, read the log."""

    audit: AuditLog | None
    clock: Callable[[], datetime]

    def record_admin_action(self, hotel_id: str, actor: Actor, action: str, target: AuditTarget,
                            details: Mapping[str, Any] | None = None) -> AuditEntry:
        entry = audit_entry(hotel_id, actor, action, target, self.clock(), details)
        assert self.audit is not None, "an inbox that takes admin actions needs an audit log"
        self.audit.record_audit(entry)
        return entry

    def audit_log(self, hotel_id: str, limit: int, cursor: str | None) -> Any:
        assert self.audit is not None, "an inbox that shows the audit log needs one"
        return self.audit.list_audit(hotel_id, limit, cursor)
