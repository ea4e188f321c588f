"""Expedia reconciliation: the hourly schedule, the role Scheduler assumes for it, its DLQ and retries, and the
reconcile function's rights and settings."""

from __future__ import annotations

import json
import re

import pytest

from infra import names

RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def _arn(logical_id: str) -> dict:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


@pytest.fixture(scope="module")
def schedule(cfn) -> dict:
    _, found = cfn.one("AWS::Scheduler::Schedule", Name=names.EXPEDIA_RECONCILE_SCHEDULE)
    return found["Properties"]


@pytest.fixture(scope="module")
def function_id(cfn) -> str:
    found, _ = cfn.function(names.EXPEDIA_RECONCILE_HANDLER)
    return found


def _scheduler_role(cfn, schedule) -> str:
    return schedule["Target"]["RoleArn"]["Fn::GetAtt"][0]


# The schedule

def test_the_reconciler_runs_every_hour_on_time(schedule):
    assert schedule["ScheduleExpression"] == names.EXPEDIA_RECONCILE_RATE == "rate(1 hour)"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert schedule["State"] == "ENABLED"
    assert "ScheduleExpressionTimezone" not in schedule  # a rate has no time zone


def test_the_schedule_invokes_the_reconcile_function_with_a_json_input(schedule, function_id):
    assert schedule["Target"]["Arn"] == _arn(function_id)
    assert json.loads(schedule["Target"]["Input"])["schedule"] == names.EXPEDIA_RECONCILE_SCHEDULE


def test_the_schedule_lives_in_its_own_group_not_where_the_api_manages_wake_ups(cfn, schedule):
    group_id, _ = cfn.one("AWS::Scheduler::ScheduleGroup", Name=names.EXPEDIA_RECONCILE_SCHEDULE_GROUP)
    assert schedule["GroupName"] == names.EXPEDIA_RECONCILE_SCHEDULE_GROUP != names.SCHEDULE_GROUP
    (schedule_id, _), = cfn.of_type("AWS::Scheduler::Schedule").items()
    assert group_id in cfn.resources[schedule_id]["DependsOn"]  # named, not referenced: created first


def test_a_run_scheduler_cannot_start_is_retried_within_the_hour_then_parked_in_its_dlq(cfn, schedule):
    dlq_id, dlq = cfn.one("AWS::SQS::Queue", QueueName=names.EXPEDIA_RECONCILE_DLQ)
    assert schedule["Target"]["RetryPolicy"] == {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 3}
    assert schedule["Target"]["DeadLetterConfig"] == {"Arn": _arn(dlq_id)}
    assert dlq["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert dlq["Properties"]["SqsManagedSseEnabled"] is True


def test_a_failed_run_is_retried_twice_by_lambda_and_never_after_the_next_run(cfn, function_id):
    (config,) = [c["Properties"] for c in cfn.of_type("AWS::Lambda::EventInvokeConfig").values()
                 if c["Properties"]["FunctionName"] == {"Ref": function_id}]
    assert config["MaximumRetryAttempts"] == 2
    assert config["MaximumEventAgeInSeconds"] <= _rate_seconds(names.EXPEDIA_RECONCILE_RATE)


def test_a_run_ends_before_the_next_one_starts(cfn, function_id):
    timeout = cfn.resources[function_id]["Properties"]["Timeout"]
    assert timeout == names.EXPEDIA_RECONCILE_TIMEOUT_SECONDS
    assert timeout * 3 <= _rate_seconds(names.EXPEDIA_RECONCILE_RATE)  # a run and its two retries, within the hour
    assert timeout <= 900  # Lambda's limit


def _rate_seconds(expression: str) -> int:
    match = RATE.fullmatch(expression)
    assert match, expression
    return int(match[1]) * UNIT_SECONDS[match[2].rstrip("s")]


# The role Scheduler assumes

def test_only_scheduler_for_this_accounts_reconciliation_group_may_assume_the_role(cfn, schedule):
    group_id, _ = cfn.one("AWS::Scheduler::ScheduleGroup", Name=names.EXPEDIA_RECONCILE_SCHEDULE_GROUP)
    role = cfn.resources[_scheduler_role(cfn, schedule)]
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [{
        "Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "scheduler.amazonaws.com"},
        # aws:SourceArn is a schedule group's ARN (Scheduler's documentation: never a schedule's).
        "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"},
                                       "aws:SourceArn": _arn(group_id)}},
    }]


