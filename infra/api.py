"""The API construct: the REST API `lobby-api`, its api function and its Lambda authorizer.

Routes (the contract's paths already start with /v1, so the stage is just `prod`):
- `GET /v1/openapi.json`: no credentials (the contract says so);
- `GET|POST /v1/hotels/{proxy+}`: every other route, behind one Lambda REQUEST authorizer.
Both go to the api function (Lambda proxy integration), which routes by path. Besides them:
- `POST /v1/channels/{channel}/notifications`: a channel's own server calls it (Expedia today,
  see `add_channel_callback`); no authorizer and no API key, the channel's function checks the
  channel's signature of the body. It goes to that channel's callback function.

Callers: console agents send `Authorization: Bearer <Cognito ID token>`, partners send
`x-api-key`. With `apiKeySource: AUTHORIZER` API Gateway ignores the x-api-key header for
metering: the authorizer returns `usageIdentifierKey`, the partner's key for partners (that
key lives in the partners' usage plan) and the console's usage identifier for agents. Every
authorized method requires a key, because usage plans only meter methods that do.
"""

from __future__ import annotations

import re

import aws_cdk as cdk
from aws_cdk import Duration, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import names
from infra.auth import Auth
from infra.bundling import FunctionCode
from infra.data import index_names
from infra.functions import LOG_RETENTION, LobbyFunction
from infra.scheduling import Scheduling
from store.keys import partner_key_pk

API_TIMEOUT = Duration.seconds(25)  # under API Gateway's 29 s integration timeout
AUTHORIZER_TIMEOUT = Duration.seconds(10)

API_TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:ConditionCheckItem",
    # A saved reply's removal, an erased contact (DeleteItem) and an erased conversation's own item (a transaction's
    # Delete, authorized as DeleteItem); the rest of what an erase deletes, and a commit's items past a
    # transaction's 100, in batches (BatchWriteItem).
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
)
API_INDEX_ACTIONS = ("dynamodb:Query",)
# The agent directory (directory.cognito): the members of a hotel's group, nothing else of the pool.
API_DIRECTORY_ACTIONS = ("cognito-idp:ListUsersInGroup",)
API_SCHEDULE_ACTIONS = ("scheduler:CreateSchedule", "scheduler:DeleteSchedule")  # one schedule per hold: never updated

# Stage defaults for every method; usage plans narrow them per caller.
STAGE_RATE, STAGE_BURST = 50, 100
PARTNER_RATE, PARTNER_BURST, PARTNER_QUOTA_PER_DAY = 20, 40, 100_000
CONSOLE_RATE, CONSOLE_BURST = 50, 100

CORS_HEADERS = names.CORS_ALLOW_HEADERS
CORS_METHODS = names.CORS_ALLOW_METHODS

# One JSON object per request. status and latency are always numbers; the rest may be "-".
ACCESS_LOG_FIELDS = (
    ("requestId", '"$context.requestId"'),
    ("time", '"$context.requestTime"'),
    ("ip", '"$context.identity.sourceIp"'),
    ("caller", '"$context.authorizer.principalId"'),
    ("apiKeyId", '"$context.identity.apiKeyId"'),
    ("method", '"$context.httpMethod"'),
    ("path", '"$context.path"'),
    ("resource", '"$context.resourcePath"'),
    ("status", "$context.status"),
    ("latency", "$context.responseLatency"),
    ("integrationLatency", '"$context.integrationLatency"'),
    ("responseLength", '"$context.responseLength"'),
    ("error", '"$context.error.message"'),
    ("authorizerError", '"$context.authorizer.error"'),
    ("userAgent", '"$context.identity.userAgent"'),
    ("traceId", '"$context.xrayTraceId"'),
)
ACCESS_LOG_FORMAT = "{" + ",".join(f'"{name}":{value}' for name, value in ACCESS_LOG_FIELDS) + "}"


