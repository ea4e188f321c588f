"""The REST API: routes and their authorization, the authorizer, stage, usage plans, and the functions' rights."""

from __future__ import annotations

import json
import re

from infra import names

API_TABLE_ACTIONS = {
    "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
    "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",  # saved replies' removal; an erase
}
SCHEDULE_ACTIONS = {"scheduler:CreateSchedule", "scheduler:DeleteSchedule"}
DIRECTORY_ACTIONS = {"cognito-idp:ListUsersInGroup"}


def _id(cfn, type_: str) -> str:
    (logical_id,) = cfn.of_type(type_)
    return logical_id


def _get_att(logical_id: str) -> dict:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


# Routes and authorization

def test_the_api_is_lobby_api_with_keys_supplied_by_the_authorizer(cfn):
    _, api = cfn.one("AWS::ApiGateway::RestApi", Name=names.API)
    assert api["Properties"]["ApiKeySourceType"] == "AUTHORIZER"


def test_routes_are_the_openapi_document_a_proxy_under_v1_hotels_and_the_expedia_callback(cfn):
    routes = {route for route in cfn.methods() if route[0] != "OPTIONS"}
    assert routes == {("GET", "/v1/openapi.json"), ("GET", "/v1/hotels/{proxy+}"), ("POST", "/v1/hotels/{proxy+}"),
                      ("PUT", "/v1/hotels/{proxy+}"), ("PATCH", "/v1/hotels/{proxy+}"),
                      ("DELETE", "/v1/hotels/{proxy+}"), ("POST", names.EXPEDIA_CALLBACK_PATH)}


def test_openapi_document_needs_no_credentials(cfn):
    method = cfn.methods()[("GET", "/v1/openapi.json")]
    assert method["AuthorizationType"] == "NONE"
    assert "AuthorizerId" not in method
    assert method["ApiKeyRequired"] is False


def test_hotel_routes_use_the_lambda_authorizer_and_a_usage_key(cfn):
    authorizer_id = _id(cfn, "AWS::ApiGateway::Authorizer")
    for http_method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        method = cfn.methods()[(http_method, "/v1/hotels/{proxy+}")]
        assert method["AuthorizationType"] == "CUSTOM"
        assert method["AuthorizerId"] == {"Ref": authorizer_id}
        assert method["ApiKeyRequired"] is True  # usage plans meter only methods that require a key


def test_every_method_but_cors_preflight_and_the_callback_calls_the_api_function(cfn):
    api_function, _ = cfn.function(names.API_HANDLER)
    callback_function, _ = cfn.function(names.EXPEDIA_CALLBACK_HANDLER)
    for (http_method, path), method in cfn.methods().items():
        integration = method["Integration"]
        if http_method == "OPTIONS":
            assert integration["Type"] == "MOCK", path
            continue
        assert integration["Type"] == "AWS_PROXY"
        target = callback_function if path == names.EXPEDIA_CALLBACK_PATH else api_function
        assert json.dumps(_get_att(target)) in json.dumps(integration["Uri"]), path


def test_authorizer_is_an_uncached_request_authorizer_without_identity_sources(cfn):
    authorizer_function, _ = cfn.function(names.AUTHORIZER_HANDLER)
    _, authorizer = cfn.one("AWS::ApiGateway::Authorizer", Name=names.AUTHORIZER)
    properties = authorizer["Properties"]
    assert properties["Type"] == "REQUEST"
    assert properties["AuthorizerResultTtlInSeconds"] == 0
    assert "IdentitySource" not in properties  # a caller sends Authorization OR x-api-key
    assert authorizer_function in json.dumps(properties["AuthorizerUri"])


# Stage, logs, usage plans, gateway responses

