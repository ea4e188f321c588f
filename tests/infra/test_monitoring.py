"""Monitoring: the encrypted alarms topic CloudWatch may publish to, an alarm per DLQ, errors of the queue consumers."""

from __future__ import annotations

from infra import names

DEAD_LETTER_QUEUES = (names.OUTBOUND_DLQ, names.EXPEDIA_EVENTS_DLQ, names.SCHEDULER_DLQ, names.EXPEDIA_RECONCILE_DLQ,
                      names.REALTIME_FANOUT_DLQ, names.EXPIRY_DLQ)
CONSUMERS = (names.EXPEDIA_INGEST_HANDLER, names.OUTBOUND_SENDER_HANDLER)
SCHEDULED = (names.EXPEDIA_RECONCILE_HANDLER,)
# The fan-out: errors and iterator age (tests/infra/test_realtime_infra.py); the socket function: errors.
REALTIME_ALARMS = 3
# The expiry function: errors and iterator age (tests/infra/test_expiry_infra.py).
EXPIRY_ALARMS = 2
CLOUDWATCH = {"Service": "cloudwatch.amazonaws.com"}
LOBBY_ALARMS = {"Fn::Join": ["", [
    "arn:", {"Ref": "AWS::Partition"}, ":cloudwatch:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"},
    f":alarm:{names.ALARM_PREFIX}*"]]}
FROM_LOBBY_ALARMS = {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                     "ArnLike": {"aws:SourceArn": LOBBY_ALARMS}}


def _topic(cfn) -> tuple[str, dict]:
    return cfn.one("AWS::SNS::Topic", TopicName=names.ALARM_TOPIC)


def _alarms_on(cfn, dimension: str, logical_id: str, metric: str) -> list[dict]:
    """Alarms on that metric of that resource (a queue's dimension is its QueueName, a function's its Ref)."""
    values = ({"Ref": logical_id}, {"Fn::GetAtt": [logical_id, "QueueName"]})
    return [a["Properties"] for a in cfn.of_type("AWS::CloudWatch::Alarm").values()
            if a["Properties"].get("MetricName") == metric
            and any({"Name": dimension, "Value": value} in a["Properties"].get("Dimensions", []) for value in values)]


def _assert_fires_on_one_datapoint_above_zero(alarm: dict, topic_id: str) -> None:
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert alarm["Threshold"] == 0
    assert alarm["EvaluationPeriods"] == 1 and alarm["DatapointsToAlarm"] == 1
    assert alarm["Period"] == 300
    assert alarm["TreatMissingData"] == "notBreaching"
    assert alarm["AlarmActions"] == [{"Ref": topic_id}]


# The topic

def test_alarms_topic_is_encrypted_with_its_own_rotating_key(cfn):
    _, topic = _topic(cfn)
    key_id = topic["Properties"]["KmsMasterKeyId"]["Fn::GetAtt"][0]
    key = cfn.resources[key_id]
    assert key["Type"] == "AWS::KMS::Key"  # not alias/aws/sns: CloudWatch cannot use the AWS managed key
    assert key["Properties"]["EnableKeyRotation"] is True


def test_cloudwatch_alarms_of_this_account_may_use_the_key(cfn):
    _, topic = _topic(cfn)
    key = cfn.resources[topic["Properties"]["KmsMasterKeyId"]["Fn::GetAtt"][0]]
    statements = [s for s in key["Properties"]["KeyPolicy"]["Statement"] if s["Principal"] == CLOUDWATCH]
    assert statements == [{
        "Sid": "CloudWatchAlarmsPublish", "Effect": "Allow", "Principal": CLOUDWATCH,
        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*", "Condition": FROM_LOBBY_ALARMS,
    }]


