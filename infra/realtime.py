"""The real-time construct: the WebSocket API that pushes the table's changes to the consoles.

    console --wss://.../live?token=<ID token>--> $connect (the REST API's authorizer function) --> socket function
    main table --DynamoDB Stream (NEW_AND_OLD_IMAGES, filtered)--> fan-out function --@connections--> each hotel's consoles

- Routes (selection `$request.body.action`): `$connect`, `$disconnect`, `presence` and `$default`, all to the
  socket function. `$connect` is authorized by the same function as the REST API (one verification of the
  Cognito ID token), which reads the token from the query string: browsers cannot set headers on a WebSocket.
  API Gateway lets only `$connect` carry an authorizer; the other routes belong to a connection it admitted.
- Connections live in a table of their own (`names.CONNECTIONS_TABLE`: connection churn never reaches the
  main table's stream), with a TTL (API Gateway closes any connection after 2 hours) and point-in-time recovery.
- Trigger: the main table's stream, so every writer (API, ingest, wake-up, backfill) is covered without calling
  a publisher, in order per item, at least once, and a slow push never slows a write. A Lambda filter passes only
  conversations, messages and counter shards (`names.REALTIME_FANOUT_SORT_KEYS` / `_PREFIXES`) written (INSERT,
  MODIFY), and conversations removed (erased, or expired by TTL: consoles drop them); the REMOVE records of messages
  TTL expires (the expiry function's, `infra/expiry.py`) never invoke the fan-out; batches of 100,
  no window, bisected on an error and retried twice, records older than 5 minutes dropped; what the fan-out
  gives up on goes to the DLQ as stream positions (the records stay in the stream for 24 hours).
- The stage's access logs never hold the query string: the ID token travels there.
- IAM: each function only the actions it uses; `execute-api:ManageConnections` only on this API's stage's
  `POST @connections` (the functions post frames; a gone connection is removed from the table, never closed).
"""

from __future__ import annotations

import aws_cdk as cdk
import jsii
from aws_cdk import Duration, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import names
from infra.bundling import FunctionCode
from infra.functions import LobbyFunction
from infra.messaging import queue
from store.schema import CONNECTIONS_TTL_ATTRIBUTE, PARTITION_KEY, SORT_KEY, connections_table_definition

SOCKET_TIMEOUT = Duration.seconds(10)  # a connect or a presence message: a few items and pushes
FANOUT_TIMEOUT = Duration.seconds(names.REALTIME_FANOUT_TIMEOUT_SECONDS)
TOKEN_SOURCE = f"route.request.querystring.{names.REALTIME_TOKEN_QUERY}"
ROUTES = ("$connect", "$disconnect", names.REALTIME_PRESENCE_ROUTE, "$default")

# Every route of the stage (connects and messages alike). A console sends a presence message at most every
# 3 s while typing and a ping every 5 minutes: 1,000 agents typing at once stay under 400 a second.
STAGE_RATE, STAGE_BURST = 500, 1000

# The socket function (store.connections.DynamoConnections as realtime() wires it): $connect writes the connection
# and its per-hotel items in one BatchWriteItem, $disconnect reads it (GetItem) and deletes them (BatchWriteItem),
# presence reads the connection, marks what it views (UpdateItem) and queries its hotel's connections; it checks
# the conversation on the main table (store.team get_conversations: BatchGetItem).
SOCKET_CONNECTIONS_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:UpdateItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:Query",
)
SOCKET_TABLE_ACTIONS = ("dynamodb:BatchGetItem",)
# The fan-out: a hotel's connections (1 Query) and the removal of a gone one (GetItem, BatchWriteItem); on the main
# table the changed conversations (BatchGetItem), the team's counts (1 Query of the shards) and the hotel's
# settings a conversation's shape needs (GetItem, cached).
FANOUT_CONNECTIONS_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:Query",
)
FANOUT_TABLE_ACTIONS = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query")
MANAGE_CONNECTIONS_METHODS = ("POST",)  # post_to_connection only: a gone connection is removed from the table

