"""Helpers for the composition root's tests: an endpoint that never answers, and a Lambda context."""

from __future__ import annotations

import socket
import threading
import uuid
from dataclasses import dataclass, field


class SilentEndpoint:
    """A TCP server on loopback that accepts every connection, reads the request and never
    answers: every client pointed at it must give up by its own read timeout. Counts the
    requests it was sent (one connection per attempt)."""

    def __init__(self):
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self.connections = 0
        self._open: list[socket.socket] = []
        self._closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            self.connections += 1
            self._open.append(connection)  # kept open and unanswered

    def close(self) -> None:
        self._closed.set()
        for connection in self._open:
            connection.close()
        self._socket.close()


@dataclass
class LambdaContext:
    function_name: str = "lobby-expedia-callback"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:lobby-expedia-callback"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))


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
