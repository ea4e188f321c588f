"""The roles as the stack deploys them, on moto with its IAM checks on: each function's real handler runs signed as a
user holding exactly its role's actions.

moto's IAM checks actions, not resources (the exact resources are asserted on the template in
test_channels.py, test_reconciliation.py and test_attachments_bucket.py), and names some APIs by themselves where IAM
authorizes them by other actions (AUTHORIZED_AS: a transaction item by item, an SQS batch as its single action):
the user holds such an API when its role holds those actions. Without this, a call a role lacks (the ingest's
BatchWriteItem was one) passes every other moto test and fails in AWS.
"""

from __future__ import annotations

import json
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

import boto3
import pytest
import requests
from moto import mock_aws

from infra import names

REGION = "eu-west-1"
HOTEL, PROPERTY, THREAD = "h-roles", "31415926", "thr-roles"
CREDENTIALS = {"client_id": "lobby-roles", "client_secret": "s3cret", "callback_secret": "callback-s3cret"}
GUEST_TEXT = "Bonjour, à quelle heure le petit-déjeuner ?"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# APIs that moto checks by their own name while IAM authorizes them by other actions (AWS's documentation).
AUTHORIZED_AS = {
    "dynamodb:TransactWriteItems": {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"},
    "sqs:SendMessageBatch": {"sqs:SendMessage"},
    "sqs:DeleteMessageBatch": {"sqs:DeleteMessage"},
    "sqs:ChangeMessageVisibilityBatch": {"sqs:ChangeMessageVisibility"},
}
# A function whose transactions hold fewer kinds of items: the expiry's is a Put (its guard) and an Update (a counter
# shard), never a ConditionCheck (store.expiry), so its role rightly lacks dynamodb:ConditionCheckItem.
TRANSACTION_ITEMS = {names.EXPIRY_HANDLER: {"dynamodb:PutItem", "dynamodb:UpdateItem"}}
ROLES = (names.EXPEDIA_CALLBACK_HANDLER, names.EXPEDIA_RECONCILE_HANDLER, names.EXPEDIA_INGEST_HANDLER,
         names.API_HANDLER, names.OUTBOUND_SENDER_HANDLER, names.REALTIME_SOCKET_HANDLER, names.REALTIME_FANOUT_HANDLER,
         names.EXPIRY_HANDLER)


def role_policy(cfn, handler: str) -> dict:
    """The function's role as one IAM policy: its actions, on every resource (moto checks actions only)."""
    function_id, _ = cfn.function(handler)
    actions = cfn.actions(cfn.role_of(function_id))
    authorized_as = {**AUTHORIZED_AS, **({"dynamodb:TransactWriteItems": TRANSACTION_ITEMS[handler]}
                                         if handler in TRANSACTION_ITEMS else {})}
    actions |= {api for api, authorized_by in authorized_as.items() if authorized_by <= actions}
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": sorted(actions), "Resource": "*"}]}


@dataclass
class World:
    resources: object
    standin: object
    users: dict  # handler (None: an administrator, for the test's own calls) -> its access key
    monkeypatch: pytest.MonkeyPatch

    def sign_as(self, handler: str | None) -> None:
        """From now on every AWS call is signed with that function's user."""
        from wiring import container

        key = self.users[handler]
        self.monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
        self.monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
        self.monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # it keeps the credentials it resolved first
        container.reset()  # clients are built again with these credentials

    def run(self, handler: str, function_name: str, event: dict):
        from importlib import import_module

        from local.lambda_runtime import LambdaContext

        self.sign_as(handler)
        try:
            return import_module(handler.rsplit(".", 1)[0]).handler(event, LambdaContext(function_name=function_name))
        finally:
            self.sign_as(None)

    @contextmanager
    def without_iam_checks(self):
        from moto import settings as moto_settings

        self.monkeypatch.setattr(moto_settings, "INITIAL_NO_AUTH_ACTION_COUNT", float("inf"))
        try:
            yield
        finally:
            self.monkeypatch.setattr(moto_settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)

    def sqs_event(self, queue: str) -> dict:
        """What the event source mapping hands the consumer: every message waiting in the queue, with its
        message attributes (the reconciler marks what it queued)."""
        from local.lambda_runtime import sqs_event

        sqs = boto3.client("sqs", region_name=REGION)
        messages = sqs.receive_message(QueueUrl=self.resources.queue_urls[queue], MaxNumberOfMessages=10,
                                       AttributeNames=["All"], MessageAttributeNames=["All"])
        return sqs_event(messages.get("Messages", []), f"arn:aws:sqs:{REGION}:123456789012:{queue}", REGION)


@pytest.fixture
def world(cfn, monkeypatch):
    from moto import settings as moto_settings
    from moto.core.authorization import ActionAuthenticatorMixin

    from inbox.ports import Hotel
    from local.expedia.standin import ExpediaStandIn
    from local.resources import create_resources
    from store.dynamo import DynamoStore

    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.setenv(name, REGION)
    standin = ExpediaStandIn(callback_secret=CREDENTIALS["callback_secret"], client_id=CREDENTIALS["client_id"],
                             client_secret=CREDENTIALS["client_secret"], id_prefix="roles-").start()
    with mock_aws():
        resources = create_resources(boto3.Session(region_name=REGION), REGION, CREDENTIALS,
                                     console_origins=("https://console.example",))
        store = DynamoStore(resources.table_name, REGION)
        store.put_hotel(Hotel(HOTEL, "Hôtel des Rôles", "Europe/Paris", bot_enabled=False))
        store.set_expedia_property(HOTEL, PROPERTY)
        for name, value in {
            "TABLE_NAME": resources.table_name, "ATTACHMENTS_BUCKET": resources.attachments_bucket,
            "EXPEDIA_SECRET_ARN": resources.expedia_secret_arn,
            "EXPEDIA_EVENTS_QUEUE_URL": resources.queue_urls[names.EXPEDIA_EVENTS_QUEUE],
            "OUTBOUND_QUEUE_URL": resources.queue_urls[names.OUTBOUND_QUEUE],
            "OUTBOUND_DLQ_URL": resources.queue_urls[names.OUTBOUND_DLQ],
            "SCHEDULE_GROUP": resources.schedule_group, "SCHEDULER_ROLE_ARN": resources.scheduler_role_arn,
            "WAKE_UP_FUNCTION_ARN": resources.function_arn(names.WAKE_UP_FUNCTION),
            "SCHEDULER_DLQ_ARN": resources.queue_arns[names.SCHEDULER_DLQ],
            "EXPEDIA_GRAPHQL_URL": standin.graphql_url, "EXPEDIA_TOKEN_URL": standin.token_url,
            "EXPEDIA_FILES_URL": standin.files_url, "EXPEDIA_BACKOFF_SECONDS": "0.01",
            names.USER_POOL_ID_VARIABLE: resources.user_pool_id,
            "CONNECTIONS_TABLE": resources.connections_table,
        }.items():
            monkeypatch.setenv(name, value)
        iam = boto3.client("iam", region_name=REGION)
        users = {}
        for handler in (None, *ROLES):
            user = (handler or "admin").replace(".", "-")
            iam.create_user(UserName=user)
            policy = role_policy(cfn, handler) if handler else {
                "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
            iam.put_user_policy(UserName=user, PolicyName="role", PolicyDocument=json.dumps(policy))
            users[handler] = iam.create_access_key(UserName=user)["AccessKey"]
        monkeypatch.setattr(moto_settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)  # IAM checks from here on
        world = World(resources, standin, users, monkeypatch)
        world.sign_as(None)
        try:
            yield world
        finally:
            standin.stop()
    monkeypatch.setattr(ActionAuthenticatorMixin, "request_count", 0)
    from wiring import container

    container.reset()  # no client built here outlives moto


def reconcile_and_ingest(world: World) -> None:
    """An outage, then the hour's reconciliation and the ingest of what it queued, each with its own role."""
    world.standin.set_outage(False)
    written = world.standin.add_message(THREAD, {"propertyId": PROPERTY, "body": GUEST_TEXT,
                                                 "traveler": {"firstName": "Inès", "lastName": "Moreau"}})
    # A traveler's message re-reviewed: an update of a message that is not Lobby's, which only takes its guard
    # (store.take_guards, one BatchWriteItem).
    world.standin.review(written["messageId"], "IN_REVIEW")
    found = world.run(names.EXPEDIA_RECONCILE_HANDLER, names.EXPEDIA_RECONCILE_FUNCTION, {})
    assert found["queued"] == 3, found  # thread created, message received, message updated
    answer = world.run(names.EXPEDIA_INGEST_HANDLER, names.EXPEDIA_INGEST_FUNCTION,
                       world.sqs_event(names.EXPEDIA_EVENTS_QUEUE))
    assert answer == {"batchItemFailures": []}, answer


def test_a_reconciliation_and_its_ingest_run_with_exactly_their_roles(world):
    from inbox.model import Tab
    from wiring import container

    reconcile_and_ingest(world)

    opened = container.store().list_tab(HOTEL, Tab.OPEN, 10)
    assert [c.contact_name for c in opened.items] == ["Inès Moreau"]
    stored = container.store().list_messages(HOTEL, opened.items[0].id, 10)
    assert [m.text for m in stored.items] == [GUEST_TEXT]
    # The api role reads the hotel's health and the channel's last run; what the reconciler queued is no callback.
    status, channels = api_call(world, "GET", f"/v1/hotels/{HOTEL}/channels", {})
    assert status == 200, channels
    (expedia,) = channels["items"]
    assert (expedia["undelivered"], expedia["last_notification_at"]) == (3, None)
    assert expedia["last_reconciled_at"] is not None


def test_expedias_callback_queues_a_signed_notification_with_exactly_its_role(world):
    import base64

    from expedia.signature import sign

    body = json.dumps({"notificationId": "ntf-roles", "eventType": "MessageReceived",
                       "creationDateTime": "2026-12-02T01:00:00.000Z",
                       "payload": {"propertyId": PROPERTY, "messageThreadId": THREAD, "messageId": "msg-1"}}).encode()
    headers = {"Content-Type": "application/json", "x-expedia-signature": sign(CREDENTIALS["callback_secret"], body)}
    path = names.EXPEDIA_CALLBACK_PATH
    event = {"resource": path, "path": path, "httpMethod": "POST", "headers": headers,
             "multiValueHeaders": {k: [v] for k, v in headers.items()}, "queryStringParameters": None,
             "multiValueQueryStringParameters": None, "pathParameters": None, "stageVariables": None,
             "requestContext": {"resourcePath": path, "httpMethod": "POST", "path": f"/prod{path}", "stage": "prod",
                                "requestId": str(uuid.uuid4()), "identity": {"sourceIp": "127.0.0.1"}},
             "body": base64.b64encode(body).decode(), "isBase64Encoded": True}
    answer = world.run(names.EXPEDIA_CALLBACK_HANDLER, names.EXPEDIA_CALLBACK_FUNCTION, event)
    assert answer["statusCode"] == 202, answer
    assert [r["body"] for r in world.sqs_event(names.EXPEDIA_EVENTS_QUEUE)["Records"]] == [body.decode()]


def api_call(world: World, method: str, path: str, body: dict, role: str | None = None) -> tuple[int, dict]:
    """The API function behind the authorizer, for an agent of the hotel (``role``: "admin" for an admin)."""
    from auth.principal import Principal
    from inbox.model import Actor, ActorType

    context = Principal(Actor(ActorType.AGENT, "agent-1", "Ana"), frozenset({HOTEL}), role).to_context()
    headers = {"Content-Type": "application/json"}
    event = {
        "resource": "/v1/hotels/{proxy+}", "path": path, "httpMethod": method, "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()}, "queryStringParameters": None,
        "multiValueQueryStringParameters": None, "pathParameters": {"proxy": path.removeprefix("/v1/hotels/")},
        "stageVariables": None, "body": json.dumps(body), "isBase64Encoded": False,
        "requestContext": {"resourcePath": "/v1/hotels/{proxy+}", "httpMethod": method, "path": f"/prod{path}",
                           "stage": "prod", "requestId": str(uuid.uuid4()), "accountId": "123456789012",
                           "apiId": "abc123", "identity": {"sourceIp": "127.0.0.1", "userAgent": "roles-test"},
                           "authorizer": context},
    }
    answer = world.run(names.API_HANDLER, names.API_FUNCTION, event)
    return answer["statusCode"], json.loads(answer["body"])


def test_an_agents_file_is_granted_uploaded_replied_and_sent_with_exactly_the_api_and_sender_roles(world):
    from inbox.model import Delivery, Tab
    from wiring import container

    reconcile_and_ingest(world)
    (conversation,) = container.store().list_tab(HOTEL, Tab.OPEN, 10).items
    base = f"/v1/hotels/{HOTEL}/conversations/{conversation.id}"

    status, granted = api_call(world, "POST", f"{base}/attachments",
                               {"name": "facture.pdf", "content_type": "application/pdf", "size": len(PDF)})
    assert status == 201, granted
    # The browser posts the file with the grant the api role signed (moto serves the bucket's endpoint). moto's
    # IAM checks want an Authorization header, which a form POST has not: they pause for this one request.
    with world.without_iam_checks():
        upload = requests.post(granted["upload"]["url"], data=granted["upload"]["fields"],
                               files={"file": ("facture.pdf", PDF, "application/pdf")}, timeout=10)
    assert upload.status_code in (200, 201, 204), upload.text

    status, never_uploaded = api_call(world, "POST", f"{base}/attachments",
                                      {"name": "plan.png", "content_type": "image/png", "size": 10})
    status, refused = api_call(world, "POST", f"{base}/messages", {"text": "", "attachment_ids": [never_uploaded["id"]]})
    # 422, nothing sent. (moto answers HEAD of a missing key 404 whatever the role; AWS answers 403 unless the
    # role may list the bucket, which test_attachments_bucket.py asserts on the template.)
    assert status == 422, refused

    status, reply = api_call(world, "POST", f"{base}/messages", {"text": "Voici la facture.",
                                                                 "attachment_ids": [granted["id"]]})
    assert status in (200, 201), reply
    answer = world.run(names.OUTBOUND_SENDER_HANDLER, names.OUTBOUND_SENDER_FUNCTION,
                       world.sqs_event(names.OUTBOUND_QUEUE))
    assert answer == {"batchItemFailures": []}, answer

    (sent,) = [s["input"] for s in world.standin.sent if s["operation"] == "sendMessage"]
    (uploaded,) = [f for f in world.standin.files.listing() if f["source"] != "traveler"]
    assert (uploaded["name"], uploaded["size"]) == ("facture.pdf", len(PDF))
    assert sent["attachmentIds"] == [uploaded["attachmentId"]] and sent["body"] == "Voici la facture."
    delivered = [m for m in container.store().list_messages(HOTEL, conversation.id, 10).items if m.id == reply["id"]]
    assert [m.delivery for m in delivered] == [Delivery.DELIVERED]


def test_the_hotels_team_is_listed_with_exactly_the_api_role_and_no_other_function_may(world):
    """The agent directory under the api function's role: ListUsersInGroup of the hotel's group (moto checks
    the action); a role without it (the ingest's) is refused, so the grant is what lets the api list agents."""
    from botocore.exceptions import ClientError

    from admin import create_agent
    from wiring import container

    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool = world.resources.user_pool_id
    create_agent(cognito, pool, "ana@roles.example", "Ana Lima", "Roles-Passw0rd!", [HOTEL], role="admin")
    create_agent(cognito, pool, "ben@roles.example", "Ben Martin", "Roles-Passw0rd!", [HOTEL])

    world.sign_as(names.API_HANDLER)
    try:
        agents = container.inbox().agents(HOTEL)
    finally:
        world.sign_as(None)
    assert [(a.name, a.role) for a in agents] == [("Ana Lima", "admin"), ("Ben Martin", "agent")]

    world.sign_as(names.EXPEDIA_INGEST_HANDLER)
    try:
        with pytest.raises(ClientError, match="not authorized to perform: cognito-idp:ListUsersInGroup"):
            container.directory().agents(HOTEL)
    finally:
        world.sign_as(None)


# Real time: the socket and fan-out roles. @connections is the local emulator (real HTTP, which moto does not check):
# the template tests hold execute-api:ManageConnections to this API's stage.

@pytest.fixture
def connections_endpoint(world):
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
    world.monkeypatch.setenv("REALTIME_CONNECTIONS_URL", f"http://127.0.0.1:{server.server_port}/local/connections")
    yield app.registry
    server.shutdown()
    server.server_close()


def _socket_event(route: str, connection_id: str, *, authorizer: dict | None = None, body: str | None = None) -> dict:
    event_type = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route, "MESSAGE")
    return {"requestContext": {"routeKey": route, "eventType": event_type, "connectionId": connection_id,
                               "stage": names.REALTIME_STAGE, "apiId": "abc123", "requestId": str(uuid.uuid4()),
                               **({"authorizer": authorizer} if authorizer else {})},
            "isBase64Encoded": False, **({"body": body} if body is not None else {})}


def _context(agent_id: str, name: str) -> dict:
    from auth.principal import Principal
    from inbox.model import Actor, ActorType

    return {**Principal(Actor(ActorType.AGENT, agent_id, name), frozenset({HOTEL}), role="agent").to_context(),
            "principalId": agent_id}


def test_the_consoles_sockets_presence_and_fan_out_run_with_exactly_their_roles(world, connections_endpoint):
    import threading
    from datetime import UTC, datetime, timedelta

    from moto.core import DEFAULT_ACCOUNT_ID

    from inbox.inbound import GuestProfile, InboundMessage
    from local.changes import MotoStream, lambda_record, passes_filter
    from wiring import container

    def socket(route: str, connection_id: str, **options) -> dict:
        return world.run(names.REALTIME_SOCKET_HANDLER, names.REALTIME_SOCKET_FUNCTION,
                         _socket_event(route, connection_id, **options))

    frames: dict[str, list[str]] = {"ana=": [], "ben=": []}
    for connection_id, (agent_id, name) in zip(frames, (("agent-ana", "Ana"), ("agent-ben", "Ben")), strict=True):
        connections_endpoint.register(connection_id, frames[connection_id].append)
        assert socket("$connect", connection_id, authorizer=_context(agent_id, name)) == {"statusCode": 200}

    stream = MotoStream(world.resources.table_name, DEFAULT_ACCOUNT_ID, REGION, threading.Lock())
    stream.skip()
    received = container.inbox().receive(InboundMessage(  # as the administrator: what the ingest would write
        hotel_id=HOTEL, channel="expedia", external_conversation_id="thr-roles-rt", external_message_id="thr-roles-rt-1",
        text=GUEST_TEXT, sent_at=datetime.now(UTC) - timedelta(minutes=1),
        sender=GuestProfile(external_id="guest-roles-rt", name="Inès Moreau"), wants_human=True))

    def fan_out() -> dict:
        arn = stream.arn()
        records = [lambda_record(r, REGION, arn) for r in stream.take() if passes_filter(r)]
        return world.run(names.REALTIME_FANOUT_HANDLER, names.REALTIME_FANOUT_FUNCTION, {"Records": records})

    assert fan_out() == {"batchItemFailures": []}
    for connection_id, got in frames.items():
        assert [json.loads(f)["type"] for f in got] == ["batch"], connection_id
        assert [e["type"] for e in json.loads(got[0])["events"]] == ["message", "conversation", "counts"]

    # Ana opens the conversation: Ben is told (presence reads the connection, the conversation, marks it viewed).
    presence = json.dumps({"action": "presence", "conversation_id": received.conversation_id, "state": "viewing"})
    assert socket(names.REALTIME_PRESENCE_ROUTE, "ana=", body=presence)["statusCode"] == 200
    told = json.loads(frames["ben="][-1])
    assert (told["type"], told["agent"]["name"], told["state"]) == ("presence", "Ana", "viewing")

    # Ana's socket is gone (410): the next fan-out removes her connection, Ben still gets his.
    connections_endpoint.unregister("ana=")
    container.inbox().receive(InboundMessage(
        hotel_id=HOTEL, channel="expedia", external_conversation_id="thr-roles-rt", external_message_id="thr-roles-rt-2",
        text="Merci !", sent_at=datetime.now(UTC), sender=GuestProfile(external_id="guest-roles-rt", name="Inès Moreau")))
    before = len(frames["ben="])
    assert fan_out() == {"batchItemFailures": []}
    assert len(frames["ben="]) == before + 1
    assert container.connections().get("ana=") is None

    assert socket("$disconnect", "ben=") == {"statusCode": 200}
    assert container.connections().of_hotel(HOTEL) == []


def test_ttl_removals_of_a_message_with_a_file_and_of_its_conversation_run_with_exactly_the_expiry_role(world):
    """What DynamoDB's TTL deletes, told by its stream: the message's file goes, the conversation's counts follow
    and its guest's contact, left without conversations, goes too; each with the expiry role alone."""
    import time
    from datetime import UTC, datetime, timedelta

    from inbox.inbound import GuestProfile, InboundMessage, conversation_id_for
    from inbox.model import Tab
    from local.changes import lambda_record
    from local.expiry import passes_expiry_filter, ttl_removal
    from store import keys
    from wiring import container

    thread = "thr-roles-ttl"
    cid = conversation_id_for(HOTEL, "expedia", thread)
    kept = container.inbox().keep_channel_file(HOTEL, cid, "file-ttl", "passeport.pdf", "application/pdf", PDF)
    received = container.inbox().receive(InboundMessage(  # as the administrator: what the ingest would write
        hotel_id=HOTEL, channel="expedia", external_conversation_id=thread, external_message_id=f"{thread}-1",
        text=GUEST_TEXT, sent_at=datetime.now(UTC) - timedelta(minutes=1), attachments=(kept,),
        sender=GuestProfile(external_id="guest-roles-ttl", name="Inès Moreau"), wants_human=True))
    assert received.conversation_id == cid
    contact_id = container.store().get_conversation(HOTEL, cid).contact_id
    assert container.store().tab_counts(HOTEL)[Tab.OPEN] == 1
    dynamodb, s3 = boto3.client("dynamodb", region_name=REGION), boto3.client("s3", region_name=REGION)
    table, bucket = world.resources.table_name, world.resources.attachments_bucket

    def ttl_deletes(sk_prefix: str) -> dict:
        """DynamoDB's TTL deleting the conversation's item (as the administrator), and the record it writes."""
        (item,) = dynamodb.query(TableName=table, KeyConditionExpression="pk = :pk AND begins_with(sk, :sk)",
                                 ExpressionAttributeValues={":pk": {"S": keys.conversation_pk(HOTEL, cid)},
                                                            ":sk": {"S": sk_prefix}})["Items"]
        dynamodb.delete_item(TableName=table, Key={"pk": item["pk"], "sk": item["sk"]})
        record = ttl_removal(item, sequence_number=int(time.time() * 1000), at=time.time())
        assert passes_expiry_filter(record)
        return lambda_record(record, REGION, f"arn:aws:dynamodb:{REGION}:123456789012:table/{table}/stream/x")

    answer = world.run(names.EXPIRY_HANDLER, names.EXPIRY_FUNCTION, {"Records": [ttl_deletes(keys.MESSAGE_PREFIX)]})
    assert answer == {"batchItemFailures": []}, answer
    assert s3.list_objects_v2(Bucket=bucket, Prefix=kept.key).get("KeyCount") == 0  # the file went with it

    answer = world.run(names.EXPIRY_HANDLER, names.EXPIRY_FUNCTION, {"Records": [ttl_deletes(keys.CONVERSATION_SK)]})
    assert answer == {"batchItemFailures": []}, answer
    assert container.store().tab_counts(HOTEL)[Tab.OPEN] == 0
    assert container.store().get_contact(HOTEL, contact_id) is None


def test_a_guest_with_a_file_is_exported_and_erased_with_exactly_the_api_role(world):
    """The erase's reads and deletes (Query, the transaction's Delete and Update, BatchWriteItem, DeleteItem; the
    files listed and deleted) and the export's links, signed as the api function."""
    from inbox.model import Tab
    from store import keys
    from wiring import container

    reconcile_and_ingest(world)
    (conversation,) = container.store().list_tab(HOTEL, Tab.OPEN, 10).items
    base = f"/v1/hotels/{HOTEL}/conversations/{conversation.id}"
    status, granted = api_call(world, "POST", f"{base}/attachments",
                               {"name": "facture.pdf", "content_type": "application/pdf", "size": len(PDF)})
    assert status == 201, granted
    with world.without_iam_checks():  # the browser's form POST (no Authorization header for moto's IAM checks)
        upload = requests.post(granted["upload"]["url"], data=granted["upload"]["fields"],
                               files={"file": ("facture.pdf", PDF, "application/pdf")}, timeout=10)
    assert upload.status_code in (200, 201, 204), upload.text
    status, reply = api_call(world, "POST", f"{base}/messages", {"text": "Voici la facture.",
                                                                 "attachment_ids": [granted["id"]]})
    assert status in (200, 201), reply
    contact = f"/v1/hotels/{HOTEL}/contacts/{conversation.contact_id}"

    status, exported = api_call(world, "GET", f"{contact}/export", {}, role="admin")
    assert status == 200, exported
    status, erased = api_call(world, "POST", f"{contact}/erase", {}, role="admin")
    assert status == 202, erased

    s3, dynamodb = boto3.client("s3", region_name=REGION), boto3.client("dynamodb", region_name=REGION)
    assert s3.list_objects_v2(Bucket=world.resources.attachments_bucket,
                              Prefix=f"hotels/{HOTEL}/conversations/{conversation.id}/").get("KeyCount") == 0
    left = dynamodb.query(TableName=world.resources.table_name, KeyConditionExpression="pk = :pk",
                          ExpressionAttributeValues={":pk": {"S": keys.conversation_pk(HOTEL, conversation.id)}})
    assert left["Items"] == []
    assert container.store().get_contact(HOTEL, conversation.contact_id) is None
    assert container.store().tab_counts(HOTEL)[Tab.OPEN] == 0

