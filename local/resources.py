"""Creates on moto every resource of Lobby's CDK stack, from the same definitions.

The tables come from ``store.schema`` (the main table with its DynamoDB Stream, which feeds the
consoles' real time through ``local.changes``; the connections table with its TTL); the queues,
event source mappings, schedule group, scheduler role, secret, user pool, console client and
attachment bucket from ``infra/names.py``, which the constructs in ``infra/`` read too. What
moto cannot hold (Lambda functions without Docker, API Gateway's wiring to them, the stream's
readers) the local stack runs itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from infra import names
from store.schema import CONNECTIONS_TTL_ATTRIBUTE, connections_table_definition, table_definition, time_to_live

# Every queue of the CDK stack: names.QUEUES, and the stream mappings' on-failure destinations, which the real
# time construct (infra/realtime.py) and the expiry construct (infra/expiry.py) make from their specs.
QUEUES = names.QUEUES + tuple(spec for spec in (names.REALTIME_FANOUT_DLQ_SPEC, names.EXPIRY_DLQ_SPEC)
                              if spec not in names.QUEUES)

# Cognito's names of the standard attributes an agent has (``admin.create_agent`` sets them).
_SIGN_IN_SCHEMA = {"email": {"Name": "email", "AttributeDataType": "String", "Mutable": True, "Required": True}}


@dataclass(frozen=True)
class Resources:
    region: str
    account_id: str
    table_name: str
    connections_table: str
    queue_urls: dict[str, str]  # queue name -> URL
    queue_arns: dict[str, str]
    schedule_group: str
    scheduler_role_arn: str
    user_pool_id: str
    console_client_id: str
    expedia_secret_arn: str
    attachments_bucket: str

    def function_arn(self, function_name: str) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{function_name}"


def queue_attributes(spec: names.QueueSpec, dead_letter_arn: str | None = None) -> dict[str, str]:
    """``CreateQueue`` attributes of a queue spec (SQS wants strings)."""
    attributes = {"MessageRetentionPeriod": str(spec.retention_seconds), "SqsManagedSseEnabled": "true"}
    if spec.visibility_timeout_seconds is not None:
        attributes["VisibilityTimeout"] = str(spec.visibility_timeout_seconds)
    if spec.dead_letter_queue is not None:
        if dead_letter_arn is None:
            raise ValueError(f"{spec.name} redrives to {spec.dead_letter_queue}: create that one first")
        attributes["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": dead_letter_arn,
                                                  "maxReceiveCount": spec.max_receive_count})
    return attributes


def user_pool_arguments() -> dict:
    """``CreateUserPool`` arguments matching ``infra/auth.py``."""
    return {
        "PoolName": names.USER_POOL,
        "UsernameAttributes": [names.SIGN_IN_ATTRIBUTE],
        "AutoVerifiedAttributes": [names.SIGN_IN_ATTRIBUTE],
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
        "UsernameConfiguration": {"CaseSensitive": names.SIGN_IN_CASE_SENSITIVE},
        "Policies": {"PasswordPolicy": {
            "MinimumLength": names.PASSWORD_MIN_LENGTH, "RequireLowercase": True, "RequireUppercase": True,
            "RequireNumbers": True, "RequireSymbols": True,
            "TemporaryPasswordValidityDays": names.TEMPORARY_PASSWORD_VALIDITY_DAYS}},
        "Schema": [
            _SIGN_IN_SCHEMA[names.SIGN_IN_ATTRIBUTE],
            {"Name": names.HOTEL_IDS_ATTRIBUTE, "AttributeDataType": "String", "Mutable": True,
             "StringAttributeConstraints": {"MinLength": "0", "MaxLength": str(names.HOTEL_IDS_MAX_LENGTH)}},
            {"Name": names.ROLE_ATTRIBUTE, "AttributeDataType": "String", "Mutable": True,
             "StringAttributeConstraints": {"MinLength": "0", "MaxLength": str(names.ROLE_MAX_LENGTH)}},
        ],
    }


def console_client_arguments(user_pool_id: str) -> dict:
    """``CreateUserPoolClient`` arguments matching ``infra/auth.py``."""
    return {
        "UserPoolId": user_pool_id,
        "ClientName": names.CONSOLE_CLIENT,
        "GenerateSecret": False,
        "ExplicitAuthFlows": list(names.CONSOLE_AUTH_FLOWS),
        "IdTokenValidity": names.CONSOLE_ID_TOKEN_VALIDITY_MINUTES,
        "AccessTokenValidity": names.CONSOLE_ACCESS_TOKEN_VALIDITY_MINUTES,
        "RefreshTokenValidity": names.CONSOLE_REFRESH_TOKEN_VALIDITY_DAYS,
        "TokenValidityUnits": {"IdToken": "minutes", "AccessToken": "minutes", "RefreshToken": "days"},
        "PreventUserExistenceErrors": "ENABLED",
        "EnableTokenRevocation": True,
        "ReadAttributes": list(names.CONSOLE_READ_ATTRIBUTES),
        "WriteAttributes": list(names.CONSOLE_WRITE_ATTRIBUTES),
    }


def attachments_cors(console_origins: tuple[str, ...]) -> dict:
    """The attachment bucket's CORS rule: the console's origin may POST uploads and GET files, no other."""
    return {"CORSRules": [{
        "AllowedOrigins": list(console_origins), "AllowedMethods": list(names.ATTACHMENTS_CORS_METHODS),
        "AllowedHeaders": list(names.ATTACHMENTS_CORS_HEADERS), "MaxAgeSeconds": names.ATTACHMENTS_CORS_MAX_AGE_SECONDS,
    }]}


def attachments_lifecycle() -> dict:
    """The attachment bucket's lifecycle rules as ``infra/attachments.py`` deploys them: one per retention tier on
    the objects tagged with it, and the untagged objects' backstop (the longest tier) with the abort of
    incomplete uploads. moto stores them; it never applies them."""
    longest = max(names.ATTACHMENTS_RETENTION_TIERS)
    return {"Rules": [
        {"ID": "retention", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": longest},
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}},
        *({"ID": f"retention-{days}", "Status": "Enabled", "Expiration": {"Days": days},
           "Filter": {"Tag": {"Key": names.ATTACHMENTS_RETENTION_TAG, "Value": str(days)}}}
          for days in names.ATTACHMENTS_RETENTION_TIERS),
    ]}


def create_attachments_bucket(s3, region: str, console_origins: tuple[str, ...]) -> str:
    """The attachment bucket as AWS has it: private, encrypted, its lifecycle rules, CORS for the console only."""
    bucket = names.ATTACHMENTS_BUCKET
    extra = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=bucket, **extra)
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=attachments_lifecycle())
    if console_origins:  # S3 refuses a rule without origins; without a console, no browser needs one
        s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=attachments_cors(console_origins))
    return bucket


def create_resources(session, region: str, expedia_credentials: dict[str, str],
                     console_origins: tuple[str, ...] = ()) -> Resources:
    """Creates everything on the endpoint ``session``'s clients point at (moto's server)."""
    dynamodb = session.client("dynamodb")
    dynamodb.create_table(**table_definition(names.TABLE, stream=True))
    dynamodb.update_time_to_live(**time_to_live(names.TABLE))
    dynamodb.create_table(**connections_table_definition(names.CONNECTIONS_TABLE))
    dynamodb.update_time_to_live(TableName=names.CONNECTIONS_TABLE, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": CONNECTIONS_TTL_ATTRIBUTE})

    sqs = session.client("sqs")
    urls: dict[str, str] = {}
    arns: dict[str, str] = {}
    for spec in QUEUES:
        dead_letter_arn = arns.get(spec.dead_letter_queue) if spec.dead_letter_queue else None
        urls[spec.name] = sqs.create_queue(QueueName=spec.name,
                                           Attributes=queue_attributes(spec, dead_letter_arn))["QueueUrl"]
        arns[spec.name] = sqs.get_queue_attributes(QueueUrl=urls[spec.name],
                                                   AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    account_id = arns[names.OUTBOUND_QUEUE].split(":")[4]

    session.client("scheduler").create_schedule_group(Name=names.SCHEDULE_GROUP)
    role_arn = session.client("iam").create_role(
        RoleName=names.SCHEDULER_ROLE,
        Description="Assumed by EventBridge Scheduler to invoke the wake-up function",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "scheduler.amazonaws.com"}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}}]}),
    )["Role"]["Arn"]

    cognito = session.client("cognito-idp")
    pool_id = cognito.create_user_pool(**user_pool_arguments())["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(**console_client_arguments(pool_id))["UserPoolClient"]["ClientId"]

    missing = set(names.EXPEDIA_SECRET_FIELDS) - set(expedia_credentials)
    if missing:
        raise ValueError(f"the Expedia secret needs {', '.join(sorted(missing))}")
    secret_arn = session.client("secretsmanager").create_secret(
        Name=names.EXPEDIA_SECRET,
        SecretString=json.dumps({field: expedia_credentials[field] for field in names.EXPEDIA_SECRET_FIELDS}),
    )["ARN"]

    bucket = create_attachments_bucket(session.client("s3"), region, console_origins)

    return Resources(region=region, account_id=account_id, table_name=names.TABLE,
                     connections_table=names.CONNECTIONS_TABLE, queue_urls=urls,
                     queue_arns=arns, schedule_group=names.SCHEDULE_GROUP, scheduler_role_arn=role_arn,
                     user_pool_id=pool_id, console_client_id=client_id, expedia_secret_arn=secret_arn,
                     attachments_bucket=bucket)
