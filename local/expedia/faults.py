"""The stand-in's faults (``POST /sim/faults``) and its request log (``GET /sim/requests``)."""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Any

from werkzeug.wrappers import Response

from local.expedia.common import BadRequest, iso_ms, json_response

GRAPHQL_OPERATIONS = ("message", "messageThread", "property", "undeliveredNotifications", "sendMessage",
                      "addMessage", "setMessageThreadSpamStatus")
FAULT_KEYS = GRAPHQL_OPERATIONS + ("token", "upload", "download")
_GRAPHQL_FAULT = re.compile(r"^graphql:([A-Z][A-Z0-9_]*)$")


class Faults:
    """Queued answers per operation, and every request answered (faulted ones included)."""

    def __init__(self, now: Callable[[], datetime], stopping: threading.Event, timeout_seconds: float):
        self._now = now
        self._stopping = stopping
        self.timeout_seconds = timeout_seconds
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._queues: dict[str, deque] = {}
            self._requests: list[dict] = []

    def clear(self) -> None:
        with self._lock:
            self._queues.clear()

    def set(self, faults: Any) -> dict:
        """``{"sendMessage": [500, 500]}``: the next calls of that operation get these answers.

        Keys: a GraphQL root field, ``token``, ``upload`` or ``download`` (the attachment service).
        Entries: an HTTP status (400-599); ``{"status": 429, "retryAfter": 2}`` (a
        ``Retry-After`` header, whole seconds); ``"timeout"`` (sleeps ``timeout_seconds``,
        then 504, nothing done); ``"graphql:CODE"`` (HTTP 200 with an ``errors`` entry whose
        ``extensions.code`` is CODE, nothing done; GraphQL only).
        Setting an operation replaces its pending faults; ``[]`` clears them.
        """
        if not isinstance(faults, dict):
            raise BadRequest("faults must be an object of operation -> list")
        checked: dict[str, list] = {}
        for operation, entries in faults.items():
            if operation not in FAULT_KEYS:
                raise BadRequest(f"unknown operation {operation!r}; one of {', '.join(FAULT_KEYS)}")
            if not isinstance(entries, list):
                raise BadRequest(f"{operation}: a list of faults, e.g. [500, 500]")
            checked[operation] = [_check(operation, e) for e in entries]
        with self._lock:
            for operation, entries in checked.items():
                self._queues[operation] = deque(entries)
        return self.pending()

    def pending(self) -> dict:
        with self._lock:
            return {op: list(q) for op, q in self._queues.items() if q}

    def take(self, operation: str) -> Any:
        with self._lock:
            queue = self._queues.get(operation)
            return queue.popleft() if queue else None

    def answer(self, fault: Any, operation: str, fields: list[str]) -> Response:
        """The faulted answer (recorded); nothing else is done for the call."""
        if fault == "timeout":
            self.record(operation, 504, fault=fault)
            self._stopping.wait(self.timeout_seconds)
            return json_response({"errors": [{"message": "Simulated gateway timeout",
                                              "extensions": {"code": "GATEWAY_TIMEOUT"}}]}, 504)
        if isinstance(fault, str):
            match = _GRAPHQL_FAULT.match(fault)
            code = match.group(1) if match else "INTERNAL"
            self.record(operation, 200, fault=fault, error=code)
            return json_response({"errors": [{"message": f"Simulated {code}", "path": [fields[0]] if fields else None,
                                              "extensions": {"code": code}}],
                                  "data": {f: None for f in fields} or None})
        status, retry_after = (fault, None) if isinstance(fault, int) else (fault["status"], fault["retryAfter"])
        self.record(operation, status, fault=fault)
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        return json_response({"errors": [{"message": f"Simulated HTTP {status}", "extensions": {
            "code": "TOO_MANY_REQUESTS" if status == 429 else f"HTTP_{status}"}}]}, status, headers)

    def record(self, operation: str | None, status: int, *, fault: Any = None, error: str | None = None) -> None:
        with self._lock:
            self._requests.append({"operation": operation, "status": status, "fault": fault,
                                   "error": error, "at": iso_ms(self._now())})

    @property
    def requests(self) -> list[dict]:
        with self._lock:
            return list(self._requests)


def _check(operation: str, entry: Any) -> Any:
    if isinstance(entry, bool):
        raise BadRequest(f"{operation}: invalid fault {entry!r}")
    if isinstance(entry, int) and 400 <= entry <= 599:
        return entry
    if isinstance(entry, dict) and isinstance(entry.get("status"), int) and 400 <= entry["status"] <= 599:
        retry_after = entry.get("retryAfter")
        if retry_after is not None and (not isinstance(retry_after, int) or retry_after < 0):
            raise BadRequest(f"{operation}: retryAfter is whole seconds")
        return {"status": entry["status"], "retryAfter": retry_after}
    if entry == "timeout":
        return entry
    if isinstance(entry, str) and _GRAPHQL_FAULT.match(entry) and operation in GRAPHQL_OPERATIONS:
        return entry
    raise BadRequest(f"{operation}: invalid fault {entry!r} (an HTTP status, "
                     '{"status": 429, "retryAfter": 1}, "timeout" or "graphql:CODE")')
