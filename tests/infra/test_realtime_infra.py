"""Real time in the synthesized stack: the WebSocket API, the connections table, the fan-out's stream source,
each function's exact rights, the alarms, and the console's realtime_url."""

from __future__ import annotations

import json
import re

from infra_helpers import assert_the_dlq_keeps_failed_batches_14_days_encrypted_over_tls, matches

from infra import names
from infra.realtime import ACCESS_LOG_FORMAT, fanout_filter_patterns
from store.schema import CONNECTIONS_TTL_ATTRIBUTE, PARTITION_KEY, SORT_KEY

WS = "AWS::ApiGatewayV2"


def _api(cfn) -> tuple[str, dict]:
    return cfn.one(f"{WS}::Api", Name=names.REALTIME_API)


def _connections_table(cfn) -> tuple[str, dict]:
    return cfn.one("AWS::DynamoDB::Table", TableName=names.CONNECTIONS_TABLE)


def _fanout_mapping(cfn) -> dict:
    fanout_id, _ = cfn.function(names.REALTIME_FANOUT_HANDLER)
    (mapping,) = [m["Properties"] for m in cfn.of_type("AWS::Lambda::EventSourceMapping").values()
                  if m["Properties"]["FunctionName"] == {"Ref": fanout_id}]
    return mapping


# The API

def test_the_websocket_api_routes_on_the_action_to_the_socket_function(cfn):
    api_id, api = _api(cfn)
    assert api["Properties"]["ProtocolType"] == "WEBSOCKET"
    assert api["Properties"]["RouteSelectionExpression"] == "$request.body.action"
    routes = {r["Properties"]["RouteKey"]: r["Properties"] for r in cfn.of_type(f"{WS}::Route").values()
              if r["Properties"]["ApiId"] == {"Ref": api_id}}
    assert set(routes) == {"$connect", "$disconnect", "presence", "$default"}
    socket_id, _ = cfn.function(names.REALTIME_SOCKET_HANDLER)
    for key, route in routes.items():
        integration_id = route["Target"]["Fn::Join"][1][1]["Ref"]
        integration = cfn.resources[integration_id]["Properties"]
        assert integration["IntegrationType"] == "AWS_PROXY", key
        assert {"Fn::GetAtt": [socket_id, "Arn"]} in integration["IntegrationUri"]["Fn::Join"][1], key


def test_connect_is_authorized_by_the_rest_apis_authorizer_function_reading_the_token_query(cfn):
    api_id, _ = _api(cfn)
    (authorizer_id, authorizer), = [(id, a["Properties"]) for id, a in cfn.of_type(f"{WS}::Authorizer").items()
                                    if a["Properties"]["ApiId"] == {"Ref": api_id}]
    assert authorizer["AuthorizerType"] == "REQUEST"
    assert authorizer["IdentitySource"] == ["route.request.querystring.token"]
    assert names.REALTIME_TOKEN_QUERY == "token"
    rest_authorizer_id, _ = cfn.function(names.AUTHORIZER_HANDLER)
    assert {"Fn::GetAtt": [rest_authorizer_id, "Arn"]} in authorizer["AuthorizerUri"]["Fn::Join"][1]
    routes = {r["Properties"]["RouteKey"]: r["Properties"] for r in cfn.of_type(f"{WS}::Route").values()}
    assert routes["$connect"]["AuthorizationType"] == "CUSTOM"
    assert routes["$connect"]["AuthorizerId"] == {"Ref": authorizer_id}
    # API Gateway allows an authorizer on $connect only; the others run on the connection it admitted.
    assert {routes[key]["AuthorizationType"] for key in ("$disconnect", "presence", "$default")} == {"NONE"}
    # API Gateway may invoke the authorizer function for this API's authorizers.
    permissions = [p["Properties"] for p in cfn.of_type("AWS::Lambda::Permission").values()
                   if p["Properties"]["FunctionName"] == {"Fn::GetAtt": [rest_authorizer_id, "Arn"]}]
    assert any(f'"Ref": "{api_id}"' in json.dumps(p["SourceArn"]) and "/authorizers/" in json.dumps(p["SourceArn"])
               for p in permissions)


