"""Retention on the local stack: DynamoDB's TTL (``local.expiry``, as moto never deletes) removes an expired
conversation, the expiry function corrects the counts and lets its contact go; uploads carry their retention tag.

A hotel keeps its data 30 days at least, so the test makes the conversation's items expired by writing their
``expires_at`` in the past, on the stack's moto, as nothing in Lobby ever would; then waits for the sweep.
"""

from __future__ import annotations

import time

import requests
from stack_client import StackAws, StackClient, eventually, guest_conversation

from inbox.retention import retention_tier
from infra import names
from store import keys
from store.schema import TTL_ATTRIBUTE

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _expire_now(dynamodb, table: str, hotel: str, conversation_id: str) -> int:
    """Every item of the conversation's partition expired a minute ago; how many there are."""
    items = dynamodb.query(TableName=table, KeyConditionExpression="pk = :pk",
                           ExpressionAttributeValues={":pk": {"S": keys.conversation_pk(hotel, conversation_id)}},
                           ConsistentRead=True)["Items"]
    for item in items:
        dynamodb.update_item(TableName=table, Key={"pk": item["pk"], "sk": item["sk"]},
                             UpdateExpression="SET #e = :past", ExpressionAttributeNames={"#e": TTL_ATTRIBUTE},
                             ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 60)}})
    return len(items)


def test_an_expired_conversation_goes_with_its_contact_and_the_counts_follow(local_stack):
    agent = StackClient.as_agent(local_stack)
    hotel, table = agent.hotel, local_stack["table_name"]
    dynamodb = StackAws(local_stack).client("dynamodb")
    conversation = guest_conversation(local_stack, name="Expiry Guest")
    contact_id = conversation["contact"]["id"]
    assert conversation["id"] in [c["id"] for c in agent.tab("open")]
    assert all(TTL_ATTRIBUTE in item for item in dynamodb.query(
        TableName=table, KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": keys.conversation_pk(hotel, conversation["id"])}})["Items"])

    assert _expire_now(dynamodb, table, hotel, conversation["id"]) >= 2  # the conversation, its message, activity

    def gone() -> bool:
        return agent.get(f"/hotels/{hotel}/conversations/{conversation['id']}").status_code == 404

    eventually(gone, timeout=30, what="the expired conversation removed by the local TTL")

    def contact_gone() -> bool:
        return "Item" not in dynamodb.get_item(TableName=table, ConsistentRead=True, Key={
            "pk": {"S": keys.hotel_pk(hotel)}, "sk": {"S": keys.contact_sk(contact_id)}})

    eventually(contact_gone, timeout=30, what="the guest's contact, its last conversation expired")
    left = dynamodb.query(TableName=table, KeyConditionExpression="pk = :pk", ConsistentRead=True,
                          ExpressionAttributeValues={":pk": {"S": keys.conversation_pk(hotel, conversation["id"])}})
    assert left["Items"] == []
    # The counts equal a recount of the tabs (the expiry function took the conversation out of them).
    counts = agent.get(f"/hotels/{hotel}/inbox").json()["tabs"]
    assert conversation["id"] not in [c["id"] for c in agent.tab("open")]
    for tab in ("open", "on_hold", "closed"):
        assert counts[tab] == len(agent.tab(tab)), tab
    sqs = StackAws(local_stack).client("sqs")
    dlq = sqs.get_queue_url(QueueName=names.EXPIRY_DLQ)["QueueUrl"]
    assert sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_a_console_upload_is_tagged_with_the_hotels_retention_tier(local_stack):
    agent = StackClient.as_agent(local_stack)
    conversation = guest_conversation(local_stack, name="Upload Guest")
    granted = agent.post(f"/hotels/{agent.hotel}/conversations/{conversation['id']}/attachments",
                         json={"name": "plan.png", "content_type": "image/png", "size": len(PNG)})
    assert granted.status_code == 201, granted.text
    upload = granted.json()["upload"]
    answer = requests.post(upload["url"], data=upload["fields"], files={"file": ("plan.png", PNG, "image/png")},
                           timeout=10)
    assert answer.status_code == 204, answer.text

    s3 = StackAws(local_stack).client("s3")
    key = upload["fields"]["key"]
    retention = agent.get(f"/hotels/{agent.hotel}").json()["retention_days"]
    assert s3.get_object_tagging(Bucket=local_stack["attachments_bucket"], Key=key)["TagSet"] == [
        {"Key": names.ATTACHMENTS_RETENTION_TAG, "Value": str(retention_tier(retention))}]