def test_the_schedules_role_invokes_only_the_reconcile_function_and_sends_only_to_its_dlq(cfn, schedule, function_id):
    dlq_id, _ = cfn.one("AWS::SQS::Queue", QueueName=names.EXPEDIA_RECONCILE_DLQ)
    assert cfn.grants(_scheduler_role(cfn, schedule)) == {
        "lambda:InvokeFunction": [_arn(function_id)],  # not its versions (`:*`)
        "sqs:SendMessage": [_arn(dlq_id)],
    }


def test_the_wake_ups_role_cannot_invoke_the_reconciler(cfn, function_id):
    role_id, _ = cfn.one("AWS::IAM::Role", RoleName=names.SCHEDULER_ROLE)
    assert _arn(function_id) not in cfn.grants(role_id)["lambda:InvokeFunction"]


# The function

def test_the_reconcile_function_has_exactly_the_rights_it_uses(cfn, function_id):
    table_id = cfn.main_table()
    events_id, _ = cfn.one("AWS::SQS::Queue", QueueName=names.EXPEDIA_EVENTS_QUEUE)
    secret_id, _ = cfn.one("AWS::SecretsManager::Secret", Name=names.EXPEDIA_SECRET)
    own = {action: resources for action, resources in cfn.grants(cfn.role_of(function_id)).items()
           if action not in cfn.FUNCTION_BASELINE}
    assert own == {
        # hotel_for_expedia_property (GetItem) and note_reconciled (UpdateItem), on the table itself
        "dynamodb:GetItem": [_arn(table_id)],
        "dynamodb:UpdateItem": [_arn(table_id)],
        "sqs:SendMessage": [_arn(events_id)],  # SendMessageBatch is authorized as SendMessage
        "secretsmanager:GetSecretValue": [{"Ref": secret_id}],
    }


def test_the_reconcile_function_is_told_the_events_queue_the_secret_and_expedias_endpoints(cfn, function_id):
    from wiring.settings import Settings

    events_id, _ = cfn.one("AWS::SQS::Queue", QueueName=names.EXPEDIA_EVENTS_QUEUE)
    secret_id, _ = cfn.one("AWS::SecretsManager::Secret", Name=names.EXPEDIA_SECRET)
    env = cfn.resources[function_id]["Properties"]["Environment"]["Variables"]
    assert env["EXPEDIA_EVENTS_QUEUE_URL"] == {"Ref": events_id}
    assert env["EXPEDIA_SECRET_ARN"] == {"Ref": secret_id}
    assert env["EXPEDIA_GRAPHQL_URL"] == names.EXPEDIA_GRAPHQL_URL
    assert env["EXPEDIA_TOKEN_URL"] == names.EXPEDIA_TOKEN_URL
    assert set(env) == {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "TABLE_NAME",
                        "EXPEDIA_EVENTS_QUEUE_URL", "EXPEDIA_SECRET_ARN", "EXPEDIA_GRAPHQL_URL", "EXPEDIA_TOKEN_URL"}
    fields = {name.upper() for name in Settings.names()}
    assert set(env) - {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE"} <= fields


def test_the_reconcile_function_is_named_and_handled_as_names_says(cfn, function_id):
    properties = cfn.resources[function_id]["Properties"]
    assert properties["FunctionName"] == names.EXPEDIA_RECONCILE_FUNCTION == "lobby-expedia-reconcile"
    assert properties["Handler"] == names.EXPEDIA_RECONCILE_HANDLER == "expedia_reconcile.handler.handler"


def test_the_reconcile_dlq_acknowledgement_says_why(acknowledgements):
    reasons = {(path, rule): reason for path, rule, reason in acknowledgements}
    assert "reconciliation" in reasons[("Lobby/Expedia/Reconcile/Dlq", "AwsSolutions-SQS3")]
