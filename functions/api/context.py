"""What every route needs from the request: the caller and the inbox service."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from auth.principal import Principal


def principal(router: Router) -> Principal:
    """The caller, as the authorizer (and the hotel-scope middleware) established it."""
    return router.context["principal"]


def inbox():
    from wiring.container import inbox as build

    return build()
