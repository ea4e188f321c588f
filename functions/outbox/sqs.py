"""``SqsOutbox``: delivery jobs on the outbound SQS queue (consumed by the channel senders)."""

from __future__ import annotations

from inbox.ports import DeliveryJob
from outbox.jobs import encode


class SqsOutbox:
    def __init__(self, client, queue_url: str):
        self._client = client
        self._queue_url = queue_url

    def enqueue(self, job: DeliveryJob) -> None:
        self._client.send_message(QueueUrl=self._queue_url, MessageBody=encode(job))
