"""The local stack's one HTTP server: what each path prefix stands for in AWS.

- ``/v1/...``: the REST API (``local.gateway``);
- ``/cognito/``: Cognito's endpoint (``https://cognito-idp.{region}.amazonaws.com/``) for the
  console's sign-in, refresh and sign-out only, passed to moto, so the console signs in on its
  own origin;
- ``/expedia/...``: the Expedia stand-in (token, GraphQL, simulator);
- ``/config.json``: where the console finds the API, the user pool and the WebSocket (``realtime_url``);
- ``POST /local/reconcile``: runs the Expedia reconciler now (no AWS counterpart: the hourly schedule);
- ``/local/connections/@connections/{id}``: the WebSocket API's ``@connections`` management API
  (``https://{api-id}.execute-api.{region}.amazonaws.com/{stage}/@connections/{id}``), emulated by
  ``local.connections_endpoint`` for the sockets of ``local.realtime``;
- everything else: the console's static files from ``console/`` (the CDN in AWS).
"""

from __future__ import annotations

import gzip
import json
import logging
import mimetypes
import threading
from collections.abc import Callable
from pathlib import Path

import requests
from werkzeug.security import safe_join
from werkzeug.wrappers import Request, Response

log = logging.getLogger("local.web")

COGNITO_TARGET_PREFIX = "AWSCognitoIdentityProviderService."
CONNECTIONS_PREFIX = "/local/connections"  # the setting realtime_connections_url is {base}{this}
_TYPES = {
    ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".json": "application/json", ".map": "application/json", ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json", ".txt": "text/plain; charset=utf-8", ".ico": "image/x-icon",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
    ".woff": "font/woff", ".woff2": "font/woff2", ".wasm": "application/wasm",
}
_COMPRESSIBLE = ("text/", "application/json", "application/manifest+json", "image/svg+xml", "application/wasm")
_MIN_GZIP_BYTES = 512


def content_type(path: Path) -> str:
    return _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class StaticFiles:
    """Serves a folder read at each request (the console may be rebuilt while the stack runs):
    ``/`` is ``index.html``, with ETags and gzip for clients that accept it."""

    def __init__(self, root: Path):
        self.root = root
        self._gzipped: dict[tuple[str, int, int], bytes] = {}
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return Response("method not allowed", status=405, headers={"Allow": "GET, HEAD"})
        if not self.root.is_dir():
            return Response("The console is not built yet (no console/ folder). The API is under /v1.",
                            status=404, mimetype="text/plain")
        relative = request.path.lstrip("/") or "index.html"
        joined = safe_join(str(self.root), relative)
        path = Path(joined) if joined else None
        if path is not None and path.is_dir():
            path = path / "index.html"
        if path is None or not path.is_file():
            return Response("not found", status=404, mimetype="text/plain")
        stat = path.stat()
        tag = f"{stat.st_mtime_ns:x}-{stat.st_size:x}"
        kind = content_type(path)
        headers = {"Cache-Control": "no-cache", "ETag": f'"{tag}"', "Vary": "Accept-Encoding"}
        if request.if_none_match.contains(tag):
            return Response(status=304, headers=headers)
        data = path.read_bytes()
        if (len(data) >= _MIN_GZIP_BYTES and kind.startswith(_COMPRESSIBLE)
                and "gzip" in request.accept_encodings):
            data = self._gzip(path, stat, data)
            headers["Content-Encoding"] = "gzip"
        response = Response(b"" if request.method == "HEAD" else data, headers=headers, content_type=kind)
        response.content_length = len(data)
        return response

    def _gzip(self, path: Path, stat, data: bytes) -> bytes:
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._gzipped.get(key)
        if cached is None:
            cached = gzip.compress(data, compresslevel=6, mtime=0)
            with self._lock:
                self._gzipped[key] = cached
        return cached


