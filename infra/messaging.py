"""The messaging construct: the outbound queue that replies leave through, and its DLQ.

The consumer is the sender function (infra/channels.py), whose timeout is CONSUMER_TIMEOUT:
the queue is sized for it. A message is received at most 5 times, then parked for 14 days;
the sender also parks a job its channel refuses in the DLQ directly.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import names

CONSUMER_TIMEOUT = Duration.seconds(30)
# AWS: a queue's visibility timeout at least six times its Lambda consumer's timeout.
VISIBILITY_TIMEOUT = Duration.seconds(6 * CONSUMER_TIMEOUT.to_seconds())
MAX_RECEIVE_COUNT = 5
DLQ_RETENTION = Duration.days(14)  # the maximum, longer than the source queue's 4 days


class Messaging(Construct):
    def __init__(self, scope: Construct, id: str):
        super().__init__(scope, id)
        self.outbound_dlq = sqs.Queue(
            self, "OutboundDlq",
            queue_name=names.OUTBOUND_DLQ,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=DLQ_RETENTION,
        )
        self.outbound_queue = sqs.Queue(
            self, "Outbound",
            queue_name=names.OUTBOUND_QUEUE,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=VISIBILITY_TIMEOUT,
            retention_period=Duration.days(4),
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.outbound_dlq, max_receive_count=MAX_RECEIVE_COUNT),
        )
