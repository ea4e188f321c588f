"""The artifact is the thing tested: the code asset and the layer that `infra/bundling.py` builds (here for this
machine's platform, from the same `requirements.lock` and the same build code), run by python3.13 the way
Lambda runs them: isolated, `sys.path` = the code asset + the layer + boto3 as the runtime ships it, and
nothing else. A dependency missing from the layer fails here, not in AWS.

First every module of the code asset is imported; then each function's handler is invoked, in a fresh
interpreter each, with a real event against moto's server, and gives a real answer.
"""

from __future__ import annotations

import base64
import copy
import json
import logging
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from infra import names
from infra.artifact import REQUIREMENTS, RUNTIME_PROVIDED, HostArtifact, lambda_environment, pins, target_python

REGION = "eu-west-1"
HOTEL = "artifact-hotel"
AGENT_EMAIL = "agent@artifact.example"
AGENT_PASSWORD = "Artifact-Test-2026!"
CONSOLE_ORIGIN = "https://console.artifact.example"
METHOD_ARN = f"arn:aws:execute-api:{REGION}:123456789012:abc123/prod/GET/v1/hotels/{HOTEL}"

# Imports every module of the code asset (sys.path[0]); writes {module: error} and sys.path to the file given.
IMPORT_ALL = """
import importlib, json, pathlib, sys
root = pathlib.Path(sys.path[0])
modules = sorted(".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
                 for p in root.rglob("*.py"))
failures = {}
for module in modules:
    try:
        importlib.import_module(module)
    except BaseException as error:
        failures[module] = f"{type(error).__name__}: {error}"
pathlib.Path(OUT).write_text(json.dumps({"modules": modules, "failures": failures, "sys_path": sys.path}))
"""

# Invokes one handler as Lambda would: a cold import, then handler(event, context); writes the answer or the error.
INVOKE = """
import importlib, json, pathlib, sys
request = json.loads(pathlib.Path(REQUEST).read_text())

class Context:
    function_name = request["function_name"]
    memory_limit_in_mb = 256
    invoked_function_arn = f"arn:aws:lambda:eu-west-1:123456789012:function:{function_name}"
    aws_request_id = request["request_id"]
    def get_remaining_time_in_millis(self):
        return 10_000

module = importlib.import_module(request["module"])
try:
    answer = {"result": module.handler(request["event"], Context())}
except Exception as error:
    answer = {"error": type(error).__name__, "message": str(error)}
pathlib.Path(REQUEST).write_text(json.dumps(answer, default=str))
"""


@pytest.fixture(scope="module")
def artifact(tmp_path_factory) -> tuple[HostArtifact, list[Path]]:
    python = target_python()
    assert python is not None, "python3.13 (the Lambda runtime's Python) is needed to build and run the artifact"
    host = HostArtifact(python)
    code = host.code(tmp_path_factory.mktemp("artifact") / "code")
    return host, [code, host.layer(), host.runtime_boto3()]


def _run(host: HostArtifact, paths: list[Path], script: str, tmp_path: Path, env: dict[str, str],
         payload: dict | None = None) -> dict:
    exchange = tmp_path / f"exchange-{uuid.uuid4().hex}.json"
    exchange.write_text(json.dumps(payload or {}))
    code = f"OUT = REQUEST = {str(exchange)!r}\n" + script
    result = subprocess.run(host.command(paths, code), env=env, cwd=paths[0], capture_output=True, text=True)
    assert result.returncode == 0, f"the Lambda-like interpreter failed:\n{result.stderr[-4000:]}"
    return json.loads(exchange.read_text())


def import_everything(host: HostArtifact, paths: list[Path], tmp_path: Path) -> dict:
    return _run(host, paths, IMPORT_ALL, tmp_path, lambda_environment(paths[0], names.API_FUNCTION))


def test_every_module_of_the_code_asset_imports_from_the_layer_and_the_runtime_boto3_alone(artifact, tmp_path):
    host, paths = artifact
    report = import_everything(host, paths, tmp_path)
    assert {"api.handler", "authorizer.handler", "expedia.client", "auth.tokens", "store.dynamo"} <= set(report["modules"])
    assert report["failures"] == {}, "modules of the code asset that do not import in Lambda: " + json.dumps(
        report["failures"], indent=1)


