"""The hotel scope, enforced in one place for every route: 401 without a principal, 403 for another hotel."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response, content_types

from auth.principal import Principal

PUBLIC_PATHS = frozenset({"/v1/openapi.json"})


def hotel_scope(app, next_middleware) -> Response:
    event = app.current_event
    if event.path in PUBLIC_PATHS:
        return next_middleware(app)
    try:
        principal = Principal.from_context(event.raw_event.get("requestContext", {}).get("authorizer") or {})
    except ValueError:
        return Response(401, content_types.APPLICATION_JSON, {"message": "missing or invalid credentials"})
    hotel_id = app.request.path_parameters.get("hotel_id")
    if hotel_id is not None and not principal.may_access(hotel_id):
        return Response(403, content_types.APPLICATION_JSON, {"message": f"no access to hotel {hotel_id}"})
    app.append_context(principal=principal)
    return next_middleware(app)
