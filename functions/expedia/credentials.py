"""Lobby's Expedia credentials: OAuth client id and secret, and the callback signing secret.

In AWS they live in one Secrets Manager secret (JSON); the same secret exists in moto locally.
The composition root reads it through Powertools Parameters, which keeps it for at most
``expedia_secret_max_age_seconds`` (``wiring.container.expedia_credentials``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

FIELDS = ("client_id", "client_secret", "callback_secret")


class MalformedSecret(ValueError):
    """The secret is not a JSON object with every field as a non-empty string."""


@dataclass(frozen=True)
class ExpediaCredentials:
    client_id: str
    client_secret: str
    callback_secret: str

    @classmethod
    def from_value(cls, value: Any) -> ExpediaCredentials:
        """The credentials in the secret's JSON value (names only in errors, never values)."""
        if not isinstance(value, Mapping):
            raise MalformedSecret("the Expedia secret is not a JSON object")
        bad = [name for name in FIELDS if not isinstance(value.get(name), str) or not value[name]]
        if bad:
            raise MalformedSecret(f"the Expedia secret lacks {', '.join(bad)}")
        return cls(value["client_id"], value["client_secret"], value["callback_secret"])