def test_the_interpreter_sees_only_the_asset_the_layer_the_runtime_boto3_and_the_standard_library(artifact, tmp_path):
    """Otherwise the import test could pass on packages of this machine that Lambda does not have."""
    host, paths = artifact
    report = import_everything(host, paths, tmp_path)
    stdlib = str(Path(host.python).resolve().parent.parent)
    others = [p for p in report["sys_path"][len(paths):] if not p.startswith(stdlib) or "site-packages" in p]
    assert report["sys_path"][:len(paths)] == [str(p) for p in paths] and others == []
    assert not any(p.startswith(sys.prefix) for p in report["sys_path"])  # not this venv


def test_a_dependency_missing_from_the_layer_is_reported_with_the_module_that_needs_it(artifact, tmp_path):
    """The proof that the import test can fail: the built layer without `requests` (as it shipped before
    issue 10) names expedia.client."""
    host, (code, layer, boto3_dir) = artifact
    without = tmp_path / "layer-without-requests"
    without.mkdir()
    for entry in layer.iterdir():
        if entry.name != "requests" and not entry.name.startswith("requests-"):
            (without / entry.name).symlink_to(entry)
    report = import_everything(host, [code, without, boto3_dir], tmp_path)
    assert "expedia.client" in report["failures"]
    assert "No module named 'requests'" in report["failures"]["expedia.client"]
    assert "api.handler" not in report["failures"]  # only what needs requests fails


# Reads the version of every distribution named in the file given (from the layer's dist-info), and runs what
# the code asset only imports lazily at run time: Babel's French long date needs its locale data in the layer.
REQUIREMENTS_CHECK = """
import importlib.metadata, json, pathlib
request = json.loads(pathlib.Path(REQUEST).read_text())
found = {}
for name in request["names"]:
    try:
        found[name] = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        found[name] = None
try:
    import datetime
    from babel.dates import format_date
    date = format_date(datetime.date(2026, 11, 24), format="long", locale="fr")
except Exception as error:
    date = f"{type(error).__name__}: {error}"
pathlib.Path(REQUEST).write_text(json.dumps({"versions": found, "date": date}))
"""


def layer_requirements(host: HostArtifact, paths: list[Path], tmp_path: Path) -> dict:
    """What the Lambda-like interpreter finds of requirements.txt's pins (all but what the runtime ships)."""
    wanted = sorted(name for name in pins(REQUIREMENTS.read_text()) if name not in RUNTIME_PROVIDED)
    return _run(host, paths, REQUIREMENTS_CHECK, tmp_path, lambda_environment(paths[0], names.API_FUNCTION),
                {"names": wanted})


def test_every_requirement_is_in_the_layer_at_its_pinned_version(artifact, tmp_path):
    """Also what the code imports only inside a function (Babel, for saved replies' dates), which the import
    test above cannot see; and Babel's locale data, without which the import passes and rendering fails."""
    host, paths = artifact
    report = layer_requirements(host, paths, tmp_path)
    pinned = {name: version for name, version in pins(REQUIREMENTS.read_text()).items()
              if name not in RUNTIME_PROVIDED}
    assert {"babel", "cachetools"} <= set(pinned)
    assert report["versions"] == pinned
    assert report["date"] == "24 novembre 2026"


@pytest.mark.parametrize("missing", ["babel", "cachetools"])
def test_a_requirement_missing_from_the_layer_is_reported(artifact, tmp_path, missing):
    """The proof that the requirement check can fail: the built layer without one of issue 12's dependencies."""
    host, (code, layer, boto3_dir) = artifact
    without = tmp_path / f"layer-without-{missing}"
    without.mkdir()
    for entry in layer.iterdir():
        if entry.name != missing and not entry.name.lower().startswith(f"{missing}-"):
            (without / entry.name).symlink_to(entry)
    report = layer_requirements(host, [code, without, boto3_dir], tmp_path)
    assert report["versions"][missing] is None
    assert [name for name, version in report["versions"].items() if version is None] == [missing]
    if missing == "babel":
        assert report["date"] == "ModuleNotFoundError: No module named 'babel'"
    else:  # the directory imports cachetools when its module loads: the import test names it too
        failures = import_everything(host, [code, without, boto3_dir], tmp_path)["failures"]
        assert "No module named 'cachetools'" in failures["directory.cognito"]


