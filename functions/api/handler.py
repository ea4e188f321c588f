"""Entry point of the API function: Powertools routing and validation over the inbox routes."""

from __future__ import annotations

from functools import cache

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths

from api import body
from api.body import BodyRefused
from api.routes import attachments, audit, channels, conversations, guest_data, hotels, inbox, replies, search, team
from api.routes import missed as missed_routes
from api.routes import reports as report_routes
from api.scope import Forbidden, hotel_scope
from inbox.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    SchedulingFailed,
    TooLarge,
    TransitionNotAllowed,
)
from wiring.observability import logger, metrics


def _cors() -> CORSConfig:
    from wiring.settings import settings

    return CORSConfig(allow_origin=settings().console_origin, allow_headers=["Authorization", "Content-Type", "x-api-key"],
                      max_age=600)


app = APIGatewayRestResolver(enable_validation=True, cors=_cors())
body.install(app)
app.use(middlewares=[hotel_scope])
app.include_router(inbox.router, prefix="/v1")
app.include_router(conversations.router, prefix="/v1")
app.include_router(hotels.router, prefix="/v1")
app.include_router(attachments.router, prefix="/v1")
app.include_router(channels.router, prefix="/v1")
app.include_router(team.router, prefix="/v1")
app.include_router(replies.router, prefix="/v1")
app.include_router(search.router, prefix="/v1")
app.include_router(guest_data.router, prefix="/v1")
app.include_router(audit.router, prefix="/v1")
app.include_router(report_routes.router, prefix="/v1")
app.include_router(missed_routes.router, prefix="/v1")

@cache
def _configure_openapi() -> None:
    """Built when the document is first asked for: Powertools' OpenAPI models are pydantic models
    that cost every cold start about a third of a bare ``import boto3``, and only this route needs them."""
    from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn, HTTPBearer

    # Every documented route takes either credential (PUT .../bot narrows it to agents); the
    # document itself is public and the Expedia callback is another function, signed with HMAC.
    app.configure_openapi(
        title="Lobby API", version="1.0.0",
        description="The HTTP contract of Lobby, the guest-messaging inbox for hotels.",
        security_schemes={
            "cognito": HTTPBearer(bearerFormat="JWT", description="A console agent's Cognito ID token"),
            "partnerKey": APIKey(in_=APIKeyIn.header, name="x-api-key", description="A partner's API key"),
        },
        security=[{"cognito": []}, {"partnerKey": []}],
    )


@app.get("/v1/openapi.json", include_in_schema=False)
def openapi_document():
    _configure_openapi()
    return Response(200, content_types.APPLICATION_JSON, app.get_openapi_json_schema())


def _error(http_status: int, message: str, **extra) -> Response:
    return Response(http_status, content_types.APPLICATION_JSON, {"message": message, **extra})


@app.exception_handler(RequestValidationError)
def invalid_request(error: RequestValidationError) -> Response:
    details = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
               for e in error.errors()]
    readable = "; ".join(f"{'.'.join(str(p) for p in d['loc'][1:] or d['loc'])}: {d['msg']}" for d in details)
    return _error(422, f"invalid request: {readable}", details=details)


@app.exception_handler(BodyRefused)
def body_refused(error: BodyRefused) -> Response:
    return _error(error.status, str(error), **error.details)


@app.exception_handler(Forbidden)
def forbidden(error: Forbidden) -> Response:
    return _error(403, str(error))


@app.exception_handler(DomainError)
def domain_error(error: DomainError) -> Response:
    """Domain errors map to HTTP here and only here."""
    if isinstance(error, TooLarge):
        return _error(413, str(error))
    if isinstance(error, NotFound):
        return _error(404, str(error))
    if isinstance(error, Conflict) and error.assignee_known:  # an assignment race: who has it now
        return _error(409, str(error), status=error.status, assignee=error.assignee)
    if isinstance(error, (TransitionNotAllowed, Conflict)):
        return _error(409, str(error), status=error.status)
    if isinstance(error, InvalidInput):
        return _error(422, str(error))
    if isinstance(error, SchedulingFailed):
        logger.exception("scheduling failed")
        return _error(503, str(error))
    logger.exception("unexpected domain error")
    return _error(500, "internal error")


@app.exception_handler(UnicodeDecodeError)
def not_utf8(_: UnicodeDecodeError) -> Response:
    return _error(400, "the body must be UTF-8 JSON")


# No Tracer: its X-Ray SDK alone would cost every cold start of this user-facing function about
# 0.6x a bare `import boto3` (bench/RESULTS.md); API Gateway's and Lambda's active tracing still
# trace each request end to end, without the per-call DynamoDB/Scheduler/SQS subsegments.
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def handler(event, context):
    return app.resolve(event, context)
