"""LobbyFunction: one Lambda function as every Lobby function is built.

Python 3.13 on arm64, the shared code asset and dependencies layer, its own log group with
a retention, X-Ray tracing, the Powertools settings, and its own IAM role that starts with
nothing but writing its logs and traces: each concern grants the function exactly the
actions it uses (`add_to_policy`).
"""

from __future__ import annotations

from collections.abc import Mapping

import aws_cdk as cdk
from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra import names
from infra.bundling import ARCHITECTURE, RUNTIME, FunctionCode

LOG_RETENTION = logs.RetentionDays.ONE_MONTH
DEFAULT_TIMEOUT = Duration.seconds(10)


class LobbyFunction(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        code: FunctionCode,
        function_name: str,
        handler: str,
        table_name: str,
        description: str,
        memory_size: int = 256,
        timeout: Duration = DEFAULT_TIMEOUT,
        environment: Mapping[str, str] | None = None,
    ):
        super().__init__(scope, id)
        self.name = function_name  # literal (function.function_name is a reference)
        self.log_group = logs.LogGroup(
            self, "Logs",
            retention=LOG_RETENTION,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.role = iam.Role(
            self, "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Runs {function_name}: its logs, its traces and what its concern grants",
        )
        # Instead of the AWSLambdaBasicExecutionRole managed policy: write to this log group only.
        self.log_group.grant_write(self.role)
        self.function = lambda_.Function(
            self, "Function",
            function_name=function_name,
            description=description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            code=code.code,
            handler=handler,
            layers=[code.layer],
            memory_size=memory_size,
            timeout=timeout,
            role=self.role,
            log_group=self.log_group,
            tracing=lambda_.Tracing.ACTIVE,
            environment={
                "POWERTOOLS_SERVICE_NAME": names.POWERTOOLS_SERVICE_NAME,
                "POWERTOOLS_METRICS_NAMESPACE": names.POWERTOOLS_METRICS_NAMESPACE,
                "TABLE_NAME": table_name,
                **(environment or {}),
            },
        )
        self._acknowledge()

    def add_to_policy(self, *statements: iam.PolicyStatement) -> None:
        for statement in statements:
            self.role.add_to_principal_policy(statement)

    def add_environment(self, key: str, value: str) -> None:
        self.function.add_environment(key, value)

    def grant_secret_value(self, secret: secretsmanager.ISecret, sid: str) -> None:
        """Read the secret's value. Not secret.grant_read: it adds secretsmanager:DescribeSecret, which no
        function calls. Lobby's secrets use Secrets Manager's AWS managed key: no kms:Decrypt is needed."""
        self.add_to_policy(iam.PolicyStatement(
            sid=sid, actions=["secretsmanager:GetSecretValue"], resources=[secret.secret_arn]))

    def _acknowledge(self) -> None:
        cdk.Validations.of(self.function).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-L1",
            reason="Lobby targets python3.13 on purpose (deprecation 2029-06-30): the dependencies layer "
                   "is built for cp313 wheels and the tests run against it; python3.14 comes as its own change.",
        ))
        policy = self.role.node.try_find_child("DefaultPolicy")
        cdk.Validations.of(policy if policy is not None else self.role).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-IAM5[Resource::*]",
            reason="Only X-Ray's xray:PutTraceSegments and xray:PutTelemetryRecords (added by active tracing) "
                   "use Resource '*': X-Ray has no resource-level permissions for them.",
        ))
