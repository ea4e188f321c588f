"""API Gateway's WebSocket API as Lobby's stack defines it (``infra/realtime.py``), for the local stack.

A WebSocket server (the ``websockets`` package, its threaded sync server) on a port of its own:

- the opening handshake is ``$connect``: the REQUEST authorizer (the REST API's authorizer
  function, identity source ``route.request.querystring.token``) gets a WebSocket authorizer
  event; ``Unauthorized`` refuses the handshake with 401, a Deny with 403, a failure with 500.
  Then the socket function's ``$connect`` gets the authorizer's context; an answer other than
  2xx refuses the handshake with that status, as API Gateway does;
- each text message is routed on ``$request.body.action`` (``names.REALTIME_ROUTE_SELECTION``):
  ``presence`` to its route, anything else (not JSON, no or another action) to ``$default``;
  both integrate the socket function, whose answers are not sent back (no route responses);
  a failing invocation sends API Gateway's ``{"message": "Internal server error", ...}`` frame;
- a closed socket is ``$disconnect`` (not when the stack stops: its state goes with it);
- each connection passed ``$connect`` is in the ``@connections`` emulator's registry
  (``local.connections_endpoint.ConnectionRegistry``, served over HTTP by the main server): its
  POST sends a text frame to the socket, its DELETE closes it; a closed one answers 410.

Connection ids are random, as API Gateway's; the authorizer's context travels with every event
of the connection (``requestContext.authorizer``). API Gateway's two-hour and ten-minute idle
limits are not emulated (the connections table's TTL is).
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from infra import names
from local.lambda_runtime import request_id

log = logging.getLogger("local.realtime")

CONNECT, DISCONNECT, DEFAULT = "$connect", "$disconnect", "$default"
ROUTES = frozenset({names.REALTIME_PRESENCE_ROUTE})  # the named routes a message's action selects
# API Gateway: a message is at most 128 KB, in frames of at most 32 KB.
MAX_MESSAGE_BYTES = 128 * 1024
MAX_FRAME_BYTES = 32 * 1024
# The handshake waits for the authorizer and $connect, each maybe a cold start on a busy machine.
OPEN_TIMEOUT_SECONDS = 60
# A client that does not answer the closing handshake holds the stack's stop no longer than this.
CLOSE_TIMEOUT_SECONDS = 3
# A push may reach a connection whose $connect has just answered, before its socket is open.
OPENING_WAIT_SECONDS = 5


class _Socket:
    """One connection: its socket once open, and what every event of it carries."""

    def __init__(self, connection_id: str, connected_at: int, authorizer: dict, identity: dict):
        self.id = connection_id
        self.connected_at = connected_at
        self.authorizer = authorizer
        self.identity = identity
        self.websocket: Any = None
        self.opened = threading.Event()  # set when the socket is open, or will never be


class RealtimeServer:
    """The WebSocket API's stage, served at ``url`` once ``start()`` ran (``listen()`` binds first)."""

    def __init__(self, *, authorizer=None, socket_function=None, registry=None, region: str = "us-east-1",
                 account_id: str = "123456789012", host: str = "127.0.0.1", port: int = 0,
                 api_id: str = "lobbyrealtime", stage: str = names.REALTIME_STAGE):
        self.authorizer = authorizer  # the gateway's Function objects (local.gateway), or any callable(event)
        self.socket_function = socket_function
        self.registry = registry  # local.connections_endpoint.ConnectionRegistry
        self.region = region
        self.account_id = account_id
        self.host = host
        self.port = port
        self.api_id = api_id
        self.stage = stage
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._sockets: dict[str, _Socket] = {}
        self._lock = threading.Lock()
        self._stopping = False
        self.url: str | None = None

    def attach(self, *, authorizer, socket_function, registry, account_id: str | None = None) -> None:
        """What the stage integrates, when it is known after ``listen()`` (the stack binds its port first)."""
        self.authorizer, self.socket_function, self.registry = authorizer, socket_function, registry
        if account_id is not None:
            self.account_id = account_id

    # -- lifecycle ------------------------------------------------------------------------------

    def listen(self) -> str:
        """Binds the port (``OSError`` when taken) and returns the endpoint's URL; serves from ``start()``."""
        from websockets.sync.server import serve

        quiet = logging.getLogger("local.realtime.websockets")
        quiet.setLevel(logging.WARNING)  # its own "connection open/rejected/closed": this module says what matters
        self._server = serve(self._serve, self.host, self.port, process_request=self._connect,
                             process_response=self._handshake_answered, open_timeout=OPEN_TIMEOUT_SECONDS,
                             close_timeout=CLOSE_TIMEOUT_SECONDS,
                             max_size=(MAX_MESSAGE_BYTES, MAX_FRAME_BYTES), compression=None,
                             server_header=None, logger=quiet)
        host, port = self._server.socket.getsockname()[:2]
        url_host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        self.port = port
        self.url = f"ws://{url_host}:{port}/"
        return self.url

    def start(self) -> RealtimeServer:
        if self.authorizer is None or self.socket_function is None or self.registry is None:
            raise RuntimeError("attach() the authorizer, the socket function and the registry first")
        if self._server is None:
            self.listen()
        self._thread = threading.Thread(target=self._server.serve_forever, name="lobby-realtime", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10) -> None:
        """Closes every socket (1001 going away) and stops listening. The sockets closed here get no
        ``$disconnect``: the stack's state goes with it (moto's memory), and invoking the socket function
        for each (a cold start per concurrent one) would only make the stop slow."""
        if self._server is None:
            return
        self._stopping = True
        if self._thread is not None:
            self._server.shutdown()  # waits for the connections' threads, hence their $disconnect
            self._thread.join(timeout)
        else:
            self._server.socket.close()
        self._server = None

    @property
    def _socket_name(self) -> str:
        return getattr(self.socket_function, "name", names.REALTIME_SOCKET_FUNCTION)

    @property
    def thread(self) -> threading.Thread | None:
        return self._thread

    # -- @connections -----------------------------------------------------------------------------

    def connection_ids(self) -> list[str]:
        """The connections whose ``$connect`` passed and that have not disconnected."""
        with self._lock:
            return list(self._sockets)

    @staticmethod
    def _send(socket: _Socket, text: str) -> None:
        """One text frame to the socket (``ConnectionClosed`` when it is not open: the registry's 410)."""
        from websockets.exceptions import ConnectionClosed

        socket.opened.wait(OPENING_WAIT_SECONDS)
        if socket.websocket is None:
            raise ConnectionClosed(None, None)
        socket.websocket.send(text)

    @staticmethod
    def _close(socket: _Socket) -> None:
        socket.opened.wait(OPENING_WAIT_SECONDS)
        if socket.websocket is not None:
            socket.websocket.close()

    # -- the handshake: $connect ----------------------------------------------------------------

    def method_arn(self, route: str = CONNECT) -> str:
        return f"arn:aws:execute-api:{self.region}:{self.account_id}:{self.api_id}/{self.stage}/{route}"

    def _connect(self, connection, request):
        """``process_request``: authorizer, then ``$connect``; a Response refuses the handshake."""
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return self._refuse(connection, 426, "Upgrade Required")
        connection_id = secrets.token_urlsafe(12)
        connected_at = int(time.time() * 1000)
        identity = {"sourceIp": _peer(connection), "userAgent": request.headers.get("User-Agent", "")}
        query = {key: values for key, values in parse_qs(urlsplit(request.path).query,
                                                         keep_blank_values=True).items()}
        headers: dict[str, str] = {}
        multi_headers: dict[str, list[str]] = {}
        for name, value in request.headers.raw_items():
            headers[name] = value
            multi_headers.setdefault(name, []).append(value)
        common = {"headers": headers, "multiValueHeaders": multi_headers,
                  "queryStringParameters": {key: values[-1] for key, values in query.items()} or None,
                  "multiValueQueryStringParameters": query or None, "stageVariables": None}
        context = self._request_context(CONNECT, "CONNECT", connection_id, connected_at, identity,
                                        domain=request.headers.get("Host", ""))
        authorized = self._authorize({"type": "REQUEST", "methodArn": self.method_arn(), **common,
                                      "requestContext": context})
        if isinstance(authorized, tuple):
            return self._refuse(connection, *authorized)
        event = {**common, "requestContext": {**context, "authorizer": authorized}, "isBase64Encoded": False}
        try:
            answer = self.socket_function(event)
        except Exception:
            log.exception("%s: $connect failed", self._socket_name)
            return self._refuse(connection, 500, "Internal server error")
        status = _status(answer)
        if not 200 <= status < 300:
            return self._refuse(connection, status if 400 <= status < 600 else 500, "Forbidden")
        socket = _Socket(connection_id, connected_at, authorized, identity)
        with self._lock:
            self._sockets[connection_id] = socket
        # Reachable at once: a push that comes before the socket is open waits for it (no false 410).
        self.registry.register(connection_id, lambda text: self._send(socket, text), lambda: self._close(socket),
                               source_ip=identity["sourceIp"])
        connection.lobby_socket = socket  # for _serve, in this connection's thread
        log.info("connected %s (%s)", connection_id, authorized.get("actor_name") or authorized.get("principalId"))
        return None

    def _authorize(self, event: dict) -> dict | tuple[int, str]:
        """The authorizer's context (flat strings, with principalId), or the (status, message) refusing."""
        from local.gateway import call_authorizer

        outcome, _, context = call_authorizer(self.authorizer, event)
        if outcome == "unauthorized":
            return 401, "Unauthorized"
        if outcome == "failed":
            return 500, "Internal server error"
        if outcome != "allow":
            return 403, "Forbidden"
        return context

    @staticmethod
    def _refuse(connection, status: int, message: str):
        """API Gateway's refusal: the status, and JSON ``{"message": ...}``."""
        import http

        from websockets.datastructures import Headers
        from websockets.http11 import Response

        body = json.dumps({"message": message}).encode()
        try:
            phrase = http.HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
        return Response(status, phrase, Headers([("Connection", "close"), ("Content-Type", "application/json"),
                                                 ("Content-Length", str(len(body)))]), body)

    def _handshake_answered(self, connection, request, response):
        """``process_response``: a handshake that fails after ``$connect`` still gets its ``$disconnect``."""
        socket = getattr(connection, "lobby_socket", None)
        if socket is not None and response.status_code != 101:
            self._disconnect(socket, 1006, "the handshake failed")
        return None

    # -- the connection: messages, then $disconnect ---------------------------------------------

    def _serve(self, websocket) -> None:
        from websockets.exceptions import ConnectionClosed

        socket: _Socket = websocket.lobby_socket
        socket.websocket = websocket
        socket.opened.set()
        try:
            while True:
                try:
                    message = websocket.recv()
                except ConnectionClosed:
                    break
                self._message(socket, message)
        finally:
            self._disconnect(socket, websocket.close_code or 1006, websocket.close_reason or "")

    def _message(self, socket: _Socket, message: str | bytes) -> None:
        if isinstance(message, bytes):
            import base64

            body, is_base64, route = base64.b64encode(message).decode("ascii"), True, DEFAULT
        else:
            body, is_base64, route = message, False, route_of(message)
        context = self._request_context(route, "MESSAGE", socket.id, socket.connected_at, socket.identity)
        context.update(messageId=secrets.token_urlsafe(12), authorizer=socket.authorizer)
        event = {"requestContext": context, "body": body, "isBase64Encoded": is_base64}
        try:
            self.socket_function(event)
        except Exception:
            log.exception("%s: %s failed", self._socket_name, route)
            try:  # what API Gateway sends the client when an integration fails
                socket.websocket.send(json.dumps({"message": "Internal server error", "connectionId": socket.id,
                                                  "requestId": context["requestId"]}))
            except Exception:  # the socket is closing: nothing to tell
                pass

    def _disconnect(self, socket: _Socket, code: int, reason: str) -> None:
        with self._lock:
            if self._sockets.pop(socket.id, None) is None:
                return  # already done
        self.registry.unregister(socket.id)
        socket.opened.set()
        if self._stopping:
            log.info("closed %s (the stack stops)", socket.id)
            return
        context = self._request_context(DISCONNECT, "DISCONNECT", socket.id, socket.connected_at, socket.identity)
        context.update(disconnectStatusCode=code, disconnectReason=reason, authorizer=socket.authorizer)
        try:
            self.socket_function({"headers": {}, "multiValueHeaders": {}, "requestContext": context,
                                  "isBase64Encoded": False})
        except Exception:
            log.exception("%s: $disconnect failed", self._socket_name)
        log.info("disconnected %s (%s)", socket.id, code)

    def _request_context(self, route: str, event_type: str, connection_id: str, connected_at: int,
                         identity: dict, domain: str | None = None) -> dict:
        now = datetime.now(UTC)
        rid = request_id()
        return {"routeKey": route, "eventType": event_type, "extendedRequestId": rid,
                "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"), "messageDirection": "IN",
                "stage": self.stage, "connectedAt": connected_at, "requestTimeEpoch": int(now.timestamp() * 1000),
                "identity": dict(identity), "requestId": rid,
                "domainName": domain or f"{self.host}:{self.port}", "connectionId": connection_id,
                "apiId": self.api_id}


def route_of(body: str) -> str:
    """``$request.body.action``: the named route a message selects, else ``$default``."""
    try:
        message = json.loads(body)
    except ValueError:
        return DEFAULT
    action = message.get("action") if isinstance(message, dict) else None
    return action if isinstance(action, str) and action in ROUTES else DEFAULT


def _status(answer: Any) -> int:
    """A WebSocket integration's status: its ``statusCode``, 200 when it answers none."""
    if isinstance(answer, dict) and "statusCode" in answer:
        try:
            return int(answer["statusCode"])
        except (TypeError, ValueError):
            return 500
    return 200


def _peer(connection) -> str:
    try:
        return str(connection.remote_address[0])
    except (AttributeError, IndexError, TypeError, OSError):
        return "127.0.0.1"
