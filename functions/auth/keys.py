"""Partner API keys: ``lby_`` and 40 URL-safe characters (240 random bits).

Only ``hash_api_key(key)`` is stored. A plain SHA-256 is enough here: the keys are random
and long, so there is nothing to guess from the hash, and the lookup stays one GetItem.
"""

from __future__ import annotations

import hashlib
import re
import secrets

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
