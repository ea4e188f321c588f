"""Helpers for the synthesized stack's tests: Lambda's event filtering (the subset the stream sources use) and
the checks a dead-letter queue of a stream source passes."""

from __future__ import annotations

from infra import names


def matches(pattern: dict, record: dict) -> bool:
    """Lambda's event filtering for the subset used here: exact strings and {"prefix": ...}, nested."""
    for key, wanted in pattern.items():
        if key not in record:
            return False
        if isinstance(wanted, dict):
            if not isinstance(record[key], dict) or not matches(wanted, record[key]):
                return False
        elif not any(value == record[key] if isinstance(value, str) else
                     isinstance(record[key], str) and record[key].startswith(value["prefix"]) for value in wanted):
            return False
    return True


def assert_the_dlq_keeps_failed_batches_14_days_encrypted_over_tls(cfn, queue_name: str) -> None:
    dlq_id, dlq = cfn.one("AWS::SQS::Queue", QueueName=queue_name)
    assert dlq["Properties"]["MessageRetentionPeriod"] == names.DLQ_RETENTION_SECONDS == 14 * 86400
    assert dlq["Properties"]["SqsManagedSseEnabled"] is True
    (policy,) = [p["Properties"] for p in cfn.of_type("AWS::SQS::QueuePolicy").values()
                 if p["Properties"]["Queues"] == [{"Ref": dlq_id}]]
    assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
               for s in policy["PolicyDocument"]["Statement"])