# -- every handler, with a real event, against moto's server ------------------------------------------------------


@pytest.fixture(scope="module")
def aws(artifact):
    """moto's server with the stack's resources (local.resources, the local stack's own), a hotel and an agent."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    credentials = {"client_id": "lobby-artifact", "client_secret": "s3cret", "callback_secret": "callback-s3cret"}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {"AWS_ENDPOINT_URL": endpoint, "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION,
                            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                            "AWS_SESSION_TOKEN": "testing"}.items():
            patch.setenv(name, value)
        patch.delenv("AWS_PROFILE", raising=False)
        from admin import create_agent
        from auth.tokens import issuer, jwks_url
        from inbox.ports import Hotel
        from local.resources import create_resources
        from store.dynamo import DynamoStore

        session = boto3.Session(region_name=REGION)
        resources = create_resources(session, REGION, credentials, console_origins=(CONSOLE_ORIGIN,))
        DynamoStore(resources.table_name, REGION, endpoint).put_hotel(Hotel(HOTEL, "Artifact Hotel"))
        cognito = session.client("cognito-idp")
        create_agent(cognito, resources.user_pool_id, AGENT_EMAIL, "Ana", AGENT_PASSWORD, [HOTEL])
        token = cognito.initiate_auth(ClientId=resources.console_client_id, AuthFlow="USER_PASSWORD_AUTH",
                                      AuthParameters={"USERNAME": AGENT_EMAIL, "PASSWORD": AGENT_PASSWORD}
                                      )["AuthenticationResult"]["IdToken"]
        settings = {
            "AWS_ENDPOINT_URL": endpoint, "TABLE_NAME": resources.table_name,
            "OUTBOUND_QUEUE_URL": resources.queue_urls[names.OUTBOUND_QUEUE],
            "OUTBOUND_DLQ_URL": resources.queue_urls[names.OUTBOUND_DLQ],
            "EXPEDIA_EVENTS_QUEUE_URL": resources.queue_urls[names.EXPEDIA_EVENTS_QUEUE],
            "EXPEDIA_SECRET_ARN": resources.expedia_secret_arn,
            "SCHEDULE_GROUP": resources.schedule_group, "SCHEDULER_ROLE_ARN": resources.scheduler_role_arn,
            "WAKE_UP_FUNCTION_ARN": resources.function_arn(names.WAKE_UP_FUNCTION),
            "SCHEDULER_DLQ_ARN": resources.queue_arns[names.SCHEDULER_DLQ],
            "JWKS_URL": jwks_url(REGION, resources.user_pool_id, endpoint),
            "TOKEN_ISSUER": issuer(REGION, resources.user_pool_id), "TOKEN_AUDIENCE": resources.console_client_id,
            "CONSOLE_USAGE_KEY": "LobbyConsoleUsageArtifact",
            "EXPEDIA_GRAPHQL_URL": f"{endpoint}/no-expedia/graphql", "EXPEDIA_TOKEN_URL": f"{endpoint}/no-expedia/token",
            "CONNECTIONS_TABLE": resources.connections_table,
            "CONNECTION_TTL_SECONDS": str(names.CONNECTION_TTL_SECONDS),
        }
        yield {"settings": settings, "token": token, "credentials": credentials, "session": session,
               "events_queue": settings["EXPEDIA_EVENTS_QUEUE_URL"]}
    server.stop()


def invoke(artifact, aws, tmp_path, module: str, function_name: str, event: dict,
           settings: dict[str, str] | None = None) -> dict:
    host, paths = artifact
    env = {**lambda_environment(paths[0], function_name), **aws["settings"], **(settings or {}),
           "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0"}
    payload = {"module": module, "function_name": function_name, "request_id": str(uuid.uuid4()), "event": event}
    return _run(host, paths, INVOKE, tmp_path, env, payload)


def rest_event(method: str, path: str, resource: str, *, headers: dict | None = None, body: str | None = None,
               path_parameters: dict | None = None, authorizer: dict | None = None) -> dict:
    """An API Gateway REST proxy event, as the stage `prod` delivers it."""
    headers = headers or {}
    return {
        "resource": resource, "path": path, "httpMethod": method, "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()}, "queryStringParameters": None,
        "multiValueQueryStringParameters": None, "pathParameters": path_parameters, "stageVariables": None,
        "requestContext": {"resourcePath": resource, "httpMethod": method, "path": f"/prod{path}", "stage": "prod",
                           "requestId": str(uuid.uuid4()), "accountId": "123456789012", "apiId": "abc123",
                           "identity": {"sourceIp": "127.0.0.1", "userAgent": "artifact-test"},
                           "authorizer": authorizer},
        "body": body, "isBase64Encoded": False,
    }


def sqs_event(body: str) -> tuple[dict, str]:
    message_id = str(uuid.uuid4())
    return {"Records": [{
        "messageId": message_id, "receiptHandle": "handle", "body": body,
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1764600000000",
                       "SenderId": "AIDA", "ApproximateFirstReceiveTimestamp": "1764600000000"},
        "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:queue", "awsRegion": REGION}]}, message_id


def test_the_api_function_serves_its_openapi_document(artifact, aws, tmp_path):
    answer = invoke(artifact, aws, tmp_path, "api.handler", names.API_FUNCTION,
                    rest_event("GET", "/v1/openapi.json", "/v1/openapi.json"))
    result = answer.get("result") or answer
    assert result["statusCode"] == 200, answer
    document = json.loads(result["body"])
    assert document["openapi"].startswith("3.") and "/v1/hotels/{hotel_id}" in document["paths"]


def test_the_api_function_reads_the_hotel_from_dynamodb_for_its_agent(artifact, aws, tmp_path):
    from auth.principal import Principal
    from inbox.model import Actor, ActorType

    context = Principal(Actor(ActorType.AGENT, "agent-1", "Ana"), frozenset({HOTEL})).to_context()
    answer = invoke(artifact, aws, tmp_path, "api.handler", names.API_FUNCTION,
                    rest_event("GET", f"/v1/hotels/{HOTEL}", "/v1/hotels/{hotel_id}",
                               path_parameters={"hotel_id": HOTEL}, authorizer=context))
    result = answer.get("result") or answer
    assert result["statusCode"] == 200, answer
    assert json.loads(result["body"])["name"] == "Artifact Hotel"


def test_the_authorizer_allows_an_agent_with_a_real_cognito_id_token(artifact, aws, tmp_path):
    """The first agent token is what failed in AWS without `requests` (and PyJWT's crypto) in the layer."""
    answer = invoke(artifact, aws, tmp_path, "authorizer.handler", names.AUTHORIZER_FUNCTION,
                    {"type": "REQUEST", "methodArn": METHOD_ARN,
                     "headers": {"Authorization": f"Bearer {aws['token']}"}})
    assert "result" in answer, answer
    statement = answer["result"]["policyDocument"]["Statement"][0]
    assert statement["Effect"] == "Allow" and statement["Resource"].endswith("abc123/prod/*/*")
    assert answer["result"]["context"]["hotel_ids"] == HOTEL


def test_the_authorizer_answers_unauthorized_to_an_unknown_partner_key(artifact, aws, tmp_path):
    answer = invoke(artifact, aws, tmp_path, "authorizer.handler", names.AUTHORIZER_FUNCTION,
                    {"type": "REQUEST", "methodArn": METHOD_ARN, "headers": {"x-api-key": "lby_" + "a" * 40}})
    assert answer == {"error": "Exception", "message": "Unauthorized"}


def test_the_wake_up_function_ignores_a_conversation_that_does_not_exist(artifact, aws, tmp_path):
    answer = invoke(artifact, aws, tmp_path, "wake_up.handler", names.WAKE_UP_FUNCTION,
                    {"hotel_id": HOTEL, "conversation_id": "conv_unknown", "hold_token": "hold-1"})
    assert answer == {"result": {"woken": False, "reason": "conversation not found"}}


def _callback_event(body: bytes, signature: str | None) -> dict:
    headers = {"Content-Type": "application/json", **({"x-expedia-signature": signature} if signature else {})}
    path = "/v1/channels/expedia/notifications"
    event = rest_event("POST", path, path, headers=headers, body=base64.b64encode(body).decode())
    return event | {"isBase64Encoded": True}


def test_the_expedia_callback_refuses_a_bad_signature_and_queues_a_signed_notification(artifact, aws, tmp_path):
    from expedia.signature import sign

    body = json.dumps({"notificationId": "n-artifact", "eventType": "MESSAGE_CREATED"}).encode()
    refused = invoke(artifact, aws, tmp_path, "expedia_callback.handler", names.EXPEDIA_CALLBACK_FUNCTION,
                     _callback_event(body, "0" * 64))
    assert refused["result"]["statusCode"] == 401, refused
    taken = invoke(artifact, aws, tmp_path, "expedia_callback.handler", names.EXPEDIA_CALLBACK_FUNCTION,
                   _callback_event(body, sign(aws["credentials"]["callback_secret"], body)))
    assert taken["result"]["statusCode"] == 202, taken
    sqs = aws["session"].client("sqs", endpoint_url=aws["settings"]["AWS_ENDPOINT_URL"])
    received = sqs.receive_message(QueueUrl=aws["events_queue"], MaxNumberOfMessages=10).get("Messages", [])
    assert [m["Body"] for m in received] == [body.decode()]


def test_the_expedia_ingest_fails_a_batch_of_one_poison_record_with_its_reason(artifact, aws, tmp_path):
    """Powertools raises when every record failed (SQS then retries the batch, and the DLQ keeps it)."""
    event, _ = sqs_event("this is not a notification")
    answer = invoke(artifact, aws, tmp_path, "expedia_ingest.handler", names.EXPEDIA_INGEST_FUNCTION, event)
    assert answer["error"] == "BatchProcessingError", answer
    assert "not a notification Lobby knows" in answer["message"]


def test_the_outbound_sender_fails_a_batch_of_one_poison_job_with_its_reason(artifact, aws, tmp_path):
    job = {"type": "spam_status", "hotel_id": HOTEL, "conversation_id": "conv_1", "channel": "carrier-pigeon",
           "external_conversation_id": "thr-1", "message_id": None, "message_sent_at": None, "spam": True}
    event, _ = sqs_event(json.dumps(job))
    answer = invoke(artifact, aws, tmp_path, "outbound_sender.handler", names.OUTBOUND_SENDER_FUNCTION, event)
    assert answer["error"] == "BatchProcessingError", answer
    assert "no sender for channel 'carrier-pigeon'" in answer["message"]


def test_the_reconciler_queues_what_expedia_could_not_deliver_and_notes_the_hotels_channel_health(
        artifact, aws, tmp_path):
    """The scheduled function with the schedule's own input: it reads the secret from Secrets Manager, pages the
    stand-in's undeliveredNotifications, queues each notification for the ingest and notes the hotel's health."""
    from infra.reconciliation import SCHEDULE_INPUT
    from local.expedia import ExpediaStandIn
    from store.dynamo import DynamoStore

    property_id = "9100001"
    credentials = aws["credentials"]
    standin = ExpediaStandIn(callback_secret=credentials["callback_secret"], client_id=credentials["client_id"],
                             client_secret=credentials["client_secret"], id_prefix="artifact-").start()
    try:
        store = DynamoStore(aws["settings"]["TABLE_NAME"], REGION, aws["settings"]["AWS_ENDPOINT_URL"])
        store.set_expedia_property(HOTEL, property_id)
        standin.set_outage(False)  # the callback is unreachable: Expedia keeps the notifications
        standin.add_message("thr-artifact", {"propertyId": property_id, "body": "Bonjour, une question"})
        held = {n["notificationId"] for n in standin.notifications}
        answer = invoke(artifact, aws, tmp_path, "expedia_reconcile.handler", names.EXPEDIA_RECONCILE_FUNCTION,
                        json.loads(SCHEDULE_INPUT),
                        settings={"EXPEDIA_GRAPHQL_URL": standin.graphql_url, "EXPEDIA_TOKEN_URL": standin.token_url})
    finally:
        standin.stop()
    assert "result" in answer, answer
    assert len(held) == 2  # MessageThreadCreated and MessageReceived
    assert answer["result"]["undelivered"] == answer["result"]["queued"] == 2 and answer["result"]["hotels"] == 1
    sqs = aws["session"].client("sqs", endpoint_url=aws["settings"]["AWS_ENDPOINT_URL"])
    queued = set()
    while batch := sqs.receive_message(QueueUrl=aws["events_queue"], MaxNumberOfMessages=10,
                                       VisibilityTimeout=0).get("Messages", []):
        for message in batch:
            body = json.loads(message["Body"])
            if body.get("payload", {}).get("propertyId") == property_id:
                queued.add(body["notificationId"])
            sqs.delete_message(QueueUrl=aws["events_queue"], ReceiptHandle=message["ReceiptHandle"])
    assert queued == held
    health = store.channel_health(HOTEL, "expedia")
    assert health is not None and health.undelivered == 2 and health.last_reconciled_at is not None
    assert health.last_error.startswith("CALLBACK_UNREACHABLE")


# -- real time: the socket and fan-out functions, with moto's stream and the @connections emulator -------------------


@pytest.fixture
def connections_endpoint():
    """The @connections emulator (local.connections_endpoint) on loopback: what the functions post to."""
    import threading

    from werkzeug.serving import WSGIRequestHandler, make_server

    from local.connections_endpoint import ConnectionsEndpoint

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):
            pass

    app = ConnectionsEndpoint()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}/local/connections"
    server.shutdown()
    server.server_close()


