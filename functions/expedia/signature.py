"""Signing of Expedia notification callbacks (*Lobby's choice*, see docs/expedia.md).

The header ``x-expedia-signature`` holds the lowercase hex HMAC-SHA256 of the raw
request body, keyed with the callback secret. Verify the bytes exactly as received:
re-serialising the JSON changes them and breaks the signature.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "x-expedia-signature"


def _key(secret: bytes | str) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)


def sign(secret: bytes | str, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``body`` keyed with ``secret``."""
    return hmac.new(_key(secret), body, hashlib.sha256).hexdigest()


def verify(secret: bytes | str, body: bytes, signature: str | bytes | None) -> bool:
    """Whether ``signature`` is ``body``'s signature under ``secret`` (constant-time compare).

    A missing, empty or malformed signature, or an empty secret, is simply ``False``.
    """
    if not secret or not signature:
        return False
    if isinstance(signature, bytes):
        try:
            signature = signature.decode("ascii")
        except UnicodeDecodeError:
            return False
    expected = sign(secret, body)
    return hmac.compare_digest(expected, signature.strip().lower())
