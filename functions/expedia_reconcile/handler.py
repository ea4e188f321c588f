"""Entry point of the Expedia reconciler: EventBridge Scheduler calls it every hour (the local
stack on a short period and on demand).

It pages what Expedia could not deliver over the last 26 hours onto the ``expedia-events``
queue (``expedia.reconcile``); the ingest takes it from there. A failed run raises, so the
scheduler retries it: queueing a notification twice changes nothing.
"""

from __future__ import annotations

from wiring.observability import logger, metrics


# No Tracer: a few GraphQL pages and SQS batches, off any user's path.
@logger.inject_lambda_context
@metrics.log_metrics
def handler(event, context) -> dict:
    from aws_lambda_powertools.metrics import MetricUnit

    from wiring.container import expedia_reconciler

    found = expedia_reconciler().run()
    metrics.add_metric(name="Reconcile.undelivered", unit=MetricUnit.Count, value=found.undelivered)
    metrics.add_metric(name="Reconcile.queued", unit=MetricUnit.Count, value=found.queued)
    summary = {"undelivered": found.undelivered, "queued": found.queued, "hotels": len(found.by_hotel),
               "unknown_property": found.unknown_property, "unreadable": found.unreadable,
               "errors": dict(found.errors), "complete": found.complete}
    logger.info("reconciled", extra=summary)
    return summary