def socket_event(route: str, connection_id: str, *, authorizer: dict | None = None, body: str | None = None) -> dict:
    """An API Gateway WebSocket proxy event, as the stage `live` delivers it."""
    event_type = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route, "MESSAGE")
    return {
        "requestContext": {"routeKey": route, "eventType": event_type, "connectionId": connection_id,
                           "stage": names.REALTIME_STAGE, "apiId": "abc123", "requestId": str(uuid.uuid4()),
                           "domainName": f"abc123.execute-api.{REGION}.amazonaws.com", "connectedAt": 1764600000000,
                           "identity": {"sourceIp": "127.0.0.1"}, **({"authorizer": authorizer} if authorizer else {})},
        "isBase64Encoded": False, **({"body": body} if body is not None else {}),
    }


def _agent_context(agent_id: str = "agent-artifact") -> dict:
    from auth.principal import Principal
    from inbox.model import Actor, ActorType

    principal = Principal(Actor(ActorType.AGENT, agent_id, "Ana"), frozenset({HOTEL}), role="admin")
    return {**principal.to_context(), "principalId": agent_id}


def _connection_item(aws, connection_id: str) -> dict | None:
    dynamodb = aws["session"].client("dynamodb", endpoint_url=aws["settings"]["AWS_ENDPOINT_URL"])
    return dynamodb.get_item(TableName=aws["settings"]["CONNECTIONS_TABLE"], ConsistentRead=True,
                             Key={"pk": {"S": f"CONNECTION#{connection_id}"}, "sk": {"S": "CONNECTION"}}).get("Item")


