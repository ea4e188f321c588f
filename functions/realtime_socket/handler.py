"""Entry point of the socket function: the routes of the consoles' WebSocket API.

- ``$connect`` (after the authorizer verified the ID token): keeps the connection with its agent, role
  and hotels (``Realtime.connect``); an event without a valid agent context is refused with 401, in case
  the route were ever left without its authorizer; an agent of no hotel, with 403 (it would receive nothing).
- ``$disconnect``: forgets the connection (and tells the others of its hotel it left what it was viewing).
- ``presence``: ``{"action": "presence", "conversation_id", "state", "hotel_id"?}``; what cannot be taken
  (not JSON, a conversation of no hotel of the connection, an unknown state) is logged with the reason
  and ignored: the connection stays.
- ``$default``: ``{"action": "ping"}`` (the console's keep-alive) is answered with nothing; anything else
  is logged as ignored.

Every message route answers 200: API Gateway would otherwise tell the client of an integration
error, and an ignored message is no error of the socket.

Cold start: the logger and Metrics only; boto3, pynamodb and the core load on the first event.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.logging import correlation_paths

from wiring.observability import count, logger, metrics

OK = {"statusCode": 200}
UNAUTHORIZED = {"statusCode": 401}
FORBIDDEN = {"statusCode": 403}
BAD_REQUEST = {"statusCode": 400}


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@metrics.log_metrics
def handler(event: Any, context: Any) -> dict:
    request = event.get("requestContext") if isinstance(event, dict) else None
    request = request if isinstance(request, dict) else {}
    route, connection_id = request.get("routeKey"), request.get("connectionId")
    if not isinstance(connection_id, str) or not connection_id:
        logger.warning("socket event without a connection id", extra={"route": route})
        return BAD_REQUEST
    logger.append_keys(connection_id=connection_id, route=route)
    if route == "$connect":
        return _connect(connection_id, request.get("authorizer"))
    if route == "$disconnect":
        return _disconnect(connection_id)
    return _message(connection_id, event.get("body"))


def _connect(connection_id: str, authorizer: Any) -> dict:
    from datetime import UTC, datetime

    from auth.principal import Principal
    from inbox.model import ActorType, AgentRef, Role
    from wiring.container import realtime

    try:
        principal = Principal.from_context(authorizer if isinstance(authorizer, dict) else {})
    except ValueError as error:
        logger.warning("connection refused", extra={"reason": f"no valid authorizer context: {error}"})
        return UNAUTHORIZED
    if principal.actor.type is not ActorType.AGENT or principal.actor.id is None:
        logger.warning("connection refused", extra={"reason": "only console agents open sockets"})
        return UNAUTHORIZED
    if not principal.hotel_ids:
        logger.warning("connection refused", extra={"reason": "the agent has no hotel", "actor_id": principal.actor.id})
        return FORBIDDEN
    connection = realtime().connect(connection_id, AgentRef(principal.actor.id, principal.actor.name or ""),
                                    Role(principal.role or Role.AGENT.value), principal.hotel_ids,
                                    now=datetime.now(UTC))
    logger.info("connected", extra={"actor_id": principal.actor.id, "role": principal.role,
                                    "hotel_count": len(connection.hotel_ids)})
    count("Realtime.connect")
    return OK


def _disconnect(connection_id: str) -> dict:
    from wiring.container import realtime

    realtime().disconnect(connection_id)
    logger.info("disconnected")
    count("Realtime.disconnect")
    return OK


def _message(connection_id: str, body: Any) -> dict:
    try:
        message = json.loads(body) if isinstance(body, str | bytes) else None
    except ValueError:
        message = None
    if not isinstance(message, dict):
        return _ignored("not a JSON object", body)
    action = message.get("action")
    if action == "ping":
        return OK  # the keep-alive: API Gateway closes a socket idle for 10 minutes
    if action != "presence":
        return _ignored("unknown action", body, action=action if isinstance(action, str) else None)
    from wiring.container import realtime

    # The core checks the client's values (any JSON type) and logs why it ignores one.
    if not realtime().presence(connection_id, message.get("conversation_id"), message.get("state"),
                               hotel_id=message.get("hotel_id")):
        return _ignored("presence not taken", body)
    return OK


def _ignored(reason: str, body: Any, **fields: Any) -> dict:
    """Logged (never the body itself: only its size) and answered 200: the connection stays."""
    size = len(body) if isinstance(body, str | bytes) else None
    logger.info("message ignored", extra={"reason": reason, "body_size": size, **fields})
    count("Realtime.ignored_message")
    return OK
