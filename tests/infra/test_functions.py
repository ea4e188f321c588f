"""Every Lambda function: runtime, architecture, tracing, logs with a retention, its own minimal role."""

from __future__ import annotations

from infra import names

# CDK's own function that uploads the console at deploy time is not one of Lobby's.
DEPLOY_TIME_FUNCTION, DEPLOY_TIME_LAYER = "CustomCDKBucketDeployment", "ConsoleDeploymentAwsCliLayer"


def lobby_functions(cfn) -> dict[str, dict]:
    return {id: f for id, f in cfn.of_type("AWS::Lambda::Function").items() if not id.startswith(DEPLOY_TIME_FUNCTION)}


HANDLERS = {names.API_HANDLER, names.AUTHORIZER_HANDLER, names.WAKE_UP_HANDLER, names.EXPEDIA_CALLBACK_HANDLER,
            names.EXPEDIA_INGEST_HANDLER, names.OUTBOUND_SENDER_HANDLER, names.EXPEDIA_RECONCILE_HANDLER,
            names.REALTIME_SOCKET_HANDLER, names.REALTIME_FANOUT_HANDLER, names.EXPIRY_HANDLER}


def test_the_functions_are_exactly_the_ten_handlers_of_the_functions_folder(cfn):
    from infra.app import FUNCTIONS

    handlers = {f["Properties"]["Handler"] for f in lobby_functions(cfn).values()}
    assert handlers == HANDLERS == {"api.handler.handler", "authorizer.handler.handler", "wake_up.handler.handler",
                                    "expedia_callback.handler.handler", "expedia_ingest.handler.handler",
                                    "outbound_sender.handler.handler", "expedia_reconcile.handler.handler",
                                    "realtime_socket.handler.handler", "realtime_fanout.handler.handler",
                                    "expiry.handler.handler"}
    for handler in handlers:  # module.handler.handler -> functions/module/handler.py
        assert (FUNCTIONS / handler.split(".")[0] / "handler.py").is_file(), handler


def test_every_function_runs_python_3_13_on_arm64_with_tracing_and_the_dependencies_layer(cfn):
    (layer_id, layer), = [(id, layer) for id, layer in cfn.of_type("AWS::Lambda::LayerVersion").items()
                          if not id.startswith(DEPLOY_TIME_LAYER)]
    assert layer["Properties"]["CompatibleRuntimes"] == ["python3.13"]
    assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]
    for id, function in lobby_functions(cfn).items():
        properties = function["Properties"]
        assert properties["Runtime"] == "python3.13", id
        assert properties["Architectures"] == ["arm64"], id
        assert properties["TracingConfig"] == {"Mode": "Active"}, id
        assert properties["Layers"] == [{"Ref": layer_id}], id


def test_every_function_has_the_powertools_settings_and_the_table_name(cfn):
    table_id = cfn.main_table()
    for id, function in lobby_functions(cfn).items():
        env = function["Properties"]["Environment"]["Variables"]
        assert env["POWERTOOLS_SERVICE_NAME"] == "lobby", id
        assert env["POWERTOOLS_METRICS_NAMESPACE"] == "Lobby", id
        assert env["TABLE_NAME"] == {"Ref": table_id}, id


def test_memory_and_timeouts(cfn):
    _, api = cfn.function(names.API_HANDLER)
    assert api["Properties"]["MemorySize"] == 512
    assert api["Properties"]["Timeout"] < 29  # answers before API Gateway's integration timeout
    for handler in (names.AUTHORIZER_HANDLER, names.WAKE_UP_HANDLER, names.OUTBOUND_SENDER_HANDLER):
        _, function = cfn.function(handler)
        assert function["Properties"]["Timeout"] <= 30
    _, callback = cfn.function(names.EXPEDIA_CALLBACK_HANDLER)
    assert callback["Properties"]["Timeout"] < 29  # behind API Gateway too
    _, ingest = cfn.function(names.EXPEDIA_INGEST_HANDLER)
    assert ingest["Properties"]["Timeout"] == 60
    _, reconcile = cfn.function(names.EXPEDIA_RECONCILE_HANDLER)
    assert reconcile["Properties"]["Timeout"] == 600  # ends well before its next hourly run


def test_every_log_group_has_a_retention(cfn):
    log_groups = cfn.of_type("AWS::Logs::LogGroup")
    # ten functions, API access logs, API execution logs, the WebSocket stage's access logs, the console's deployment
    assert len(log_groups) == 14
    for id, group in log_groups.items():
        assert group["Properties"].get("RetentionInDays"), id


def test_every_function_logs_to_its_own_log_group_in_the_stack(cfn):
    """Otherwise Lambda would create /aws/lambda/<name> itself, without a retention."""
    log_groups = cfn.of_type("AWS::Logs::LogGroup")
    used = []
    for id, function in lobby_functions(cfn).items():
        group = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        assert group in log_groups, id
        role = cfn.role_of(id)
        grants = cfn.grants(role)
        assert grants["logs:CreateLogStream"] == [{"Fn::GetAtt": [group, "Arn"]}], id
        assert grants["logs:PutLogEvents"] == [{"Fn::GetAtt": [group, "Arn"]}], id
        used.append(group)
    assert len(set(used)) == len(used)


def test_each_function_has_its_own_role_without_managed_policies(cfn):
    roles = [cfn.role_of(id) for id in lobby_functions(cfn)]
    assert len(set(roles)) == len(roles)
    for role in roles:
        properties = cfn.resources[role]["Properties"]
        assert properties["AssumeRolePolicyDocument"]["Statement"] == [{
            "Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        }]
        assert cfn.FUNCTION_BASELINE <= cfn.actions(role)  # cfn.statements() fails on managed policies


def test_only_xray_is_allowed_on_every_resource(cfn):
    """X-Ray has no resource-level permissions; nothing else may use Resource '*' but the stream mappings' (the
    fan-out's, the expiry's) dynamodb:ListStreams (none either), which Lambda checks when it creates a mapping."""
    stream_roles = [{"Ref": cfn.role_of(cfn.function(handler)[0])}
                    for handler in (names.REALTIME_FANOUT_HANDLER, names.EXPIRY_HANDLER)]
    for id, policy in cfn.of_type("AWS::IAM::Policy").items():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            if "*" in resources:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                if actions == ["dynamodb:ListStreams"]:
                    assert policy["Properties"]["Roles"] in ([role] for role in stream_roles), id
                    continue
                assert set(actions) == {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}, id


def test_the_only_managed_policy_is_api_gateways_account_level_logging_role(cfn):
    with_managed = {id: r["Properties"]["ManagedPolicyArns"] for id, r in cfn.of_type("AWS::IAM::Role").items()
                    if r["Properties"].get("ManagedPolicyArns")}
    assert len(with_managed) == 1
    (arns,) = with_managed.values()
    assert "AmazonAPIGatewayPushToCloudWatchLogs" in str(arns)
