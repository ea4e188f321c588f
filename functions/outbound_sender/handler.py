"""Entry point of the sender function: batches from the outbound queue, one job per record.

Replies and spam flags go to their channel (Expedia today). A refused job is parked in
the DLQ at once with its reason; an unavailable channel fails the record so that SQS
retries it, and after the receive limit the job sits in the DLQ.
"""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from wiring.observability import logger, metrics, tracer


class JobProcessor(BatchProcessor):
    def failure_handler(self, record, exception):
        _, error, _ = exception
        metrics.add_metric(name="Delivery.retried", unit=MetricUnit.Count, value=1)
        logger.warning("delivery failed, SQS will retry", extra={
            "sqs_message_id": record.message_id, "reason": f"{type(error).__name__}: {error}",
            "receive_count": record.attributes.approximate_receive_count})
        return super().failure_handler(record, exception)


processor = JobProcessor(event_type=EventType.SQS)


def deliver(record: SQSRecord):
    from expedia.sender import Rejected
    from outbox.jobs import decode
    from wiring.container import client, expedia_sender
    from wiring.settings import settings

    job = decode(record.body)
    if job.channel != "expedia":
        raise ValueError(f"no sender for channel {job.channel!r}")
    # On the queue's last receive the failure is recorded on the message before SQS moves the job to the DLQ.
    last_attempt = int(record.attributes.approximate_receive_count or 1) >= settings().outbound_max_receives
    try:
        sent = expedia_sender().deliver(job, last_attempt=last_attempt)
    except Rejected as refused:
        # Retrying cannot help: park the job in the DLQ with its reason, and count it failed.
        client("sqs").send_message(QueueUrl=settings().outbound_dlq_url, MessageBody=record.body,
                                   MessageAttributes={"reason": {"DataType": "String", "StringValue": str(refused)[:256]}})
        metrics.add_metric(name="Delivery.failed", unit=MetricUnit.Count, value=1)
        logger.error("delivery refused by the channel", extra={"job": record.body,
                                                               "reason": str(refused)})
        return "rejected"
    except Exception:
        if last_attempt:
            metrics.add_metric(name="Delivery.failed", unit=MetricUnit.Count, value=1)
        raise
    metrics.add_metric(name=f"Delivery.{sent.outcome}", unit=MetricUnit.Count, value=1)
    logger.info("delivered", extra={"job_type": job.type, "conversation_id": job.conversation_id,
                                    "outcome": sent.outcome, "external_message_id": sent.external_message_id})
    return sent.outcome


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event, context):
    return process_partial_response(event=event, record_handler=deliver, processor=processor, context=context)
