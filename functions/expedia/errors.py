"""What can go wrong when Lobby calls Expedia, as the caller needs to act on it.

- ``ExpediaUnavailable``: try again later (timeouts, HTTP 429/5xx after the client's own
  retries, GraphQL errors saying Expedia is throttled or unavailable, refused credentials).
- ``ExpediaRejected``: Expedia answered and said no; sending the same request again will
  not help. ``ExpediaNotFound`` is the rejection "that id does not exist".
"""

from __future__ import annotations


class ExpediaError(Exception):
    """Base class of every error the Expedia adapter raises on purpose."""


class ExpediaUnavailable(ExpediaError):
    """Expedia could not be reached or asked us to come back later: retry later."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None,
                 retry_after: float | None = None):
        super().__init__(message)
        self.message = message
        self.status = status  # HTTP status of the last answer, if there was one
        self.code = code  # GraphQL extensions.code, when the error came as GraphQL
        self.retry_after = retry_after  # seconds, from Retry-After, when Expedia gave one


class ExpediaAuthFailed(ExpediaUnavailable):
    """The token endpoint refused Lobby's client id and secret (or the token was refused twice).

    A configuration problem, retried like an outage so that nothing is lost while the
    secret is being fixed; raise an alarm on it.
    """


class ExpediaRejected(ExpediaError):
    """Expedia answered with an error that retrying will not fix; ``message`` says why."""

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 errors: list | None = None):
        super().__init__(message)
        self.message = message
        self.code = code  # GraphQL extensions.code (or classification) of the first error
        self.status = status  # HTTP status of the answer
        self.errors = errors or []  # the raw GraphQL errors, for the log


class ExpediaNotFound(ExpediaRejected):
    """Expedia says the message or thread does not exist."""
