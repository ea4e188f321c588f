"""The Expedia channel: its secret, events queue, callback route, and the callback, ingest and sender functions."""

from __future__ import annotations

import json

from infra import names
from infra.channels import INGEST_TIMEOUT, SENDER_TIMEOUT

DAY = 24 * 3600
INGEST_TABLE_ACTIONS = {
    "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
    "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem",
    "dynamodb:BatchWriteItem",  # take_guards: a notification that writes nothing else
}
SENDER_TABLE_ACTIONS = {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"}
# What a Lambda SQS event source mapping adds to its function's role, on its queue only.
CONSUME_ACTIONS = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                   "sqs:GetQueueAttributes", "sqs:GetQueueUrl"}
SCHEDULES = {"Fn::Join": ["", [
    "arn:", {"Ref": "AWS::Partition"}, ":scheduler:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"},
    f":schedule/{names.SCHEDULE_GROUP}/*"]]}
# Every attachment key starts with its hotel: hotels/{hotel}/conversations/{conversation}/{id}.
ATTACHMENT_OBJECTS = {"Fn::Join": ["", [
    "arn:", {"Ref": "AWS::Partition"}, f":s3:::{names.ATTACHMENTS_BUCKET}-", {"Ref": "AWS::AccountId"}, "-",
    {"Ref": "AWS::Region"}, "/hotels/*"]]}


def _arn(logical_id: str) -> dict:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def _queue(cfn, name: str) -> tuple[str, dict]:
    return cfn.one("AWS::SQS::Queue", QueueName=name)


def _secret(cfn) -> tuple[str, dict]:
    return cfn.one("AWS::SecretsManager::Secret", Name=names.EXPEDIA_SECRET)


def _table(cfn) -> dict:
    return _arn(cfn.main_table())


def _env(cfn, handler: str) -> dict:
    _, function = cfn.function(handler)
    return function["Properties"]["Environment"]["Variables"]


def _own_grants(cfn, handler: str) -> dict[str, list]:
    """Action -> resources granted to the function's role beyond its logs and traces."""
    function_id, _ = cfn.function(handler)
    return {action: resources for action, resources in cfn.grants(cfn.role_of(function_id)).items()
            if action not in cfn.FUNCTION_BASELINE}


def _mapping(cfn, handler: str) -> dict:
    function_id, _ = cfn.function(handler)
    (mapping,) = [m["Properties"] for m in cfn.of_type("AWS::Lambda::EventSourceMapping").values()
                  if m["Properties"]["FunctionName"] == {"Ref": function_id}]
    return mapping


# The secret

def test_the_secret_holds_the_three_expedia_values_and_generates_the_callback_secret(cfn):
    _, secret = _secret(cfn)
    generate = secret["Properties"]["GenerateSecretString"]
    placeholders = json.loads(generate["SecretStringTemplate"])
    assert set(placeholders) | {generate["GenerateStringKey"]} == {"client_id", "client_secret", "callback_secret"}
    # Nobody can sign a notification with a value they could read in the template.
    assert generate["GenerateStringKey"] == "callback_secret"
    assert generate["PasswordLength"] >= 32
    assert "SecretString" not in secret["Properties"]


def test_the_secret_is_kept_when_the_stack_goes(cfn):
    _, secret = _secret(cfn)
    assert secret["DeletionPolicy"] == secret["UpdateReplacePolicy"] == "Retain"


# The events queue

def test_events_queue_redrives_to_its_dlq_after_five_receives(cfn):
    dlq_id, _ = _queue(cfn, names.EXPEDIA_EVENTS_DLQ)
    _, queue = _queue(cfn, names.EXPEDIA_EVENTS_QUEUE)
    assert queue["Properties"]["RedrivePolicy"] == {"deadLetterTargetArn": _arn(dlq_id), "maxReceiveCount": 5}


def test_events_dlq_keeps_14_days_and_the_queue_4(cfn):
    _, queue = _queue(cfn, names.EXPEDIA_EVENTS_QUEUE)
    _, dlq = _queue(cfn, names.EXPEDIA_EVENTS_DLQ)
    assert queue["Properties"]["MessageRetentionPeriod"] == 4 * DAY
    assert dlq["Properties"]["MessageRetentionPeriod"] == 14 * DAY


def test_events_visibility_timeout_is_six_times_the_ingest_timeout(cfn):
    _, queue = _queue(cfn, names.EXPEDIA_EVENTS_QUEUE)
    _, ingest = cfn.function(names.EXPEDIA_INGEST_HANDLER)
    assert ingest["Properties"]["Timeout"] == INGEST_TIMEOUT.to_seconds() == 60
    assert queue["Properties"]["VisibilityTimeout"] == 6 * ingest["Properties"]["Timeout"] == 360


