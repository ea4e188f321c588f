"""Expiry in the synthesized stack: the table's TTL and stream view, the expiry function's filtered stream source,
its DLQ and alarms, and its exact rights."""

from __future__ import annotations

import json

import pytest
from infra_helpers import assert_the_dlq_keeps_failed_batches_14_days_encrypted_over_tls, matches

from infra import names
from infra.expiry import EXPIRY_TABLE_ACTIONS, expiry_filter_pattern
from store.schema import PARTITION_KEY, SORT_KEY, STREAM_VIEW, TTL_ATTRIBUTE, table_definition


def _mapping(cfn) -> dict:
    function_id, _ = cfn.function(names.EXPIRY_HANDLER)
    (mapping,) = [m["Properties"] for m in cfn.of_type("AWS::Lambda::EventSourceMapping").values()
                  if m["Properties"]["FunctionName"] == {"Ref": function_id}]
    return mapping


def _record(sk: str, *, event: str = "REMOVE", principal: str | None = names.TTL_PRINCIPAL) -> dict:
    """A stream record as DynamoDB writes it (TTL's removals carry userIdentity, a writer's do not)."""
    record: dict = {"eventName": event, "eventSource": "aws:dynamodb",
                    "dynamodb": {"Keys": {PARTITION_KEY: {"S": "HOTEL#h#CONV#c"}, SORT_KEY: {"S": sk}},
                                 "OldImage": {}, "StreamViewType": STREAM_VIEW}}
    if principal is not None:
        record["userIdentity"] = {"type": "Service", "principalId": principal}
    return record


# The table

def test_the_table_expires_items_on_the_stores_ttl_attribute(cfn):
    table = cfn.resources[cfn.main_table()]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}
    assert TTL_ATTRIBUTE == "expires_at"


def test_the_stream_carries_old_images_which_a_ttl_removal_has_alone_as_the_local_table_does(cfn):
    table = cfn.resources[cfn.main_table()]["Properties"]
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table_definition("t", stream=True)["StreamSpecification"] == {
        "StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}


# The stream source

def test_the_expiry_reads_the_whole_stream_in_batches_bisected_retried_with_partial_failures(cfn):
    mapping = _mapping(cfn)
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [cfn.main_table(), "StreamArn"]}
    assert mapping["StartingPosition"] == "TRIM_HORIZON"  # no removal skipped
    assert mapping["BatchSize"] == names.EXPIRY_BATCH_SIZE == 100
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["MaximumRetryAttempts"] == names.EXPIRY_RETRY_ATTEMPTS == 10
    assert "MaximumRecordAgeInSeconds" not in mapping  # a removal never goes stale (the stream keeps it 24 h)
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    dlq_id, _ = cfn.one("AWS::SQS::Queue", QueueName=names.EXPIRY_DLQ)
    assert mapping["DestinationConfig"] == {"OnFailure": {"Destination": {"Fn::GetAtt": [dlq_id, "Arn"]}}}


def test_the_filter_passes_ttl_removals_of_conversations_and_messages_only(cfn):
    (only,) = _mapping(cfn)["FilterCriteria"]["Filters"]
    pattern = json.loads(only["Pattern"])
    assert pattern == expiry_filter_pattern() == {
        "eventName": ["REMOVE"],
        "userIdentity": {"type": ["Service"], "principalId": ["dynamodb.amazonaws.com"]},
        "dynamodb": {"Keys": {SORT_KEY: {"S": ["CONVERSATION", {"prefix": "MSG#"}]}}}}
    assert names.TTL_PRINCIPAL == "dynamodb.amazonaws.com"
    for passed in ("CONVERSATION", "MSG#2026-12-02T10:00:00.000000Z#msg_1"):
        assert matches(pattern, _record(passed)), passed
    for dropped in ("ACT#2026-12-02T10:00:00Z#a", "COUNTERS#3", "CONTACT#c1", "PROFILE", "CONVERSATIONS", "XMSG#1"):
        assert not matches(pattern, _record(dropped)), dropped


@pytest.mark.parametrize("event, principal", [("REMOVE", None), ("REMOVE", "someone.else"), ("MODIFY", None),
                                              ("INSERT", None), ("MODIFY", names.TTL_PRINCIPAL)])
def test_a_removal_by_a_writer_and_every_write_are_not_expiries(cfn, event, principal):
    """An erase deletes conversations itself (and corrects the counts in its own pass)."""
    (only,) = _mapping(cfn)["FilterCriteria"]["Filters"]
    assert not matches(json.loads(only["Pattern"]), _record("CONVERSATION", event=event, principal=principal))


def test_the_local_stack_passes_the_records_the_lambda_filter_passes(cfn):
    from local.expiry import passes_expiry_filter

    (only,) = _mapping(cfn)["FilterCriteria"]["Filters"]
    pattern = json.loads(only["Pattern"])
    for sk in ("CONVERSATION", "MSG#2026-12-02T10:00:00.000000Z#msg_1", "ACT#1", "COUNTERS#0", "CONTACT#c"):
        for event, principal in (("REMOVE", names.TTL_PRINCIPAL), ("REMOVE", None), ("MODIFY", None)):
            record = _record(sk, event=event, principal=principal)
            assert passes_expiry_filter(record) is matches(pattern, record), (sk, event, principal)


