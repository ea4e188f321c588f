"""The scheduling construct: held conversations that wake up by themselves.

The api function creates one one-time schedule per held conversation in the group
`lobby-wake-ups` (at(...) in UTC, deleted after completion, retries and a DLQ); EventBridge
Scheduler assumes the scheduler role to invoke the wake-up function, and parks in the
scheduler DLQ what it could not deliver.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_scheduler as scheduler
from constructs import Construct

from infra import names
from infra.bundling import FunctionCode
from infra.functions import LobbyFunction
from infra.messaging import queue

WAKE_UP_TIMEOUT = Duration.seconds(30)
WAKE_UP_TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
)


class Scheduling(Construct):
    def __init__(self, scope: Construct, id: str, *, table: dynamodb.ITable, code: FunctionCode):
        super().__init__(scope, id)
        stack = Stack.of(self)

        self.group = scheduler.ScheduleGroup(
            self, "Group",
            schedule_group_name=names.SCHEDULE_GROUP,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        # Every schedule of the group, whatever its name (one per hold, from its token).
        self.schedules_arn = stack.format_arn(
            service="scheduler", resource="schedule", resource_name=f"{names.SCHEDULE_GROUP}/*",
        )

        self.wake_up = LobbyFunction(
            self, "WakeUp",
            code=code,
            function_name=names.WAKE_UP_FUNCTION,
            handler=names.WAKE_UP_HANDLER,
            description="Reopens a held conversation when its hold ends (idempotent, ignores stale holds)",
            table_name=table.table_name,
            memory_size=256,
            timeout=WAKE_UP_TIMEOUT,
        )
        # A status change is one TransactWriteItems of Puts and Updates: IAM authorizes each
        # item by dynamodb:PutItem / dynamodb:UpdateItem (there is no TransactWriteItems action).
        self.wake_up.add_to_policy(iam.PolicyStatement(
            sid="Table",
            actions=list(WAKE_UP_TABLE_ACTIONS),
            resources=[table.table_arn],
        ))

        self.dlq = queue(self, "Dlq", names.SCHEDULER_DLQ_SPEC)
        cdk.Validations.of(self.dlq).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-SQS3",
            reason="This queue is itself a dead-letter queue: EventBridge Scheduler's DLQ for wake-ups it could "
                   "not deliver (set on each schedule by the api function); no queue redrives into it.",
        ))

        self.role = iam.Role(
            self, "SchedulerRole",
            role_name=names.SCHEDULER_ROLE,
            description="Assumed by EventBridge Scheduler to invoke the wake-up function",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
            ),
        )
        # Explicit statements rather than grant_invoke / grant_send_messages: those add the
        # function's versions (`:*`) and queue read actions, which Scheduler does not need.
        self.role.add_to_principal_policy(iam.PolicyStatement(
            sid="InvokeWakeUp",
            actions=["lambda:InvokeFunction"],
            resources=[self.wake_up.function.function_arn],
        ))
        self.role.add_to_principal_policy(iam.PolicyStatement(
            sid="DeadLetters",
            actions=["sqs:SendMessage"],
            resources=[self.dlq.queue_arn],
        ))

    def grant_schedules(self, function: LobbyFunction, actions: tuple[str, ...], why: str) -> None:
        """Let ``function`` manage the group's schedules (named per hold at run time, so a
        wildcard that stops at the group), with cdk-nag's finding acknowledged on its policy."""
        function.add_to_policy(iam.PolicyStatement(sid="WakeUpSchedules", actions=list(actions),
                                                   resources=[self.schedules_arn]))
        cdk.Validations.of(function.role.node.find_child("DefaultPolicy")).acknowledge(cdk.Acknowledgment(
            id=f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:"
               f"schedule/{names.SCHEDULE_GROUP}/*]",
            reason=f"{why} Schedules are named per hold at run time; the wildcard stops at the "
                   f"`{names.SCHEDULE_GROUP}` group, and only {', '.join(a.split(':')[1] for a in actions)} "
                   "are allowed there.",
        ))
