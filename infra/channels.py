"""The Expedia channel: Expedia's notifications in, replies and spam flags out.

    Expedia --POST /v1/channels/expedia/notifications--> callback function (HMAC check, 202)
        --> lobby-expedia-events queue --> ingest function (GraphQL query, inbound pipeline)
    api / ingest --> lobby-outbound queue --> sender function (sendMessage, setMessageThreadSpamStatus)

- The secret `lobby/expedia` holds Lobby's OAuth client id and secret and the callback signing
  secret (JSON). Expedia issues all three; the stack creates the secret with placeholders and an
  operator pastes the real values in (see the stack outputs).
- The events queue decouples Expedia's callback from Expedia's GraphQL API: the callback answers
  at once, and a record the ingest cannot take is retried by SQS and parked in the events DLQ
  after `names.MAX_RECEIVE_COUNT` receives.
- The API route itself belongs to the API construct (`Api.add_channel_callback`); the stack wires
  this construct's callback function to it.
- The sender consumes the outbound queue of `infra/messaging.py`. Expedia is the only channel that
  delivers today; a second one would move the sender to its own construct.
- Both consumers are capped (`names.EVENT_SOURCES`' max_concurrency; the figures and why are there).
- The reconciler (`infra/reconciliation.py`) pages what Expedia could not deliver onto the events queue,
  hourly. The attachments bucket's grants (ingest puts, sender reads) are wired by the stack.
"""

from __future__ import annotations

import json

import aws_cdk as cdk
from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import names
from infra.bundling import FunctionCode
from infra.functions import LobbyFunction
from infra.messaging import CONSUMER_TIMEOUT, Messaging, queue
from infra.reconciliation import ExpediaReconciliation
from infra.scheduling import Scheduling
from store.schema import TAB_INDEXES

CALLBACK_TIMEOUT = Duration.seconds(10)  # a signature check and one SendMessage, under API Gateway's 29 s
INGEST_TIMEOUT = Duration.seconds(names.EXPEDIA_INGEST_TIMEOUT_SECONDS)
SENDER_TIMEOUT = CONSUMER_TIMEOUT  # the outbound queue's visibility timeout is sized for it
# The queues' sizes (visibility six times the ingest's timeout, receives, retention) and the
# event source mappings' batching are in infra/names.py, which the local stack reads too.

# The ingest runs the inbound pipeline: it reads conversations, contacts and dedup markers
# (GetItem, BatchGetItem, Query, also on the tab indexes) and changes a status in one
# TransactWriteItems, which IAM authorizes item by item (Put, Update, ConditionCheck). A
# notification that writes nothing else marks its guards handled in one BatchWriteItem
# (store.dynamo's take_guards), which IAM authorizes as dynamodb:BatchWriteItem itself.
INGEST_TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:BatchWriteItem",
)
INGEST_INDEX_ACTIONS = ("dynamodb:Query",)
# A guest's message reopens a held conversation: its wake-up schedule is cancelled.
INGEST_SCHEDULE_ACTIONS = ("scheduler:DeleteSchedule",)
# The sender reads the message, records its delivery (a conditional write).
SENDER_TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:ConditionCheckItem",
)

# Placeholders until an operator pastes Expedia's values in. The callback secret is generated,
# so that nobody can sign a notification before the real secret is set. Changing this template
# makes CloudFormation generate a new value, overwriting what the operator pasted: leave it be.
SECRET_GENERATED_KEY = names.EXPEDIA_SECRET_GENERATED_FIELD
SECRET_PLACEHOLDERS = {field: f"set-me-expedia-{field.replace('_', '-')}"
                       for field in names.EXPEDIA_SECRET_FIELDS if field != SECRET_GENERATED_KEY}


