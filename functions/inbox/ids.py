"""The shape of a hotel id, in one place (the admin command refuses others; the API can check paths with it).

A hotel id goes into the table's keys, whose parts ``#`` separates, into Cognito's comma-separated
``custom:hotel_ids`` and into URL paths: lower-case letters, digits, ``-`` and ``_`` only, 1 to 63 long,
starting with a letter or a digit.
"""

from __future__ import annotations

import re

HOTEL_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
HOTEL_ID_RULE = "1 to 63 lower-case letters, digits, '-' or '_', starting with a letter or digit"
_HOTEL_ID = re.compile(HOTEL_ID_PATTERN)


def is_hotel_id(value: object) -> bool:
    """Whether ``value`` is a hotel id Lobby can store (no delimiter, space or other odd character)."""
    return isinstance(value, str) and _HOTEL_ID.fullmatch(value) is not None
