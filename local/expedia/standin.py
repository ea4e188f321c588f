"""A stand-in for Expedia's messaging API, attachment service and Notification Service (docs/expedia.md).

Routes (``url`` is where it runs, e.g. ``http://127.0.0.1:PORT``):

- ``POST /oauth/token``: OAuth 2.0 client credentials (HTTP Basic or form
  ``client_id``/``client_secret``; ``grant_type=client_credentials``).
- ``POST /graphql``: needs ``Authorization: Bearer <token>``; executed by graphql-core
  against Expedia's schema (``schema.graphqls``, resolvers in ``resolvers.py``).
- ``POST /files``, ``GET /files/{id}``: the attachment service (``files.py``), same token.
- ``/sim/...``: the simulator API (``expedia_sim_url`` = ``{url}/sim``), see ``_routes``.

Choices where Expedia's documents are silent (also in the report of the change):

- Unknown ids: ``message``/``messageThread`` are nullable in the schema, so the answer is
  ``{"data": {"message": null}, "errors": [{..., "extensions": {"code": "NOT_FOUND"}}]}``.
  Mutations on an unknown thread answer the same way (``sendMessage: null``).
- Errors before execution are HTTP 200 with ``errors`` and ``data`` absent, with
  ``extensions.code`` ``GRAPHQL_PARSE_FAILED``, ``GRAPHQL_VALIDATION_FAILED`` or
  ``BAD_USER_INPUT`` (variables that do not fit). Business refusals: ``BAD_REQUEST``.
- ``sendMessage`` and ``addMessage`` store a ``SUPPLIER`` message, ``reviewStatus``
  ``ACCEPTED`` at once (moderation is simulated with ``POST /sim/messages/{id}/review``), and
  send a ``MessageReceived`` notification *before* answering the mutation: the harshest order
  for Lobby, which must recognise its own message by the id it has not stored yet. Bodies with
  HTML tags are refused, and so is a message with neither body nor attachments; each attachment
  id must be a file of the attachment service uploaded for a thread of the same property.
- Notifications are delivered synchronously; retries and outages: ``notifications.py``.
  Bodies are compact UTF-8 JSON (no spaces, non-ASCII kept), so a receiver that re-serialises
  before verifying fails.
- Times: messages ``2026-11-24T09:15:02.123Z`` (the schema's ``.SSS``), notifications
  ``2026-11-24T09:15:02Z`` (docs/expedia.md's example). The clock is the stand-in's own: real
  time plus what ``POST /sim/clock`` added (tokens age in real time).
- A reservation without ``alternativeIds.supplierId`` answers ``supplierId: ""``: the
  schema makes it non-null, so "not given" can only be an empty string.
- Pages: ``limit`` 1..100 (default 10, the schema's); the cursor is opaque and keyset-based.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import requests
from graphql import GraphQLError, OperationDefinitionNode, execute, parse, validate
from graphql.language import FieldNode
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

import local  # noqa: F401  (puts functions/ on sys.path)
from expedia.signature import SIGNATURE_HEADER, sign
from local.expedia.common import (
    BadRequest,
    check_reservation,
    check_traveler,
    check_traveler_files,
    iso_ms,
    json_response,
    read_body,
    rejected,
)
from local.expedia.faults import GRAPHQL_OPERATIONS, Faults
from local.expedia.files import AttachmentService
from local.expedia.notifications import NotificationService
from local.expedia.resolvers import SCHEMA_PATH, Context, load_schema

__all__ = ["SCHEMA_PATH", "ExpediaStandIn", "create_app", "load_schema"]

ROLES = ("TRAVELER", "SUPPLIER")
MAX_ATTACHMENTS = 100  # per message (docs/expedia.md)
REVIEW_STATUSES = ("IN_REVIEW", "ACCEPTED", "BLOCKED")
_HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>")

Notify = Callable[[bytes, dict], Any]


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # tests read /sim/requests instead
        pass


class ExpediaStandIn:
    """Expedia, as far as Lobby can tell: token, GraphQL, files, notifications, and a simulator.

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
        self.callback_timeout = callback_timeout
        # A fresh prefix per run keeps ids unique across restarts of the local stack.
        self.id_prefix = f"{secrets.token_hex(3)}-" if id_prefix is None else id_prefix
        self._now = now or (lambda: datetime.now(UTC))  # real time; now() adds the simulated advance
        self.lock = threading.RLock()
        self._stopping = threading.Event()
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.url: str | None = None
        self._counters = {kind: count(1) for kind in ("msg", "ntf", "att", "seq")}
        self._tokens: dict[str, float] = {}
        self.faults = Faults(self.now, self._stopping, fault_timeout_seconds)
        self.files = AttachmentService(lambda: self._next_id("att"), self.now)
        self.notifications_service = NotificationService(self._send_callback, lambda: self._next_id("ntf"),
                                                         self.now)
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
            if self._thread is not None:
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

    @property
    def files_url(self) -> str | None:
        """The attachment service (``expedia_files_url``)."""
        return None if self.url is None else f"{self.url}/files"

    def reset(self) -> None:
        """Forgets threads, messages, files, notifications, records, faults and the outage (ids keep counting)."""
        with self.lock:
            self.threads: dict[str, dict] = {}
            self.messages: dict[str, dict] = {}
            self._sent: list[dict] = []
            self.faults.reset()
            self._advanced = timedelta(0)
            self.token_grants = 0
            self.files.reset()
            self.notifications_service.reset()

    def now(self) -> datetime:
        """The stand-in's clock: real time plus what ``advance_clock`` added."""
        return self._now() + self._advanced

    # -- what tests read ------------------------------------------------------------------

    @property
    def sent(self) -> list[dict]:
        with self.lock:
            return json.loads(json.dumps(self._sent))

    @property
    def requests(self) -> list[dict]:
        with self.lock:
            return self.faults.requests

    @property
    def notifications(self) -> list[dict]:
        return self.notifications_service.listing()

    def calls(self, operation: str) -> list[dict]:
        """The GraphQL/token/file requests recorded for ``operation``, faulted ones included."""
        return [r for r in self.requests if r["operation"] == operation]

    # -- simulator operations (also reachable over HTTP) ---------------------------------

    def add_message(self, thread_id: str, spec: dict) -> dict:
        """A message arrives in ``thread_id`` (see the tables in docs/expedia.md)."""
        with self.lock:
            pending, answer = self._add_message(thread_id, spec)
        for notification in pending:
            self.notifications_service.deliver(notification)
        return answer

    def review(self, message_id: str, review_status: str) -> dict:
        with self.lock:
            message = self.messages.get(message_id)
            if message is None:
                raise BadRequest(f"no message {message_id}", 404)
            if review_status not in REVIEW_STATUSES:
                raise BadRequest(f"reviewStatus must be one of {', '.join(REVIEW_STATUSES)}")
            notification = None
            if message["reviewStatus"] != review_status:
                message["reviewStatus"] = review_status
                thread = self.threads[message["threadId"]]
                notification = self.notifications_service.new("MessageAttributesUpdated", {
                    "propertyId": thread["propertyId"], "messageThreadId": thread["id"], "messageId": message_id})
        if notification is not None:
            self.notifications_service.deliver(notification)
        return {"messageId": message_id, "reviewStatus": review_status,
                "notificationId": notification and notification["notificationId"]}

    def redeliver(self, notification_id: str) -> dict:
        notification = self.notifications_service.get(notification_id)
        if notification is None:
            raise BadRequest(f"no notification {notification_id}", 404)
        delivery = self.notifications_service.deliver(notification)
        return {"notificationId": notification_id, "delivery": delivery}

    def set_outage(self, callbacks: bool) -> dict:
        """``POST /sim/outage``: ``callbacks: false`` holds every notification; ``true`` resumes and retries."""
        return self.notifications_service.set_callbacks(callbacks)

    def advance_clock(self, hours: float) -> dict:
        """``POST /sim/clock``: the stand-in's time moves on; hourly retries due meanwhile are made."""
        if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 <= hours <= 24 * 365:
            raise BadRequest("advance_hours: a number of hours between 0 and 8760")
        before = self.now()
        with self.lock:
            self._advanced += timedelta(hours=hours)
        retried = self.notifications_service.retry_due(before)
        return {"now": iso_ms(self.now()), "retried": retried}

    def set_faults(self, faults: dict) -> dict:
        """``{"sendMessage": [500, 500]}``: the next calls of that operation get these answers (``faults.py``)."""
        return self.faults.set(faults)

    def pending_faults(self) -> dict:
        return self.faults.pending()

    def revoke_tokens(self) -> None:
        with self.lock:
            self._tokens.clear()

    # -- WSGI -----------------------------------------------------------------------------

    def _routes(self) -> list[Rule]:
        def sim_json(call: Callable[[], Any]) -> Callable[..., Response]:
            return lambda request, **_: json_response(call())

        return [
            Rule("/oauth/token", methods=["POST"], endpoint=self._http_token),
            Rule("/graphql", methods=["POST"], endpoint=self._http_graphql),
            Rule("/files", methods=["POST"], endpoint=self._http_upload),
            Rule("/files/<attachment_id>", methods=["GET"], endpoint=self._http_download),
            Rule("/health", methods=["GET"], endpoint=sim_json(lambda: {"ok": True})),
            Rule("/sim/threads/<thread_id>/messages", methods=["POST"], endpoint=self._http_add_message),
            Rule("/sim/threads/<thread_id>", methods=["GET"], endpoint=self._http_thread),
            Rule("/sim/messages/<message_id>/review", methods=["POST"],
                 endpoint=lambda r, message_id: json_response(self.review(message_id, read_body(r).get("reviewStatus")))),
            Rule("/sim/notifications", methods=["GET"], endpoint=sim_json(lambda: self.notifications)),
            Rule("/sim/notifications/<notification_id>/redeliver", methods=["POST"],
                 endpoint=lambda r, notification_id: json_response(self.redeliver(notification_id))),
            Rule("/sim/files", methods=["GET"], endpoint=sim_json(self.files.listing)),
            Rule("/sim/outage", methods=["POST"], endpoint=self._http_outage),
            Rule("/sim/clock", methods=["POST"],
                 endpoint=lambda r: json_response(self.advance_clock(read_body(r).get("advance_hours")))),
            Rule("/sim/clock", methods=["GET"], endpoint=sim_json(lambda: {"now": iso_ms(self.now())})),
            Rule("/sim/sent", methods=["GET"], endpoint=sim_json(lambda: self.sent)),
            Rule("/sim/requests", methods=["GET"], endpoint=sim_json(lambda: self.requests)),
            Rule("/sim/faults", methods=["GET"], endpoint=sim_json(self.pending_faults)),
            Rule("/sim/faults", methods=["POST"], endpoint=lambda r: json_response(self.set_faults(read_body(r)))),
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
        except BadRequest as exc:
            response = json_response({"error": exc.message}, exc.status)
        except HTTPException as exc:
            response = json_response({"error": exc.description}, exc.code or 500)
        return response(environ, start_response)

    def _http_add_message(self, request: Request, thread_id: str) -> Response:
        return json_response(self.add_message(thread_id, read_body(request)), 201)

    def _http_thread(self, request: Request, thread_id: str) -> Response:
        with self.lock:
            thread = self.threads.get(thread_id)
            if thread is None:
                raise BadRequest(f"no thread {thread_id}", 404)
            messages = [dict(self.messages[m], attachments=[
                {k: v for k, v in a.items() if k != "data"} for a in self.messages[m]["attachments"]])
                for m in thread["messageIds"]]
            view = dict(thread, messages=messages)
        return json_response(view)

    def _http_outage(self, request: Request) -> Response:
        callbacks = read_body(request).get("callbacks")
        if not isinstance(callbacks, bool):
            raise BadRequest('{"callbacks": false} pauses deliveries, {"callbacks": true} resumes them')
        return json_response(self.set_outage(callbacks))

    def _http_clear_faults(self, request: Request) -> Response:
        self.faults.clear()
        return json_response({})

    def _http_tokens(self, request: Request) -> Response:
        with self.lock:
            return json_response({"grants": self.token_grants, "live": len(self._tokens)})

    def _http_revoke(self, request: Request) -> Response:
        self.revoke_tokens()
        return json_response({"revoked": True})

    def _http_reset(self, request: Request) -> Response:
        self.reset()
        return json_response({"reset": True})

    # -- the attachment service -----------------------------------------------------------

    def _http_upload(self, request: Request) -> Response:
        return self._rest("upload", request, lambda: self.files.upload(request, self.threads.get))

    def _http_download(self, request: Request, attachment_id: str) -> Response:
        return self._rest("download", request, lambda: self.files.download(attachment_id))

    def _rest(self, operation: str, request: Request, answer: Callable[[], Response]) -> Response:
        if not self._token_ok(request):
            self.faults.record(operation, 401)
            return json_response({"error": "Missing or invalid bearer token"}, 401, {"WWW-Authenticate": "Bearer"})
        fault = self.faults.take(operation)
        if fault is not None:
            return self.faults.answer(fault, operation, [])
        try:
            response = answer()
        except BadRequest as exc:
            self.faults.record(operation, exc.status, error=exc.message)
            raise
        except HTTPException as exc:
            self.faults.record(operation, exc.code or 500, error=exc.description)
            raise
        self.faults.record(operation, response.status_code)
        return response

    # -- OAuth ----------------------------------------------------------------------------

    def _http_token(self, request: Request) -> Response:
        fault = self.faults.take("token")
        if fault is not None:
            return self.faults.answer(fault, "token", [])
        auth = request.authorization
        if auth is not None and auth.type == "basic":
            client_id, client_secret = auth.username, auth.password
        else:
            client_id, client_secret = request.form.get("client_id"), request.form.get("client_secret")
        if request.form.get("grant_type") != "client_credentials":
            self.faults.record("token", 400)
            return json_response({"error": "unsupported_grant_type"}, 400)
        id_ok = secrets.compare_digest(str(client_id or "").encode(), self.client_id.encode())
        secret_ok = secrets.compare_digest(str(client_secret or "").encode(), self.client_secret.encode())
        if not (id_ok and secret_ok):
            self.faults.record("token", 401)
            return json_response({"error": "invalid_client"}, 401,
                                 {"WWW-Authenticate": 'Basic realm="expedia-standin"'})
        token = secrets.token_urlsafe(24)
        with self.lock:
            self._tokens[token] = time.monotonic() + self.token_ttl
            self.token_grants += 1
        self.faults.record("token", 200)
        return json_response({"access_token": token, "token_type": "Bearer", "expires_in": self.token_ttl},
                             headers={"Cache-Control": "no-store"})

    def _token_ok(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return False
        with self.lock:
            expires = self._tokens.get(token.strip())
        return expires is not None and time.monotonic() < expires

    # -- GraphQL --------------------------------------------------------------------------

    def _http_graphql(self, request: Request) -> Response:
        if not self._token_ok(request):
            self.faults.record(None, 401)
            return json_response({"errors": [{"message": "Missing or invalid bearer token",
                                              "extensions": {"code": "UNAUTHENTICATED"}}]},
                                 401, {"WWW-Authenticate": "Bearer"})
        try:
            payload = json.loads(request.get_data())
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            self.faults.record(None, 400)
            return json_response({"errors": [{"message": "Expected a JSON object with a 'query' string",
                                              "extensions": {"code": "BAD_REQUEST"}}]}, 400)
        variables = payload.get("variables") or {}
        operation_name = payload.get("operationName")
        try:
            document = parse(payload["query"])
        except GraphQLError as error:
            self.faults.record(None, 200, error="GRAPHQL_PARSE_FAILED")
            return self._errors_response([error], "GRAPHQL_PARSE_FAILED")
        fields = _root_fields(document, operation_name)
        operation = next((f for f in fields if f in GRAPHQL_OPERATIONS), None)
        fault = self.faults.take(operation) if operation else None
        if fault is not None:
            return self.faults.answer(fault, operation, fields)
        schema = load_schema()
        errors = validate(schema, document)
        if errors:
            self.faults.record(operation, 200, error="GRAPHQL_VALIDATION_FAILED")
            return self._errors_response(errors, "GRAPHQL_VALIDATION_FAILED")
        context = Context(self, f"{request.root_url.rstrip('/')}/files")
        result = execute(schema, document, context_value=context, variable_values=variables,
                         operation_name=operation_name)
        answer: dict[str, Any] = {}
        if result.errors:
            if result.data is None and all(e.path is None for e in result.errors):
                self.faults.record(operation, 200, error="BAD_USER_INPUT")
                return self._errors_response(result.errors, "BAD_USER_INPUT")
            answer["errors"] = [e.formatted for e in result.errors]
        answer["data"] = result.data
        self.faults.record(operation, 200, error=answer["errors"][0].get("extensions", {}).get("code")
                     if "errors" in answer else None)
        for notification in context.pending:
            self.notifications_service.deliver(notification)
        return json_response(answer)

    @staticmethod
    def _errors_response(errors: list[GraphQLError], code: str) -> Response:
        formatted = []
        for error in errors:
            entry = dict(error.formatted)
            entry["extensions"] = {"code": code, **(entry.get("extensions") or {})}
            formatted.append(entry)
        return json_response({"errors": formatted})

    # -- mutations (called by the resolvers) ---------------------------------------------------

    def send_message(self, context: Context, data: dict) -> dict:
        message = self._supplier_message(context, "sendMessage", dict(data), data["messageThreadId"],
                                         data.get("body"), data.get("attachmentIds") or [])
        return {"clientMutationId": data.get("clientMutationId"), "messageId": message["id"]}

    def add_supplier_message(self, context: Context, thread_id: str, message: dict) -> dict:
        body = (message.get("body") or {}).get("value")
        stored = self._supplier_message(context, "addMessage", {"messageThreadId": thread_id, "message": message},
                                        thread_id, body, message.get("attachmentIds") or [])
        return {"id": stored["id"]}

    def _supplier_message(self, context: Context, operation: str, recorded: dict, thread_id: str,
                          body: str | None, attachment_ids: list[str]) -> dict:
        with self.lock:
            record = {"operation": operation, "input": recorded, "receivedAt": iso_ms(self.now()),
                      "result": None, "error": None}
            self._sent.append(record)
            try:
                thread = self.threads.get(thread_id)
                if thread is None:
                    raise rejected(f"MessageThread {thread_id} not found", "NOT_FOUND")
                if len(attachment_ids) > MAX_ATTACHMENTS:
                    raise rejected(f"A message carries at most {MAX_ATTACHMENTS} attachments", "BAD_REQUEST")
                files = [self.files.get(a) for a in attachment_ids]
                foreign = [a for a, f in zip(attachment_ids, files, strict=True)
                           if f is None or f["propertyId"] != thread["propertyId"]]
                if foreign:
                    raise rejected(f"Unknown attachment ids for property {thread['propertyId']}: "
                                   f"{', '.join(foreign)}", "BAD_REQUEST")
                if not (body and body.strip()) and not files:
                    raise rejected("A message needs a body or attachments", "BAD_REQUEST")
                if body and _HTML_TAG.search(body):
                    raise rejected("Message bodies are plain text only; HTML tags are not allowed", "BAD_REQUEST")
            except GraphQLError as error:
                record["error"] = {"message": error.message, "code": (error.extensions or {})["code"]}
                raise
            message = self._store_message(thread, {"body": body, "fromRole": "SUPPLIER", "reviewStatus": "ACCEPTED",
                                                   "files": [f for f in files if f is not None]})
            record["result"] = {"messageId": message["id"]}
            context.pending.append(self.notifications_service.new("MessageReceived", {
                "propertyId": thread["propertyId"], "messageThreadId": thread["id"], "messageId": message["id"]}))
            return message

    def set_spam(self, data: dict) -> dict:
        with self.lock:
            record = {"operation": "setMessageThreadSpamStatus", "input": dict(data),
                      "receivedAt": iso_ms(self.now()), "result": None, "error": None}
            self._sent.append(record)
            thread = self.threads.get(data["id"])
            if thread is None:
                error = rejected(f"MessageThread {data['id']} not found", "NOT_FOUND")
                record["error"] = {"message": error.message, "code": "NOT_FOUND"}
                raise error
            thread["spamStatus"] = data["status"]
            record["result"] = {"id": thread["id"]}
            return {"clientMutationId": data.get("clientMutationId"), "id": thread["id"]}

    # -- state changes (under the lock) ---------------------------------------------------

    def _next_id(self, kind: str) -> str:
        return f"{kind}-{self.id_prefix}{next(self._counters[kind]):04d}"

    def _add_message(self, thread_id: str, spec: dict) -> tuple[list[dict], dict]:
        if not isinstance(spec, dict):
            raise BadRequest("expected a JSON object")
        thread = self.threads.get(thread_id)
        property_id = spec.get("propertyId")
        property_id = None if property_id is None else str(property_id)
        if thread is None and not property_id:
            raise BadRequest("propertyId is needed to create a thread")
        if thread is not None and property_id and property_id != thread["propertyId"]:
            raise BadRequest(f"thread {thread_id} belongs to property {thread['propertyId']}", 409)
        role = spec.get("fromRole") or "TRAVELER"
        if role not in ROLES:
            raise BadRequest("fromRole must be TRAVELER or SUPPLIER")
        review_status = spec.get("reviewStatus") or "ACCEPTED"
        if review_status not in REVIEW_STATUSES:
            raise BadRequest(f"reviewStatus must be one of {', '.join(REVIEW_STATUSES)}")
        body = spec.get("body")
        if body is not None and not isinstance(body, str):
            raise BadRequest("body must be a string")
        attachments = check_traveler_files(spec.get("attachments"))
        if not (body and body.strip()) and not attachments:
            raise BadRequest("a message needs a body (or attachments)")
        message_id = spec.get("messageId")
        if message_id is not None and (not isinstance(message_id, str) or not message_id):
            raise BadRequest("messageId must be a non-empty string")
        if message_id in self.messages:
            raise BadRequest(f"message {message_id} exists already", 409)
        traveler = check_traveler(spec.get("traveler"))
        reservation = check_reservation(spec.get("reservation"), thread_id)

        pending = []
        if thread is None:
            thread = {"id": thread_id, "propertyId": property_id, "traveler": traveler,
                      "reservation": reservation, "createdAt": iso_ms(self.now()),
                      "seq": next(self._counters["seq"]), "spamStatus": None, "messageIds": []}
            self.threads[thread_id] = thread
            pending.append(self.notifications_service.new("MessageThreadCreated", {
                "propertyId": property_id, "messageThreadId": thread_id}))
        else:
            thread["traveler"] = traveler or thread["traveler"]
            thread["reservation"] = reservation or thread["reservation"]
        files = [self.files.store(thread, a["name"], a["contentType"], a["data"], source=role.lower(),
                                  streamed=a["streamed"]) for a in attachments]
        message = self._store_message(thread, {"id": message_id, "body": body, "fromRole": role,
                                               "reviewStatus": review_status, "files": files})
        received = self.notifications_service.new("MessageReceived", {
            "propertyId": thread["propertyId"], "messageThreadId": thread_id, "messageId": message["id"]})
        pending.append(received)
        answer = {"messageId": message["id"], "notificationId": received["notificationId"]}
        if files:
            answer["attachmentIds"] = [f["attachmentId"] for f in files]
        return pending, answer

    def _store_message(self, thread: dict, fields: dict) -> dict:
        message = {
            "id": fields.get("id") or self._next_id("msg"),
            "threadId": thread["id"],
            "createdAt": iso_ms(self.now()),
            "seq": next(self._counters["seq"]),
            "body": fields.get("body"),
            "fromRole": fields["fromRole"],
            "reviewStatus": fields["reviewStatus"],
            "attachments": list(fields.get("files") or []),
        }
        self.messages[message["id"]] = message
        thread["messageIds"].append(message["id"])
        return message

    # -- notifications --------------------------------------------------------------------

    def _send_callback(self, raw: bytes) -> tuple[int | None, str | None]:
        """One signed POST of a notification to Lobby's callback (or ``notify``)."""
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(self.callback_secret, raw)}
        try:
            if self.notify is not None:
                answer = self.notify(raw, dict(headers))
                return (200 if answer is None else int(getattr(answer, "status_code", answer))), None
            if self.callback_url:
                return requests.post(self.callback_url, data=raw, headers=headers,
                                     timeout=self.callback_timeout).status_code, None
            return None, "no callback configured"
        except Exception as exc:  # the receiver failing is what is being simulated
            return None, f"{exc.__class__.__name__}: {exc}"


def create_app(standin: ExpediaStandIn | None = None, **kwargs):
    """The stand-in's WSGI app (a new ``ExpediaStandIn(**kwargs)`` unless one is given)."""
    return (standin or ExpediaStandIn(**kwargs)).wsgi_app


def _root_fields(document, operation_name: str | None) -> list[str]:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if not operations:
        return []
    return [s.name.value for s in operations[0].selection_set.selections if isinstance(s, FieldNode)]
