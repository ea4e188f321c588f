"""API Gateway (REST) REQUEST authorizer: who is calling, and which hotels it may act on.

A caller sends one credential:

* a console agent ``Authorization: Bearer <Cognito ID token>``, verified with PyJWT;
* a partner ``x-api-key: <key>``, looked up by its SHA-256 (one consistent GetItem: a revoked key is refused
  from the next request, since API Gateway caches no answer); its ``last_used_at`` is written at most once
  a minute (one conditional UpdateItem, ``auth.keys.UseNotes``).

Header names are matched case-insensitively. The answer allows ``execute-api:Invoke`` on
the whole stage (``.../{stage}/*/*``), so a cached answer covers every route; which hotels
the caller may touch travels in ``context`` (see ``auth.principal``) and the API function
checks it. Partners' answers also carry ``usageIdentifierKey`` (the API's key source is
AUTHORIZER), so usage plans throttle them.

Missing or invalid credentials raise ``Exception("Unauthorized")``, which API Gateway
answers with 401. A key set that cannot be fetched, or a failing table, raises anything
else, which API Gateway answers with 500: an outage must not look like a bad password.

The WebSocket API's ``$connect`` (``requestContext.eventType`` CONNECT) takes the ID token from the
query string (``?token=``), verified the same way; partner keys are refused there, and the answer
allows exactly the event's ``methodArn`` with the same ``context``.

Its token verifier, partner key store and settings come from the composition root
(``wiring.container``), built on first use and kept while the process is warm.

Cold start: importing this module loads the logger only (no Tracer, no Metrics, no pydantic);
PyJWT and cryptography load on the first token, pynamodb and boto3 on the first key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.logging import correlation_paths

from auth.principal import Principal
from inbox.model import Actor, ActorType
from wiring.observability import logger
from wiring.settings import settings

UNAUTHORIZED = "Unauthorized"  # the exact message API Gateway turns into 401
SOCKET_TOKEN_QUERY = "token"  # infra/names.py REALTIME_TOKEN_QUERY: the socket's ?token=<ID token>


class _Denied(Exception):
    """Why a request gets 401 (logged; never holds the token or the key)."""


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
def handler(event: dict, context) -> dict:
    try:
        return _authorize(event if isinstance(event, Mapping) else {})
    except _Denied as denied:
        logger.info("Request denied", extra={"reason": str(denied)})
        raise Exception(UNAUTHORIZED) from None


def _authorize(event: Mapping[str, Any]) -> dict:
    if _is_socket_connect(event):
        return _authorize_socket(event)
    resource = _stage_resource(event.get("methodArn"))
    headers = event.get("headers")
    headers = headers if isinstance(headers, Mapping) else {}
    authorization = _header(headers, "authorization")
    api_key = _header(headers, "x-api-key")
    if authorization is not None and api_key is not None:
        raise _Denied("both an Authorization and an x-api-key header")
    if authorization is not None:
        principal = _agent(_bearer_token(authorization))
        answer = _allow(principal, resource)
        usage_key = settings().console_usage_key
        if usage_key:
            # The API's key source is AUTHORIZER: agents are metered by the console's usage plan.
            answer["usageIdentifierKey"] = usage_key
    elif api_key is not None:
        principal = _partner(api_key)
        answer = _allow(principal, resource)
        answer["usageIdentifierKey"] = api_key
    else:
        raise _Denied("no credentials")
    logger.info("Request allowed", extra={"actor_type": principal.actor.type.value, "role": principal.role,
                                           "actor_id": principal.actor.id, "hotel_count": len(principal.hotel_ids)})
    return answer


def _is_socket_connect(event: Mapping[str, Any]) -> bool:
    """A WebSocket API's ``$connect`` (the consoles' real-time socket), not a REST request."""
    request = event.get("requestContext")
    method_arn = event.get("methodArn")
    return ((isinstance(request, Mapping) and request.get("eventType") == "CONNECT")
            or (isinstance(method_arn, str) and method_arn.endswith("/$connect")))


def _authorize_socket(event: Mapping[str, Any]) -> dict:
    """A console's socket: the ID token in ``?token=`` (browsers cannot set a WebSocket's headers), verified
    as the REST path verifies it; nothing else opens a socket (no partner keys). Allowed on exactly this
    ``$connect`` (an authorizer answer is only asked at connect)."""
    method_arn = event.get("methodArn")
    if not isinstance(method_arn, str):
        raise _Denied("the event has no valid methodArn")
    _stage_resource(method_arn)  # refuses a methodArn that is not an execute-api one
    headers = event.get("headers")
    if _header(headers if isinstance(headers, Mapping) else {}, "x-api-key") is not None:
        raise _Denied("an API key on the socket: only console agents connect")
    query = event.get("queryStringParameters")
    token = query.get(SOCKET_TOKEN_QUERY) if isinstance(query, Mapping) else None
    if not isinstance(token, str) or not token.strip():
        raise _Denied("no token in the socket's query string")
    principal = _agent(token.strip())
    logger.info("Socket allowed", extra={"actor_type": principal.actor.type.value, "role": principal.role,
                                          "actor_id": principal.actor.id, "hotel_count": len(principal.hotel_ids)})
    return _allow(principal, method_arn)


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    """The non-blank value of a header, whatever the case of its name."""
    values = {value.strip() for key, value in headers.items()
              if isinstance(key, str) and key.lower() == name and isinstance(value, str) and value.strip()}
    if len(values) > 1:
        raise _Denied(f"conflicting {name} headers")
    return values.pop() if values else None


def _bearer_token(authorization: str) -> str:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _Denied("the Authorization header is not 'Bearer <token>'")
    return token.strip()


def _agent(token: str) -> Principal:
    from auth.tokens import InvalidToken, KeySetUnavailable
    from wiring.container import token_verifier

    try:
        return token_verifier().verify(token)
    except InvalidToken as error:
        raise _Denied(f"invalid ID token: {error}") from None
    except KeySetUnavailable:
        logger.exception("Cannot verify ID tokens: the user pool's key set is unavailable")
        raise


def _partner(api_key: str) -> Principal:
    from auth.keys import hash_api_key, looks_like_api_key
    from wiring.container import store

    if not looks_like_api_key(api_key):
        raise _Denied("malformed API key")
    key_hash = hash_api_key(api_key)
    found = store().find_partner_key(key_hash)  # consistent: a key revoked a moment ago is refused
    if found is None:
        raise _Denied("unknown or revoked API key")
    _note_use(key_hash)
    return Principal(Actor(ActorType.PARTNER, found.partner_id, found.name), found.hotel_ids)


def _note_use(key_hash: str) -> None:
    """The key's ``last_used_at``, written at most once a minute per key by this warm process (and, by the
    store's condition, by all of them); a failed write is logged and the request goes on."""
    from datetime import UTC, datetime

    from wiring.container import key_use_notes, store

    notes, now = key_use_notes(), datetime.now(UTC)
    if not notes.due(key_hash, now):
        return
    try:
        store().note_partner_key_used(key_hash, now, not_since=now - notes.every)
    except Exception:  # bookkeeping only: the key was found, the caller is who it says
        logger.warning("Could not note the partner key's last use", exc_info=True)


def _stage_resource(method_arn: Any) -> str:
    """``arn:...:{apiId}/{stage}/GET/v1/...`` -> ``arn:...:{apiId}/{stage}/*/*``."""
    parts = method_arn.split(":", 5) if isinstance(method_arn, str) else []
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "execute-api":
        raise _Denied("the event has no valid methodArn")
    api_id, stage, *_ = parts[5].split("/") + ["", ""]
    if not api_id or not stage:
        raise _Denied("the event has no valid methodArn")
    return f"{':'.join(parts[:5])}:{api_id}/{stage}/*/*"


def _allow(principal: Principal, resource: str) -> dict:
    return {
        "principalId": f"{principal.actor.type.value}:{principal.actor.id}",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": resource}],
        },
        "context": principal.to_context(),
    }
