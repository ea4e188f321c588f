"""The local runner's real time parts on their own: the WebSocket server (``local.realtime``) with
functions that record what API Gateway would hand them, the change feed (``local.changes``) on moto's
stream of a real table, and the moto server's stream and Cognito fidelity (``local.moto_server``)."""

from __future__ import annotations

import json
import threading
import time

import boto3
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from infra import names
from local.changes import ChangeFeed, MotoStream, passes_filter
from local.connections_endpoint import ConnectionRegistry
from local.moto_server import LocalMotoServer
from local.realtime import RealtimeServer
from store.schema import table_definition

TABLE = "lobby-realtime-runner-test"
ACCOUNT = "123456789012"  # moto's default account
REGION = "us-east-1"
CONTEXT = {"actor_type": "agent", "actor_id": "a-1", "actor_name": "Ana Lima", "hotel_ids": "h1", "role": "agent"}


class Recorder:
    """A function that keeps every event it is given and answers with ``answer(event)``."""

    def __init__(self, answer=lambda event: {"statusCode": 200}):
        self.events: list[dict] = []
        self.answer = answer
        self.called = threading.Condition()

    def __call__(self, event: dict):
        with self.called:
            self.events.append(event)
            self.called.notify_all()
        return self.answer(event)

    def routes(self) -> list[str]:
        with self.called:
            return [e["requestContext"]["routeKey"] for e in self.events]

    def wait_for_route(self, route: str, timeout: float = 10) -> dict:
        deadline = time.monotonic() + timeout
        with self.called:
            while True:
                found = [e for e in self.events if e["requestContext"]["routeKey"] == route]
                if found:
                    return found[-1]
                assert time.monotonic() < deadline, f"{route} not invoked: {self.routes()}"
                self.called.wait(deadline - time.monotonic())


def allowing(event: dict) -> dict:
    """The authorizer's answer for a token "good"; Unauthorized for anything else (as the real one raises it)."""
    if (event.get("queryStringParameters") or {}).get("token") != "good":
        raise Exception("Unauthorized")
    return {"principalId": "a-1", "context": CONTEXT, "policyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": event["methodArn"]}]}}


@pytest.fixture
def server():
    authorizer, socket_function, registry = Recorder(allowing), Recorder(), ConnectionRegistry()
    realtime = RealtimeServer(authorizer=authorizer, socket_function=socket_function, registry=registry)
    realtime.listen()
    realtime.start()
    realtime.recorded = (authorizer, socket_function, registry)
    try:
        yield realtime
    finally:
        realtime.stop()


def test_a_handshake_without_a_good_token_is_refused_with_401_and_never_reaches_connect(server):
    authorizer, socket_function, _ = server.recorded
    for url in (server.url, server.url + "?token=bad"):
        with pytest.raises(InvalidStatus) as refused:
            connect(url, open_timeout=10, legacy=True)
        assert refused.value.response.status_code == 401
        assert json.loads(refused.value.response.body) == {"message": "Unauthorized"}
    assert len(authorizer.events) == 2 and socket_function.events == []
    event = authorizer.events[1]
    assert event["type"] == "REQUEST"
    assert event["methodArn"] == f"arn:aws:execute-api:{REGION}:{ACCOUNT}:lobbyrealtime/{names.REALTIME_STAGE}/$connect"
    assert event["queryStringParameters"] == {"token": "bad"}
    assert event["requestContext"]["eventType"] == "CONNECT" and event["requestContext"]["routeKey"] == "$connect"


def test_a_connect_answered_other_than_2xx_refuses_the_handshake_with_its_status(server):
    _, socket_function, registry = server.recorded
    socket_function.answer = lambda event: {"statusCode": 403}
    with pytest.raises(InvalidStatus) as refused:
        connect(server.url + "?token=good", open_timeout=10, legacy=True)
    assert refused.value.response.status_code == 403
    assert server.connection_ids() == []


