"""Logger, Metrics and Tracer, each built once per process and only by the functions that use it.

``logger`` is built at import (every function logs). ``metrics`` and ``tracer`` are built on
first access (PEP 562), so ``from wiring.observability import logger`` loads neither: the
authorizer never pays for them. Building a ``Tracer`` imports the X-Ray SDK, which imports
botocore's session and patches botocore and requests: that is most of a bare ``import boto3``
at every cold start, even with tracing disabled (Powertools picks its X-Ray provider in
``Tracer.__init__`` whether or not tracing is on). Only the functions whose time goes to
calls worth tracing touch ``tracer`` (see the README, "Tracing").
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.logging import Logger

if TYPE_CHECKING:
    from aws_lambda_powertools import Metrics, Tracer

logger = Logger(service="lobby")


@cache
def _metrics() -> Metrics:
    from aws_lambda_powertools.metrics import Metrics

    return Metrics(namespace="Lobby", service="lobby")


@cache
def _tracer() -> Tracer:
    from aws_lambda_powertools.tracing import Tracer

    return Tracer(service="lobby")


def __getattr__(name: str) -> Any:
    if name == "metrics":
        return _metrics()
    if name == "tracer":
        return _tracer()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def count(name: str, value: int = 1) -> None:
    """Add ``value`` to the metric ``name`` (a count; Metrics is built on first use)."""
    from aws_lambda_powertools.metrics import MetricUnit

    _metrics().add_metric(name=name, unit=MetricUnit.Count, value=value)


def count_transition(trigger: str) -> None:
    """One metric per transition type (``Transition.close``, ``Transition.hold``, ...)."""
    count(f"Transition.{trigger}")


def log_info(message: str, **fields: Any) -> None:
    """``logger.info`` with ``fields`` as its extra keys: the ``log`` the core's use cases are given."""
    logger.info(message, extra=fields)