def test_outbound_visibility_timeout_is_at_least_six_times_the_sender_timeout(cfn):
    _, queue = _queue(cfn, names.OUTBOUND_QUEUE)
    _, sender = cfn.function(names.OUTBOUND_SENDER_HANDLER)
    assert sender["Properties"]["Timeout"] == SENDER_TIMEOUT.to_seconds() == 30
    assert queue["Properties"]["VisibilityTimeout"] >= 6 * sender["Properties"]["Timeout"]


def test_a_sender_cut_off_by_its_timeout_held_its_claim_until_then_and_its_retry_finds_the_claim_gone(cfn):
    """Two copies of a job send once because a claim outlives the run that took it (the sender's timeout), and
    the queue shows the job again only after the claim lapsed (otherwise the retry would wait or fail)."""
    from inbox.channel import ChannelUseCases

    _, queue = _queue(cfn, names.OUTBOUND_QUEUE)
    _, sender = cfn.function(names.OUTBOUND_SENDER_HANDLER)
    lease = ChannelUseCases.CLAIM_LEASE.total_seconds()
    assert sender["Properties"]["Timeout"] < lease < queue["Properties"]["VisibilityTimeout"]


def test_the_senders_last_attempt_is_the_outbound_queues_last_receive(cfn):
    """The sender records the failure on the message when the receive count reaches the queue's limit."""
    _, queue = _queue(cfn, names.OUTBOUND_QUEUE)
    sender_limit = _env(cfn, names.OUTBOUND_SENDER_HANDLER)["OUTBOUND_MAX_RECEIVES"]
    assert queue["Properties"]["RedrivePolicy"]["maxReceiveCount"] == int(sender_limit)


# Event sources

def test_ingest_reads_the_events_queue_ten_at_a_time_and_reports_item_failures(cfn):
    queue_id, _ = _queue(cfn, names.EXPEDIA_EVENTS_QUEUE)
    mapping = _mapping(cfn, names.EXPEDIA_INGEST_HANDLER)
    assert mapping["EventSourceArn"] == _arn(queue_id)
    assert mapping["BatchSize"] == 10
    assert mapping["MaximumBatchingWindowInSeconds"] == 1
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_sender_reads_the_outbound_queue_ten_at_a_time_and_reports_item_failures(cfn):
    queue_id, _ = _queue(cfn, names.OUTBOUND_QUEUE)
    mapping = _mapping(cfn, names.OUTBOUND_SENDER_HANDLER)
    assert mapping["EventSourceArn"] == _arn(queue_id)
    assert mapping["BatchSize"] == 10
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_the_two_queue_consumers_the_real_time_fan_out_and_the_expiry_are_the_only_event_sources(cfn):
    sources = [m["Properties"]["EventSourceArn"]["Fn::GetAtt"] for m in cfn.of_type("AWS::Lambda::EventSourceMapping").values()]
    queues = [id for id, attribute in sources if attribute == "Arn"]
    assert sorted(cfn.resources[id]["Properties"]["QueueName"] for id in queues) == sorted(
        (names.EXPEDIA_EVENTS_QUEUE, names.OUTBOUND_QUEUE))
    assert [source for source in sources if source[1] != "Arn"] == [[cfn.main_table(), "StreamArn"]] * 2


def test_a_burst_runs_at_most_five_ingests_and_five_senders_at_once(cfn):
    """A day of notifications queued at once must not take the account's 1,000 concurrent executions (the
    API would be throttled) nor hammer Expedia, which throttles: each consumer is capped at 5."""
    for handler in (names.EXPEDIA_INGEST_HANDLER, names.OUTBOUND_SENDER_HANDLER):
        assert _mapping(cfn, handler)["ScalingConfig"] == {"MaximumConcurrency": 5}, handler
    for source in names.EVENT_SOURCES:  # what the local stack's pollers read too
        assert source.max_concurrency is not None and 2 <= source.max_concurrency <= 1000, source
    assert sum(source.max_concurrency or 0 for source in names.EVENT_SOURCES) <= 1000 // 100


def test_no_function_reserves_concurrency(cfn):
    """The caps are the mappings' (nothing reserved): reserving would take concurrency from the API for good,
    and fails to deploy in an account whose limit is below 100 plus the reservations."""
    for id, function in cfn.of_type("AWS::Lambda::Function").items():
        assert "ReservedConcurrentExecutions" not in function["Properties"], id


# The callback route

def test_callback_method_has_no_authorizer_and_requires_no_api_key(cfn):
    method = cfn.methods()[("POST", names.EXPEDIA_CALLBACK_PATH)]
    assert method["AuthorizationType"] == "NONE"
    assert "AuthorizerId" not in method
    assert method["ApiKeyRequired"] is False  # so no usage plan meters or refuses Expedia's calls


