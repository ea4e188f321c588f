"""Expedia reconciliation: an hourly run that feeds what Expedia could not deliver through the same ingest.

    EventBridge Scheduler (rate(1 hour), group lobby-reconciliation) --its role--> reconcile function
        --undeliveredNotifications (26 hours)--> lobby-expedia-events queue --> ingest (idempotent)

- The schedule has a role of its own that may invoke this function and nothing else, a retry policy and
  a DLQ: a run Scheduler could not start is retried for up to an hour, then parked (and alarmed). Past an
  hour a run is pointless: the next one pages the same 26 hours.
- Scheduler invokes the function asynchronously: a run that fails is retried twice by Lambda within the
  same hour; its errors alarm (infra/monitoring.py).
- The function reads the Expedia secret, sends to the events queue (SendMessageBatch is authorized as
  sqs:SendMessage), looks up the hotel of a property (GetItem), notes each hotel's channel health and
  the run itself (UpdateItem): store.dynamo's `hotel_for_expedia_property`, `note_reconciled`, `note_run`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import aws_cdk as cdk
from aws_cdk import Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import names
from infra.bundling import FunctionCode
from infra.functions import LobbyFunction
from infra.messaging import queue

RECONCILE_TIMEOUT = Duration.seconds(names.EXPEDIA_RECONCILE_TIMEOUT_SECONDS)
RECONCILE_TABLE_ACTIONS = ("dynamodb:GetItem", "dynamodb:UpdateItem")
ASYNC_RETRY_ATTEMPTS = 2  # Lambda's own retries of a failed run (its default, written out)
SCHEDULE_INPUT = json.dumps({"source": "lobby.schedule", "schedule": names.EXPEDIA_RECONCILE_SCHEDULE})


class ExpediaReconciliation(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        table: dynamodb.ITable,
        code: FunctionCode,
        secret: secretsmanager.ISecret,
        events_queue: sqs.IQueue,
        expedia_env: Mapping[str, str],
    ):
        super().__init__(scope, id)
        stack = Stack.of(self)
        self.function = LobbyFunction(
            self, "Function",
            code=code,
            function_name=names.EXPEDIA_RECONCILE_FUNCTION,
            handler=names.EXPEDIA_RECONCILE_HANDLER,
            description="Hourly: pages Expedia's undelivered notifications of the last 26 hours onto the events "
                        "queue and notes each hotel's channel health",
            table_name=table.table_name,
            memory_size=256,
            timeout=RECONCILE_TIMEOUT,
            environment={**expedia_env, "EXPEDIA_EVENTS_QUEUE_URL": events_queue.queue_url},
        )
        self.function.add_to_policy(
            iam.PolicyStatement(sid="Table", actions=list(RECONCILE_TABLE_ACTIONS), resources=[table.table_arn]),
            iam.PolicyStatement(sid="ExpediaEvents", actions=["sqs:SendMessage"], resources=[events_queue.queue_arn]),
        )
        self.function.grant_secret_value(secret, "ExpediaSecret")
        self.function.function.configure_async_invoke(
            retry_attempts=ASYNC_RETRY_ATTEMPTS,
            max_event_age=Duration.seconds(names.EXPEDIA_RECONCILE_MAX_EVENT_AGE_SECONDS),
        )

        self.dlq = queue(self, "Dlq", names.EXPEDIA_RECONCILE_DLQ_SPEC)
        cdk.Validations.of(self.dlq).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-SQS3",
            reason="This queue is itself a dead-letter queue: EventBridge Scheduler parks here the hourly "
                   "reconciliation runs it could not start; no queue redrives into it.",
        ))

        self.group = scheduler.ScheduleGroup(
            self, "Group",
            schedule_group_name=names.EXPEDIA_RECONCILE_SCHEDULE_GROUP,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.role = iam.Role(
            self, "SchedulerRole",
            description="Assumed by EventBridge Scheduler's reconciliation schedule to invoke the reconcile function",
            # Schedules of this account's reconciliation group only (confused deputy; Scheduler's SourceArn
            # is the schedule group, never the schedule).
            assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com", conditions={
                "StringEquals": {"aws:SourceAccount": stack.account,
                                 "aws:SourceArn": self.group.schedule_group_arn}}),
        )
        # Explicit statements rather than grant_invoke / grant_send_messages, which add the function's
        # versions (`:*`) and queue read actions that Scheduler does not need.
        self.role.add_to_principal_policy(iam.PolicyStatement(
            sid="InvokeReconcile", actions=["lambda:InvokeFunction"],
            resources=[self.function.function.function_arn]))
        self.role.add_to_principal_policy(iam.PolicyStatement(
            sid="DeadLetters", actions=["sqs:SendMessage"], resources=[self.dlq.queue_arn]))

        self.schedule = scheduler.CfnSchedule(
            self, "Schedule",
            name=names.EXPEDIA_RECONCILE_SCHEDULE,
            group_name=self.group.schedule_group_name,
            description="Feeds Expedia's undelivered notifications of the last 26 hours through the ingest",
            schedule_expression=names.EXPEDIA_RECONCILE_RATE,
            flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
            state="ENABLED",
            target=scheduler.CfnSchedule.TargetProperty(
                arn=self.function.function.function_arn,
                role_arn=self.role.role_arn,
                input=SCHEDULE_INPUT,
                retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(
                    maximum_event_age_in_seconds=names.EXPEDIA_RECONCILE_MAX_EVENT_AGE_SECONDS,
                    maximum_retry_attempts=names.EXPEDIA_RECONCILE_RETRY_ATTEMPTS,
                ),
                dead_letter_config=scheduler.CfnSchedule.DeadLetterConfigProperty(arn=self.dlq.queue_arn),
            ),
        )
        # The group is named, not referenced: it must exist first. Scheduler checks at creation that it
        # may assume the role and invoke the target.
        self.schedule.node.add_dependency(self.group, self.role)
