"""Shared by the e2e tests and their fixtures: where the repo is, the start budget, port checks."""

from __future__ import annotations

import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPAWN_TIMEOUT_SECONDS = 90.0  # beyond the budget: a slow machine fails one test, not the session
STOP_TIMEOUT_SECONDS = 20.0


def port_is_free(host: str, port: int) -> bool:
    """Nothing listens there and a server may bind it again (as a restarted stack would)."""
    with socket.socket() as probe:
        probe.settimeout(1)
        if probe.connect_ex((host, port)) == 0:
            return False
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            server.bind((host, port))
        except OSError:
            return False
    return True