def test_the_socket_function_keeps_a_connection_ignores_what_it_cannot_use_and_forgets_it(
        artifact, aws, tmp_path, connections_endpoint):
    _, url = connections_endpoint
    settings = {"REALTIME_CONNECTIONS_URL": url}
    connection_id = "artifact-socket="
    connected = invoke(artifact, aws, tmp_path, "realtime_socket.handler", names.REALTIME_SOCKET_FUNCTION,
                       socket_event("$connect", connection_id, authorizer=_agent_context()), settings)
    assert connected == {"result": {"statusCode": 200}}, connected
    item = _connection_item(aws, connection_id)
    assert item is not None and item["agent_id"]["S"] == "agent-artifact"
    for route, body in (("$default", json.dumps({"action": "ping"})), ("$default", "not json"),
                        (names.REALTIME_PRESENCE_ROUTE, json.dumps({"action": "presence", "conversation_id": "conv_x",
                                                                    "state": "viewing"}))):
        answer = invoke(artifact, aws, tmp_path, "realtime_socket.handler", names.REALTIME_SOCKET_FUNCTION,
                        socket_event(route, connection_id, body=body), settings)
        assert answer["result"]["statusCode"] == 200, (route, body, answer)
    refused = invoke(artifact, aws, tmp_path, "realtime_socket.handler", names.REALTIME_SOCKET_FUNCTION,
                     socket_event("$connect", "artifact-nobody="), settings)
    assert refused["result"]["statusCode"] == 401, refused
    gone = invoke(artifact, aws, tmp_path, "realtime_socket.handler", names.REALTIME_SOCKET_FUNCTION,
                  socket_event("$disconnect", connection_id), settings)
    assert gone == {"result": {"statusCode": 200}}, gone
    assert _connection_item(aws, connection_id) is None


