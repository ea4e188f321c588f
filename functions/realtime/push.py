"""``ApiGatewayPush``: the ``Push`` port on API Gateway's @connections API (``apigatewaymanagementapi``).

A connection's events are shaped for its agent (``realtime.shape``) and packed into as few text
frames as fit under ``FRAME_MAX_BYTES``: one event goes alone, unwrapped; several go as
``{"type": "batch", "events": [...]}`` frames, in the order given (the fan-out puts messages, then
conversations, then counts). An event too large to share a frame goes alone (API Gateway takes a
message of up to 128 KB and splits it into frames; the browser joins them); one that cannot be shaped is
logged and left out, so it never keeps the others from the console. A gone connection
answers 410 ``GoneException``: ``send`` says False and the caller forgets the connection; any other
failure raises, for the caller to log while the other connections are still served.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from inbox.realtime_ports import Connection, Event

# A WebSocket frame is at most 32 KB; infra/names.py REALTIME_FRAME_MAX_BYTES (a test keeps them equal).
FRAME_MAX_BYTES = 30_000
_BATCH_OPEN, _BATCH_CLOSE = b'{"type":"batch","events":[', b"]}"

Count = Callable[[str, int], None]


def encode(shaped: dict) -> bytes:
    return json.dumps(shaped, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def pack(encoded: Sequence[bytes], max_bytes: int = FRAME_MAX_BYTES) -> list[bytes]:
    """The frames for these encoded events, in order: a lone event unwrapped, several in batch frames
    each at most ``max_bytes`` long; an event too large to share a frame goes alone."""
    frames: list[bytes] = []
    current: list[bytes] = []
    size = 0

    def flush() -> None:
        if len(current) == 1:
            frames.append(current[0])
        elif current:
            frames.append(_BATCH_OPEN + b",".join(current) + _BATCH_CLOSE)
        current.clear()

    overhead = len(_BATCH_OPEN) + len(_BATCH_CLOSE)
    for event in encoded:
        if len(event) + overhead > max_bytes:  # it cannot share a frame
            flush()
            frames.append(event)
            size = 0
            continue
        if current and size + 1 + len(event) > max_bytes:
            flush()
        size = (size + 1 + len(event)) if current else overhead + len(event)
        current.append(event)
    flush()
    return frames


def _error_code(error: Exception) -> tuple[str | None, int | None]:
    response: Any = getattr(error, "response", None) or {}
    return response.get("Error", {}).get("Code"), response.get("ResponseMetadata", {}).get("HTTPStatusCode")


class ApiGatewayPush:
    """Sends events to one connection through @connections (``client``: boto3 ``apigatewaymanagementapi``
    on the stage's endpoint, ``settings.realtime_connections_url``)."""

    def __init__(self, client: Any, shaper: Any, *, frame_max_bytes: int = FRAME_MAX_BYTES,
                 count: Count | None = None, log: Callable[..., None] | None = None):
        self._client = client
        self._shaper = shaper
        self._frame_max_bytes = frame_max_bytes
        self._count = count or (lambda name, value: None)
        self._log = log or (lambda message, **fields: None)

    def frames(self, connection: Connection, events: Sequence[Event]) -> list[bytes]:
        """The connection's frames; an event that cannot be shaped is logged and left out (the others go)."""
        encoded = []
        for event in events:
            try:
                encoded.append(encode(self._shaper.event(connection, event)))
            except Exception as error:
                self._log("event not shaped", connection_id=connection.id, event=type(event).__name__,
                          hotel_id=getattr(event, "hotel_id", None), error=f"{type(error).__name__}: {error}")
                self._count("Realtime.unshaped_event", 1)
        return pack(encoded, self._frame_max_bytes)

    def send(self, connection: Connection, events: Sequence[Event]) -> bool:
        from botocore.exceptions import ClientError

        sent = 0
        try:
            for frame in self.frames(connection, events):
                try:
                    self._client.post_to_connection(ConnectionId=connection.id, Data=frame)
                    sent += 1
                except ClientError as error:
                    code, status = _error_code(error)
                    if code == "GoneException" or status == 410:
                        self._count("Realtime.gone_connection", 1)
                        return False
                    if code == "PayloadTooLargeException" or status == 413:
                        # One oversized event (a very long message); the others still go.
                        self._log("frame too large for @connections", connection_id=connection.id, bytes=len(frame))
                        self._count("Realtime.frame_too_large", 1)
                        continue
                    raise
        finally:
            if sent:
                self._count("Realtime.frames", sent)
        return True
