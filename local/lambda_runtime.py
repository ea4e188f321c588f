"""Runs Lobby's handlers the way Lambda does, for the local stack and the tests.

- ``SqsPoller``: Lambda's SQS event source mapping. It receives up to ``batch_size``
  messages, hands them to the handler as an SQS event, deletes what succeeded and makes
  the reported failures visible again at once (in AWS they wait for the visibility
  timeout); SQS (moto) moves a message to the DLQ after the queue's ``maxReceiveCount``.
- ``LambdaContext``: the context object handlers receive.

Nothing here exists in ``functions/``: the handlers run unchanged.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field

_ids = random.Random()  # seeded once from the OS: request ids need not be secret, only unique


def request_id() -> str:
    """A random UUID, as Lambda and API Gateway give each request (without a system call each:
    ``uuid4()`` reads ``os.urandom``, which costs a millisecond in some sandboxes)."""
    return str(uuid.UUID(int=_ids.getrandbits(128), version=4))


@dataclass
class LambdaContext:
    function_name: str = "lobby-local"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:000000000000:function:lobby-local"
    aws_request_id: str = field(default_factory=request_id)

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def sqs_event(messages: list[dict], queue_arn: str, region: str) -> dict:
    """The event Lambda builds from received SQS messages."""
    return {"Records": [{
        "messageId": m["MessageId"],
        "receiptHandle": m["ReceiptHandle"],
        "body": m["Body"],
        "attributes": m.get("Attributes", {}),
        "messageAttributes": {
            name: {"stringValue": value.get("StringValue"), "binaryValue": value.get("BinaryValue"),
                   "stringListValues": [], "binaryListValues": [], "dataType": value["DataType"]}
            for name, value in m.get("MessageAttributes", {}).items()},
        "md5OfBody": m["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    } for m in messages]}


@dataclass
class BatchResult:
    received: int
    failed: int


class SqsPoller:
    """Feeds one queue to one handler, as Lambda's event source mapping with
    ``ReportBatchItemFailures`` does."""

    def __init__(self, sqs, queue_url: str, handler, *, batch_size: int = 10, function_name: str = "lobby-local"):
        self.sqs = sqs
        self.queue_url = queue_url
        self.handler = handler
        self.batch_size = batch_size
        self.function_name = function_name
        attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]
        self.queue_arn = attributes["QueueArn"]
        self.region = self.queue_arn.split(":")[3]

    def poll_once(self, wait_seconds: int = 0) -> BatchResult:
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=self.batch_size, WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"], MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return BatchResult(0, 0)
        try:
            response = self.handler(sqs_event(messages, self.queue_arn, self.region),
                                    LambdaContext(function_name=self.function_name))
            failed_ids = {f["itemIdentifier"] for f in (response or {}).get("batchItemFailures", [])}
        except Exception:  # the whole invocation failed: every record goes back, as in Lambda
            failed_ids = {m["MessageId"] for m in messages}
        done = [m for m in messages if m["MessageId"] not in failed_ids]
        if done:
            self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])
        for m in messages:
            if m["MessageId"] in failed_ids:
                self.sqs.change_message_visibility(QueueUrl=self.queue_url, ReceiptHandle=m["ReceiptHandle"],
                                                   VisibilityTimeout=0)
        return BatchResult(len(messages), len(failed_ids))

    def drain(self, max_batches: int = 10_000) -> list[BatchResult]:
        """Poll until the queue answers empty (failures come back until the DLQ takes them)."""
        results = []
        for _ in range(max_batches):
            result = self.poll_once()
            if result.received == 0:
                break
            results.append(result)
        return results