def _guest_asks_for_a_person(aws, monkeypatch, thread: str, text: str):
    """The inbox of this process on the stack's moto account (its settings as the functions get them) receives
    a guest's Expedia message asking for a person; what it received. The caller resets the container."""
    from inbox.inbound import GuestProfile, InboundMessage
    from wiring import container

    for name in ("TABLE_NAME", "OUTBOUND_QUEUE_URL", "SCHEDULE_GROUP", "SCHEDULER_ROLE_ARN", "WAKE_UP_FUNCTION_ARN",
                 "SCHEDULER_DLQ_ARN"):
        monkeypatch.setenv(name, aws["settings"][name])
    container.reset()
    return container.inbox().receive(InboundMessage(
        hotel_id=HOTEL, channel="expedia", external_conversation_id=f"thr-artifact-{thread}",
        external_message_id=f"thr-artifact-{thread}-m1", text=text, sent_at=datetime.now(UTC) - timedelta(minutes=1),
        sender=GuestProfile(external_id=f"guest-artifact-{thread}", name="Inès Moreau"), wants_human=True))


def test_the_fanout_pushes_a_guests_message_to_the_hotels_console_and_fails_an_unreadable_record_alone(
        artifact, aws, tmp_path, connections_endpoint, monkeypatch):
    """Records as the stream mapping delivers them (moto's stream of a real write, through the names filter)."""
    import threading

    from moto.core import DEFAULT_ACCOUNT_ID

    from local.changes import MotoStream, lambda_record, passes_filter
    from wiring import container

    emulator, url = connections_endpoint
    settings = {"REALTIME_CONNECTIONS_URL": url}
    connection_id = "artifact-fanout="
    frames: list[str] = []
    emulator.registry.register(connection_id, frames.append)
    connected = invoke(artifact, aws, tmp_path, "realtime_socket.handler", names.REALTIME_SOCKET_FUNCTION,
                       socket_event("$connect", connection_id, authorizer=_agent_context()), settings)
    assert connected == {"result": {"statusCode": 200}}, connected

    stream = MotoStream(aws["settings"]["TABLE_NAME"], DEFAULT_ACCOUNT_ID, REGION, threading.Lock())
    stream.skip()  # the mapping starts at LATEST
    try:
        received = _guest_asks_for_a_person(aws, monkeypatch, "rt", "Bonjour, une serviette de plus ?")
    finally:
        container.reset()
    arn = stream.arn()
    records = [lambda_record(r, REGION, arn) for r in stream.take() if passes_filter(r)]
    assert records, "the write left no record for the fan-out"
    poison = copy.deepcopy(next(r for r in records if r["dynamodb"]["Keys"]["sk"]["S"].startswith("MSG#")))
    poison["dynamodb"]["NewImage"] = {"pk": poison["dynamodb"]["Keys"]["pk"], "sk": poison["dynamodb"]["Keys"]["sk"],
                                      "sent_at": {"S": "not a time"}}  # a message the store cannot read
    poison["eventID"], poison["dynamodb"]["SequenceNumber"] = "poison", "999999999999"
    answer = invoke(artifact, aws, tmp_path, "realtime_fanout.handler", names.REALTIME_FANOUT_FUNCTION,
                    {"Records": [*records, poison]}, settings)
    assert answer == {"result": {"batchItemFailures": [{"itemIdentifier": "999999999999"}]}}, answer
    events = [event for frame in frames for event in (
        json.loads(frame)["events"] if json.loads(frame)["type"] == "batch" else [json.loads(frame)])]
    assert [e["type"] for e in events] == ["message", "conversation", "counts"]
    assert events[0]["message"]["id"] == received.message_id and events[0]["hotel_id"] == HOTEL
    assert events[1]["conversation"]["id"] == received.conversation_id