def test_the_stage_logs_every_event_without_the_query_string_and_throttles(cfn):
    api_id, _ = _api(cfn)
    _, stage = cfn.one(f"{WS}::Stage", StageName=names.REALTIME_STAGE)
    properties = stage["Properties"]
    assert properties["ApiId"] == {"Ref": api_id} and properties["AutoDeploy"] is True
    log_format = properties["AccessLogSettings"]["Format"]
    assert log_format == ACCESS_LOG_FORMAT
    fields = json.loads(log_format)  # one JSON object per event
    assert {"requestId", "connectionId", "route", "status", "caller", "error"} <= set(fields)
    # The ID token travels as ?token=: nothing of the request's query string, headers or body is logged.
    assert not re.search(r"querystring|\$request|\$input|requestOverride|token", log_format, re.IGNORECASE)
    log_group_id = properties["AccessLogSettings"]["DestinationArn"]["Fn::GetAtt"][0]
    assert cfn.resources[log_group_id]["Properties"]["RetentionInDays"] == 90
    throttle = properties["DefaultRouteSettings"]
    assert throttle["ThrottlingRateLimit"] > 0 and throttle["ThrottlingBurstLimit"] >= throttle["ThrottlingRateLimit"]
    # Access logging needs API Gateway's account-level CloudWatch role first.
    (account_id,) = cfn.of_type("AWS::ApiGateway::Account")
    assert account_id in stage["DependsOn"]


# Tables

def test_the_connections_table_has_its_keys_a_ttl_and_point_in_time_recovery(cfn):
    _, table = _connections_table(cfn)
    properties = table["Properties"]
    assert properties["KeySchema"] == [{"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
                                       {"AttributeName": SORT_KEY, "KeyType": "RANGE"}]
    assert sorted(a["AttributeType"] for a in properties["AttributeDefinitions"]) == ["S", "S"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["TimeToLiveSpecification"] == {"AttributeName": CONNECTIONS_TTL_ATTRIBUTE, "Enabled": True}
    assert CONNECTIONS_TTL_ATTRIBUTE == "expires_at"
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert "StreamSpecification" not in properties  # connection churn never feeds the fan-out
    assert not properties.get("GlobalSecondaryIndexes")


def test_the_main_table_streams_new_and_old_images(cfn):
    """New images for the fan-out, old ones for the expiry function (a REMOVE record carries only the old image)."""
    table = cfn.resources[cfn.main_table()]["Properties"]
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}


# The fan-out's stream source

def test_the_fanout_reads_the_main_tables_stream_in_batches_bisected_retried_and_aged(cfn):
    mapping = _fanout_mapping(cfn)
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [cfn.main_table(), "StreamArn"]}
    assert mapping["BatchSize"] == names.REALTIME_FANOUT_BATCH_SIZE == 100
    assert "MaximumBatchingWindowInSeconds" not in mapping  # no window: an agent waits for them
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["MaximumRetryAttempts"] == names.REALTIME_FANOUT_RETRY_ATTEMPTS == 2
    assert mapping["MaximumRecordAgeInSeconds"] == names.REALTIME_FANOUT_MAX_RECORD_AGE_SECONDS == 300
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["StartingPosition"] == "LATEST"
    dlq_id, _ = cfn.one("AWS::SQS::Queue", QueueName=names.REALTIME_FANOUT_DLQ)
    assert mapping["DestinationConfig"] == {"OnFailure": {"Destination": {"Fn::GetAtt": [dlq_id, "Arn"]}}}