def test_stage_prod_traces_throttles_and_logs_errors(cfn):
    _, stage = cfn.one("AWS::ApiGateway::Stage", StageName=names.API_STAGE)
    properties = stage["Properties"]
    assert properties["TracingEnabled"] is True
    (settings,) = properties["MethodSettings"]
    assert (settings["HttpMethod"], settings["ResourcePath"]) == ("*", "/*")
    assert settings["LoggingLevel"] == "ERROR"
    assert settings["DataTraceEnabled"] is False
    assert settings["ThrottlingRateLimit"] > 0 and settings["ThrottlingBurstLimit"] > 0


def test_access_logs_are_json_with_the_fields_operators_need(cfn):
    _, stage = cfn.one("AWS::ApiGateway::Stage", StageName=names.API_STAGE)
    setting = stage["Properties"]["AccessLogSetting"]
    log_group = setting["DestinationArn"]["Fn::GetAtt"][0]
    assert cfn.resources[log_group]["Properties"]["RetentionInDays"]
    # Every $context variable becomes 1: the format must then be a JSON object.
    line = json.loads(re.sub(r"\$context\.[A-Za-z.]+", "1", setting["Format"]))
    assert {"requestId", "ip", "caller", "method", "path", "status", "latency"} <= set(line)
    assert isinstance(line["status"], int) and isinstance(line["latency"], int)


def test_execution_log_group_is_made_by_the_stack_with_a_retention_before_the_stage(cfn):
    api_id, _ = cfn.one("AWS::ApiGateway::RestApi", Name=names.API)
    groups = {id: g for id, g in cfn.of_type("AWS::Logs::LogGroup").items()
              if "API-Gateway-Execution-Logs_" in json.dumps(g["Properties"].get("LogGroupName", ""))}
    ((group_id, group),) = groups.items()
    assert group["Properties"]["LogGroupName"] == {
        "Fn::Join": ["", ["API-Gateway-Execution-Logs_", {"Ref": api_id}, f"/{names.API_STAGE}"]]}
    assert group["Properties"]["RetentionInDays"]
    stage_id, stage = cfn.one("AWS::ApiGateway::Stage", StageName=names.API_STAGE)
    assert group_id in stage.get("DependsOn", [])


def test_api_gateway_has_the_account_level_cloudwatch_role(cfn):
    (account,) = cfn.of_type("AWS::ApiGateway::Account").values()
    role = account["Properties"]["CloudWatchRoleArn"]["Fn::GetAtt"][0]
    assert cfn.resources[role]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "apigateway.amazonaws.com"}


def test_partners_usage_plan_throttles_and_caps_the_day(cfn):
    _, plan = cfn.one("AWS::ApiGateway::UsagePlan", UsagePlanName=names.PARTNER_USAGE_PLAN)
    properties = plan["Properties"]
    assert properties["Throttle"] == {"RateLimit": 20, "BurstLimit": 40}
    assert properties["Quota"] == {"Limit": 100_000, "Period": "DAY"}
    stage_id, _ = cfn.one("AWS::ApiGateway::Stage", StageName=names.API_STAGE)
    assert [s["Stage"] for s in properties["ApiStages"]] == [{"Ref": stage_id}]


def test_console_usage_plan_holds_the_usage_key_the_authorizer_returns_for_agents(cfn):
    plan_id, _ = cfn.one("AWS::ApiGateway::UsagePlan", UsagePlanName=names.CONSOLE_USAGE_PLAN)
    key_id, key = cfn.one("AWS::ApiGateway::ApiKey", Name=f"{names.CONSOLE_USAGE_PLAN}-usage")
    cfn.one("AWS::ApiGateway::UsagePlanKey", UsagePlanId={"Ref": plan_id}, KeyId={"Ref": key_id})
    _, authorizer = cfn.function(names.AUTHORIZER_HANDLER)
    assert authorizer["Properties"]["Environment"]["Variables"]["CONSOLE_USAGE_KEY"] == key["Properties"]["Value"]