def test_topic_refuses_publishing_without_tls_and_lets_lobby_alarms_publish(cfn):
    topic_id, _ = _topic(cfn)
    (policy,) = [p["Properties"] for p in cfn.of_type("AWS::SNS::TopicPolicy").values()
                 if p["Properties"]["Topics"] == [{"Ref": topic_id}]]
    statements = policy["PolicyDocument"]["Statement"]
    assert [s for s in statements if s["Effect"] == "Deny"] == [{
        "Sid": "AllowPublishThroughSSLOnly", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish",
        "Resource": {"Ref": topic_id}, "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }]
    assert [s for s in statements if s["Effect"] == "Allow"] == [{
        "Sid": "CloudWatchAlarmsPublish", "Effect": "Allow", "Principal": CLOUDWATCH, "Action": "sns:Publish",
        "Resource": {"Ref": topic_id}, "Condition": FROM_LOBBY_ALARMS,
    }]


# The alarms

def test_each_dead_letter_queue_has_a_depth_alarm_notifying_the_topic(cfn):
    topic_id, _ = _topic(cfn)
    for name in DEAD_LETTER_QUEUES:
        queue_id, _ = cfn.one("AWS::SQS::Queue", QueueName=name)
        (alarm,) = _alarms_on(cfn, "QueueName", queue_id, "ApproximateNumberOfMessagesVisible")
        assert alarm["Namespace"] == "AWS/SQS"
        assert alarm["Statistic"] == "Maximum"
        _assert_fires_on_one_datapoint_above_zero(alarm, topic_id)


def test_every_queue_that_is_a_dead_letter_queue_is_watched(cfn):
    queues = cfn.of_type("AWS::SQS::Queue")
    redrive_targets = {q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
                       for q in queues.values() if "RedrivePolicy" in q["Properties"]}
    scheduler_dlq, _ = cfn.one("AWS::SQS::Queue", QueueName=names.SCHEDULER_DLQ)  # set on each schedule at run time
    schedule_dlqs = {dlq["Fn::GetAtt"][0] for dlq in (
        s["Properties"]["Target"]["DeadLetterConfig"]["Arn"] for s in cfn.of_type("AWS::Scheduler::Schedule").values())}
    # A stream mapping's on-failure destination (the real-time fan-out's, the expiry function's) is a DLQ too.
    mapping_dlqs = {m["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
                    for m in cfn.of_type("AWS::Lambda::EventSourceMapping").values()
                    if "DestinationConfig" in m["Properties"]}
    dead_letter_queues = redrive_targets | {scheduler_dlq} | schedule_dlqs | mapping_dlqs
    assert {queues[id]["Properties"]["QueueName"] for id in dead_letter_queues} == set(DEAD_LETTER_QUEUES)
    for id in dead_letter_queues:
        assert _alarms_on(cfn, "QueueName", id, "ApproximateNumberOfMessagesVisible"), id


def test_ingest_and_sender_errors_notify_the_topic(cfn):
    topic_id, _ = _topic(cfn)
    for handler in CONSUMERS:
        function_id, _ = cfn.function(handler)
        (alarm,) = _alarms_on(cfn, "FunctionName", function_id, "Errors")
        assert alarm["Namespace"] == "AWS/Lambda"
        assert alarm["Statistic"] == "Sum"
        _assert_fires_on_one_datapoint_above_zero(alarm, topic_id)


def test_a_failed_reconciliation_run_notifies_the_topic(cfn):
    topic_id, _ = _topic(cfn)
    for handler in SCHEDULED:
        function_id, _ = cfn.function(handler)
        (alarm,) = _alarms_on(cfn, "FunctionName", function_id, "Errors")
        assert alarm["AlarmName"] == f"{names.EXPEDIA_RECONCILE_FUNCTION}-errors"
        assert "scheduled run" in alarm["AlarmDescription"]
        _assert_fires_on_one_datapoint_above_zero(alarm, topic_id)


def test_every_alarm_is_named_so_that_the_topic_accepts_it(cfn):
    alarms = cfn.of_type("AWS::CloudWatch::Alarm").values()
    assert len(alarms) == len(DEAD_LETTER_QUEUES) + len(CONSUMERS) + len(SCHEDULED) + REALTIME_ALARMS + EXPIRY_ALARMS
    for alarm in alarms:
        assert alarm["Properties"]["AlarmName"].startswith(names.ALARM_PREFIX), alarm
