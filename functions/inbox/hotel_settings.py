"""An admin changes the hotel's settings: its retention (``inbox.retention``) and its reply target.

Each change is checked before anything is written (``InvalidInput``: the API's 422), written, and told in one
audit entry ``hotel_updated`` whose details name each field that changed, ``{"from", "to"}``. A setting set to
what it already is changes nothing and records nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from inbox.audit import HOTEL_UPDATED, TARGET_HOTEL, AuditEntry, AuditTarget, change
from inbox.errors import InvalidInput, NotFound
from inbox.model import Actor
from inbox.ports import ConversationStore, Hotel
from inbox.retention import check_retention_days
from inbox.team import check_reply_target


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()  # a setting left out of the change


class HotelSettingsUseCases:
    """Mixed into ``Inbox``."""

    store: ConversationStore
    clock: Callable[[], datetime]
    _hotels: dict[str, tuple[datetime, Hotel | None]]
    record_admin_action: Callable[..., AuditEntry]

    def update_hotel_settings(self, hotel_id: str, actor: Actor, *, retention_days: Any = UNCHANGED,
                              reply_target_minutes: Any = UNCHANGED) -> Hotel:
        """Change what is given (``retention_days`` 30 to 3,650; ``reply_target_minutes`` 5 to 10,080 or None),
        then the hotel as stored. ``InvalidInput`` (nothing written) for a value out of range, ``NotFound``
        for no such hotel. Items already written keep their expiry; what is written next expires by the new
        retention."""
        if retention_days is not UNCHANGED:
            try:
                check_retention_days(retention_days)
            except ValueError as error:
                raise InvalidInput(str(error)) from None
        if reply_target_minutes is not UNCHANGED:
            check_reply_target(reply_target_minutes)
        hotel = self.store.get_hotel(hotel_id)
        if hotel is None:
            raise NotFound(f"hotel {hotel_id} not found")
        changes: dict[str, Mapping[str, Any]] = {}
        if retention_days is not UNCHANGED and retention_days != hotel.retention_days:
            self.store.set_retention_days(hotel_id, retention_days)
            changes["retention_days"] = change(hotel.retention_days, retention_days)
        if reply_target_minutes is not UNCHANGED and reply_target_minutes != hotel.reply_target_minutes:
            self.store.set_reply_target(hotel_id, reply_target_minutes)
            changes["reply_target_minutes"] = change(hotel.reply_target_minutes, reply_target_minutes)
        if not changes:
            return hotel
        self._hotels.pop(hotel_id, None)  # this process uses the new settings at once
        self.record_admin_action(hotel_id, actor, HOTEL_UPDATED, AuditTarget(TARGET_HOTEL, hotel_id), changes)
        # The hotel as now stored, without reading it again: each setter wrote only its own field.
        return replace(hotel, **{name: value["to"] for name, value in changes.items()})