def test_hotel_routes_keep_their_authorizer_and_key(cfn):
    (authorizer_id,) = cfn.of_type("AWS::ApiGateway::Authorizer")
    for http_method in ("GET", "POST"):
        method = cfn.methods()[(http_method, "/v1/hotels/{proxy+}")]
        assert (method["AuthorizationType"], method["AuthorizerId"], method["ApiKeyRequired"]) == (
            "CUSTOM", {"Ref": authorizer_id}, True)


def test_api_gateway_may_invoke_the_callback_function_from_that_method_only(cfn):
    callback_id, _ = cfn.function(names.EXPEDIA_CALLBACK_HANDLER)
    permissions = [p["Properties"] for p in cfn.of_type("AWS::Lambda::Permission").values()
                   if p["Properties"]["FunctionName"] == _arn(callback_id)]
    (permission,) = permissions  # no test-invoke permission
    assert permission["Principal"] == "apigateway.amazonaws.com"
    assert permission["SourceArn"]["Fn::Join"][1][-1] == f"/POST{names.EXPEDIA_CALLBACK_PATH}"


# The functions' rights (exact: action -> resources)

def test_callback_may_only_queue_events_and_read_the_secret(cfn):
    queue_id, _ = _queue(cfn, names.EXPEDIA_EVENTS_QUEUE)
    secret_id, _ = _secret(cfn)
    assert _own_grants(cfn, names.EXPEDIA_CALLBACK_HANDLER) == {
        "sqs:SendMessage": [_arn(queue_id)],
        "secretsmanager:GetSecretValue": [{"Ref": secret_id}],
    }


def test_ingest_runs_the_inbound_pipeline_and_consumes_the_events_queue(cfn):
    from store.schema import TAB_INDEXES

    table = _table(cfn)
    events_id, _ = _queue(cfn, names.EXPEDIA_EVENTS_QUEUE)
    outbound_id, _ = _queue(cfn, names.OUTBOUND_QUEUE)
    secret_id, _ = _secret(cfn)
    indexes = [{"Fn::Join": ["", [table, f"/index/{spec.name}"]]} for spec in TAB_INDEXES.values()]
    assert _own_grants(cfn, names.EXPEDIA_INGEST_HANDLER) == {
        **{action: [table] for action in INGEST_TABLE_ACTIONS},
        "dynamodb:Query": [table, *indexes],
        "sqs:SendMessage": [_arn(outbound_id)],
        "scheduler:DeleteSchedule": [SCHEDULES],
        "secretsmanager:GetSecretValue": [{"Ref": secret_id}],
        "s3:PutObject": [ATTACHMENT_OBJECTS],  # travelers' files, copied in before their message is stored
        "s3:PutObjectTagging": [ATTACHMENT_OBJECTS],  # ... tagged with their retention tier
        **{action: [_arn(events_id)] for action in CONSUME_ACTIONS},
    }


def test_sender_records_deliveries_parks_rejected_jobs_and_consumes_the_outbound_queue(cfn):
    table = _table(cfn)
    outbound_id, _ = _queue(cfn, names.OUTBOUND_QUEUE)
    dlq_id, _ = _queue(cfn, names.OUTBOUND_DLQ)
    secret_id, _ = _secret(cfn)
    assert _own_grants(cfn, names.OUTBOUND_SENDER_HANDLER) == {
        **{action: [table] for action in SENDER_TABLE_ACTIONS},
        "sqs:SendMessage": [_arn(dlq_id)],
        "secretsmanager:GetSecretValue": [{"Ref": secret_id}],
        "s3:GetObject": [ATTACHMENT_OBJECTS],  # a reply's files, uploaded to Expedia
        **{action: [_arn(outbound_id)] for action in CONSUME_ACTIONS},
    }


def test_the_three_roles_have_exactly_these_actions(cfn):
    for handler, own in (
        (names.EXPEDIA_CALLBACK_HANDLER, {"sqs:SendMessage", "secretsmanager:GetSecretValue"}),
        (names.EXPEDIA_INGEST_HANDLER, INGEST_TABLE_ACTIONS | CONSUME_ACTIONS | {
            "sqs:SendMessage", "scheduler:DeleteSchedule", "secretsmanager:GetSecretValue", "s3:PutObject",
            "s3:PutObjectTagging"}),
        (names.OUTBOUND_SENDER_HANDLER, SENDER_TABLE_ACTIONS | CONSUME_ACTIONS | {
            "sqs:SendMessage", "secretsmanager:GetSecretValue", "s3:GetObject"}),
    ):
        function_id, _ = cfn.function(handler)
        assert cfn.actions(cfn.role_of(function_id)) == cfn.FUNCTION_BASELINE | own, handler


