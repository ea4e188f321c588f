"""Logger, Tracer and Metrics, built once for every function."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger(service="lobby")
tracer = Tracer(service="lobby")
metrics = Metrics(namespace="Lobby", service="lobby")


def count_transition(trigger: str) -> None:
    """One metric per transition type (``Transition.close``, ``Transition.hold``, ...)."""
    metrics.add_metric(name=f"Transition.{trigger}", unit=MetricUnit.Count, value=1)
