"""The messaging construct: the outbound queue that replies leave through, and its DLQ.

The consumer is the sender function (infra/channels.py), whose timeout is CONSUMER_TIMEOUT:
the queue is sized for it. A message is received at most 5 times, then parked for 14 days;
the sender also parks a job its channel refuses in the DLQ directly. Every number is in
`infra/names.py` (the local stack creates the same queues from it).
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import names

CONSUMER_TIMEOUT = Duration.seconds(names.OUTBOUND_SENDER_TIMEOUT_SECONDS)


def queue(scope: Construct, id: str, spec: names.QueueSpec, *,
          dead_letter_queue: sqs.IQueue | None = None) -> sqs.Queue:
    """An encrypted, TLS-only queue as ``spec`` defines it (``infra/names.py``, which the local stack reads too)."""
    if (dead_letter_queue is None) != (spec.dead_letter_queue is None):
        raise ValueError(f"{spec.name}: give its dead-letter queue exactly when the spec names one")
    visibility = spec.visibility_timeout_seconds
    return sqs.Queue(
        scope, id,
        queue_name=spec.name,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=Duration.seconds(spec.retention_seconds),
        visibility_timeout=None if visibility is None else Duration.seconds(visibility),
        dead_letter_queue=None if dead_letter_queue is None else sqs.DeadLetterQueue(
            queue=dead_letter_queue, max_receive_count=spec.max_receive_count),
    )


class Messaging(Construct):
    def __init__(self, scope: Construct, id: str):
        super().__init__(scope, id)
        self.outbound_dlq = queue(self, "OutboundDlq", names.OUTBOUND_DLQ_SPEC)
        self.outbound_queue = queue(self, "Outbound", names.OUTBOUND_QUEUE_SPEC, dead_letter_queue=self.outbound_dlq)
