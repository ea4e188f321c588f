"""Wake-ups: the schedule group, the role Scheduler assumes, its DLQ and the wake-up function's rights."""

from __future__ import annotations

from infra import names


def _table_arn(cfn):
    table_id = cfn.main_table()
    return {"Fn::GetAtt": [table_id, "Arn"]}


def test_the_schedule_group_exists_under_its_name(cfn):
    cfn.one("AWS::Scheduler::ScheduleGroup", Name=names.SCHEDULE_GROUP)


def test_scheduler_role_is_assumed_by_eventbridge_scheduler_of_this_account_only(cfn):
    _, role = cfn.one("AWS::IAM::Role", RoleName=names.SCHEDULER_ROLE)
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [{
        "Action": "sts:AssumeRole",
        "Effect": "Allow",
        "Principal": {"Service": "scheduler.amazonaws.com"},
        "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
    }]


def test_scheduler_role_invokes_only_the_wake_up_function_and_sends_only_to_its_dlq(cfn):
    role_id, _ = cfn.one("AWS::IAM::Role", RoleName=names.SCHEDULER_ROLE)
    wake_up_id, _ = cfn.function(names.WAKE_UP_HANDLER)
    dlq_id, _ = cfn.one("AWS::SQS::Queue", QueueName=names.SCHEDULER_DLQ)
    assert cfn.grants(role_id) == {
        "lambda:InvokeFunction": [{"Fn::GetAtt": [wake_up_id, "Arn"]}],  # not its versions (`:*`)
        "sqs:SendMessage": [{"Fn::GetAtt": [dlq_id, "Arn"]}],
    }


def test_scheduler_dlq_keeps_failed_wake_ups_14_days(cfn):
    _, dlq = cfn.one("AWS::SQS::Queue", QueueName=names.SCHEDULER_DLQ)
    assert dlq["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert dlq["Properties"]["SqsManagedSseEnabled"] is True


def test_wake_up_function_has_exactly_the_table_actions_it_uses(cfn):
    function_id, _ = cfn.function(names.WAKE_UP_HANDLER)
    role = cfn.role_of(function_id)
    table_actions = {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem"}
    assert cfn.actions(role) == cfn.FUNCTION_BASELINE | table_actions
    grants = cfn.grants(role)
    for action in table_actions:
        assert grants[action] == [_table_arn(cfn)], action
