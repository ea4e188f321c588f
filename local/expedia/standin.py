"""A stand-in for Expedia's messaging API and Notification Service (docs/expedia.md).

Routes (``url`` is where it runs, e.g. ``http://127.0.0.1:PORT``):

- ``POST /oauth/token``: OAuth 2.0 client credentials (HTTP Basic or form
  ``client_id``/``client_secret``; ``grant_type=client_credentials``).
- ``POST /graphql``: needs ``Authorization: Bearer <token>``; executed by graphql-core
  against Expedia's schema (``schema.graphqls``). Resolvers exist for
  ``message(id)``, ``messageThread(id)``, ``sendMessage`` and ``setMessageThreadSpamStatus``.
- ``/sim/...``: the simulator API (``expedia_sim_url`` = ``{url}/sim``), see ``_routes``.

Choices where Expedia's documents are silent (also in the report of the change):

- Unknown ids: ``message``/``messageThread`` are nullable in the schema, so the answer is
  ``{"data": {"message": null}, "errors": [{..., "extensions": {"code": "NOT_FOUND"}}]}``.
  Mutations on an unknown thread answer the same way (``sendMessage: null``).
- Errors before execution are HTTP 200 with ``errors`` and ``data`` absent, with
  ``extensions.code`` ``GRAPHQL_PARSE_FAILED``, ``GRAPHQL_VALIDATION_FAILED`` or
  ``BAD_USER_INPUT`` (variables that do not fit). Business refusals: ``BAD_REQUEST``.
- ``sendMessage`` stores a ``SUPPLIER`` message, ``reviewStatus`` ``ACCEPTED`` at once
  (moderation is simulated with ``POST /sim/messages/{id}/review``), and sends a
  ``MessageReceived`` notification *before* answering the mutation: the harshest order
  for Lobby, which must recognise its own message by the id it has not stored yet.
  Bodies with HTML tags, empty bodies and attachment ids are refused (``BAD_REQUEST``).
- Notifications are delivered synchronously, once; Expedia's hourly retries are left to
  ``POST /sim/notifications/{id}/redeliver``. Bodies are compact UTF-8 JSON (no spaces,
  non-ASCII kept), so a receiver that re-serialises before verifying fails.
- Times: messages ``2026-11-24T09:15:02.123Z`` (the schema's ``.SSS``), notifications
  ``2026-11-24T09:15:02Z`` (docs/expedia.md's example).
- A reservation without ``alternativeIds.supplierId`` answers ``supplierId: ""``: the
  schema makes it non-null, so "not given" can only be an empty string.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache
from itertools import count
from pathlib import Path
from typing import Any

import requests
from graphql import (
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    build_schema,
    execute,
    parse,
    validate,
)
from graphql.language import FieldNode
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

import local  # noqa: F401  (puts functions/ on sys.path)
from expedia.signature import SIGNATURE_HEADER, sign

SCHEMA_PATH = Path(__file__).with_name("schema.graphqls")

OPERATIONS = ("message", "messageThread", "sendMessage", "setMessageThreadSpamStatus")
FAULT_KEYS = OPERATIONS + ("token",)
ROLES = ("TRAVELER", "SUPPLIER")
REVIEW_STATUSES = ("IN_REVIEW", "ACCEPTED", "BLOCKED")
_HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>")
_GRAPHQL_FAULT = re.compile(r"^graphql:([A-Z][A-Z0-9_]*)$")

Notify = Callable[[bytes, dict], Any]


@lru_cache(maxsize=1)
def load_schema() -> GraphQLSchema:
    """Expedia's schema with the stand-in's four root resolvers attached (built once)."""
    schema = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))
    query, mutation = schema.query_type, schema.mutation_type
    query.fields["message"].resolve = lambda _root, info, id: info.context.standin._resolve_message(id)
    query.fields["messageThread"].resolve = lambda _root, info, id: info.context.standin._resolve_thread(id)
    mutation.fields["sendMessage"].resolve = (
        lambda _root, info, input: info.context.standin._resolve_send_message(info.context, input))
    mutation.fields["setMessageThreadSpamStatus"].resolve = (
        lambda _root, info, input: info.context.standin._resolve_set_spam(info.context, input))
    return schema


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # tests read /sim/requests instead
        pass


class _BadRequest(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


class _Context:
    """Per GraphQL request: the stand-in and the notifications to send after executing."""

    def __init__(self, standin: ExpediaStandIn):
        self.standin = standin
        self.pending: list[dict] = []


def _rejected(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def _iso_ms(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _iso_s(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _json(value: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(value, ensure_ascii=False), status=status, headers=headers,
                    mimetype="application/json")


class ExpediaStandIn:
    """Expedia, as far as Lobby can tell: token, GraphQL, notifications, and a simulator.

    ``notify``: a callable ``(raw_body: bytes, headers: dict) -> int | None`` used instead
    of an HTTP POST to ``callback_url`` (``None`` counts as HTTP 200). With neither, the
    notifications are still recorded (``GET /sim/notifications``) but go nowhere.
    """

    def __init__(
        self,
        callback_url: str | None = None,
        callback_secret: bytes | str = "lobby-local-callback-secret",
        client_id: str = "lobby-local",
        client_secret: str = "lobby-local-secret",
        *,
        notify: Notify | None = None,
        token_ttl: int = 3600,
        fault_timeout_seconds: float = 6.0,
        callback_timeout: float = 5.0,
        id_prefix: str | None = None,
        now: Callable[[], datetime] | None = None,
    ):
        self.callback_url = callback_url
        self.callback_secret = callback_secret
        self.client_id = client_id
        self.client_secret = client_secret
        self.notify = notify
        self.token_ttl = token_ttl
        self.fault_timeout_seconds = fault_timeout_seconds
        self.callback_timeout = callback_timeout
        # A fresh prefix per run keeps ids unique across restarts of the local stack.
        self.id_prefix = f"{secrets.token_hex(3)}-" if id_prefix is None else id_prefix
        self._now = now or (lambda: datetime.now(UTC))
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server = None
        self._thread: threading.Thread | None = None
        self.url: str | None = None
        self._counters = {kind: count(1) for kind in ("msg", "ntf", "att", "seq")}
        self._tokens: dict[str, float] = {}
        self._url_map = Map(self._routes())
        self.reset()

    # -- lifecycle ------------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0, *, log_requests: bool = False) -> ExpediaStandIn:
        """Serves on a background thread; ``url`` is set once it listens."""
        if self._server is not None:
            raise RuntimeError("the stand-in is already running")
        self._stopping.clear()
        load_schema()  # built once before serving: Expedia answers its first query as fast as the next
        handler = WSGIRequestHandler if log_requests else _QuietHandler
        self._server = make_server(host, port, self.wsgi_app, threaded=True, request_handler=handler)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="expedia-standin", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes requests sleeping in a "timeout" fault
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
        self._server = self._thread = None
        self.url = None

    def __enter__(self) -> ExpediaStandIn:
        return self.start() if self._server is None else self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def sim_url(self) -> str | None:
        return None if self.url is None else f"{self.url}/sim"

    @property
    def graphql_url(self) -> str | None:
        return None if self.url is None else f"{self.url}/graphql"

    @property
    def token_url(self) -> str | None:
        return None if self.url is None else f"{self.url}/oauth/token"

    def reset(self) -> None:
        """Forgets threads, messages, notifications, records and faults (ids keep counting)."""
        with self._lock:
            self._threads: dict[str, dict] = {}
            self._messages: dict[str, dict] = {}
            self._notifications: dict[str, dict] = {}
            self._sent: list[dict] = []
            self._requests: list[dict] = []
            self._faults: dict[str, deque] = {}
            self.token_grants = 0

    # -- what tests read ------------------------------------------------------------------

    @property
    def sent(self) -> list[dict]:
        with self._lock:
            return json.loads(json.dumps(self._sent))

    @property
    def requests(self) -> list[dict]:
        with self._lock:
            return list(self._requests)

    @property
    def notifications(self) -> list[dict]:
        with self._lock:
            return [self._notification_view(n) for n in self._notifications.values()]

    def calls(self, operation: str) -> list[dict]:
        """The GraphQL/token requests recorded for ``operation``, faulted ones included."""
        return [r for r in self.requests if r["operation"] == operation]

    # -- simulator operations (also reachable over HTTP) ---------------------------------

    def add_message(self, thread_id: str, spec: dict) -> dict:
        """A message arrives in ``thread_id`` (see the table in docs/expedia.md)."""
        with self._lock:
            pending, answer = self._add_message(thread_id, spec)
        for notification in pending:
            self._deliver(notification)
        return answer

    def review(self, message_id: str, review_status: str) -> dict:
        with self._lock:
            message = self._messages.get(message_id)
            if message is None:
                raise _BadRequest(f"no message {message_id}", 404)
            if review_status not in REVIEW_STATUSES:
                raise _BadRequest(f"reviewStatus must be one of {', '.join(REVIEW_STATUSES)}")
            notification = None
            if message["reviewStatus"] != review_status:
                message["reviewStatus"] = review_status
                thread = self._threads[message["threadId"]]
                notification = self._new_notification("MessageAttributesUpdated", {
                    "propertyId": thread["propertyId"], "messageThreadId": thread["id"], "messageId": message_id})
        if notification is not None:
            self._deliver(notification)
        return {"messageId": message_id, "reviewStatus": review_status,
                "notificationId": notification and notification["notificationId"]}

    def redeliver(self, notification_id: str) -> dict:
        with self._lock:
            notification = self._notifications.get(notification_id)
        if notification is None:
            raise _BadRequest(f"no notification {notification_id}", 404)
        delivery = self._deliver(notification)
        return {"notificationId": notification_id, "delivery": delivery}

    def set_faults(self, faults: dict) -> dict:
        """``{"sendMessage": [500, 500]}``: the next calls of that operation get these answers.

        Entries: an HTTP status (400-599); ``{"status": 429, "retryAfter": 2}`` (a
        ``Retry-After`` header, whole seconds); ``"timeout"`` (sleeps
        ``fault_timeout_seconds``, then 504, nothing done); ``"graphql:CODE"`` (HTTP 200
        with an ``errors`` entry whose ``extensions.code`` is CODE, nothing done).
        Setting an operation replaces its pending faults; ``[]`` clears them.
        """
        if not isinstance(faults, dict):
            raise _BadRequest("faults must be an object of operation -> list")
        checked: dict[str, list] = {}
        for operation, entries in faults.items():
            if operation not in FAULT_KEYS:
                raise _BadRequest(f"unknown operation {operation!r}; one of {', '.join(FAULT_KEYS)}")
            if not isinstance(entries, list):
                raise _BadRequest(f"{operation}: a list of faults, e.g. [500, 500]")
            checked[operation] = [self._check_fault(operation, e) for e in entries]
        with self._lock:
            for operation, entries in checked.items():
                self._faults[operation] = deque(entries)
            return self.pending_faults()

    def pending_faults(self) -> dict:
        with self._lock:
            return {op: list(q) for op, q in self._faults.items() if q}

    def revoke_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    # -- WSGI -----------------------------------------------------------------------------

    def _routes(self) -> list[Rule]:
        return [
            Rule("/oauth/token", methods=["POST"], endpoint=self._http_token),
            Rule("/graphql", methods=["POST"], endpoint=self._http_graphql),
            Rule("/health", methods=["GET"], endpoint=lambda r: _json({"ok": True})),
            Rule("/sim/threads/<thread_id>/messages", methods=["POST"], endpoint=self._http_add_message),
            Rule("/sim/threads/<thread_id>", methods=["GET"], endpoint=self._http_thread),
            Rule("/sim/messages/<message_id>/review", methods=["POST"], endpoint=self._http_review),
            Rule("/sim/notifications", methods=["GET"], endpoint=lambda r: _json(self.notifications)),
            Rule("/sim/notifications/<notification_id>/redeliver", methods=["POST"],
                 endpoint=lambda r, notification_id: _json(self.redeliver(notification_id))),
            Rule("/sim/sent", methods=["GET"], endpoint=lambda r: _json(self.sent)),
            Rule("/sim/requests", methods=["GET"], endpoint=lambda r: _json(self.requests)),
            Rule("/sim/faults", methods=["GET"], endpoint=lambda r: _json(self.pending_faults())),
            Rule("/sim/faults", methods=["POST"], endpoint=lambda r: _json(self.set_faults(_body(r)))),
            Rule("/sim/faults", methods=["DELETE"], endpoint=self._http_clear_faults),
            Rule("/sim/tokens", methods=["GET"], endpoint=self._http_tokens),
            Rule("/sim/tokens/revoke", methods=["POST"], endpoint=self._http_revoke),
            Rule("/sim/reset", methods=["POST"], endpoint=self._http_reset),
        ]

    def wsgi_app(self, environ, start_response):
        request = Request(environ)
        adapter = self._url_map.bind_to_environ(environ)
        try:
            endpoint, args = adapter.match()
            response = endpoint(request, **args)
        except _BadRequest as exc:
            response = _json({"error": exc.message}, exc.status)
        except HTTPException as exc:
            response = _json({"error": exc.description}, exc.code or 500)
        return response(environ, start_response)

    def _http_add_message(self, request: Request, thread_id: str) -> Response:
        return _json(self.add_message(thread_id, _body(request)), 201)

    def _http_thread(self, request: Request, thread_id: str) -> Response:
        with self._lock:
            thread = self._threads.get(thread_id)
            if thread is None:
                raise _BadRequest(f"no thread {thread_id}", 404)
            view = dict(thread, messages=[dict(self._messages[m]) for m in thread["messageIds"]])
        return _json(view)

    def _http_review(self, request: Request, message_id: str) -> Response:
        return _json(self.review(message_id, _body(request).get("reviewStatus")))

    def _http_clear_faults(self, request: Request) -> Response:
        with self._lock:
            self._faults.clear()
        return _json({})

    def _http_tokens(self, request: Request) -> Response:
        with self._lock:
            return _json({"grants": self.token_grants, "live": len(self._tokens)})

    def _http_revoke(self, request: Request) -> Response:
        self.revoke_tokens()
        return _json({"revoked": True})

    def _http_reset(self, request: Request) -> Response:
        self.reset()
        return _json({"reset": True})

    # -- OAuth ----------------------------------------------------------------------------

    def _http_token(self, request: Request) -> Response:
        fault = self._take_fault("token")
        if fault is not None:
            return self._fault_response(fault, "token", [])
        auth = request.authorization
        if auth is not None and auth.type == "basic":
            client_id, client_secret = auth.username, auth.password
        else:
            client_id, client_secret = request.form.get("client_id"), request.form.get("client_secret")
        if request.form.get("grant_type") != "client_credentials":
            self._record("token", 400)
            return _json({"error": "unsupported_grant_type"}, 400)
        id_ok = secrets.compare_digest(str(client_id or "").encode(), self.client_id.encode())
        secret_ok = secrets.compare_digest(str(client_secret or "").encode(), self.client_secret.encode())
        if not (id_ok and secret_ok):
            self._record("token", 401)
            return _json({"error": "invalid_client"}, 401, {"WWW-Authenticate": 'Basic realm="expedia-standin"'})
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = time.monotonic() + self.token_ttl
            self.token_grants += 1
        self._record("token", 200)
        return _json({"access_token": token, "token_type": "Bearer", "expires_in": self.token_ttl},
                     headers={"Cache-Control": "no-store"})

    def _token_ok(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return False
        with self._lock:
            expires = self._tokens.get(token.strip())
        return expires is not None and time.monotonic() < expires

    # -- GraphQL --------------------------------------------------------------------------

    def _http_graphql(self, request: Request) -> Response:
        if not self._token_ok(request):
            self._record(None, 401)
            return _json({"errors": [{"message": "Missing or invalid bearer token",
                                      "extensions": {"code": "UNAUTHENTICATED"}}]},
                         401, {"WWW-Authenticate": "Bearer"})
        try:
            payload = json.loads(request.get_data())
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            self._record(None, 400)
            return _json({"errors": [{"message": "Expected a JSON object with a 'query' string",
                                      "extensions": {"code": "BAD_REQUEST"}}]}, 400)
        variables = payload.get("variables") or {}
        operation_name = payload.get("operationName")
        try:
            document = parse(payload["query"])
        except GraphQLError as error:
            self._record(None, 200, error="GRAPHQL_PARSE_FAILED")
            return self._errors_response([error], "GRAPHQL_PARSE_FAILED")
        fields = _root_fields(document, operation_name)
        operation = next((f for f in fields if f in OPERATIONS), None)
        fault = self._take_fault(operation) if operation else None
        if fault is not None:
            return self._fault_response(fault, operation, fields)
        schema = load_schema()
        errors = validate(schema, document)
        if errors:
            self._record(operation, 200, error="GRAPHQL_VALIDATION_FAILED")
            return self._errors_response(errors, "GRAPHQL_VALIDATION_FAILED")
        context = _Context(self)
        result = execute(schema, document, context_value=context, variable_values=variables,
                         operation_name=operation_name)
        answer: dict[str, Any] = {}
        if result.errors:
            if result.data is None and all(e.path is None for e in result.errors):
                self._record(operation, 200, error="BAD_USER_INPUT")
                return self._errors_response(result.errors, "BAD_USER_INPUT")
            answer["errors"] = [e.formatted for e in result.errors]
        answer["data"] = result.data
        self._record(operation, 200, error=answer["errors"][0].get("extensions", {}).get("code")
                     if "errors" in answer else None)
        for notification in context.pending:
            self._deliver(notification)
        return _json(answer)

    @staticmethod
    def _errors_response(errors: list[GraphQLError], code: str) -> Response:
        formatted = []
        for error in errors:
            entry = error.formatted
            entry["extensions"] = {"code": code, **(entry.get("extensions") or {})}
            formatted.append(entry)
        return _json({"errors": formatted})

    def _resolve_message(self, message_id: str) -> dict:
        with self._lock:
            message = self._messages.get(message_id)
            if message is None:
                raise _rejected(f"Message {message_id} not found", "NOT_FOUND")
            return self._message_view(message)

    def _resolve_thread(self, thread_id: str) -> dict:
        with self._lock:
            thread = self._threads.get(thread_id)
            if thread is None:
                raise _rejected(f"MessageThread {thread_id} not found", "NOT_FOUND")
            return self._thread_view(thread)

    def _resolve_send_message(self, context: _Context, data: dict) -> dict:
        with self._lock:
            record = {"operation": "sendMessage", "input": dict(data), "receivedAt": _iso_ms(self._now()),
                      "result": None, "error": None}
            self._sent.append(record)
            try:
                thread = self._threads.get(data["messageThreadId"])
                if thread is None:
                    raise _rejected(f"MessageThread {data['messageThreadId']} not found", "NOT_FOUND")
                body = data.get("body")
                if data.get("attachmentIds"):
                    raise _rejected("Unknown attachment ids: the stand-in has no uploads", "BAD_REQUEST")
                if body is None or not body.strip():
                    raise _rejected("A message needs a body", "BAD_REQUEST")
                if _HTML_TAG.search(body):
                    raise _rejected("Message bodies are plain text only; HTML tags are not allowed",
                                    "BAD_REQUEST")
            except GraphQLError as error:
                record["error"] = {"message": error.message, "code": error.extensions["code"]}
                raise
            message = self._store_message(thread, {"body": body, "fromRole": "SUPPLIER",
                                                   "reviewStatus": "ACCEPTED"})
            record["result"] = {"messageId": message["id"]}
            context.pending.append(self._new_notification("MessageReceived", {
                "propertyId": thread["propertyId"], "messageThreadId": thread["id"], "messageId": message["id"]}))
            return {"clientMutationId": data.get("clientMutationId"), "messageId": message["id"]}

    def _resolve_set_spam(self, context: _Context, data: dict) -> dict:
        with self._lock:
            record = {"operation": "setMessageThreadSpamStatus", "input": dict(data),
                      "receivedAt": _iso_ms(self._now()), "result": None, "error": None}
            self._sent.append(record)
            thread = self._threads.get(data["id"])
            if thread is None:
                error = _rejected(f"MessageThread {data['id']} not found", "NOT_FOUND")
                record["error"] = {"message": error.message, "code": "NOT_FOUND"}
                raise error
            thread["spamStatus"] = data["status"]
            record["result"] = {"id": thread["id"]}
            return {"clientMutationId": data.get("clientMutationId"), "id": thread["id"]}

    # -- views in the schema's shapes (default resolvers read these dicts) ------------------

    def _message_view(self, message: dict) -> dict:
        created = message["createdAt"]
        return {
            "id": message["id"],
            "messageThread": lambda info, **_: self._resolve_thread(message["threadId"]),
            "createdDateTime": created,
            "creationDateTimeUtc": created,
            "type": None,
            "body": None if message["body"] is None else {"value": message["body"]},
            "attachments": [
                {"id": a["id"], "name": a["name"], "url": a["url"],
                 "uploadedDateTime": a["uploadedAt"], "uploadDateTimeUtc": a["uploadedAt"]}
                for a in message["attachments"]
            ],
            "fromRole": message["fromRole"],
            "reviewStatus": message["reviewStatus"],
        }

    def _thread_view(self, thread: dict) -> dict:
        reservation = thread["reservation"]
        traveler = thread["traveler"]
        return {
            "id": thread["id"],
            "property": {"id": thread["propertyId"]},
            "bookingInquiry": None,
            "reservationSummary": None if reservation is None else {
                "id": reservation["id"],
                "checkInDate": reservation["checkInDate"],
                "checkOutDate": reservation["checkOutDate"],
                "adultCount": reservation["adultCount"],
                "childCount": reservation["childCount"],
                "petCount": reservation["petCount"],
                "alternativeIds": {"supplierId": reservation["supplierId"]},
            },
            "primaryTraveler": None if traveler is None else {
                "firstName": traveler.get("firstName"), "lastName": traveler.get("lastName")},
            "messages": lambda info, limit=10, cursor=None, orderBy=None: self._messages_page(
                thread["id"], limit, cursor, orderBy),
            "createdDateTime": thread["createdAt"],
            "creationDateTimeUtc": thread["createdAt"],
        }

    def _messages_page(self, thread_id: str, limit: int, cursor: str | None, order_by: dict | None) -> dict:
        if limit is None or limit < 1:
            raise _rejected("limit must be at least 1", "BAD_REQUEST")
        try:
            start = int(cursor) if cursor else 0
        except ValueError:
            raise _rejected("invalid cursor", "BAD_REQUEST") from None
        with self._lock:
            messages = sorted((self._messages[m] for m in self._threads[thread_id]["messageIds"]),
                              key=lambda m: (m["createdAt"], m["seq"]),
                              reverse=(order_by or {}).get("order") == "DESC")
            page = messages[start:start + limit]
            following = start + limit
            return {"totalCount": len(messages),
                    "cursor": str(following) if following < len(messages) else None,
                    "elements": [self._message_view(m) for m in page]}

    # -- state changes (under the lock) ---------------------------------------------------

    def _next_id(self, kind: str) -> str:
        return f"{kind}-{self.id_prefix}{next(self._counters[kind]):04d}"

    def _add_message(self, thread_id: str, spec: dict) -> tuple[list[dict], dict]:
        if not isinstance(spec, dict):
            raise _BadRequest("expected a JSON object")
        thread = self._threads.get(thread_id)
        property_id = spec.get("propertyId")
        property_id = None if property_id is None else str(property_id)
        if thread is None and not property_id:
            raise _BadRequest("propertyId is needed to create a thread")
        if thread is not None and property_id and property_id != thread["propertyId"]:
            raise _BadRequest(f"thread {thread_id} belongs to property {thread['propertyId']}", 409)
        role = spec.get("fromRole") or "TRAVELER"
        if role not in ROLES:
            raise _BadRequest("fromRole must be TRAVELER or SUPPLIER")
        review_status = spec.get("reviewStatus") or "ACCEPTED"
        if review_status not in REVIEW_STATUSES:
            raise _BadRequest(f"reviewStatus must be one of {', '.join(REVIEW_STATUSES)}")
        body = spec.get("body")
        if body is not None and not isinstance(body, str):
            raise _BadRequest("body must be a string")
        attachments = _check_attachments(spec.get("attachments"))
        if not (body and body.strip()) and not attachments:
            raise _BadRequest("a message needs a body (or attachments)")
        message_id = spec.get("messageId")
        if message_id is not None and (not isinstance(message_id, str) or not message_id):
            raise _BadRequest("messageId must be a non-empty string")
        if message_id in self._messages:
            raise _BadRequest(f"message {message_id} exists already", 409)
        traveler = _check_traveler(spec.get("traveler"))
        reservation = _check_reservation(spec.get("reservation"), thread_id)

        pending = []
        if thread is None:
            thread = {"id": thread_id, "propertyId": property_id, "traveler": traveler,
                      "reservation": reservation, "createdAt": _iso_ms(self._now()),
                      "spamStatus": None, "messageIds": []}
            self._threads[thread_id] = thread
            pending.append(self._new_notification("MessageThreadCreated", {
                "propertyId": property_id, "messageThreadId": thread_id}))
        else:
            thread["traveler"] = traveler or thread["traveler"]
            thread["reservation"] = reservation or thread["reservation"]
        message = self._store_message(thread, {"id": message_id, "body": body, "fromRole": role,
                                               "reviewStatus": review_status, "attachments": attachments})
        received = self._new_notification("MessageReceived", {
            "propertyId": thread["propertyId"], "messageThreadId": thread_id, "messageId": message["id"]})
        pending.append(received)
        return pending, {"messageId": message["id"], "notificationId": received["notificationId"]}

    def _store_message(self, thread: dict, fields: dict) -> dict:
        created = _iso_ms(self._now())
        message = {
            "id": fields.get("id") or self._next_id("msg"),
            "threadId": thread["id"],
            "createdAt": created,
            "seq": next(self._counters["seq"]),
            "body": fields.get("body"),
            "fromRole": fields["fromRole"],
            "reviewStatus": fields["reviewStatus"],
            "attachments": [dict(a, id=self._next_id("att"), uploadedAt=created)
                            for a in fields.get("attachments") or []],
        }
        self._messages[message["id"]] = message
        thread["messageIds"].append(message["id"])
        return message

    # -- notifications --------------------------------------------------------------------

    def _new_notification(self, event_type: str, payload: dict) -> dict:
        envelope = {"eventType": event_type, "creationDateTime": _iso_s(self._now()),
                    "notificationId": self._next_id("ntf"), "payload": payload}
        notification = dict(envelope, raw=json.dumps(envelope, ensure_ascii=False,
                                                     separators=(",", ":")).encode("utf-8"),
                            deliveries=[])
        self._notifications[envelope["notificationId"]] = notification
        return notification

    def _deliver(self, notification: dict) -> dict:
        """Sends one notification (outside the lock: the receiver may call us back)."""
        raw = notification["raw"]
        headers = {"Content-Type": "application/json",
                   SIGNATURE_HEADER: sign(self.callback_secret, raw)}
        status, error = None, None
        try:
            if self.notify is not None:
                answer = self.notify(raw, dict(headers))
                status = 200 if answer is None else int(getattr(answer, "status_code", answer))
            elif self.callback_url:
                status = requests.post(self.callback_url, data=raw, headers=headers,
                                       timeout=self.callback_timeout).status_code
            else:
                error = "no callback configured"
        except Exception as exc:  # the receiver failing is what is being simulated
            error = f"{exc.__class__.__name__}: {exc}"
        delivery = {"attemptedAt": _iso_ms(self._now()), "status": status,
                    "ok": status is not None and 200 <= status < 300, "error": error}
        with self._lock:
            notification["deliveries"].append(delivery)
        return delivery

    @staticmethod
    def _notification_view(notification: dict) -> dict:
        return {"notificationId": notification["notificationId"], "eventType": notification["eventType"],
                "creationDateTime": notification["creationDateTime"], "payload": notification["payload"],
                "body": notification["raw"].decode("utf-8"),
                "deliveries": [dict(d) for d in notification["deliveries"]]}

    # -- faults and the request log ---------------------------------------------------------

    @staticmethod
    def _check_fault(operation: str, entry: Any):
        if isinstance(entry, bool):
            raise _BadRequest(f"{operation}: invalid fault {entry!r}")
        if isinstance(entry, int) and 400 <= entry <= 599:
            return entry
        if isinstance(entry, dict) and isinstance(entry.get("status"), int) and 400 <= entry["status"] <= 599:
            retry_after = entry.get("retryAfter")
            if retry_after is not None and (not isinstance(retry_after, int) or retry_after < 0):
                raise _BadRequest(f"{operation}: retryAfter is whole seconds")
            return {"status": entry["status"], "retryAfter": retry_after}
        if entry == "timeout":
            return entry
        if isinstance(entry, str) and _GRAPHQL_FAULT.match(entry) and operation != "token":
            return entry
        raise _BadRequest(f"{operation}: invalid fault {entry!r} (an HTTP status, "
                          '{"status": 429, "retryAfter": 1}, "timeout" or "graphql:CODE")')

    def _take_fault(self, operation: str):
        with self._lock:
            queue = self._faults.get(operation)
            return queue.popleft() if queue else None

    def _fault_response(self, fault, operation: str, fields: list[str]) -> Response:
        if fault == "timeout":
            self._record(operation, 504, fault=fault)
            self._stopping.wait(self.fault_timeout_seconds)
            return _json({"errors": [{"message": "Simulated gateway timeout",
                                      "extensions": {"code": "GATEWAY_TIMEOUT"}}]}, 504)
        if isinstance(fault, str):
            code = _GRAPHQL_FAULT.match(fault).group(1)
            self._record(operation, 200, fault=fault, error=code)
            return _json({"errors": [{"message": f"Simulated {code}", "path": [fields[0]] if fields else None,
                                      "extensions": {"code": code}}],
                          "data": {f: None for f in fields} or None})
        status, retry_after = (fault, None) if isinstance(fault, int) else (fault["status"], fault["retryAfter"])
        self._record(operation, status, fault=fault)
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        return _json({"errors": [{"message": f"Simulated HTTP {status}",
                                  "extensions": {"code": "TOO_MANY_REQUESTS" if status == 429 else f"HTTP_{status}"}}]},
                     status, headers)

    def _record(self, operation: str | None, status: int, *, fault=None, error: str | None = None) -> None:
        with self._lock:
            self._requests.append({"operation": operation, "status": status, "fault": fault,
                                   "error": error, "at": _iso_ms(self._now())})


def create_app(standin: ExpediaStandIn | None = None, **kwargs):
    """The stand-in's WSGI app (a new ``ExpediaStandIn(**kwargs)`` unless one is given)."""
    return (standin or ExpediaStandIn(**kwargs)).wsgi_app