def test_the_expiry_follows_a_ttl_removal_and_fails_an_unreadable_record_alone(artifact, aws, tmp_path, monkeypatch):
    """A conversation DynamoDB's TTL deleted, as its stream tells it (the record local.expiry writes): the counts
    follow; a removal whose old image the store cannot read is the batch's only failure."""
    import time

    from inbox.model import Tab
    from local.changes import lambda_record
    from local.expiry import ttl_removal
    from store import keys
    from wiring import container

    try:
        received = _guest_asks_for_a_person(aws, monkeypatch, "ttl", "Bonjour, le spa est-il ouvert ?")
        before = container.store().tab_counts(HOTEL)[Tab.OPEN]
        dynamodb = aws["session"].client("dynamodb")
        table = aws["settings"]["TABLE_NAME"]
        key = {"pk": {"S": keys.conversation_pk(HOTEL, received.conversation_id)}, "sk": {"S": keys.CONVERSATION_SK}}
        old = dynamodb.delete_item(TableName=table, Key=key, ReturnValues="ALL_OLD")["Attributes"]  # TTL's deletion
        arn = f"arn:aws:dynamodb:{REGION}:123456789012:table/{table}/stream/artifact"
        removal = lambda_record(ttl_removal(old, sequence_number=1, at=time.time()), REGION, arn)
        poison = lambda_record(ttl_removal({**old, "status": {"S": "sideways"}, "pk": {"S": keys.conversation_pk(
            HOTEL, "conv_poison")}}, sequence_number=2, at=time.time()), REGION, arn)
        answer = invoke(artifact, aws, tmp_path, "expiry.handler", names.EXPIRY_FUNCTION,
                        {"Records": [removal, poison]})
        assert answer == {"result": {"batchItemFailures": [{"itemIdentifier": "2"}]}}, answer
        assert container.store().tab_counts(HOTEL)[Tab.OPEN] == before - 1
    finally:
        container.reset()


def test_the_handlers_ran_from_the_built_assets_not_from_the_source_tree(artifact):
    """What ran above is the bundled copy: compiled for 3.13, and without the source tree's tests."""
    _, (code, layer, _) = artifact
    assert (code / "api" / "__pycache__" / "handler.cpython-313.pyc").is_file()
    assert (layer / "requests" / "__pycache__").is_dir()
    assert code.resolve() != (Path(__file__).resolve().parents[2] / "functions")
    assert not list(code.rglob("test_*.py")) and not list(code.rglob("*.cpython-311.pyc"))


def test_every_handler_the_stack_deploys_is_invoked_here_from_the_built_assets():
    """A new function is covered by a run above, not only by the import of every module."""
    import re

    invoked = set(re.findall(r'invoke\(\s*artifact,\s*aws,\s*tmp_path,\s*"([\w.]+)"', Path(__file__).read_text()))
    deployed = {value.rsplit(".", 1)[0] for key, value in vars(names).items() if key.endswith("_HANDLER")}
    assert deployed == invoked
    assert "expedia_reconcile.handler" in deployed