def test_connect_messages_routed_by_action_pushes_and_disconnect(server):
    _, socket_function, registry = server.recorded
    with connect(server.url + "?token=good", open_timeout=10) as websocket:
        connected = socket_function.wait_for_route("$connect")
        context = connected["requestContext"]
        connection_id = context["connectionId"]
        assert context["eventType"] == "CONNECT" and context["stage"] == names.REALTIME_STAGE
        assert context["authorizer"] == {**CONTEXT, "principalId": "a-1",
                                         "integrationLatency": context["authorizer"]["integrationLatency"]}
        assert connected["queryStringParameters"] == {"token": "good"}
        assert connection_id in registry

        websocket.send(json.dumps({"action": "presence", "conversation_id": "cv_1", "state": "viewing"}))
        websocket.send(json.dumps({"action": "ping"}))
        websocket.send("not JSON {")
        websocket.send(json.dumps(["presence"]))
        assert registry.deliver(connection_id, b'{"type": "counts"}')
        assert websocket.recv(timeout=10) == '{"type": "counts"}'
        deadline = time.monotonic() + 10
        while len(socket_function.routes()) < 5 and time.monotonic() < deadline:
            with socket_function.called:
                socket_function.called.wait(0.5)
        messages = socket_function.events[1:5]
        assert [m["requestContext"]["routeKey"] for m in messages] == ["presence", "$default", "$default", "$default"]
        assert [m["body"] for m in messages] == [
            '{"action": "presence", "conversation_id": "cv_1", "state": "viewing"}', '{"action": "ping"}',
            "not JSON {", '["presence"]']
        assert all(m["requestContext"]["eventType"] == "MESSAGE" and m["requestContext"]["connectionId"] == connection_id
                   and m["requestContext"]["authorizer"]["actor_id"] == "a-1" for m in messages)
    disconnected = socket_function.wait_for_route("$disconnect")
    assert disconnected["requestContext"]["connectionId"] == connection_id
    assert disconnected["requestContext"]["eventType"] == "DISCONNECT"
    assert disconnected["requestContext"]["disconnectStatusCode"] == 1000
    assert connection_id not in registry and not registry.deliver(connection_id, b"{}")


def test_the_connections_delete_closes_the_socket_and_stopping_closes_every_socket(server):
    _, socket_function, registry = server.recorded
    with connect(server.url + "?token=good", open_timeout=10) as first, \
            connect(server.url + "?token=good", open_timeout=10) as second:
        ids = [e["requestContext"]["connectionId"] for e in socket_function.events]
        assert registry.close(ids[0])
        with pytest.raises(ConnectionClosed):
            first.recv(timeout=10)
        socket_function.wait_for_route("$disconnect")
        server.stop()
        with pytest.raises(ConnectionClosed) as closed:
            second.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001  # going away
    # The one closed by the stop gets no $disconnect: the stack's state goes with it.
    assert [e["requestContext"]["connectionId"] for e in socket_function.events
            if e["requestContext"]["routeKey"] == "$disconnect"] == ids[:1]
    assert server.connection_ids() == [] and ids[1] not in registry


# -- moto's stream and the change feed ------------------------------------------------------------

@pytest.fixture
def moto():
    server = LocalMotoServer()
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    dynamodb = session.client("dynamodb", endpoint_url=endpoint)
    dynamodb.create_table(**table_definition(TABLE, stream=True))
    server.clients = lambda service: session.client(service, endpoint_url=endpoint)
    server.stream = MotoStream(TABLE, ACCOUNT, REGION, server.dynamodb_lock)
    try:
        yield server
    finally:
        dynamodb.delete_table(TableName=TABLE)
        server.stop()


def _item(pk: str, sk: str, **attributes) -> dict:
    return {"pk": {"S": pk}, "sk": {"S": sk}, **{k: {"S": v} for k, v in attributes.items()}}


def _keys(records: list[dict]) -> list[tuple[str, str]]:
    return [(r["dynamodb"]["Keys"]["pk"]["S"], r["dynamodb"]["Keys"]["sk"]["S"]) for r in records]