class ExpediaChannel(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        table: dynamodb.ITable,
        code: FunctionCode,
        messaging: Messaging,
        scheduling: Scheduling,
        graphql_url: str = names.EXPEDIA_GRAPHQL_URL,
        token_url: str = names.EXPEDIA_TOKEN_URL,
        files_url: str = names.EXPEDIA_FILES_URL,
    ):
        super().__init__(scope, id)
        self.secret = self._secret()
        self.events_dlq, self.events_queue = self._events_queues()
        expedia_env = {
            "EXPEDIA_SECRET_ARN": self.secret.secret_arn,
            "EXPEDIA_GRAPHQL_URL": graphql_url,
            "EXPEDIA_TOKEN_URL": token_url,
        }
        self.callback = self._callback(table, code)
        # The ingest downloads travelers' files and the sender uploads agents' files: the attachment service.
        files_env = {**expedia_env, "EXPEDIA_FILES_URL": files_url}
        self.ingest = self._ingest(table, code, messaging, scheduling, files_env)
        self.sender = self._sender(table, code, messaging, files_env)
        self.reconciliation = ExpediaReconciliation(
            self, "Reconcile", table=table, code=code, secret=self.secret, events_queue=self.events_queue,
            expedia_env=expedia_env)

    # Secret and queues

    def _secret(self) -> secretsmanager.Secret:
        secret = secretsmanager.Secret(
            self, "Secret",
            secret_name=names.EXPEDIA_SECRET,
            description="Expedia Group credentials (client_id, client_secret) and callback_secret: paste "
                        "Expedia's values in; the stack only creates placeholders",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template=json.dumps(SECRET_PLACEHOLDERS),
                generate_string_key=SECRET_GENERATED_KEY,
                exclude_punctuation=True,
                password_length=48,
            ),
            # Kept when the stack goes, as the table is: the values were set by hand.
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        cdk.Validations.of(secret).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-SMG4",
            reason="Expedia issues these credentials and the callback signing secret; Lobby cannot rotate "
                   "them itself (no API to request new ones), so rotation is manual: an operator pastes new "
                   "values when Expedia reissues them, and the functions pick them up on their next cold start.",
        ))
        return secret

    def _events_queues(self) -> tuple[sqs.Queue, sqs.Queue]:
        dlq = queue(self, "EventsDlq", names.EXPEDIA_EVENTS_DLQ_SPEC)
        events = queue(self, "Events", names.EXPEDIA_EVENTS_QUEUE_SPEC, dead_letter_queue=dlq)
        return dlq, events

    # Functions

    def _read_secret(self, function: LobbyFunction) -> None:
        function.grant_secret_value(self.secret, "ExpediaSecret")

    def _callback(self, table: dynamodb.ITable, code: FunctionCode) -> LobbyFunction:
        function = LobbyFunction(
            self, "Callback",
            code=code,
            function_name=names.EXPEDIA_CALLBACK_FUNCTION,
            handler=names.EXPEDIA_CALLBACK_HANDLER,
            description="Expedia's notifications: checks the HMAC signature and queues the body (202) or 401",
            table_name=table.table_name,  # every function gets it; the callback never reads the table
            memory_size=256,
            timeout=CALLBACK_TIMEOUT,
            environment={
                "EXPEDIA_EVENTS_QUEUE_URL": self.events_queue.queue_url,
                "EXPEDIA_SECRET_ARN": self.secret.secret_arn,
            },
        )
        # Explicit rather than grant_send_messages, which adds GetQueueAttributes and GetQueueUrl.
        function.add_to_policy(iam.PolicyStatement(
            sid="ExpediaEvents", actions=["sqs:SendMessage"], resources=[self.events_queue.queue_arn],
        ))
        self._read_secret(function)
        return function

    def _ingest(self, table: dynamodb.ITable, code: FunctionCode, messaging: Messaging, scheduling: Scheduling,
                expedia_env: dict[str, str]) -> LobbyFunction:
        function = LobbyFunction(
            self, "Ingest",
            code=code,
            function_name=names.EXPEDIA_INGEST_FUNCTION,
            handler=names.EXPEDIA_INGEST_HANDLER,
            description="Takes Expedia's notifications from the events queue: queries Expedia, runs the inbound "
                        "pipeline",
            table_name=table.table_name,
            memory_size=512,
            timeout=INGEST_TIMEOUT,
            environment={
                **expedia_env,
                "OUTBOUND_QUEUE_URL": messaging.outbound_queue.queue_url,
                "SCHEDULE_GROUP": names.SCHEDULE_GROUP,
            },
        )
        function.add_to_policy(
            iam.PolicyStatement(sid="Table", actions=list(INGEST_TABLE_ACTIONS), resources=[table.table_arn]),
            iam.PolicyStatement(
                sid="TabIndexes",
                actions=list(INGEST_INDEX_ACTIONS),
                resources=[f"{table.table_arn}/index/{spec.name}" for spec in TAB_INDEXES.values()],
            ),
            iam.PolicyStatement(sid="Outbound", actions=["sqs:SendMessage"],
                                resources=[messaging.outbound_queue.queue_arn]),
        )
        self._read_secret(function)
        # Adds the mapping's own rights on the events queue: Receive, Delete, ChangeMessageVisibility,
        # GetQueueAttributes, GetQueueUrl.
        function.function.add_event_source(_event_source(self.events_queue, names.EXPEDIA_INGEST_SOURCE))
        scheduling.grant_schedules(function, INGEST_SCHEDULE_ACTIONS,
                                   "A guest's message cancels the wake-up of a held conversation.")
        return function

    def _sender(self, table: dynamodb.ITable, code: FunctionCode, messaging: Messaging,
                expedia_env: dict[str, str]) -> LobbyFunction:
        function = LobbyFunction(
            self, "Sender",
            code=code,
            function_name=names.OUTBOUND_SENDER_FUNCTION,
            handler=names.OUTBOUND_SENDER_HANDLER,
            description="Delivers outbound jobs (replies, spam flags) to their channel: Expedia's GraphQL API",
            table_name=table.table_name,
            memory_size=256,
            timeout=SENDER_TIMEOUT,
            environment={
                **expedia_env,
                "OUTBOUND_DLQ_URL": messaging.outbound_dlq.queue_url,
                "OUTBOUND_MAX_RECEIVES": str(names.MAX_RECEIVE_COUNT),
            },
        )
        function.add_to_policy(
            iam.PolicyStatement(sid="Table", actions=list(SENDER_TABLE_ACTIONS), resources=[table.table_arn]),
            # A job the channel refuses is parked in the DLQ at once, with its reason.
            iam.PolicyStatement(sid="RejectedJobs", actions=["sqs:SendMessage"],
                                resources=[messaging.outbound_dlq.queue_arn]),
        )
        self._read_secret(function)
        function.function.add_event_source(_event_source(messaging.outbound_queue, names.OUTBOUND_SENDER_SOURCE))
        return function


def _event_source(source: sqs.IQueue, spec: names.EventSourceSpec) -> event_sources.SqsEventSource:
    """The mapping ``spec`` defines (``infra/names.py``; the local stack's pollers read it too)."""
    window = spec.batching_window_seconds
    return event_sources.SqsEventSource(
        source,
        batch_size=spec.batch_size,
        max_batching_window=Duration.seconds(window) if window else None,
        max_concurrency=spec.max_concurrency,
        report_batch_item_failures=True,
    )
