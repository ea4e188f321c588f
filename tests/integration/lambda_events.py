"""Events as AWS hands them to Lobby's functions, for the tests that call handlers directly."""

from __future__ import annotations


def callback_event(raw_body: bytes, headers: dict) -> dict:
    """API Gateway's REST proxy event for Expedia's POST to the callback route."""
    return {
        "resource": "/v1/channels/expedia/notifications", "path": "/v1/channels/expedia/notifications",
        "httpMethod": "POST", "headers": headers, "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None, "multiValueQueryStringParameters": None, "pathParameters": None,
        "stageVariables": None, "isBase64Encoded": False, "body": raw_body.decode("utf-8"),
        "requestContext": {"resourcePath": "/v1/channels/expedia/notifications", "httpMethod": "POST",
                           "path": "/prod/v1/channels/expedia/notifications", "stage": "prod",
                           "requestId": "req-1", "identity": {"sourceIp": "198.51.100.7"}},
    }
