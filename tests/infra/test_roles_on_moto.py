"""The roles as the stack deploys them, on moto with its IAM checks on: an hour's reconciliation after an outage,
then the ingest of what it queued, each function signed as a user holding exactly its role's actions.

moto's IAM checks actions, not resources (the exact resources are asserted on the template in
test_channels.py and test_reconciliation.py), and names some APIs by themselves where IAM authorizes them by
other actions (AUTHORIZED_AS: a transaction item by item, an SQS batch as its single action): the user holds
such an API when its role holds those actions. Without this, a call the role lacks (BatchWriteItem was one) passes every moto test and fails in AWS.
"""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from infra import names

REGION = "eu-west-1"
HOTEL, PROPERTY = "h-roles", "31415926"
CREDENTIALS = {"client_id": "lobby-roles", "client_secret": "s3cret", "callback_secret": "callback-s3cret"}
# APIs that moto checks by their own name while IAM authorizes them by other actions (AWS's documentation): a
# transaction item by item, an SQS batch as its single action.
AUTHORIZED_AS = {
    "dynamodb:TransactWriteItems": {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"},
    "sqs:SendMessageBatch": {"sqs:SendMessage"},
    "sqs:DeleteMessageBatch": {"sqs:DeleteMessage"},
    "sqs:ChangeMessageVisibilityBatch": {"sqs:ChangeMessageVisibility"},
}


def role_policy(cfn, handler: str) -> dict:
    """The function's role as one IAM policy: its actions, on every resource (moto checks actions only)."""
    function_id, _ = cfn.function(handler)
    actions = cfn.actions(cfn.role_of(function_id))
    actions |= {api for api, authorized_by in AUTHORIZED_AS.items() if authorized_by <= actions}
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": sorted(actions), "Resource": "*"}]}


def make_users(cfn, handlers: list[str | None]) -> dict[str | None, dict]:
    """An IAM user per function holding its role's actions (None: an administrator, for the test's own calls)."""
    iam = boto3.client("iam", region_name=REGION)
    keys = {}
    for handler in handlers:
        name = (handler or "admin").replace(".", "-")
        iam.create_user(UserName=name)
        policy = role_policy(cfn, handler) if handler else {
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        iam.put_user_policy(UserName=name, PolicyName="role", PolicyDocument=json.dumps(policy))
        keys[handler] = iam.create_access_key(UserName=name)["AccessKey"]
    return keys


@pytest.fixture
def sign_as(monkeypatch):
    """``sign_as(key)``: from now on every AWS call is signed with that user's access key."""
    from wiring import container

    def use(key: dict) -> None:
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
        monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # it keeps the credentials it resolved first
        container.reset()  # clients are built again with these credentials

    return use


@pytest.fixture
def moto_with_iam(monkeypatch):
    from moto import settings as moto_settings
    from moto.core.authorization import ActionAuthenticatorMixin

    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    with mock_aws():
        def enforce() -> None:
            monkeypatch.setattr(moto_settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)
        yield enforce
    monkeypatch.setattr(ActionAuthenticatorMixin, "request_count", 0)


def test_a_reconciliation_and_its_ingest_run_with_exactly_their_roles(cfn, moto_with_iam, sign_as, monkeypatch):
    from expedia_ingest.handler import handler as ingest
    from expedia_reconcile.handler import handler as reconcile
    from inbox.model import Tab
    from inbox.ports import Hotel
    from local.expedia.standin import ExpediaStandIn
    from local.lambda_runtime import LambdaContext
    from local.resources import create_resources
    from store.dynamo import DynamoStore
    from wiring import container

    session = boto3.Session(region_name=REGION)
    resources = create_resources(session, REGION, CREDENTIALS, console_origins=("https://console.example",))
    DynamoStore(resources.table_name, REGION).put_hotel(Hotel(HOTEL, "Hôtel des Rôles", "Europe/Paris",
                                                              bot_enabled=False))
    DynamoStore(resources.table_name, REGION).set_expedia_property(HOTEL, PROPERTY)
    standin = ExpediaStandIn(callback_secret=CREDENTIALS["callback_secret"], client_id=CREDENTIALS["client_id"],
                             client_secret=CREDENTIALS["client_secret"], id_prefix="roles-").start()
    try:
        for name, value in {
            "TABLE_NAME": resources.table_name, "ATTACHMENTS_BUCKET": resources.attachments_bucket,
            "EXPEDIA_SECRET_ARN": resources.expedia_secret_arn,
            "EXPEDIA_EVENTS_QUEUE_URL": resources.queue_urls[names.EXPEDIA_EVENTS_QUEUE],
            "OUTBOUND_QUEUE_URL": resources.queue_urls[names.OUTBOUND_QUEUE],
            "SCHEDULE_GROUP": resources.schedule_group,
            "EXPEDIA_GRAPHQL_URL": standin.graphql_url, "EXPEDIA_TOKEN_URL": standin.token_url,
            "EXPEDIA_FILES_URL": standin.files_url, "EXPEDIA_BACKOFF_SECONDS": "0.01",
        }.items():
            monkeypatch.setenv(name, value)
        standin.set_outage(False)
        written = standin.add_message("thr-roles", {
            "propertyId": PROPERTY, "body": "Bonjour, à quelle heure le petit-déjeuner ?",
            "traveler": {"firstName": "Inès", "lastName": "Moreau"}})
        # A traveler's message re-reviewed: an update of a message that is not Lobby's, which only takes its guard
        # (store.take_guards, one BatchWriteItem).
        standin.review(written["messageId"], "IN_REVIEW")

        users = make_users(cfn, [None, names.EXPEDIA_RECONCILE_HANDLER, names.EXPEDIA_INGEST_HANDLER])
        moto_with_iam()
        sign_as(users[names.EXPEDIA_RECONCILE_HANDLER])
        found = reconcile({}, LambdaContext(function_name=names.EXPEDIA_RECONCILE_FUNCTION))
        assert found["queued"] == 3, found  # thread created, message received, message updated

        sign_as(users[None])  # the test itself takes the queued notifications as the event source mapping would
        sqs = boto3.client("sqs", region_name=REGION)
        queue_url = resources.queue_urls[names.EXPEDIA_EVENTS_QUEUE]
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
        event = {"Records": [{
            "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
            "attributes": {"ApproximateReceiveCount": "1"}, "messageAttributes": {}, "eventSource": "aws:sqs",
            "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:{names.EXPEDIA_EVENTS_QUEUE}", "awsRegion": REGION,
        } for m in messages]}

        sign_as(users[names.EXPEDIA_INGEST_HANDLER])
        answer = ingest(event, LambdaContext(function_name=names.EXPEDIA_INGEST_FUNCTION))
        assert answer == {"batchItemFailures": []}, answer

        sign_as(users[None])
        opened = container.store().list_tab(HOTEL, Tab.OPEN, 10)
        stored = container.store().list_messages(HOTEL, opened.items[0].id, 10) if opened.items else None
    finally:
        standin.stop()
    assert [c.contact_name for c in opened.items] == ["Inès Moreau"]
    assert stored is not None and [m.text for m in stored.items] == ["Bonjour, à quelle heure le petit-déjeuner ?"]