def test_401_and_403_answer_json_messages_with_cors_headers(cfn):
    for response_type, status in (("UNAUTHORIZED", "401"), ("ACCESS_DENIED", "403")):
        _, response = cfn.one("AWS::ApiGateway::GatewayResponse", ResponseType=response_type)
        properties = response["Properties"]
        assert properties["StatusCode"] == status
        assert properties["ResponseTemplates"] == {"application/json": '{"message": $context.error.messageString}'}
        assert "gatewayresponse.header.Access-Control-Allow-Origin" in properties["ResponseParameters"]


# The functions' rights and settings

def test_api_function_has_exactly_the_actions_it_uses(cfn):
    function_id, _ = cfn.function(names.API_HANDLER)
    assert cfn.actions(cfn.role_of(function_id)) == cfn.FUNCTION_BASELINE | API_TABLE_ACTIONS | SCHEDULE_ACTIONS | \
        DIRECTORY_ACTIONS | {"iam:PassRole", "sqs:SendMessage", "s3:PutObject", "s3:PutObjectTagging", "s3:GetObject",
                             "s3:ListBucket", "s3:DeleteObject"}  # attachments: uploads (tagged), links, an erase


def test_api_function_reads_and_writes_the_table_and_only_queries_its_indexes(cfn):
    """Every index of store.schema (the tabs, the team's filters and waiting order) by name, Query only."""
    from store.schema import TAB_INDEXES, table_definition

    function_id, _ = cfn.function(names.API_HANDLER)
    grants = cfn.grants(cfn.role_of(function_id))
    table = _get_att(cfn.main_table())
    for action in API_TABLE_ACTIONS - {"dynamodb:Query"}:
        assert grants[action] == [table], action
    in_schema = [index["IndexName"] for index in table_definition("lobby")["GlobalSecondaryIndexes"]]
    assert {spec.name for spec in TAB_INDEXES.values()} <= set(in_schema)
    indexes = [{"Fn::Join": ["", [table, f"/index/{name}"]]} for name in in_schema]
    assert grants["dynamodb:Query"] == [table, *indexes]


def test_api_function_reads_only_the_members_of_the_agents_pools_groups(cfn):
    """The agent directory: ListUsersInGroup on the agents' pool, nothing else of Cognito, nothing elsewhere."""
    function_id, _ = cfn.function(names.API_HANDLER)
    role = cfn.role_of(function_id)
    pool, _ = cfn.one("AWS::Cognito::UserPool", UserPoolName=names.USER_POOL)
    assert cfn.grants(role)["cognito-idp:ListUsersInGroup"] == [_get_att(pool)]
    assert {a for a in cfn.actions(role) if a.startswith("cognito-idp:")} == DIRECTORY_ACTIONS
    for handler in (names.AUTHORIZER_HANDLER, names.WAKE_UP_HANDLER, names.EXPEDIA_INGEST_HANDLER,
                    names.OUTBOUND_SENDER_HANDLER, names.EXPEDIA_CALLBACK_HANDLER, names.EXPEDIA_RECONCILE_HANDLER):
        other, _ = cfn.function(handler)
        assert not {a for a in cfn.actions(cfn.role_of(other)) if a.startswith("cognito-idp:")}, handler


def test_api_function_environment_names_the_agents_pool_as_the_directory_reads_it(cfn):
    from wiring.settings import Settings

    _, function = cfn.function(names.API_HANDLER)
    pool, _ = cfn.one("AWS::Cognito::UserPool", UserPoolName=names.USER_POOL)
    assert function["Properties"]["Environment"]["Variables"][names.USER_POOL_ID_VARIABLE] == {"Ref": pool}
    assert names.USER_POOL_ID_VARIABLE.lower() in Settings.names()