def test_a_cancelled_transaction_leaves_no_stream_records_and_a_passed_one_leaves_its_own(moto):
    dynamodb = moto.clients("dynamodb")
    dynamodb.put_item(TableName=TABLE, Item=_item("c1", "CONVERSATION", status="open"))
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(TransactItems=[
            {"Put": {"TableName": TABLE, "Item": _item("c1", "MSG#1", text="never sent")}},
            {"Update": {"TableName": TABLE, "Key": {"pk": {"S": "c1"}, "sk": {"S": "CONVERSATION"}},
                        "UpdateExpression": "SET #s = :held", "ExpressionAttributeNames": {"#s": "status"},
                        "ExpressionAttributeValues": {":held": {"S": "on_hold"}}}},
            {"ConditionCheck": {"TableName": TABLE, "Key": {"pk": {"S": "c9"}, "sk": {"S": "CONVERSATION"}},
                                "ConditionExpression": "attribute_exists(pk)"}},
        ])
    dynamodb.transact_write_items(TransactItems=[
        {"Put": {"TableName": TABLE, "Item": _item("c1", "MSG#2", text="sent")}}])
    dynamodb.put_item(TableName=TABLE, Item=_item("c1", "ACT#3", type="note"))
    records = moto.stream.take()
    assert _keys(records) == [("c1", "CONVERSATION"), ("c1", "MSG#2"), ("c1", "ACT#3")]
    assert records[1]["dynamodb"]["NewImage"]["text"] == {"S": "sent"}
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert numbers == sorted(set(numbers))
    assert moto.stream.take() == []  # what was read is gone from the shard
    dynamodb.put_item(TableName=TABLE, Item=_item("c2", "CONVERSATION", status="bot"))
    later = moto.stream.take()
    assert _keys(later) == [("c2", "CONVERSATION")]
    assert int(later[0]["dynamodb"]["SequenceNumber"]) > numbers[-1]  # still counting after the trim


def test_the_transaction_backup_shares_the_stream_instead_of_copying_its_records(moto):
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.dynamo_type import DynamoType

    from local.moto_server import _TouchedItemsBackup

    dynamodb = moto.clients("dynamodb")
    for n in range(50):
        dynamodb.put_item(TableName=TABLE, Item=_item(f"c{n}", "CONVERSATION", status="open"))
    table = dynamodb_backends[ACCOUNT][REGION].tables[TABLE]
    backup = _TouchedItemsBackup([{"Put": {"TableName": TABLE, "Item": _item("c1", "CONVERSATION")}}]).deepcopy(table)
    assert backup.stream_shard is table.stream_shard and len(table.stream_shard.items) == 50
    conversation, touched, untouched = DynamoType({"S": "CONVERSATION"}), DynamoType({"S": "c1"}), DynamoType({"S": "c2"})
    assert backup.items[touched][conversation] is not table.items[touched][conversation]  # the named item copied
    assert backup.items[untouched][conversation] is table.items[untouched][conversation]  # the others shared


@pytest.mark.parametrize("sort_key, passes", [
    ("CONVERSATION", True), ("MSG#2026-12-02T10:00:00Z#m1", True), ("COUNTERS#2", True), ("ACT#1", False),
    ("CONVERSATIONS", False), ("PROFILE", False), ("msg#1", False)])
def test_the_feed_passes_the_sort_keys_the_lambda_filter_passes(sort_key, passes):
    for event in ("INSERT", "MODIFY"):
        assert passes_filter({"eventName": event, "dynamodb": {"Keys": {"pk": {"S": "x"}, "sk": {"S": sort_key}}}}) \
            is passes


@pytest.mark.parametrize("sort_key, passes", [
    ("CONVERSATION", True), ("MSG#2026-12-02T10:00:00Z#m1", False), ("COUNTERS#2", False), ("ACT#1", False)])
def test_the_feed_passes_removed_conversations_only_as_the_lambda_filter_does(sort_key, passes):
    """TTL's removals of messages never reach the fan-out; a removed conversation does (consoles drop it)."""
    record = {"eventName": "REMOVE", "userIdentity": {"type": "Service", "principalId": "dynamodb.amazonaws.com"},
              "dynamodb": {"Keys": {"pk": {"S": "x"}, "sk": {"S": sort_key}}}}
    assert passes_filter(record) is passes


