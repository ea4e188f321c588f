"""Partner API keys: ``lby_`` and 40 URL-safe characters (240 random bits).

Only ``hash_api_key(key)`` is stored. A plain SHA-256 is enough here: the keys are random
and long, so there is nothing to guess from the hash, and the lookup stays one GetItem.

Each key also has an id (``new_key_id``): the admin commands list, revoke and rotate keys by it, and the
audit log names it; the key itself is shown once, when it is issued.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

PREFIX = "lby_"
_RANDOM_BYTES = 30  # 40 characters of URL-safe base64
_SHAPE = re.compile(r"lby_[A-Za-z0-9_-]{40}")


def new_api_key() -> str:
    """A fresh partner key; show it once, store only its hash."""
    return PREFIX + secrets.token_urlsafe(_RANDOM_BYTES)


def hash_api_key(key: str) -> str:
    """The lowercase hex SHA-256 of the key, as stored."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def looks_like_api_key(key: str | None) -> bool:
    """Whether ``key`` has the shape ``new_api_key`` gives (checked before any lookup)."""
    return isinstance(key, str) and _SHAPE.fullmatch(key) is not None


KEY_ID_PREFIX = "pk"
_KEY_ID_SHAPE = re.compile(r"pk_[0-9a-f]{24}")
USE_NOTED_EVERY_SECONDS = 60  # a key's last_used_at is written at most once a minute


def new_key_id() -> str:
    """A partner key's id (``pk_`` and 24 hex digits, sorting by creation time): what names the key in the admin
    commands and the audit log, never the key itself."""
    import time
    import uuid

    return f"{KEY_ID_PREFIX}_{time.time_ns():016x}{uuid.uuid4().hex[:8]}"


def looks_like_key_id(key_id: str | None) -> bool:
    return isinstance(key_id, str) and _KEY_ID_SHAPE.fullmatch(key_id) is not None


@dataclass(frozen=True)
class PartnerKeyRecord:
    """A partner key as the admin commands see it (the key's id item, and when its hash item was last used).

    ``usage_key_id`` is the API Gateway API key registered in ``usage_plan_id`` (when the key is metered there);
    a rotated key names the key that replaced it (``replaced_by``), the new one the key it replaced."""

    key_id: str
    partner_id: str
    name: str
    hotel_ids: frozenset[str]
    key_hash: str
    created_at: datetime
    revoked_at: datetime | None = None
    rotated_at: datetime | None = None
    last_used_at: datetime | None = None
    replaced_by: str | None = None
    rotated_from: str | None = None
    usage_key_id: str | None = None
    usage_plan_id: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class UseNotes:
    """When this warm process last wrote each key's ``last_used_at``: the authorizer writes it again only once
    ``USE_NOTED_EVERY_SECONDS`` have passed (the store's condition keeps other processes to the same pace)."""

    MAX_KEYS = 10_000  # forgotten all at once past this (a partner's keys are few; a flood of them costs writes only)

    def __init__(self, every_seconds: float = USE_NOTED_EVERY_SECONDS):
        self.every = timedelta(seconds=every_seconds)
        self._noted: dict[str, datetime] = {}

    def due(self, key_hash: str, now: datetime) -> bool:
        """Whether to write the key's use now; if so, it counts as written (a failed write waits its turn)."""
        last = self._noted.get(key_hash)
        if last is not None and timedelta(0) <= now - last < self.every:
            return False
        if len(self._noted) >= self.MAX_KEYS:
            self._noted.clear()
        self._noted[key_hash] = now
        return True
