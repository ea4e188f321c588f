"""Calls the real API handler with API Gateway REST proxy events, as API Gateway would."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit


@dataclass
class LambdaContext:
    """The context object Lambda hands every invocation (what Powertools reads from it)."""

    function_name: str = "lobby-api"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:lobby-api"
    aws_request_id: str = ""

    def __post_init__(self):
        self.aws_request_id = self.aws_request_id or str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def rest_event(method: str, target: str, *, authorizer: dict | None = None, body=None, headers: dict | None = None,
               raw_body: str | bytes | None = None) -> dict:
    """An API Gateway REST proxy event for ``target`` ("/v1/...?..."), with the authorizer's context.
    A ``raw_body`` of bytes travels base64-encoded, as API Gateway passes binary bodies."""
    split = urlsplit(target)
    query = {k: v for k, v in parse_qs(split.query, keep_blank_values=True).items()}
    headers = {k: v for k, v in {"Content-Type": "application/json", "Host": "api.lobby.test", **(headers or {})}.items()
               if v is not None}  # a header given as None is left out
    request_id = str(uuid.uuid4())
    binary = isinstance(raw_body, bytes)
    text = raw_body if raw_body is not None else (json.dumps(body) if body is not None else None)
    if binary:
        text = base64.b64encode(raw_body).decode("ascii")
    return {
        "resource": "/v1/{proxy+}",
        "path": split.path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": {"proxy": split.path.removeprefix("/v1/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/v1/{proxy+}", "httpMethod": method, "path": f"/prod{split.path}", "stage": "prod",
            "requestId": request_id, "extendedRequestId": request_id, "accountId": "123456789012",
            "apiId": "lobbyapi01", "protocol": "HTTP/1.1", "requestTimeEpoch": 1764000000000,
            "identity": {"sourceIp": "203.0.113.9", "userAgent": "pytest"},
            **({"authorizer": authorizer} if authorizer is not None else {}),
        },
        "body": text,
        "isBase64Encoded": binary,
    }


@dataclass
class Reply:
    status: int
    body: object
    headers: dict

    @property
    def json(self):
        return self.body


class Api:
    """A client for the API function: ``api.get("/v1/hotels/h1/inbox", as_=agent)``."""

    def __init__(self, handler, default_principal=None):
        self.handler = handler
        self.default_principal = default_principal

    def call(self, method: str, target: str, *, as_=..., body=None, raw_body=None, headers=None) -> Reply:
        principal = self.default_principal if as_ is ... else as_
        authorizer = {"principalId": principal.actor.id, **principal.to_context()} if principal else None
        response = self.handler(rest_event(method, target, authorizer=authorizer, body=body, raw_body=raw_body,
                                           headers=headers), LambdaContext())
        text = response.get("body") or ""
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text
        headers = {**{k: v[-1] for k, v in (response.get("multiValueHeaders") or {}).items()},
                   **(response.get("headers") or {})}
        return Reply(response["statusCode"], parsed, headers)

    def get(self, target, **kw) -> Reply:
        return self.call("GET", target, **kw)

    def post(self, target, **kw) -> Reply:
        return self.call("POST", target, **kw)

    def put(self, target, **kw) -> Reply:
        return self.call("PUT", target, **kw)