def test_the_feed_hands_the_fanout_lambda_shaped_batches_of_at_most_100_filtered_records(moto):
    dynamodb = moto.clients("dynamodb")
    batches: list[dict] = []
    feed = ChangeFeed(moto.stream, lambda event: batches.append(event) or {"batchItemFailures": []})
    feed._stream_arn = moto.stream.arn()
    for n in range(130):
        dynamodb.put_item(TableName=TABLE, Item=_item(f"c{n}", "CONVERSATION", status="open"))
        dynamodb.put_item(TableName=TABLE, Item=_item(f"c{n}", f"ACT#{n}", type="created"))
    assert feed.poll_once() == 130
    assert [len(b["Records"]) for b in batches] == [100, 30]
    record = batches[0]["Records"][0]
    assert record["eventSource"] == "aws:dynamodb" and record["eventName"] == "INSERT"
    assert record["awsRegion"] == REGION
    assert record["eventSourceARN"].startswith(f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{TABLE}/stream/")
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)
    assert record["dynamodb"]["NewImage"]["status"] == {"S": "open"}
    assert [k for b in batches for k in _keys(b["Records"])] == [(f"c{n}", "CONVERSATION") for n in range(130)]
    assert feed.poll_once() == 0


def test_a_reported_failure_is_retried_from_it_then_its_batch_goes_to_the_on_failure_destination(moto):
    dynamodb = moto.clients("dynamodb")
    given: list[list[str]] = []
    dead: list[dict] = []

    def fanout(event):
        given.append([r["dynamodb"]["Keys"]["pk"]["S"] for r in event["Records"]])
        bad = [r for r in event["Records"] if r["dynamodb"]["Keys"]["pk"]["S"] == "c2"]
        return {"batchItemFailures": [{"itemIdentifier": r["dynamodb"]["SequenceNumber"]} for r in bad]}

    feed = ChangeFeed(moto.stream, fanout, dead_letters=dead.append)
    feed._stream_arn = moto.stream.arn()
    for n in range(4):
        dynamodb.put_item(TableName=TABLE, Item=_item(f"c{n}", "CONVERSATION"))
    feed.poll_once()
    assert given == [["c0", "c1", "c2", "c3"]] + [["c2", "c3"]] * names.REALTIME_FANOUT_RETRY_ATTEMPTS
    assert len(dead) == 1 and dead[0]["DDBStreamBatchInfo"]["batchSize"] == 2
    assert dead[0]["requestContext"]["condition"] == "RetryAttemptsExhausted"

    given.clear()
    dynamodb.put_item(TableName=TABLE, Item=_item("c9", "CONVERSATION"))
    feed.poll_once()
    assert given == [["c9"]]  # the feed moved on


def test_a_failing_fanout_fails_the_whole_batch_and_the_feed_goes_on(moto):
    dynamodb = moto.clients("dynamodb")
    calls: list[int] = []

    def fanout(event):
        calls.append(len(event["Records"]))
        raise RuntimeError("the table is unreachable")

    dead: list[dict] = []
    feed = ChangeFeed(moto.stream, fanout, dead_letters=dead.append).start()
    try:
        dynamodb.put_item(TableName=TABLE, Item=_item("c1", "CONVERSATION"))
        deadline = time.monotonic() + 10
        while not dead and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        feed.stop()
        assert feed.join(10)
    assert calls == [1] * (names.REALTIME_FANOUT_RETRY_ATTEMPTS + 1)
    assert dead[0]["DDBStreamBatchInfo"]["batchSize"] == 1


def test_id_tokens_live_as_long_as_the_app_client_says(moto):
    cognito = moto.clients("cognito-idp")
    pool = cognito.create_user_pool(PoolName="lobby-test", UsernameAttributes=["email"])["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="console",
                                             ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]
    cognito.admin_create_user(UserPoolId=pool, Username="ana@example.com", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username="ana@example.com", Password="Ana-Lima-2026!",
                                    Permanent=True)

    def lifetime() -> int:
        from realtime_client import claims_of

        tokens = cognito.initiate_auth(ClientId=client["ClientId"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
            "USERNAME": "ana@example.com", "PASSWORD": "Ana-Lima-2026!"})["AuthenticationResult"]
        claims = claims_of(tokens["IdToken"])
        return claims["exp"] - claims["iat"]

    assert lifetime() == 3600  # none set: Cognito's hour
    for validity, unit, seconds in ((20, "seconds", 20), (5, "minutes", 300), (2, "hours", 7200), (1, None, 3600)):
        units = {"IdToken": unit} if unit else {}
        cognito.update_user_pool_client(UserPoolId=pool, ClientId=client["ClientId"], IdTokenValidity=validity,
                                        TokenValidityUnits=units, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])
        assert lifetime() == seconds, (validity, unit)
