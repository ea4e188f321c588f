"""The request body at the boundary: JSON in UTF-8, within the route's size limit, or a clear 4xx.

Checked before Powertools validates the request (its request validation runs ahead of every
user middleware, and it would parse form data or multipart bodies, or crash on a multipart
type without a boundary), for every route and method that carries a body:

- an empty body passes whatever its content type (close, reopen, spam and not-spam take none;
  a route that needs one answers 422 for its missing fields);
- more bytes than the route's limit: 413 with the limit (``x-max-body-bytes`` on the route,
  ``BODY_LIMIT`` otherwise);
- a content type other than ``application/json`` (``; charset=utf-8`` allowed), or none: 415;
- bytes that are not UTF-8 (or an unpaired surrogate escape, which no UTF-8 text can hold),
  invalid JSON, or nesting deeper than ``MAX_DEPTH``: 400.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from aws_lambda_powertools.event_handler.middlewares.openapi_validation import OpenAPIRequestValidationMiddleware

from api.schemas import BODY_LIMIT

LIMIT_EXTENSION = "x-max-body-bytes"  # an OpenAPI extension on a route whose limit is not BODY_LIMIT
MAX_DEPTH = 32  # Lobby's deepest body (the bot's settings) nests 4 levels
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_SURROGATE = re.compile("[\ud800-\udfff]")


class BodyRefused(Exception):
    """The body cannot be read as Lobby's JSON; ``status`` and the message go to the caller."""

    def __init__(self, status: int, message: str, **details: Any):
        super().__init__(message)
        self.status = status
        self.details = details


class BodyCheckedValidation(OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, preceded by the body check above; the models then
    validate the body this check parsed (Powertools' own parsing is skipped: it would take
    form data and multipart, and it matches ``application/json`` case-sensitively)."""

    def handler(self, app, next_middleware):
        body = None
        if app.current_event.http_method.upper() in BODY_METHODS:
            route = app.context.get("_route")
            extensions = getattr(route, "openapi_extensions", None) or {}
            body = check_body(app.current_event, extensions.get(LIMIT_EXTENSION, BODY_LIMIT))
        app.append_context(_checked_body=body)
        return super().handler(app, next_middleware)

    def _get_body(self, app) -> Any:
        return app.context.get("_checked_body")


def install(app) -> None:
    """Put the body check in front of the resolver's request validation (``enable_validation=True``)."""
    current = getattr(app, "_request_validation_middleware", None)
    if not isinstance(current, OpenAPIRequestValidationMiddleware):  # a Powertools upgrade moved it: fail at import
        raise RuntimeError("the resolver has no request validation middleware to put the body check in front of")
    app._request_validation_middleware = BodyCheckedValidation()


def check_body(event, limit: int) -> Any:
    """The parsed body (None when empty), or ``BodyRefused``."""
    raw = event.body
    if not raw:
        return None
    if event.is_base64_encoded:
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise BodyRefused(400, "the body is marked base64 but is not") from None
    else:
        data = raw.encode("utf-8", "surrogatepass")
    if len(data) > limit:
        raise BodyRefused(413, f"the body is {len(data):,} bytes; this route takes at most {limit:,} bytes "
                               f"({limit // 1024} KB)", limit_bytes=limit)
    if not data:
        return None
    _check_content_type(event.headers.get("content-type"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyRefused(400, "the body is not UTF-8") from None
    if _SURROGATE.search(text):
        raise BodyRefused(400, "the body is not UTF-8 (it holds an unpaired surrogate)")
    try:
        body = json.loads(text)
    except RecursionError:
        raise BodyRefused(400, f"the JSON body nests deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:
        raise BodyRefused(400, f"the body is not valid JSON: {error}") from None
    _check_json(body)
    return body


def _check_content_type(value: str | None) -> None:
    if not value or not value.strip():
        raise BodyRefused(415, "the body needs Content-Type: application/json")
    media, *params = value.split(";")
    charset_only = all(_is_utf8_charset(p) for p in params)
    if media.strip().lower() != "application/json" or not charset_only:
        shown = value if len(value) <= 100 else value[:100] + "…"
        raise BodyRefused(415, f"the body must be JSON (Content-Type: application/json; charset=utf-8), not {shown!r}")


def _is_utf8_charset(param: str) -> bool:
    name, _, value = param.partition("=")
    return name.strip().lower() == "charset" and value.strip().strip('"').lower() in {"utf-8", "utf8"}


def _check_json(body: Any) -> None:
    """Nesting within MAX_DEPTH and no unpaired surrogate in any string (``\\ud800`` escapes)."""
    stack = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise BodyRefused(400, f"the JSON body nests deeper than {MAX_DEPTH} levels")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and _SURROGATE.search(key):
                    raise BodyRefused(400, "the body is not UTF-8 (it holds an unpaired surrogate)")
                stack.append((item, depth + 1))
        elif isinstance(value, str) and _SURROGATE.search(value):
            raise BodyRefused(400, "the body is not UTF-8 (it holds an unpaired surrogate)")
