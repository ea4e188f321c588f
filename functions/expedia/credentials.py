"""Lobby's Expedia credentials: OAuth client id and secret, and the callback signing secret.

In AWS they live in one Secrets Manager secret (JSON); the same secret exists in moto locally.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class ExpediaCredentials:
    client_id: str
    client_secret: str
    callback_secret: str

    @classmethod
    def from_secret(cls, secrets_client, secret_id: str) -> ExpediaCredentials:
        value = json.loads(secrets_client.get_secret_value(SecretId=secret_id)["SecretString"])
        return cls(value["client_id"], value["client_secret"], value["callback_secret"])
