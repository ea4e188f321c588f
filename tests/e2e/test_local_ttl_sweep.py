"""The local stack's TTL (``local.expiry``) on its own, on moto's server: what it deletes, the records it hands the
expiry function (TTL's, through the mapping's filter), and what it does with a failing function."""

from __future__ import annotations

import json

import boto3
import pytest

from infra import names
from local.changes import sqs_destination
from local.expiry import TtlSweep, expiry_feed
from local.moto_server import LocalMotoServer
from store.schema import STREAM_VIEW, TTL_ATTRIBUTE, table_definition

TABLE = "lobby-ttl-sweep-test"
ACCOUNT = "123456789012"
REGION = "us-east-1"
NOW = 1_800_000_000.0


@pytest.fixture
def moto():
    server = LocalMotoServer()
    server.start()
    host, port = server.get_host_and_port()
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    server.clients = lambda service: session.client(service, endpoint_url=f"http://{host}:{port}")
    dynamodb = server.clients("dynamodb")
    dynamodb.create_table(**table_definition(TABLE, stream=True))
    try:
        yield server
    finally:
        dynamodb.delete_table(TableName=TABLE)
        server.stop()


def _put(dynamodb, pk: str, sk: str, expires_at: float | None, **attributes: str) -> None:
    item = {"pk": {"S": pk}, "sk": {"S": sk}, **{k: {"S": v} for k, v in attributes.items()}}
    if expires_at is not None:
        item[TTL_ATTRIBUTE] = {"N": str(int(expires_at))}
    dynamodb.put_item(TableName=TABLE, Item=item)


def _left(dynamodb) -> set[tuple[str, str]]:
    return {(i["pk"]["S"], i["sk"]["S"]) for i in dynamodb.scan(TableName=TABLE)["Items"]}


class Expiry:
    """The expiry function as the feed invokes it: keeps each batch, answers with ``failing`` sequence numbers."""

    def __init__(self, failing: frozenset[str] = frozenset()):
        self.batches: list[list[dict]] = []
        self.failing = failing

    def __call__(self, event: dict) -> dict:
        self.batches.append(event["Records"])
        return {"batchItemFailures": [{"itemIdentifier": r["dynamodb"]["SequenceNumber"]} for r in event["Records"]
                                      if r["dynamodb"]["Keys"]["pk"]["S"] in self.failing]}


def test_what_expired_is_deleted_and_ttls_removals_of_conversations_and_messages_reach_the_function(moto):
    dynamodb = moto.clients("dynamodb")
    _put(dynamodb, "HOTEL#h#CONV#c1", "CONVERSATION", NOW - 10, status="open")
    _put(dynamodb, "HOTEL#h#CONV#c1", "MSG#2026-01-01T00:00:00Z#m1", NOW - 20, text="old")
    _put(dynamodb, "HOTEL#h#CONV#c1", "ACT#2026-01-01T00:00:00Z#a1", NOW - 30)  # deleted, not the function's
    _put(dynamodb, "HOTEL#h#CONV#c2", "CONVERSATION", NOW + 3600, status="open")  # not yet
    _put(dynamodb, "HOTEL#h", "CONTACT#k1", None, name="Ana")  # no expiry: never
    expiry = Expiry()
    feed = expiry_feed(TtlSweep(dynamodb, TABLE, REGION, ACCOUNT, clock=lambda: NOW), expiry)

    assert feed.poll_once() == 2
    assert _left(dynamodb) == {("HOTEL#h#CONV#c2", "CONVERSATION"), ("HOTEL#h", "CONTACT#k1")}
    (batch,) = expiry.batches
    assert [r["dynamodb"]["Keys"]["sk"]["S"] for r in batch] == ["MSG#2026-01-01T00:00:00Z#m1", "CONVERSATION"]
    for record in batch:  # as DynamoDB's TTL writes it, as Lambda hands it over
        assert record["eventName"] == "REMOVE" and record["eventSource"] == "aws:dynamodb"
        assert record["userIdentity"] == {"type": "Service", "principalId": names.TTL_PRINCIPAL}
        assert record["dynamodb"]["StreamViewType"] == STREAM_VIEW and "NewImage" not in record["dynamodb"]
        assert record["awsRegion"] == REGION and record["eventSourceARN"].startswith("arn:aws:dynamodb:")
    assert batch[1]["dynamodb"]["OldImage"]["status"] == {"S": "open"}
    assert feed.poll_once() == 0  # nothing expired since


def test_an_item_written_again_with_a_later_expiry_is_kept(moto):
    dynamodb = moto.clients("dynamodb")
    _put(dynamodb, "HOTEL#h#CONV#c1", "CONVERSATION", NOW - 10, status="open")
    sweep = TtlSweep(dynamodb, TABLE, REGION, ACCOUNT, clock=lambda: NOW)
    (item,) = sweep._expired(NOW)
    _put(dynamodb, "HOTEL#h#CONV#c1", "CONVERSATION", NOW + 86400, status="open")  # a guest wrote meanwhile
    assert sweep._delete(item, NOW) is None
    assert _left(dynamodb) == {("HOTEL#h#CONV#c1", "CONVERSATION")}


def test_a_removal_the_function_keeps_failing_goes_to_the_dlq_after_its_retries(moto):
    dynamodb, sqs = moto.clients("dynamodb"), moto.clients("sqs")
    dlq = sqs.create_queue(QueueName=names.EXPIRY_DLQ)["QueueUrl"]
    _put(dynamodb, "HOTEL#h#CONV#bad", "CONVERSATION", NOW - 10, status="open")
    _put(dynamodb, "HOTEL#h#CONV#good", "CONVERSATION", NOW - 5, status="open")
    expiry = Expiry(failing=frozenset({"HOTEL#h#CONV#bad"}))
    feed = expiry_feed(TtlSweep(dynamodb, TABLE, REGION, ACCOUNT, clock=lambda: NOW), expiry,
                       dead_letters=sqs_destination(sqs, dlq))

    feed.poll_once()

    assert len(expiry.batches) == 1 + names.EXPIRY_RETRY_ATTEMPTS  # the first try, then its retries
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in expiry.batches[-1]] == ["HOTEL#h#CONV#bad",
                                                                             "HOTEL#h#CONV#good"]
    (dead,) = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)["Messages"]
    info = json.loads(dead["Body"])["DDBStreamBatchInfo"]
    assert info["batchSize"] == 2 and info["streamArn"].endswith("/stream/local-ttl")