# One JSON object per event. Never $context.requestOverride, $request or $input: the ID token is a query parameter.
ACCESS_LOG_FIELDS = (
    ("requestId", "$context.requestId"),
    ("time", "$context.requestTime"),
    ("ip", "$context.identity.sourceIp"),
    ("caller", "$context.authorizer.principalId"),
    ("connectionId", "$context.connectionId"),
    ("route", "$context.routeKey"),
    ("eventType", "$context.eventType"),
    ("status", "$context.status"),
    ("integrationLatency", "$context.integrationLatency"),
    ("error", "$context.error.message"),
    ("authorizerError", "$context.authorizer.error"),
    ("integrationError", "$context.integrationErrorMessage"),
    ("userAgent", "$context.identity.userAgent"),
)
ACCESS_LOG_FORMAT = "{" + ",".join(f'"{name}":"{value}"' for name, value in ACCESS_LOG_FIELDS) + "}"


def fanout_filter_patterns() -> list[dict]:
    """The Lambda filters of the fan-out's stream (a record passes one of them; the local runner matches the same
    names): INSERT and MODIFY records (names.REALTIME_FANOUT_EVENTS) whose sort key is one of
    names.REALTIME_FANOUT_SORT_KEYS or starts with one of names.REALTIME_FANOUT_SORT_KEY_PREFIXES, and REMOVE
    records of names.REALTIME_FANOUT_REMOVED_SORT_KEYS (a conversation erased or expired, which consoles drop)."""
    values: list = [*names.REALTIME_FANOUT_SORT_KEYS, *({"prefix": p} for p in names.REALTIME_FANOUT_SORT_KEY_PREFIXES)]
    return [
        {"eventName": list(names.REALTIME_FANOUT_EVENTS), "dynamodb": {"Keys": {SORT_KEY: {"S": values}}}},
        {"eventName": ["REMOVE"], "dynamodb": {"Keys": {SORT_KEY: {"S": list(names.REALTIME_FANOUT_REMOVED_SORT_KEYS)}}}},
    ]


@jsii.implements(apigwv2.IAccessLogSettings)
class _AccessLogs:
    def __init__(self, log_group: logs.ILogGroup, log_format: str):
        self._destination = apigwv2.LogGroupLogDestination(log_group)
        self._format = apigw.AccessLogFormat.custom(log_format)

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigw.AccessLogFormat:
        return self._format


@jsii.implements(lambda_.IEventSourceDlq)
class SendOnlyDlq:
    """A stream's on-failure destination with sqs:SendMessage alone: SqsDlq's grant_send_messages would add
    GetQueueAttributes and GetQueueUrl, which Lambda does not call to send a failed batch's positions."""

    def __init__(self, dlq: sqs.IQueue, sid: str = "FanoutDlq"):
        self._queue = dlq
        self._sid = sid

    def bind(self, target: lambda_.IEventSourceMapping, target_handler: lambda_.IFunction) -> lambda_.DlqDestinationConfig:
        target_handler.add_to_role_policy(iam.PolicyStatement(
            sid=self._sid, actions=["sqs:SendMessage"], resources=[self._queue.queue_arn]))
        return lambda_.DlqDestinationConfig(destination=self._queue.queue_arn)