# Environment

def test_callback_environment_names_the_events_queue_and_the_secret(cfn):
    events_id, _ = _queue(cfn, names.EXPEDIA_EVENTS_QUEUE)
    secret_id, _ = _secret(cfn)
    env = _env(cfn, names.EXPEDIA_CALLBACK_HANDLER)
    assert env["EXPEDIA_EVENTS_QUEUE_URL"] == {"Ref": events_id}
    assert env["EXPEDIA_SECRET_ARN"] == {"Ref": secret_id}
    assert set(env) == {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "TABLE_NAME",
                        "EXPEDIA_EVENTS_QUEUE_URL", "EXPEDIA_SECRET_ARN"}


def test_ingest_and_sender_reach_expedia_production_by_default(cfn):
    secret_id, _ = _secret(cfn)
    for handler in (names.EXPEDIA_INGEST_HANDLER, names.OUTBOUND_SENDER_HANDLER):
        env = _env(cfn, handler)
        assert env["EXPEDIA_SECRET_ARN"] == {"Ref": secret_id}, handler
        assert env["EXPEDIA_GRAPHQL_URL"] == "https://api.expediagroup.com/supply/lodging/graphql", handler
        assert env["EXPEDIA_TOKEN_URL"] == "https://api.expediagroup.com/identity/oauth2/v3/token", handler
        assert env["EXPEDIA_FILES_URL"] == "https://api.expediagroup.com/supply-lodging/v1/files", handler


def test_ingest_environment_names_the_outbound_queue_and_the_schedule_group(cfn):
    outbound_id, _ = _queue(cfn, names.OUTBOUND_QUEUE)
    env = _env(cfn, names.EXPEDIA_INGEST_HANDLER)
    assert env["OUTBOUND_QUEUE_URL"] == {"Ref": outbound_id}
    assert env["SCHEDULE_GROUP"] == names.SCHEDULE_GROUP


def test_sender_environment_names_the_outbound_dlq(cfn):
    dlq_id, _ = _queue(cfn, names.OUTBOUND_DLQ)
    assert _env(cfn, names.OUTBOUND_SENDER_HANDLER)["OUTBOUND_DLQ_URL"] == {"Ref": dlq_id}


def test_environment_names_are_settings_the_functions_read():
    """Every variable the stack sets for these functions is a field of wiring.settings.Settings."""
    from wiring.settings import Settings

    fields = {name.upper() for name in Settings.names()}
    for name in ("TABLE_NAME", "EXPEDIA_EVENTS_QUEUE_URL", "EXPEDIA_SECRET_ARN", "EXPEDIA_GRAPHQL_URL",
                 "EXPEDIA_TOKEN_URL", "OUTBOUND_QUEUE_URL", "SCHEDULE_GROUP", "OUTBOUND_DLQ_URL",
                 "OUTBOUND_MAX_RECEIVES", "CONSOLE_ORIGIN", "EXPEDIA_FILES_URL", "ATTACHMENTS_BUCKET"):
        assert name in fields, name


# Outputs

def test_stack_outputs_the_callback_url_the_secret_and_the_events_queue(cfn):
    outputs = cfn.json["Outputs"]
    events_id, _ = _queue(cfn, names.EXPEDIA_EVENTS_QUEUE)
    secret_id, _ = _secret(cfn)
    assert outputs["ExpediaEventsQueueUrl"]["Value"] == {"Ref": events_id}
    assert outputs["ExpediaSecretArn"]["Value"] == {"Ref": secret_id}
    callback_url = outputs["ExpediaCallbackUrl"]["Value"]["Fn::Join"][1]
    assert callback_url[0] == "https://" and callback_url[-1] == names.EXPEDIA_CALLBACK_PATH


# Acknowledgements: each says why for this construct

def test_the_channels_acknowledgements_give_their_own_reasons(acknowledgements):
    reasons = {(path, rule): reason for path, rule, reason in acknowledgements}
    callback = "Lobby/Api/RestApi/Default/v1/channels/expedia/notifications/POST"
    for rule in ("AwsSolutions-APIG4", "AwsSolutions-COG4"):
        assert "HMAC" in reasons[(callback, rule)] and "Expedia" in reasons[(callback, rule)], rule
    assert "Expedia issues" in reasons[("Lobby/Expedia/Secret", "AwsSolutions-SMG4")]
    (ingest_schedules,) = [reason for (path, rule), reason in reasons.items()
                           if path == "Lobby/Expedia/Ingest/Role/DefaultPolicy" and rule.startswith(
                               "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:")]
    assert "DeleteSchedule" in ingest_schedules