def test_api_function_manages_only_the_wake_up_schedules_and_passes_only_the_scheduler_role(cfn):
    function_id, _ = cfn.function(names.API_HANDLER)
    role = cfn.role_of(function_id)
    grants = cfn.grants(role)
    schedules = {"Fn::Join": ["", [
        "arn:", {"Ref": "AWS::Partition"}, ":scheduler:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"},
        f":schedule/{names.SCHEDULE_GROUP}/*"]]}
    for action in SCHEDULE_ACTIONS:
        assert grants[action] == [schedules], action
    scheduler_role, _ = cfn.one("AWS::IAM::Role", RoleName=names.SCHEDULER_ROLE)
    assert grants["iam:PassRole"] == [_get_att(scheduler_role)]
    (pass_role,) = [s for s in cfn.statements(role) if s["Action"] == "iam:PassRole"]
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}}
    outbound, _ = cfn.one("AWS::SQS::Queue", QueueName=names.OUTBOUND_QUEUE)
    assert grants["sqs:SendMessage"] == [_get_att(outbound)]


def test_api_function_environment_names_what_it_schedules_and_sends_to(cfn):
    _, function = cfn.function(names.API_HANDLER)
    env = function["Properties"]["Environment"]["Variables"]
    wake_up, _ = cfn.function(names.WAKE_UP_HANDLER)
    scheduler_role, _ = cfn.one("AWS::IAM::Role", RoleName=names.SCHEDULER_ROLE)
    scheduler_dlq, _ = cfn.one("AWS::SQS::Queue", QueueName=names.SCHEDULER_DLQ)
    outbound, _ = cfn.one("AWS::SQS::Queue", QueueName=names.OUTBOUND_QUEUE)
    assert env["SCHEDULE_GROUP"] == names.SCHEDULE_GROUP == "lobby-wake-ups"
    assert env["WAKE_UP_FUNCTION_ARN"] == _get_att(wake_up)
    assert env["SCHEDULER_ROLE_ARN"] == _get_att(scheduler_role)
    assert env["SCHEDULER_DLQ_ARN"] == _get_att(scheduler_dlq)
    assert env["OUTBOUND_QUEUE_URL"] == {"Ref": outbound}


def test_authorizer_function_may_only_get_items_and_note_a_partner_keys_last_use(cfn):
    function_id, _ = cfn.function(names.AUTHORIZER_HANDLER)
    role = cfn.role_of(function_id)
    assert cfn.actions(role) == cfn.FUNCTION_BASELINE | {"dynamodb:GetItem", "dynamodb:UpdateItem"}
    assert cfn.grants(role)["dynamodb:GetItem"] == [_get_att(cfn.main_table())]
    assert cfn.grants(role)["dynamodb:UpdateItem"] == [_get_att(cfn.main_table())]
    (update,) = [s for s in cfn.statements(role) if s["Action"] == "dynamodb:UpdateItem"]
    assert update["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["PARTNERKEY#*"]}}


def test_authorizer_verifies_tokens_of_the_pool_for_the_console_client(cfn):
    _, function = cfn.function(names.AUTHORIZER_HANDLER)
    env = function["Properties"]["Environment"]["Variables"]
    pool, _ = cfn.one("AWS::Cognito::UserPool", UserPoolName=names.USER_POOL)
    client, _ = cfn.one("AWS::Cognito::UserPoolClient", ClientName=names.CONSOLE_CLIENT)
    issuer = ["https://cognito-idp.", {"Ref": "AWS::Region"}, ".", {"Ref": "AWS::URLSuffix"}, "/", {"Ref": pool}]
    assert env["TOKEN_ISSUER"] == {"Fn::Join": ["", issuer]}
    assert env["JWKS_URL"] == {"Fn::Join": ["", [*issuer, "/.well-known/jwks.json"]]}
    assert env["TOKEN_AUDIENCE"] == {"Ref": client}


# Outputs

def test_stack_outputs_what_the_console_and_operators_need(cfn):
    assert {"ApiUrl", "UserPoolId", "UserPoolClientId", "TableName", "OutboundQueueUrl", "ScheduleGroup"} <= set(
        cfn.json["Outputs"])


def test_console_usage_key_is_a_valid_api_key_value(cfn):
    _, key = cfn.one("AWS::ApiGateway::ApiKey", Name=f"{names.CONSOLE_USAGE_PLAN}-usage")
    assert re.fullmatch(r"[A-Za-z0-9]{20,128}", key["Properties"]["Value"])
