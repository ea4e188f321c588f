"""Pydantic models of the audit log's route (``GET /v1/hotels/{h}/audit``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from api.schemas import UtcTime, _Out
from inbox.audit import ACTIONS, AuditEntry


class AuditActorOut(_Out):
    """Who did it: an agent of the console (an admin), or an ``operator`` running ``python -m admin`` (by OS user
    name)."""

    type: Literal["guest", "bot", "agent", "partner", "system", "operator"]
    id: str | None
    name: str | None


class AuditTargetOut(_Out):
    """What it was done to: ``hotel``, ``bot`` (the hotel's id), ``reply``, ``agent`` (its sub), ``partner_key``
    (its key id, never the key) or ``contact`` (an opaque id)."""

    type: str
    id: str


class AuditEntryOut(_Out):
    id: str
    at: UtcTime
    actor: AuditActorOut
    action: str = Field(json_schema_extra={"enum": list(ACTIONS)}, description="What was done")
    target: AuditTargetOut
    details: dict[str, Any] = Field(description="The change: e.g. `{\"retention_days\": {\"from\": 730, \"to\": 365}}`;"
                                                " never a guest's personal data (an erasure gives counts only)")

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryOut:
        return cls(id=entry.id, at=entry.at,
                   actor=AuditActorOut(type=entry.actor.type.value, id=entry.actor.id, name=entry.actor.name),
                   action=entry.action, target=AuditTargetOut(type=entry.target.type, id=entry.target.id),
                   details=dict(entry.details))


class AuditPage(_Out):
    items: list[AuditEntryOut] = Field(description="Newest first")
    next_cursor: str | None