# -- request helpers ----------------------------------------------------------------------

def _body(request: Request) -> dict:
    try:
        value = json.loads(request.get_data() or b"{}")
    except ValueError:
        raise _BadRequest("expected a JSON body") from None
    if not isinstance(value, dict):
        raise _BadRequest("expected a JSON object")
    return value


def _root_fields(document, operation_name: str | None) -> list[str]:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if not operations:
        return []
    return [s.name.value for s in operations[0].selection_set.selections if isinstance(s, FieldNode)]


def _check_traveler(value: Any) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _BadRequest("traveler must be an object")
    for key in ("firstName", "lastName"):
        if value.get(key) is not None and not isinstance(value[key], str):
            raise _BadRequest(f"traveler.{key} must be a string")
    return {"firstName": value.get("firstName"), "lastName": value.get("lastName")}


def _check_reservation(value: Any, thread_id: str) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _BadRequest("reservation must be an object")
    try:
        check_in = date.fromisoformat(value["checkInDate"])
        check_out = date.fromisoformat(value["checkOutDate"])
    except (KeyError, TypeError, ValueError):
        raise _BadRequest("reservation needs checkInDate and checkOutDate as YYYY-MM-DD") from None
    if check_out <= check_in:
        raise _BadRequest("reservation.checkOutDate must be after checkInDate")
    counts = {}
    for key, default in (("adultCount", 1), ("childCount", 0), ("petCount", 0)):
        number = value.get(key, default)
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            raise _BadRequest(f"reservation.{key} must be a whole number >= 0")
        counts[key] = number
    supplier_id = (value.get("alternativeIds") or {}).get("supplierId")
    return {"id": str(value.get("id") or f"res-{thread_id}"), "checkInDate": check_in.isoformat(),
            "checkOutDate": check_out.isoformat(), **counts,
            "supplierId": "" if supplier_id is None else str(supplier_id)}


def _check_attachments(value: Any) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(
            isinstance(a, dict) and isinstance(a.get("name"), str) and isinstance(a.get("url"), str)
            for a in value):
        raise _BadRequest('attachments: a list of {"name", "url"}')
    return [{"name": a["name"], "url": a["url"]} for a in value]