def test_the_filter_reads_the_keys_the_store_writes():
    from store import keys
    from store.expiry import TTL_PRINCIPAL

    assert keys.CONVERSATION_SK in names.EXPIRY_SORT_KEYS
    assert keys.MESSAGE_PREFIX in names.EXPIRY_SORT_KEY_PREFIXES
    assert [k["AttributeName"] for k in table_definition("t")["KeySchema"]] == [PARTITION_KEY, SORT_KEY]
    assert TTL_PRINCIPAL == names.TTL_PRINCIPAL  # what the handler checks is what the filter passes


def test_the_expiry_dlq_keeps_failed_batches_14_days_encrypted_over_tls(cfn):
    assert_the_dlq_keeps_failed_batches_14_days_encrypted_over_tls(cfn, names.EXPIRY_DLQ)


# The function

def test_the_function_runs_the_shared_code_with_the_table_and_the_bucket(cfn):
    _, api_function = cfn.function(names.API_HANDLER)
    _, function = cfn.function(names.EXPIRY_HANDLER)
    properties = function["Properties"]
    assert properties["FunctionName"] == names.EXPIRY_FUNCTION
    assert properties["Code"] == api_function["Properties"]["Code"]
    assert properties["Layers"] == api_function["Properties"]["Layers"]
    assert properties["Timeout"] == names.EXPIRY_TIMEOUT_SECONDS
    env = properties["Environment"]["Variables"]
    assert env["TABLE_NAME"] == {"Ref": cfn.main_table()}
    assert "ATTACHMENTS_BUCKET" in env


def test_the_expiry_function_may_do_exactly_what_an_expiry_does(cfn):
    from infra.attachments import OBJECTS

    table_id = cfn.main_table()
    table = {"Fn::GetAtt": [table_id, "Arn"]}
    stream = {"Fn::GetAtt": [table_id, "StreamArn"]}
    dlq_id, _ = cfn.one("AWS::SQS::Queue", QueueName=names.EXPIRY_DLQ)
    function_id, _ = cfn.function(names.EXPIRY_HANDLER)
    grants = cfn.grants(cfn.role_of(function_id))
    files = grants.pop("s3:DeleteObject")  # an expired message's files by key, a conversation's by its prefix
    assert json.dumps(files).endswith(f'/{OBJECTS}"]]}}]')
    listing = grants.pop("s3:ListBucket")  # the bucket itself: the files under an expired conversation's prefix
    assert json.dumps(listing).endswith(f'{names.ATTACHMENTS_BUCKET}-", {{"Ref": "AWS::AccountId"}}, "-", '
                                        f'{{"Ref": "AWS::Region"}}]]}}]')
    assert {action: resources for action, resources in grants.items() if action not in cfn.FUNCTION_BASELINE} == {
        **{action: [table] for action in EXPIRY_TABLE_ACTIONS},  # the table only: no index, no other table
        "dynamodb:DescribeStream": [stream],
        "dynamodb:GetRecords": [stream],
        "dynamodb:GetShardIterator": [stream],
        "dynamodb:ListStreams": ["*"],  # no resource-level permission
        "sqs:SendMessage": [{"Fn::GetAtt": [dlq_id, "Arn"]}],
    }
    assert set(EXPIRY_TABLE_ACTIONS) == {  # what it does is run with exactly these in test_roles_on_moto.py
        "dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem"}


# Alarms

def test_the_expiry_dlq_its_errors_and_its_iterator_age_notify_the_topic(cfn):
    topic_id, _ = cfn.one("AWS::SNS::Topic", TopicName=names.ALARM_TOPIC)
    function_id, _ = cfn.function(names.EXPIRY_HANDLER)
    dlq_id, _ = cfn.one("AWS::SQS::Queue", QueueName=names.EXPIRY_DLQ)
    six_hours = 6 * 3600 * 1000
    expected = {
        f"{names.EXPIRY_DLQ}-not-empty": ("ApproximateNumberOfMessagesVisible", "Maximum", 0,
                                          {"Fn::GetAtt": [dlq_id, "QueueName"]}),
        f"{names.EXPIRY_FUNCTION}-errors": ("Errors", "Sum", 0, {"Ref": function_id}),
        f"{names.EXPIRY_FUNCTION}-iterator-age": ("IteratorAge", "Maximum", six_hours, {"Ref": function_id}),
    }
    for name, (metric, statistic, threshold, dimension) in expected.items():
        alarm = cfn.alarm(name)
        assert (alarm["MetricName"], alarm["Statistic"], alarm["Threshold"]) == (metric, statistic, threshold), name
        assert [d["Value"] for d in alarm["Dimensions"]] == [dimension], name
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold" and alarm["Period"] == 300, name
        assert alarm["EvaluationPeriods"] == 1 and alarm["DatapointsToAlarm"] == 1, name
        assert alarm["TreatMissingData"] == "notBreaching", name
        assert alarm["AlarmActions"] == [{"Ref": topic_id}], name
    assert six_hours < 24 * 3600 * 1000  # well before the stream forgets a removal
