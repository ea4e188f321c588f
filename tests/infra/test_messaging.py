"""The outbound queue and its DLQ: encryption, TLS only, redrive, retention, visibility."""

from __future__ import annotations

from infra import names
from infra.messaging import CONSUMER_TIMEOUT

FOURTEEN_DAYS = 14 * 24 * 3600


def test_outbound_queue_redrives_to_its_dlq_after_at_least_five_receives(cfn):
    dlq_id, _ = cfn.one("AWS::SQS::Queue", QueueName=names.OUTBOUND_DLQ)
    _, queue = cfn.one("AWS::SQS::Queue", QueueName=names.OUTBOUND_QUEUE)
    redrive = queue["Properties"]["RedrivePolicy"]
    assert redrive["deadLetterTargetArn"] == {"Fn::GetAtt": [dlq_id, "Arn"]}
    assert redrive["maxReceiveCount"] >= 5


def test_outbound_visibility_timeout_is_at_least_six_times_the_consumer_timeout(cfn):
    _, queue = cfn.one("AWS::SQS::Queue", QueueName=names.OUTBOUND_QUEUE)
    assert CONSUMER_TIMEOUT.to_seconds() == 30
    assert queue["Properties"]["VisibilityTimeout"] >= 6 * 30


def test_dlq_keeps_messages_14_days_longer_than_the_queue(cfn):
    _, queue = cfn.one("AWS::SQS::Queue", QueueName=names.OUTBOUND_QUEUE)
    _, dlq = cfn.one("AWS::SQS::Queue", QueueName=names.OUTBOUND_DLQ)
    assert dlq["Properties"]["MessageRetentionPeriod"] == FOURTEEN_DAYS
    assert queue["Properties"].get("MessageRetentionPeriod", 4 * 24 * 3600) < FOURTEEN_DAYS


def test_every_queue_is_encrypted_and_refuses_requests_without_tls(cfn):
    from local.resources import QUEUES as local_queues

    queues = cfn.of_type("AWS::SQS::Queue")
    assert {q["Properties"]["QueueName"] for q in queues.values()} == {
        names.OUTBOUND_QUEUE, names.OUTBOUND_DLQ, names.SCHEDULER_DLQ, names.EXPEDIA_EVENTS_QUEUE,
        names.EXPEDIA_EVENTS_DLQ, names.EXPEDIA_RECONCILE_DLQ, names.REALTIME_FANOUT_DLQ, names.EXPIRY_DLQ} == {
        spec.name for spec in local_queues}  # the local stack creates the same ones
    policies = cfn.of_type("AWS::SQS::QueuePolicy").values()
    for id, queue in queues.items():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True, id
        denies = [
            s for p in policies if {"Ref": id} in p["Properties"]["Queues"]
            for s in p["Properties"]["PolicyDocument"]["Statement"]
            if s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
        ]
        assert denies, f"{id} accepts requests without TLS"
