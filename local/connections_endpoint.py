"""API Gateway's ``@connections`` management API, emulated for the local stack and the tests (no AWS).

The fan-out and the socket function post with boto3's ``apigatewaymanagementapi`` to
``settings.realtime_connections_url``; locally that is this WSGI app (mounted by the local stack under
``/local/connections``, served by a test's own werkzeug server otherwise). It answers as AWS does:

- ``POST .../@connections/<id>``: the body goes to the socket as one text frame, 200;
- ``DELETE .../@connections/<id>``: the socket is closed, 204;
- ``GET .../@connections/<id>``: ``{"connectedAt", "lastActiveAt", "identity"}``, 200;
- an unknown (or closed) connection: 410 with ``x-amzn-ErrorType: GoneException`` (what botocore reads
  as ``GoneException``); a body over 128 KB: 413 ``PayloadTooLargeException``.

moto's own ``apigatewaymanagementapi`` stores what it is sent and never answers 410, so a gone
connection can only be tested against this one. Requests are not signature-checked.

The ``ConnectionRegistry`` is where the local WebSocket server registers each open socket
(``register(id, send, close)``); ``deliver`` and ``close`` are what the app calls. The last
``CALLS_KEPT`` calls are kept in ``calls`` (method, connection id, bytes), so tests count what the
fan-out sent (bounded: a long ``make run`` must not grow with every push).
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote

from werkzeug.wrappers import Request, Response

MAX_PAYLOAD_BYTES = 128 * 1024  # API Gateway's limit of one @connections message
CALLS_KEPT = 100_000
_PATH = re.compile(r"/@connections/(?P<id>[^/]+)/?$")


@dataclass
class _Socket:
    send: Callable[[str], None]
    close: Callable[[], None]
    connected_at: datetime
    last_active_at: datetime
    source_ip: str


@dataclass(frozen=True)
class Call:
    method: str
    connection_id: str
    size: int


@dataclass
class ConnectionRegistry:
    """The open sockets the emulator can reach, by connection id (thread-safe)."""

    _sockets: dict[str, _Socket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    calls: deque[Call] = field(default_factory=lambda: deque(maxlen=CALLS_KEPT))

    def register(self, connection_id: str, send: Callable[[str], None], close: Callable[[], None] = lambda: None,
                 *, source_ip: str = "127.0.0.1") -> None:
        """A socket opened: ``send`` takes one text frame, ``close`` closes it (the server's own socket)."""
        now = datetime.now(UTC)
        with self._lock:
            self._sockets[connection_id] = _Socket(send, close, now, now, source_ip)

    def unregister(self, connection_id: str) -> None:
        """The socket closed (from either side): @connections answers 410 for it from now on."""
        with self._lock:
            self._sockets.pop(connection_id, None)

    def __contains__(self, connection_id: object) -> bool:
        with self._lock:
            return connection_id in self._sockets

    def deliver(self, connection_id: str, data: bytes) -> bool:
        """Send ``data`` (UTF-8 text) to the socket as one text frame; False when it is unknown or gone."""
        with self._lock:
            self.calls.append(Call("POST", connection_id, len(data)))
            socket = self._sockets.get(connection_id)
        if socket is None:
            return False
        try:
            socket.send(data.decode("utf-8", errors="replace"))
        except Exception:  # the socket died under us: as API Gateway, it is gone
            self.unregister(connection_id)
            return False
        socket.last_active_at = datetime.now(UTC)
        return True

    def close(self, connection_id: str) -> bool:
        """Close the socket (``DeleteConnection``); False when it is unknown."""
        with self._lock:
            self.calls.append(Call("DELETE", connection_id, 0))
            socket = self._sockets.pop(connection_id, None)
        if socket is None:
            return False
        try:
            socket.close()
        except Exception:  # already closing: it is forgotten either way
            pass
        return True

    def info(self, connection_id: str) -> dict | None:
        with self._lock:
            socket = self._sockets.get(connection_id)
        if socket is None:
            return None
        return {"connectedAt": socket.connected_at.isoformat(), "lastActiveAt": socket.last_active_at.isoformat(),
                "identity": {"sourceIp": socket.source_ip, "userAgent": "lobby-local"}}

    def posts(self, connection_id: str | None = None) -> list[Call]:
        """The POST calls received so far (to one connection, or to all)."""
        with self._lock:
            return [c for c in self.calls if c.method == "POST" and connection_id in (None, c.connection_id)]


def _error(status: int, kind: str, message: str) -> Response:
    return Response(json.dumps({"message": message}), status=status, content_type="application/json",
                    headers={"x-amzn-ErrorType": kind})


class ConnectionsEndpoint:
    """The WSGI app of ``@connections``: any path ending in ``/@connections/<id>`` (mounted or not)."""

    def __init__(self, registry: ConnectionRegistry | None = None):
        self.registry = registry or ConnectionRegistry()

    def __call__(self, environ, start_response):
        return self.respond(Request(environ))(environ, start_response)

    def respond(self, request: Request) -> Response:
        found = _PATH.search(request.path)
        if found is None:
            return _error(404, "NotFoundException", "not an @connections path")
        connection_id = unquote(found.group("id"))
        if request.method == "POST":
            data = request.get_data()
            if len(data) > MAX_PAYLOAD_BYTES:
                return _error(413, "PayloadTooLargeException", f"the payload is over {MAX_PAYLOAD_BYTES} bytes")
            if not self.registry.deliver(connection_id, data):
                return _gone(connection_id)
            return Response(status=200)
        if request.method == "DELETE":
            return Response(status=204) if self.registry.close(connection_id) else _gone(connection_id)
        if request.method == "GET":
            info = self.registry.info(connection_id)
            if info is None:
                return _gone(connection_id)
            return Response(json.dumps(info), status=200, content_type="application/json")
        return _error(405, "MethodNotAllowedException", f"{request.method} is not an @connections method")


def _gone(connection_id: str) -> Response:
    return _error(410, "GoneException", f"connection {connection_id} is gone")