def test_the_fanout_is_fed_conversations_messages_and_counter_shards_only(cfn):
    filters = _fanout_mapping(cfn)["FilterCriteria"]["Filters"]
    patterns = [json.loads(f["Pattern"]) for f in filters]
    assert patterns == fanout_filter_patterns() == [
        {"eventName": ["INSERT", "MODIFY"], "dynamodb": {"Keys": {SORT_KEY: {"S": [
            *names.REALTIME_FANOUT_SORT_KEYS, *({"prefix": p} for p in names.REALTIME_FANOUT_SORT_KEY_PREFIXES)]}}}},
        {"eventName": ["REMOVE"], "dynamodb": {"Keys": {SORT_KEY: {"S": ["CONVERSATION"]}}}}]

    def record(sk: str, event: str = "MODIFY") -> dict:
        return {"eventName": event, "dynamodb": {"Keys": {PARTITION_KEY: {"S": "HOTEL#h#CONV#c"}, SORT_KEY: {"S": sk}},
                                                 "NewImage": {}}}

    def passes(r: dict) -> bool:
        return any(matches(pattern, r) for pattern in patterns)

    for event in ("INSERT", "MODIFY"):
        for passed in ("CONVERSATION", "MSG#2026-12-02T10:00:00.000000Z#msg_1", "COUNTERS#3"):
            assert passes(record(passed, event)), passed
    for dropped in ("PROFILE", "CONTACT#c1", "ACT#2026-12-02T10:00:00Z#a", "@UPLOAD#u", "PARTNERKEY", "CONVERSATIONS",
                    "XMSG#1"):
        assert not passes(record(dropped)), dropped


def test_the_fanout_is_fed_removed_conversations_but_never_the_messages_ttl_removes(cfn):
    """An erased or expired conversation: consoles drop it. The messages and shards removed: nothing to show."""
    patterns = [json.loads(f["Pattern"]) for f in _fanout_mapping(cfn)["FilterCriteria"]["Filters"]]

    def removed(sk: str) -> dict:
        return {"eventName": "REMOVE", "userIdentity": {"type": "Service", "principalId": names.TTL_PRINCIPAL},
                "dynamodb": {"Keys": {PARTITION_KEY: {"S": "HOTEL#h#CONV#c"}, SORT_KEY: {"S": sk}}, "OldImage": {}}}

    assert any(matches(pattern, removed("CONVERSATION")) for pattern in patterns)
    for dropped in ("MSG#2026-12-02T10:00:00.000000Z#msg_1", "COUNTERS#3", "ACT#2026-12-02T10:00:00Z#a"):
        assert not any(matches(pattern, removed(dropped)) for pattern in patterns), dropped


def test_the_fanout_dlq_keeps_failed_batches_14_days_encrypted_over_tls(cfn):
    assert_the_dlq_keeps_failed_batches_14_days_encrypted_over_tls(cfn, names.REALTIME_FANOUT_DLQ)


# The functions and their rights

def test_both_functions_run_the_shared_code_asset_and_layer_with_the_realtime_settings(cfn):
    api_id, _ = _api(cfn)
    connections_id, _ = _connections_table(cfn)
    _, api_function = cfn.function(names.API_HANDLER)
    for handler, name, timeout in ((names.REALTIME_SOCKET_HANDLER, names.REALTIME_SOCKET_FUNCTION, 10),
                                   (names.REALTIME_FANOUT_HANDLER, names.REALTIME_FANOUT_FUNCTION,
                                    names.REALTIME_FANOUT_TIMEOUT_SECONDS)):
        _, function = cfn.function(handler)
        properties = function["Properties"]
        assert properties["FunctionName"] == name
        assert properties["Code"] == api_function["Properties"]["Code"]
        assert properties["Layers"] == api_function["Properties"]["Layers"]
        assert properties["Timeout"] == timeout
        env = properties["Environment"]["Variables"]
        assert env["CONNECTIONS_TABLE"] == {"Ref": connections_id}
        assert env["CONNECTION_TTL_SECONDS"] == str(names.CONNECTION_TTL_SECONDS)
        url = env["REALTIME_CONNECTIONS_URL"]["Fn::Join"][1]
        assert url == ["https://", {"Ref": api_id}, ".execute-api.", {"Ref": "AWS::Region"}, ".",
                       {"Ref": "AWS::URLSuffix"}, f"/{names.REALTIME_STAGE}"]