class Api(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        table: dynamodb.ITable,
        code: FunctionCode,
        auth: Auth,
        scheduling: Scheduling,
        outbound_queue: sqs.IQueue,
        allow_origin: str = "*",
    ):
        super().__init__(scope, id)
        stack = Stack.of(self)
        # An API key value is 20 to 128 alphanumeric characters; one per stack, so unique in the account.
        self.console_usage_key = re.sub(r"[^A-Za-z0-9]", "", f"LobbyConsoleUsage{stack.stack_name}Identifier")

        self.function = self._api_function(table, code, auth, scheduling, outbound_queue, allow_origin)
        self.authorizer_function = self._authorizer_function(table, code, auth)

        access_logs = logs.LogGroup(self, "AccessLogs", retention=logs.RetentionDays.THREE_MONTHS)
        self.rest_api = apigw.RestApi(
            self, "RestApi",
            rest_api_name=names.API,
            description="Lobby's HTTP API, version 1 (docs/api.md)",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            api_key_source_type=apigw.ApiKeySourceType.AUTHORIZER,
            # API Gateway writes execution logs through the account-level CloudWatch role.
            cloud_watch_role=True,
            cloud_watch_role_removal_policy=cdk.RemovalPolicy.RETAIN,
            deploy_options=apigw.StageOptions(
                stage_name=names.API_STAGE,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=apigw.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,  # request bodies carry guests' messages
                metrics_enabled=True,
                tracing_enabled=True,
                throttling_rate_limit=STAGE_RATE,
                throttling_burst_limit=STAGE_BURST,
            ),
        )
        self.rest_api.node.try_remove_child("Endpoint")  # the stack's ApiUrl output says it once
        self._execution_logs()
        self._gateway_responses(allow_origin)

        self.authorizer = apigw.RequestAuthorizer(
            self, "Authorizer",
            authorizer_name=names.AUTHORIZER,
            handler=self.authorizer_function.function,
            # A caller sends EITHER `Authorization` OR `x-api-key`. API Gateway answers 401
            # without calling the authorizer when any identity source is missing, so listing
            # both would reject everyone; listing none requires caching off (TTL 0), which
            # also means a cached policy can never outlive a revoked key or token.
            identity_sources=[],
            results_cache_ttl=Duration.seconds(0),
        )
        # CDK writes the empty list as IdentitySource "": leave the property out instead.
        self.authorizer.node.default_child.add_property_deletion_override("IdentitySource")

        integration = apigw.LambdaIntegration(self.function.function, proxy=True, allow_test_invoke=False)
        cdk.Validations.of(self.rest_api.node.default_child).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-APIG2",
            reason="The routes are one Lambda proxy whose parameters are all optional and whose bodies differ per "
                   "route; the api function validates every parameter and body against the contract's models "
                   "(400/422). A gateway validator would have nothing to check, and models copied here would "
                   "drift from the OpenAPI document the code generates.",
        ))
        cors = apigw.CorsOptions(
            allow_origins=[allow_origin],
            allow_methods=list(CORS_METHODS),
            allow_headers=list(CORS_HEADERS),
            max_age=Duration.seconds(names.CORS_MAX_AGE_SECONDS),
        )
        v1 = self.rest_api.root.add_resource("v1", default_cors_preflight_options=cors)
        self._v1 = v1

        self.openapi_method = v1.add_resource(names.OPENAPI_PATH.removeprefix("/v1/")).add_method(
            "GET", integration,
            authorization_type=apigw.AuthorizationType.NONE,
            api_key_required=False,
        )
        for rule, reason in (
            ("AwsSolutions-APIG4", "The contract publishes the OpenAPI document without credentials; it holds "
                                   "no data, only the API's shape, and the stage throttling still applies."),
            ("AwsSolutions-COG4", "The OpenAPI document is public by contract: no authorizer of any kind."),
        ):
            cdk.Validations.of(self.openapi_method).acknowledge(cdk.Acknowledgment(id=rule, reason=reason))

        proxy = v1.add_resource("hotels").add_resource("{proxy+}")
        self.hotel_methods = [
            proxy.add_method(
                http_method, integration,
                authorization_type=apigw.AuthorizationType.CUSTOM,
                authorizer=self.authorizer,
                api_key_required=True,
            )
            for http_method in names.HOTEL_ROUTE_METHODS
        ]
        for method in self.hotel_methods:
            cdk.Validations.of(method).acknowledge(cdk.Acknowledgment(
                id="AwsSolutions-COG4",
                reason="A Lambda REQUEST authorizer instead of a Cognito one: partners call the same routes with "
                       "x-api-key, which a user pool authorizer cannot accept; the authorizer verifies agents' "
                       "Cognito ID tokens itself (JWKS, issuer, audience = the console client).",
            ))

        self._usage_plans()
        cdk.Validations.of(self.rest_api.deployment_stage).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-APIG3",
            reason="No WAF web ACL yet: every route but the OpenAPI document is authorized, the stage and the "
                   "usage plans throttle, and a web ACL's monthly fee outweighs its use at one small hotel group.",
        ))

    # Channels

    def add_channel_callback(self, channel: str, function: lambda_.IFunction) -> apigw.Method:
        """`POST /v1/channels/{channel}/notifications` to the channel's callback function.

        The channel's server cannot hold a Cognito token or a Lobby API key: each request is
        signed by the channel (for Expedia, an HMAC-SHA256 of the raw body keyed with the callback
        secret) and the function verifies the signature before it queues anything. So the method
        has no authorizer and requires no API key: the usage plans do not meter it (they meter only
        methods that require a key), and the stage's throttling applies to it.
        """
        channels = self._v1.get_resource("channels") or self._v1.add_resource("channels")
        method = channels.add_resource(channel).add_resource("notifications").add_method(
            "POST",
            apigw.LambdaIntegration(function, proxy=True, allow_test_invoke=False),
            authorization_type=apigw.AuthorizationType.NONE,
            api_key_required=False,
        )
        for rule, reason in (
            ("AwsSolutions-APIG4", f"{channel.capitalize()}'s server calls this callback without Lobby "
                                   "credentials: the callback function verifies the channel's HMAC-SHA256 "
                                   "signature of the raw body (401, nothing queued, when it is missing or "
                                   "wrong), and the stage's throttling applies."),
            ("AwsSolutions-COG4", f"{channel.capitalize()}'s notifications come from its server, not from a "
                                  "Cognito user: no user pool authorizer can apply; the function authenticates "
                                  "each request by the channel's HMAC signature instead."),
        ):
            cdk.Validations.of(method).acknowledge(cdk.Acknowledgment(id=rule, reason=reason))
        return method

    # Functions

    def _api_function(self, table, code, auth: Auth, scheduling: Scheduling, outbound_queue: sqs.IQueue,
                      console_origin: str) -> LobbyFunction:
        function = LobbyFunction(
            self, "Handler",
            code=code,
            function_name=names.API_FUNCTION,
            handler=names.API_HANDLER,
            description="Lobby's HTTP API (routes of docs/api.md)",
            table_name=table.table_name,
            memory_size=512,
            timeout=API_TIMEOUT,
            environment={
                "SCHEDULE_GROUP": names.SCHEDULE_GROUP,
                "WAKE_UP_FUNCTION_ARN": scheduling.wake_up.function.function_arn,
                "SCHEDULER_ROLE_ARN": scheduling.role.role_arn,
                "SCHEDULER_DLQ_ARN": scheduling.dlq.queue_arn,
                "OUTBOUND_QUEUE_URL": outbound_queue.queue_url,
                "CONSOLE_ORIGIN": console_origin,
                names.USER_POOL_ID_VARIABLE: auth.user_pool.user_pool_id,
            },
        )
        # A status change is one TransactWriteItems: IAM authorizes its items by PutItem,
        # UpdateItem and ConditionCheckItem (there is no dynamodb:TransactWriteItems action).
        function.add_to_policy(
            iam.PolicyStatement(sid="Table", actions=list(API_TABLE_ACTIONS), resources=[table.table_arn]),
            # Each index of store.schema by name rather than `index/*` (the tabs, and the team's
            # filters and waiting order): Query only.
            iam.PolicyStatement(
                sid="TabIndexes",
                actions=list(API_INDEX_ACTIONS),
                resources=[f"{table.table_arn}/index/{name}" for name in index_names()],
            ),
            iam.PolicyStatement(sid="AgentDirectory", actions=list(API_DIRECTORY_ACTIONS),
                                resources=[auth.user_pool.user_pool_arn]),
            iam.PolicyStatement(
                sid="PassSchedulerRole",
                actions=["iam:PassRole"],
                resources=[scheduling.role.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}},
            ),
            iam.PolicyStatement(sid="Outbound", actions=["sqs:SendMessage"], resources=[outbound_queue.queue_arn]),
        )
        scheduling.grant_schedules(function, API_SCHEDULE_ACTIONS,
                                   "Agents hold conversations: each hold creates or replaces its wake-up schedule.")
        return function

    def _authorizer_function(self, table, code, auth: Auth) -> LobbyFunction:
        function = LobbyFunction(
            self, "AuthorizerHandler",
            code=code,
            function_name=names.AUTHORIZER_FUNCTION,
            handler=names.AUTHORIZER_HANDLER,
            description="Lobby's REQUEST authorizer: a Cognito ID token or a partner's API key",
            table_name=table.table_name,
            memory_size=256,
            timeout=AUTHORIZER_TIMEOUT,
            environment={
                "JWKS_URL": auth.jwks_url,
                "TOKEN_ISSUER": auth.issuer,
                "TOKEN_AUDIENCE": auth.console_client.user_pool_client_id,
                "CONSOLE_USAGE_KEY": self.console_usage_key,
            },
        )
        # Partner keys are looked up by their hash: one GetItem; their last use is written at most once a minute
        # (one conditional UpdateItem), on the keys' hash items only.
        function.add_to_policy(iam.PolicyStatement(sid="PartnerKeys", actions=["dynamodb:GetItem"],
                                                   resources=[table.table_arn]))
        function.add_to_policy(iam.PolicyStatement(
            sid="PartnerKeyLastUse", actions=["dynamodb:UpdateItem"], resources=[table.table_arn],
            conditions={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{partner_key_pk('')}*"]}}))
        return function

    # Stage

    def _execution_logs(self) -> None:
        """API Gateway's execution log group, made here so that it has a retention."""
        execution_logs = logs.LogGroup(
            self, "ExecutionLogs",
            log_group_name=f"API-Gateway-Execution-Logs_{self.rest_api.rest_api_id}/{names.API_STAGE}",
            retention=LOG_RETENTION,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        # Created before the stage, so API Gateway never creates it (without retention) first.
        self.rest_api.deployment_stage.node.add_dependency(execution_logs)
        cdk.Validations.of(self.rest_api.node.find_child("CloudWatchRole")).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
               "AmazonAPIGatewayPushToCloudWatchLogs]",
            reason="The account-level role API Gateway needs for execution logs (APIG6) is shared by every "
                   "REST API of the account and region; AWS's policy for exactly that role is the one to use.",
        ))

    def _gateway_responses(self, allow_origin: str) -> None:
        """Errors API Gateway answers itself: JSON `{"message": ...}` that the console can read."""
        headers = {
            "Access-Control-Allow-Origin": f"'{allow_origin}'",
            "Access-Control-Allow-Headers": f"'{','.join(CORS_HEADERS)}'",
            "Access-Control-Allow-Methods": f"'{','.join(CORS_METHODS)}'",
        }
        templates = {"application/json": '{"message": $context.error.messageString}'}
        for id, response_type, status in (
            ("Unauthorized", apigw.ResponseType.UNAUTHORIZED, "401"),
            ("AccessDenied", apigw.ResponseType.ACCESS_DENIED, "403"),
            ("Default4xx", apigw.ResponseType.DEFAULT_4_XX, None),
            ("Default5xx", apigw.ResponseType.DEFAULT_5_XX, None),
        ):
            self.rest_api.add_gateway_response(
                id, type=response_type, status_code=status, response_headers=headers, templates=templates,
            )

    def _usage_plans(self) -> None:
        stage = self.rest_api.deployment_stage
        self.partner_plan = self.rest_api.add_usage_plan(
            "PartnerPlan",
            name=names.PARTNER_USAGE_PLAN,
            description="Every partner's API key: the authorizer returns the key as usageIdentifierKey",
            throttle=apigw.ThrottleSettings(rate_limit=PARTNER_RATE, burst_limit=PARTNER_BURST),
            quota=apigw.QuotaSettings(limit=PARTNER_QUOTA_PER_DAY, period=apigw.Period.DAY),
            api_stages=[apigw.UsagePlanPerApiStage(api=self.rest_api, stage=stage)],
        )
        self.console_plan = self.rest_api.add_usage_plan(
            "ConsolePlan",
            name=names.CONSOLE_USAGE_PLAN,
            description="Console agents (Cognito): the authorizer returns CONSOLE_USAGE_KEY",
            throttle=apigw.ThrottleSettings(rate_limit=CONSOLE_RATE, burst_limit=CONSOLE_BURST),
            api_stages=[apigw.UsagePlanPerApiStage(api=self.rest_api, stage=stage)],
        )
        # Not a credential: with apiKeySource AUTHORIZER no client can present it; it only tells
        # API Gateway which usage plan meters an agent's request.
        console_key = apigw.ApiKey(
            self, "ConsoleUsageKey",
            api_key_name=f"{names.CONSOLE_USAGE_PLAN}-usage",
            description="Usage identifier of console agents' requests (returned by the authorizer)",
            value=self.console_usage_key,
        )
        self.console_plan.add_api_key(console_key)
