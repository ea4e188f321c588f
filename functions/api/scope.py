"""The hotel scope, enforced in one place for every route: 401 without a principal, 403 for another hotel;
and the admin check of admin routes (403 to agents who are not admins, and to partners)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response, content_types

from auth.principal import Principal

PUBLIC_PATHS = frozenset({"/v1/openapi.json"})


class Forbidden(Exception):
    """The caller may not do this (403); the message says why."""


def require_admin(principal: Principal) -> None:
    """Admin routes: the hotel's admins only, never a partner key."""
    if not principal.is_admin:
        who = "a partner key" if principal.role is None else f"an agent with role {principal.role}"
        raise Forbidden(f"only the hotel's admins may do this, not {who}")


def require_team(principal: Principal) -> None:
    """The team's routes (agents, assignment, notes, mentions, read marks, saved replies): agents only."""
    if principal.role is None:
        raise Forbidden("this route is for the hotel's agents (console sign-in), not for a partner key")


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