def _post_to_connections(api_id: str) -> dict:
    return {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":execute-api:", {"Ref": "AWS::Region"}, ":",
                              {"Ref": "AWS::AccountId"}, ":", {"Ref": api_id},
                              f"/{names.REALTIME_STAGE}/POST/@connections/*"]]}


def test_the_socket_function_may_do_exactly_what_its_routes_do(cfn):
    api_id, _ = _api(cfn)
    connections = {"Fn::GetAtt": [_connections_table(cfn)[0], "Arn"]}
    table = {"Fn::GetAtt": [cfn.main_table(), "Arn"]}
    socket_id, _ = cfn.function(names.REALTIME_SOCKET_HANDLER)
    grants = cfn.grants(cfn.role_of(socket_id))
    assert {action: resources for action, resources in grants.items()
            if action not in cfn.FUNCTION_BASELINE} == {
        "dynamodb:GetItem": [connections],
        "dynamodb:UpdateItem": [connections],
        "dynamodb:BatchWriteItem": [connections],
        "dynamodb:Query": [connections],
        "dynamodb:BatchGetItem": [table],
        "execute-api:ManageConnections": [_post_to_connections(api_id)],
    }


def test_the_fanout_function_may_do_exactly_what_a_fan_out_does(cfn):
    from infra.attachments import OBJECTS

    api_id, _ = _api(cfn)
    connections = {"Fn::GetAtt": [_connections_table(cfn)[0], "Arn"]}
    table_id = cfn.main_table()
    table = {"Fn::GetAtt": [table_id, "Arn"]}
    dlq_id, _ = cfn.one("AWS::SQS::Queue", QueueName=names.REALTIME_FANOUT_DLQ)
    fanout_id, _ = cfn.function(names.REALTIME_FANOUT_HANDLER)
    grants = cfn.grants(cfn.role_of(fanout_id))
    attachments = grants.pop("s3:GetObject")  # it signs the attachment links of the messages it pushes
    assert json.dumps(attachments).endswith(f'/{OBJECTS}"]]}}]')
    assert {action: resources for action, resources in grants.items()
            if action not in cfn.FUNCTION_BASELINE} == {
        "dynamodb:GetItem": [connections, table],
        "dynamodb:BatchWriteItem": [connections],
        "dynamodb:Query": [connections, table],
        "dynamodb:BatchGetItem": [table],
        "execute-api:ManageConnections": [_post_to_connections(api_id)],
        # The stream mapping's reads: on the stream alone, but ListStreams, which has no resource-level permission.
        "dynamodb:DescribeStream": [{"Fn::GetAtt": [table_id, "StreamArn"]}],
        "dynamodb:GetRecords": [{"Fn::GetAtt": [table_id, "StreamArn"]}],
        "dynamodb:GetShardIterator": [{"Fn::GetAtt": [table_id, "StreamArn"]}],
        "dynamodb:ListStreams": ["*"],
        "sqs:SendMessage": [{"Fn::GetAtt": [dlq_id, "Arn"]}],  # a failed batch's positions, nothing else of SQS
    }


def test_no_other_function_may_manage_connections_or_read_the_connections_table(cfn):
    connections_id, _ = _connections_table(cfn)
    realtime = {cfn.role_of(cfn.function(h)[0]) for h in (names.REALTIME_SOCKET_HANDLER, names.REALTIME_FANOUT_HANDLER)}
    for id, policy in cfn.of_type("AWS::IAM::Policy").items():
        if {r["Ref"] for r in policy["Properties"]["Roles"]} & realtime:
            continue
        text = json.dumps(policy["Properties"]["PolicyDocument"])
        assert "execute-api:ManageConnections" not in text and connections_id not in text, id


