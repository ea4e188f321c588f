"""The local stack's moto server (``local.moto_server``): DynamoDB transactions keep moto's
semantics with the cheaper backup, and parallel writers do not break them."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from local.moto_server import LocalMotoServer
from store.schema import table_definition

TABLE = "lobby-moto-test"


@pytest.fixture
def dynamodb():
    server = LocalMotoServer()
    server.start()
    host, port = server.get_host_and_port()
    client = boto3.client("dynamodb", endpoint_url=f"http://{host}:{port}", region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_table(**table_definition(TABLE))
    try:
        yield client
    finally:
        client.delete_table(TableName=TABLE)
        server.stop()


def _item(pk: str, sk: str, **attributes) -> dict:
    return {"pk": {"S": pk}, "sk": {"S": sk}, **{k: {"S": v} for k, v in attributes.items()}}


def _all(dynamodb) -> list[dict]:
    return sorted(dynamodb.scan(TableName=TABLE)["Items"], key=lambda i: (i["pk"]["S"], i["sk"]["S"]))


def test_a_cancelled_transaction_leaves_every_item_as_it_was(dynamodb):
    dynamodb.put_item(TableName=TABLE, Item=_item("c1", "CONVERSATION", status="open", open_pk="h1", open_sk="1"))
    dynamodb.put_item(TableName=TABLE, Item=_item("c2", "CONVERSATION", status="bot"))
    before = _all(dynamodb)
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(TransactItems=[
            {"Update": {"TableName": TABLE, "Key": {"pk": {"S": "c1"}, "sk": {"S": "CONVERSATION"}},
                        "UpdateExpression": "SET #s = :held REMOVE open_pk, open_sk",
                        "ExpressionAttributeNames": {"#s": "status"},
                        "ExpressionAttributeValues": {":held": {"S": "on_hold"}}}},
            {"Put": {"TableName": TABLE, "Item": _item("c1", "ACT#1", type="held")}},
            {"Delete": {"TableName": TABLE, "Key": {"pk": {"S": "c2"}, "sk": {"S": "CONVERSATION"}}}},
            {"ConditionCheck": {"TableName": TABLE, "Key": {"pk": {"S": "c3"}, "sk": {"S": "CONVERSATION"}},
                                "ConditionExpression": "attribute_exists(pk)"}},
        ])
    assert _all(dynamodb) == before
    index = dynamodb.query(TableName=TABLE, IndexName="tab-open", KeyConditionExpression="open_pk = :h",
                           ExpressionAttributeValues={":h": {"S": "h1"}})
    assert [i["pk"]["S"] for i in index["Items"]] == ["c1"]


def test_a_transaction_that_passes_is_applied_whole(dynamodb):
    dynamodb.put_item(TableName=TABLE, Item=_item("c1", "CONVERSATION", status="open"))
    dynamodb.transact_write_items(TransactItems=[
        {"Update": {"TableName": TABLE, "Key": {"pk": {"S": "c1"}, "sk": {"S": "CONVERSATION"}},
                    "UpdateExpression": "SET #s = :closed", "ConditionExpression": "#s = :open",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {":closed": {"S": "closed"}, ":open": {"S": "open"}}}},
        {"Put": {"TableName": TABLE, "Item": _item("c1", "ACT#1", type="closed")}},
    ])
    assert [(i["sk"]["S"], i.get("status", i.get("type"))["S"]) for i in _all(dynamodb)] == [
        ("ACT#1", "closed"), ("CONVERSATION", "closed")]


def test_parallel_writers_and_transactions_do_not_fail(dynamodb):
    def write(n: int) -> None:
        dynamodb.put_item(TableName=TABLE, Item=_item(f"p{n}", "CONVERSATION", status="open"))
        dynamodb.transact_write_items(TransactItems=[
            {"Put": {"TableName": TABLE, "Item": _item(f"p{n}", f"ACT#{n}", type="created")}},
            {"Update": {"TableName": TABLE, "Key": {"pk": {"S": f"p{n}"}, "sk": {"S": "CONVERSATION"}},
                        "UpdateExpression": "SET #s = :bot", "ExpressionAttributeNames": {"#s": "status"},
                        "ExpressionAttributeValues": {":bot": {"S": "bot"}}}},
        ])

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, range(80)))
    assert len(_all(dynamodb)) == 160