class Realtime(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        table: dynamodb.ITable,
        code: FunctionCode,
        authorizer_function: lambda_.IFunction,
        gateway_account: Construct | None = None,
    ):
        """`table`: the main table, with its stream (new and old images). `authorizer_function`: the REST API's
        authorizer, which also authorizes `$connect`. `gateway_account`: API Gateway's account settings (the
        CloudWatch role access logging needs), created before the stage."""
        super().__init__(scope, id)
        stack = Stack.of(self)
        self.connections = self._connections_table()
        self.api = apigwv2.WebSocketApi(
            self, "Api",
            api_name=names.REALTIME_API,
            description="Lobby's real time: pushes the table's changes to the consoles (docs/api.md, Real time)",
            route_selection_expression=names.REALTIME_ROUTE_SELECTION,
        )
        self.connections_url = f"https://{self.api.api_id}.execute-api.{stack.region}.{stack.url_suffix}/" \
                               f"{names.REALTIME_STAGE}"
        environment = {
            "CONNECTIONS_TABLE": self.connections.table_name,
            "REALTIME_CONNECTIONS_URL": self.connections_url,
            "CONNECTION_TTL_SECONDS": str(names.CONNECTION_TTL_SECONDS),
        }
        self.socket = self._socket_function(table, code, environment)
        self.fanout = self._fanout_function(table, code, environment)
        self._routes(authorizer_function)
        self.stage = self._stage(gateway_account)

    @property
    def url(self) -> str:
        """What the console connects to (`?token=` follows): wss://{api-id}.execute-api.{region}.{suffix}/{stage}."""
        return self.stage.url

    # Connections

    def _connections_table(self) -> dynamodb.Table:
        definition = connections_table_definition(names.CONNECTIONS_TABLE)
        keys = {k["KeyType"]: k["AttributeName"] for k in definition["KeySchema"]}
        if keys != {"HASH": PARTITION_KEY, "RANGE": SORT_KEY}:  # the store reads and writes these two keys
            raise ValueError(f"store.schema's connections table has keys {keys}, the construct builds pk/sk")
        table = dynamodb.Table(
            self, "Connections",
            table_name=definition["TableName"],
            partition_key=dynamodb.Attribute(name=PARTITION_KEY, type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name=SORT_KEY, type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True),
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            time_to_live_attribute=CONNECTIONS_TTL_ATTRIBUTE,
            # Open sockets only, each gone within 2 hours: nothing to keep when the stack goes.
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        return table

    # Functions

    def _manage_connections(self, function: LobbyFunction) -> None:
        stack = Stack.of(self)
        function.add_to_policy(iam.PolicyStatement(
            sid="PostToConnections",
            actions=["execute-api:ManageConnections"],
            resources=[stack.format_arn(service="execute-api", resource=self.api.api_id,
                                        resource_name=f"{names.REALTIME_STAGE}/{method}/@connections/*",
                                        arn_format=cdk.ArnFormat.SLASH_RESOURCE_NAME)
                       for method in MANAGE_CONNECTIONS_METHODS],
        ))
        cdk.Validations.of(function.role.node.find_child("DefaultPolicy")).acknowledge(cdk.Acknowledgment(
            id=f"AwsSolutions-IAM5[Resource::{self.nag_connections_arn()}]",
            reason=f"{function.name} posts frames to the consoles' connections, whose ids API Gateway makes at "
                   "each $connect: the wildcard is the connection id only, on this API's stage, POST only.",
        ))

    def nag_connections_arn(self) -> str:
        """The @connections ARN as cdk-nag writes it in a finding."""
        api_id = Stack.of(self).get_logical_id(self.api.node.default_child)
        return (f"arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<{api_id}>/"
                f"{names.REALTIME_STAGE}/POST/@connections/*")

    def _socket_function(self, table: dynamodb.ITable, code: FunctionCode,
                         environment: dict[str, str]) -> LobbyFunction:
        function = LobbyFunction(
            self, "Socket",
            code=code,
            function_name=names.REALTIME_SOCKET_FUNCTION,
            handler=names.REALTIME_SOCKET_HANDLER,
            description="Lobby's WebSocket routes: $connect stores the agent's connection, $disconnect removes it, "
                        "presence tells the hotel's other agents",
            table_name=table.table_name,
            memory_size=256,
            timeout=SOCKET_TIMEOUT,
            environment=environment,
        )
        function.add_to_policy(
            iam.PolicyStatement(sid="Connections", actions=list(SOCKET_CONNECTIONS_ACTIONS),
                                resources=[self.connections.table_arn]),
            iam.PolicyStatement(sid="Table", actions=list(SOCKET_TABLE_ACTIONS), resources=[table.table_arn]),
        )
        self._manage_connections(function)
        return function

    def _fanout_function(self, table: dynamodb.ITable, code: FunctionCode,
                         environment: dict[str, str]) -> LobbyFunction:
        function = LobbyFunction(
            self, "Fanout",
            code=code,
            function_name=names.REALTIME_FANOUT_FUNCTION,
            handler=names.REALTIME_FANOUT_HANDLER,
            description="Pushes the table's changes (its DynamoDB Stream) to each hotel's consoles over @connections",
            table_name=table.table_name,
            memory_size=512,  # shapes conversations and messages with the API's models
            timeout=FANOUT_TIMEOUT,
            environment=environment,
        )
        function.add_to_policy(
            iam.PolicyStatement(sid="Connections", actions=list(FANOUT_CONNECTIONS_ACTIONS),
                                resources=[self.connections.table_arn]),
            iam.PolicyStatement(sid="Table", actions=list(FANOUT_TABLE_ACTIONS), resources=[table.table_arn]),
        )
        self._manage_connections(function)
        self.dlq = queue(self, "FanoutDlq", names.REALTIME_FANOUT_DLQ_SPEC)
        cdk.Validations.of(self.dlq).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-SQS3",
            reason="This queue is itself a dead-letter queue: the fan-out's stream mapping sends it the positions "
                   "of batches it gave up on (retries or record age exhausted); no queue redrives into it.",
        ))
        # The mapping grants the stream's reads itself (DescribeStream, GetRecords, GetShardIterator, ListStreams).
        function.function.add_event_source(event_sources.DynamoEventSource(
            table,
            starting_position=lambda_.StartingPosition.LATEST,  # older changes are no news to an open console
            batch_size=names.REALTIME_FANOUT_BATCH_SIZE,
            max_batching_window=None,  # an agent waits for them
            bisect_batch_on_error=True,
            retry_attempts=names.REALTIME_FANOUT_RETRY_ATTEMPTS,
            max_record_age=Duration.seconds(names.REALTIME_FANOUT_MAX_RECORD_AGE_SECONDS),
            report_batch_item_failures=True,
            on_failure=SendOnlyDlq(self.dlq),
            filters=[lambda_.FilterCriteria.filter(pattern) for pattern in fanout_filter_patterns()],
        ))
        # Lambda checks at the mapping's creation that the role may call dynamodb:ListStreams, an action
        # without resource-level permissions (the service authorization reference): it is on '*' beside X-Ray's.
        cdk.Validations.of(function.role.node.find_child("DefaultPolicy")).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-IAM5[Resource::*]",
            reason="Only X-Ray's xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) and the stream "
                   "mapping's dynamodb:ListStreams use Resource '*': none of them has resource-level permissions; "
                   "the stream's reads (DescribeStream, GetRecords, GetShardIterator) are on its ARN alone.",
        ))
        return function

    # API

    def _routes(self, authorizer_function: lambda_.IFunction) -> None:
        integration = integrations.WebSocketLambdaIntegration("Socket", self.socket.function)
        self.authorizer = authorizers.WebSocketLambdaAuthorizer(
            "Authorizer", authorizer_function,
            authorizer_name=f"{names.REALTIME_API}-authorizer",
            identity_source=[TOKEN_SOURCE],
        )
        self.routes = {
            "$connect": self.api.add_route("$connect", integration=integration, authorizer=self.authorizer),
            **{key: self.api.add_route(key, integration=integration) for key in ROUTES if key != "$connect"},
        }
        for key, route in self.routes.items():
            if key == "$connect":
                continue
            cdk.Validations.of(route).acknowledge(cdk.Acknowledgment(
                id="AwsSolutions-APIG4",
                reason=f"API Gateway lets only a WebSocket API's $connect route have an authorizer; {key} runs on a "
                       "connection $connect admitted (the ID token verified by the authorizer function), and the "
                       "socket function acts only for the connection's stored agent and hotels.",
            ))

    def _stage(self, gateway_account: Construct | None) -> apigwv2.WebSocketStage:
        access_logs = logs.LogGroup(self, "AccessLogs", retention=logs.RetentionDays.THREE_MONTHS,
                                    removal_policy=cdk.RemovalPolicy.DESTROY)
        stage = apigwv2.WebSocketStage(
            self, "Stage",
            web_socket_api=self.api,
            stage_name=names.REALTIME_STAGE,
            auto_deploy=True,
            access_log_settings=_AccessLogs(access_logs, ACCESS_LOG_FORMAT),
            throttle=apigwv2.ThrottleSettings(rate_limit=STAGE_RATE, burst_limit=STAGE_BURST),
            description="The consoles' sockets",
        )
        if gateway_account is not None:
            stage.node.add_dependency(gateway_account)
        return stage