# Alarms

def test_the_fanout_and_socket_errors_the_iterator_age_and_the_dlq_notify_the_topic(cfn):
    topic_id, _ = cfn.one("AWS::SNS::Topic", TopicName=names.ALARM_TOPIC)
    fanout_id, _ = cfn.function(names.REALTIME_FANOUT_HANDLER)
    socket_id, _ = cfn.function(names.REALTIME_SOCKET_HANDLER)
    dlq_id, _ = cfn.one("AWS::SQS::Queue", QueueName=names.REALTIME_FANOUT_DLQ)
    expected = {
        f"{names.REALTIME_FANOUT_FUNCTION}-errors": ("Errors", "Sum", 0, {"Ref": fanout_id}),
        f"{names.REALTIME_SOCKET_FUNCTION}-errors": ("Errors", "Sum", 0, {"Ref": socket_id}),
        f"{names.REALTIME_FANOUT_FUNCTION}-iterator-age": ("IteratorAge", "Maximum", 60_000, {"Ref": fanout_id}),
        f"{names.REALTIME_FANOUT_DLQ}-not-empty": ("ApproximateNumberOfMessagesVisible", "Maximum", 0,
                                                   {"Fn::GetAtt": [dlq_id, "QueueName"]}),
    }
    for name, (metric, statistic, threshold, dimension) in expected.items():
        alarm = cfn.alarm(name)
        assert (alarm["MetricName"], alarm["Statistic"], alarm["Threshold"]) == (metric, statistic, threshold), name
        assert [d["Value"] for d in alarm["Dimensions"]] == [dimension], name
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold" and alarm["Period"] == 300, name
        assert alarm["TreatMissingData"] == "notBreaching", name
        assert alarm["AlarmActions"] == [{"Ref": topic_id}], name
    # Below the mapping's maximum record age: the alarm fires before changes are dropped.
    assert 60_000 < names.REALTIME_FANOUT_MAX_RECORD_AGE_SECONDS * 1000


# The console

def test_the_console_config_gives_the_websocket_url_and_its_policy_lets_the_console_connect(synthesized, cfn):
    _, _, outdir = synthesized
    api_id, _ = _api(cfn)
    (deployment,) = cfn.of_type("Custom::CDKBucketDeployment").values()
    properties = deployment["Properties"]
    _, config_key = (key.removesuffix(".zip") for key in properties["SourceObjectKeys"])
    raw = (outdir / f"asset.{config_key}" / "config.json").read_text()
    config = json.loads(re.sub(r"(<<marker:0x[0-9a-f]+:\d+>>)", r'"\1"', raw))
    url = properties["SourceMarkers"][1][config["realtime_url"]]
    assert url == {"Fn::Join": ["", ['"wss://', {"Ref": api_id}, ".execute-api.", {"Ref": "AWS::Region"}, ".",
                                     {"Ref": "AWS::URLSuffix"}, f'/{names.REALTIME_STAGE}"']]}
    (policy,) = cfn.of_type("AWS::CloudFront::ResponseHeadersPolicy").values()
    csp = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    text = "".join(p if isinstance(p, str) else json.dumps(p) for p in csp["ContentSecurityPolicy"]["Fn::Join"][1])
    connect_src = next(d for d in text.split("; ") if d.startswith("connect-src "))
    assert f'wss://{{"Ref": "{api_id}"}}.execute-api.' in connect_src and f"/{names.REALTIME_STAGE}" in connect_src
    # And operators read it in the stack's outputs, beside the connections table.
    outputs = cfn.json["Outputs"]
    assert outputs["RealtimeUrl"]["Value"]["Fn::Join"][1][:2] == ["wss://", {"Ref": api_id}]
    assert outputs["ConnectionsTableName"]["Value"] == {"Ref": _connections_table(cfn)[0]}