class CognitoProxy:
    """``POST /cognito/`` -> moto's Cognito IDP endpoint, for what the console calls and nothing more.

    moto enforces neither the app client's write attributes nor ``AllowAdminCreateUserOnly``:
    passed whole, it would let a signed-in agent write ``custom:hotel_ids`` (UpdateUserAttributes)
    and anyone sign up for any hotel. So only the console's own calls go through: sign-in
    (``InitiateAuth`` with ``USER_PASSWORD_AUTH``), refresh (``REFRESH_TOKEN_AUTH``) and sign-out
    (``GlobalSignOut``), on the console's client; the rest gets Cognito's 400.
    """

    OPERATIONS = frozenset({"InitiateAuth", "GlobalSignOut"})
    AUTH_FLOWS = frozenset({"USER_PASSWORD_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"})
    CORS = {"Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Headers": "Content-Type,X-Amz-Target,X-Amz-User-Agent",
            "Access-Control-Allow-Methods": "POST,OPTIONS", "Access-Control-Max-Age": "3600"}

    def __init__(self, moto_endpoint: str, client_id: str):
        self.moto_endpoint = moto_endpoint.rstrip("/") + "/"
        self.client_id = client_id

    def __call__(self, request: Request) -> Response:
        if request.method == "OPTIONS":
            response = Response(status=204, headers=self.CORS)
            response.headers.remove("Content-Type")
            return response
        target = request.headers.get("X-Amz-Target", "")
        if request.method != "POST" or not target.startswith(COGNITO_TARGET_PREFIX):
            return self._error("UnknownOperationException", "POST a Cognito user pools operation (X-Amz-Target)")
        refused = self._refusal(target.removeprefix(COGNITO_TARGET_PREFIX), request.get_data())
        if refused is not None:
            return refused
        forwarded = {name: value for name, value in request.headers.items()
                     if name.lower() in ("content-type", "x-amz-target", "x-amz-user-agent")}
        answer = requests.post(self.moto_endpoint, data=request.get_data(), headers=forwarded, timeout=30)
        return Response(answer.content, status=answer.status_code, headers=self.CORS,
                        content_type=answer.headers.get("Content-Type", "application/x-amz-json-1.1"))

    def _refusal(self, operation: str, body: bytes) -> Response | None:
        if operation not in self.OPERATIONS:
            return self._error("NotAuthorizedException",
                               f"{operation} is not allowed here: the local Cognito endpoint passes only the "
                               "console's sign-in, refresh and sign-out")
        if operation != "InitiateAuth":
            return None
        try:
            call = json.loads(body or b"{}")
        except ValueError:
            return self._error("SerializationException", "the body is not JSON")
        if not isinstance(call, dict) or call.get("ClientId") != self.client_id:
            return self._error("NotAuthorizedException", "only the console's app client signs in here")
        if call.get("AuthFlow") not in self.AUTH_FLOWS:
            return self._error("InvalidParameterException",
                               f"AuthFlow must be one of {', '.join(sorted(self.AUTH_FLOWS))}")
        return None

    def _error(self, kind: str, message: str) -> Response:
        """Cognito's error shape: 400 with ``__type`` and ``message``."""
        return Response(json.dumps({"__type": kind, "message": message}), status=400, headers=self.CORS,
                        content_type="application/x-amz-json-1.1")


class LocalWeb:
    """The WSGI app of the local stack's HTTP server. Parts may be attached after the server
    listens (its port is needed to build them); until then their paths answer 503."""

    def __init__(self, console_dir: Path):
        self.gateway: Callable | None = None
        self.expedia: Callable | None = None
        self.cognito: CognitoProxy | None = None
        self.config: dict | None = None
        self.reconcile: Callable[[], dict] | None = None
        self.connections: Callable | None = None  # local.connections_endpoint.ConnectionsEndpoint
        self.static = StaticFiles(console_dir)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "") or "/"
        if path == "/v1" or path.startswith("/v1/"):
            return self._or_unavailable(self.gateway, environ, start_response)
        if path == "/expedia" or path.startswith("/expedia/"):
            if self.expedia is None:
                return self._unavailable(environ, start_response)
            # Mounted: the stand-in sees its own paths (/graphql, /oauth/token, /sim/...).
            environ = dict(environ, SCRIPT_NAME=environ.get("SCRIPT_NAME", "") + "/expedia",
                           PATH_INFO=path[len("/expedia"):] or "/")
            return self.expedia(environ, start_response)
        if path.startswith(CONNECTIONS_PREFIX + "/"):
            if self.connections is None:
                return self._unavailable(environ, start_response)
            environ = dict(environ, SCRIPT_NAME=environ.get("SCRIPT_NAME", "") + CONNECTIONS_PREFIX,
                           PATH_INFO=path[len(CONNECTIONS_PREFIX):])
            return self.connections(environ, start_response)
        request = Request(environ)
        if path in ("/cognito", "/cognito/"):
            response = self.cognito(request) if self.cognito else None
        elif path == "/local/reconcile":
            response = None if self.reconcile is None else self._reconcile(request)
        elif path == "/config.json":
            response = None if self.config is None else Response(
                json.dumps(self.config), mimetype="application/json", headers={"Cache-Control": "no-cache"})
        else:
            response = self.static(request)
        if response is None:
            return self._unavailable(environ, start_response)
        return response(environ, start_response)

    def _reconcile(self, request: Request) -> Response:
        if request.method != "POST":
            return Response("POST runs the Expedia reconciler", status=405, headers={"Allow": "POST"})
        try:
            summary = self.reconcile()
        except Exception as error:  # shown to whoever asked, as the scheduler's failed run would be logged
            log.warning("reconciliation failed: %s: %s", type(error).__name__, error)
            return Response(json.dumps({"message": f"reconciliation failed: {type(error).__name__}: {error}"}),
                            status=502, mimetype="application/json")
        return Response(json.dumps(summary), mimetype="application/json")

    def _or_unavailable(self, app, environ, start_response):
        return app(environ, start_response) if app is not None else self._unavailable(environ, start_response)

    @staticmethod
    def _unavailable(environ, start_response):
        return Response(json.dumps({"message": "the local stack is starting"}), status=503,
                        mimetype="application/json")(environ, start_response)
