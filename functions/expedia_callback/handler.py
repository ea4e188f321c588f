"""Entry point of Expedia's callback (``POST /v1/channels/expedia/notifications``).

Checks the HMAC signature over the raw body and puts the notification, untouched, on the
``expedia-events`` queue; the ingest function does the rest. Answers at once: 202, or 401
with nothing queued when the signature is missing or wrong.
"""

from __future__ import annotations

import base64

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.logging import correlation_paths

from wiring.observability import logger

app = APIGatewayRestResolver()
SIGNATURE_HEADER = "x-expedia-signature"


def _raw_body() -> bytes:
    event = app.current_event
    body = event.get("body") or ""
    return base64.b64decode(body) if event.get("isBase64Encoded") else body.encode("utf-8")


@app.post("/v1/channels/expedia/notifications")
def notification() -> Response:
    from expedia.signature import verify
    from wiring.container import client, expedia_credentials
    from wiring.settings import settings

    body = _raw_body()
    signature = app.current_event.headers.get(SIGNATURE_HEADER)  # Powertools matches headers case-insensitively
    if not verify(expedia_credentials().callback_secret, body, signature):
        logger.warning("notification refused: bad or missing signature", extra={"signed": signature is not None})
        return Response(401, content_types.APPLICATION_JSON, {"message": "missing or invalid x-expedia-signature"})
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Response(400, content_types.APPLICATION_JSON, {"message": "the body must be UTF-8 JSON"})
    client("sqs").send_message(QueueUrl=settings().expedia_events_queue_url, MessageBody=text)
    return Response(202, content_types.APPLICATION_JSON, {"message": "queued"})


# No Tracer (its X-Ray SDK would double this function's cold start for two short calls) and no
# Metrics (it adds none): Lambda's active tracing still records each invocation.
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def handler(event, context):
    return app.resolve(event, context)
