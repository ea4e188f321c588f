"""The expiry function on moto: conversations across the tabs (one assigned, one with a guest's file), then
DynamoDB's TTL simulated (moto enables TTL and never deletes): the items deleted as TTL deletes them, the
stream's REMOVE records (moto's own, old images included) marked as TTL's, the handler invoked as the event
source would. The hotel's counts equal a recount, search no longer finds the guests, a contact goes with its
last conversation, a file with its message; a repeated record changes nothing, a user's delete is not an
expiry, an unreadable record fails alone."""

from __future__ import annotations

import copy
import threading
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from conversations_helpers import RequestCounter
from lobby_env import TABLE

from directory.cognito import group_name
from inbox.inbound import GuestProfile, InboundMessage, contact_id_for
from inbox.model import Actor, ActorType, Attachment, Status, Tab
from inbox.ports import Hotel
from infra import names
from store import keys
from store.expiry import TTL_PRINCIPAL
from store.schema import PARTITION_KEY, SORT_KEY, table_definition, time_to_live

ACCOUNT = "123456789012"  # moto's default account
BUCKET = "lobby-attachments-test"
TTL_IDENTITY = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}  # what AWS writes on TTL's records


@dataclass
class LambdaContext:
    function_name: str = names.EXPIRY_FUNCTION
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:{names.EXPIRY_FUNCTION}"
    aws_request_id: str = ""

    def __post_init__(self):
        self.aws_request_id = self.aws_request_id or str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return names.EXPIRY_TIMEOUT_SECONDS * 1000


class Stream:
    """What moto's stream recorded since the last read, as Lambda's event source hands records over."""

    def __init__(self, region: str):
        from local.changes import MotoStream

        self.region = region
        self._stream = MotoStream(TABLE, ACCOUNT, region, threading.Lock())
        self._arn = self._stream.arn()
        self._stream.skip()

    def read(self) -> list[dict[str, Any]]:
        from local.changes import lambda_record

        return [lambda_record(r, self.region, self._arn) for r in self._stream.take()]


@pytest.fixture
def table(aws, region):
    """The main table as AWS has it: its stream (new and old images) and TTL on ``expires_at``."""
    dynamodb = boto3.client("dynamodb", region_name=region)
    dynamodb.create_table(**table_definition(TABLE, stream=True))
    dynamodb.update_time_to_live(**time_to_live(TABLE))
    return TABLE


@pytest.fixture
def ana(region, monkeypatch) -> Actor:
    """An agent of h1 in moto's user pool (the inbox's directory), to assign a conversation to."""
    cognito = boto3.client("cognito-idp", region_name=region)
    pool = cognito.create_user_pool(PoolName="lobby-agents", Schema=[
        {"Name": "hotel_ids", "AttributeDataType": "String", "Mutable": True},
        {"Name": "role", "AttributeDataType": "String", "Mutable": True}])["UserPool"]["Id"]
    cognito.create_group(UserPoolId=pool, GroupName=group_name("h1"))
    user = cognito.admin_create_user(UserPoolId=pool, Username="ana@lumiere.example", MessageAction="SUPPRESS",
                                     UserAttributes=[{"Name": "name", "Value": "Ana Lima"},
                                                     {"Name": "email", "Value": "ana@lumiere.example"},
                                                     {"Name": "custom:hotel_ids", "Value": "h1"}])["User"]
    cognito.admin_add_user_to_group(UserPoolId=pool, GroupName=group_name("h1"), Username="ana@lumiere.example")
    monkeypatch.setenv("USER_POOL_ID", pool)
    return Actor(ActorType.AGENT, {a["Name"]: a["Value"] for a in user["Attributes"]}["sub"], "Ana Lima")


@pytest.fixture
def s3(api_settings, monkeypatch, region):
    client = boto3.client("s3", region_name=region)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": region})
    monkeypatch.setenv("ATTACHMENTS_BUCKET", BUCKET)
    return client


@pytest.fixture
def service(api_settings, s3, ana, store):
    from wiring import container

    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris"))
    store.put_hotel(Hotel("h2", "Hotel Rivage", "Europe/Lisbon"))
    container.reset()
    return container.inbox()


@pytest.fixture
def stream(table, region, service) -> Stream:
    return Stream(region)


@pytest.fixture
def expire(service):
    """The expiry function, invoked as the event source invokes it."""
    from expiry.handler import handler

    return lambda records: handler({"Records": records}, LambdaContext())


SENT = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
GUESTS = {"ines": ("g-ines", "Inès Moreau", "ines@example.com"), "jon": ("g-jon", "Jon Berg", "jon@example.com"),
          "kim": ("g-kim", "Kim Sato", "kim@example.com"), "lou": ("g-lou", "Lou Ferrand", "lou@example.com")}


def guest_writes(service, hotel_id: str, thread: str, guest: str, n: int = 1, attachments=()) -> str:
    external_id, name, email = GUESTS[guest]
    return service.receive(InboundMessage(
        hotel_id=hotel_id, channel="webchat", external_conversation_id=thread, external_message_id=f"{thread}-{n}",
        text="I would like to talk to someone", sent_at=SENT + timedelta(minutes=n),
        sender=GuestProfile(external_id, name, email), wants_human=True, attachments=attachments)).conversation_id


@pytest.fixture
def tabs(service, ana, s3):
    """h1: Inès's open conversation (assigned to Ana) and her closed one, Jon's on hold with a file, Kim's spam,
    Lou's open; h2: Inès too (another hotel's guest)."""
    agent = Actor(ActorType.AGENT, ana.id, ana.name)
    ids = {"ines-open": guest_writes(service, "h1", "t-ines-1", "ines"),
           "ines-closed": guest_writes(service, "h1", "t-ines-2", "ines")}
    service.assign("h1", ids["ines-open"], agent, ana.id)
    service.close("h1", ids["ines-closed"], agent)
    ids["jon-held"] = guest_writes(service, "h1", "t-jon", "jon")
    key = f"hotels/h1/conversations/{ids['jon-held']}/passport.pdf"
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"%PDF-1.7 passport", ContentType="application/pdf")
    guest_writes(service, "h1", "t-jon", "jon", n=2,
                 attachments=(Attachment("f1", "passport.pdf", "application/pdf", 17, key=key),))
    service.hold("h1", ids["jon-held"], agent, datetime.now(UTC) + timedelta(days=2))
    ids["kim-spam"] = guest_writes(service, "h1", "t-kim", "kim")
    service.mark_spam("h1", ids["kim-spam"], agent)
    ids["lou-open"] = guest_writes(service, "h1", "t-lou", "lou")
    ids["h2-ines"] = guest_writes(service, "h2", "t-ines-h2", "ines")
    return ids


def conversation_key(hotel_id: str, cid: str) -> dict:
    return {PARTITION_KEY: {"S": keys.conversation_pk(hotel_id, cid)}, SORT_KEY: {"S": keys.CONVERSATION_SK}}


def deletes(stream: Stream, region: str, *item_keys: dict) -> list[dict]:
    """Delete these items as TTL deletes an item whose time has come; the stream's records of it (moto's, with
    the old images), as a user's delete gives them (no ``userIdentity``)."""
    stream.read()  # what was written before (the expiry's own writes too) is not part of it
    client = boto3.client("dynamodb", region_name=region)
    for key in item_keys:
        assert client.delete_item(TableName=TABLE, Key=key, ReturnValues="ALL_OLD").get("Attributes")
    records = stream.read()
    assert len(records) == len(item_keys)
    assert all(r["eventName"] == "REMOVE" and r["dynamodb"].get("OldImage") for r in records)
    return records


def ttl_deletes(stream: Stream, region: str, *item_keys: dict) -> list[dict]:
    """The records as AWS writes TTL's removals: with the service's identity."""
    return [{**r, "userIdentity": dict(TTL_IDENTITY)} for r in deletes(stream, region, *item_keys)]


def recount(store, hotel_id: str) -> tuple[Counter, Counter]:
    """Every remaining conversation of the hotel, counted by tab and by its assignee's tabs."""
    found = {}
    for tab in Tab:
        page = store.list_tab(hotel_id, tab, 100)
        found.update({c.id: c for c in page.items})
    tabs: Counter = Counter()
    mine: Counter = Counter()
    for c in found.values():
        tabs.update(c.tabs)
        if c.assignee:
            mine.update((c.assignee.id, t) for t in c.tabs)
    return tabs, mine


def counted(store, hotel_id: str) -> tuple[Counter, Counter]:
    team = store.team_counts(hotel_id)
    by_agent = Counter({(agent, tab): n for agent, counts in team.by_agent.items() for tab, n in counts.items()})
    return +Counter(team.tabs), +by_agent


def message_keys(store, hotel_id: str, cid: str) -> list[dict]:
    messages = store.list_messages(hotel_id, cid, 100).items
    return [{PARTITION_KEY: {"S": keys.conversation_pk(hotel_id, cid)}, SORT_KEY: {"S": keys.message_sk(m.sent_at, m.id)}}
            for m in messages]


def test_the_principal_is_the_one_the_stack_filters_on():
    assert TTL_PRINCIPAL == names.TTL_PRINCIPAL == TTL_IDENTITY["principalId"]


def test_expired_conversations_leave_counts_search_contacts_and_files(service, store, tabs, stream, expire, region, s3):
    assert counted(store, "h1") == recount(store, "h1")
    before = store.team_counts("h1").tabs
    assert (before[Tab.OPEN], before[Tab.CLOSED], before[Tab.ON_HOLD], before[Tab.SPAM]) == (2, 1, 1, 1)
    ines = contact_id_for("webchat", "g-ines")
    assert store.get_contact("h1", ines).conversation_ids == {tabs["ines-open"], tabs["ines-closed"]}
    jon_files = f"hotels/h1/conversations/{tabs['jon-held']}/"
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix=jon_files)["KeyCount"] == 1

    # Inès's two conversations and Jon's, with all Jon's messages, reach their time.
    records = ttl_deletes(stream, region, conversation_key("h1", tabs["ines-open"]),
                          conversation_key("h1", tabs["ines-closed"]), conversation_key("h1", tabs["jon-held"]),
                          *message_keys(store, "h1", tabs["jon-held"]))
    assert expire(records) == {"batchItemFailures": []}

    tabs_now, mine_now = counted(store, "h1")
    assert (tabs_now, mine_now) == recount(store, "h1")
    assert tabs_now == Counter({Tab.OPEN: 1, Tab.SPAM: 1, Tab.ALL: 1}) and mine_now == Counter()
    assert service.search("h1", "Inès") == [] and service.search("h1", "jon@example.com") == []
    assert [c.id for c in service.search("h1", "Lou")] == [tabs["lou-open"]]
    assert store.get_contact("h1", ines) is None and store.get_contact("h1", contact_id_for("webchat", "g-jon")) is None
    assert store.get_contact("h1", contact_id_for("webchat", "g-lou")) is not None
    # Jon's file went with its message.
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix=jon_files)["KeyCount"] == 0
    # The other hotel's guest of the same name is untouched.
    assert [c.id for c in service.search("h2", "Inès")] == [tabs["h2-ines"]]
    assert store.get_contact("h2", ines) is not None and counted(store, "h2") == recount(store, "h2")

    # The same records again (delivery is at least once): nothing changes.
    assert expire(copy.deepcopy(records)) == {"batchItemFailures": []}
    assert counted(store, "h1") == recount(store, "h1") == (tabs_now, mine_now)


def test_a_contact_with_a_conversation_left_stays_until_it_goes(service, store, tabs, stream, expire, region):
    ines = contact_id_for("webchat", "g-ines")
    assert expire(ttl_deletes(stream, region, conversation_key("h1", tabs["ines-closed"]))) == {
        "batchItemFailures": []}
    assert store.get_contact("h1", ines).conversation_ids == {tabs["ines-open"]}
    assert [c.id for c in service.search("h1", "ines@example.com")] == [tabs["ines-open"]]
    assert counted(store, "h1") == recount(store, "h1")

    assert expire(ttl_deletes(stream, region, conversation_key("h1", tabs["ines-open"]))) == {
        "batchItemFailures": []}
    assert store.get_contact("h1", ines) is None and service.search("h1", "Moreau") == []
    assert counted(store, "h1") == recount(store, "h1")


def test_a_guest_writing_again_on_an_expired_thread_starts_anew(service, store, tabs, stream, expire, region):
    """The TTL removed the conversation and the guest wrote on the same thread before its record was handled:
    the new conversation (the same id) keeps its counts, entries and contact."""
    records = ttl_deletes(stream, region, conversation_key("h1", tabs["lou-open"]))
    again = guest_writes(service, "h1", "t-lou", "lou", n=5)
    assert again == tabs["lou-open"] and store.get_conversation("h1", again).status is Status.OPEN
    stream.read()
    assert expire(records) == {"batchItemFailures": []}
    assert counted(store, "h1") == recount(store, "h1")
    assert [c.id for c in service.search("h1", "Lou")] == [again]
    assert store.get_contact("h1", contact_id_for("webchat", "g-lou")).conversation_ids == {again}


def test_a_users_delete_is_not_an_expiry(service, store, tabs, stream, expire, region):
    """An erase deletes items itself (and moves the counts itself): its REMOVE records change nothing here."""
    records = deletes(stream, region, conversation_key("h1", tabs["kim-spam"]))
    assert "userIdentity" not in records[0]
    before = counted(store, "h1")
    assert expire(records) == {"batchItemFailures": []}
    assert counted(store, "h1") == before  # untouched: Kim's spam still counted, her contact kept
    assert store.get_contact("h1", contact_id_for("webchat", "g-kim")) is not None
    # A write's record (the new image) is no expiry either.
    guest_writes(service, "h1", "t-lou", "lou", n=3)
    writes = stream.read()
    assert {r["eventName"] for r in writes} == {"INSERT", "MODIFY"}
    assert expire(writes) == {"batchItemFailures": []}
    assert counted(store, "h1") == before


def test_an_unreadable_record_fails_alone(service, store, tabs, stream, expire, region):
    (good,) = ttl_deletes(stream, region, conversation_key("h1", tabs["lou-open"]))
    no_image = copy.deepcopy(good)
    del no_image["dynamodb"]["OldImage"]
    no_image["dynamodb"]["SequenceNumber"] = "900000000000000000001"
    other_hotel = copy.deepcopy(good)
    other_hotel["dynamodb"]["OldImage"]["hotel_id"] = {"S": "h2"}
    other_hotel["dynamodb"]["SequenceNumber"] = "900000000000000000002"
    answer = expire([no_image, good, other_hotel])
    assert answer == {"batchItemFailures": [{"itemIdentifier": "900000000000000000001"},
                                            {"itemIdentifier": "900000000000000000002"}]}
    assert counted(store, "h1") == recount(store, "h1")  # the good one was done
    assert store.get_contact("h1", contact_id_for("webchat", "g-lou")) is None
    assert counted(store, "h2") == recount(store, "h2")


def test_what_a_shorter_retention_leaves_behind_goes_with_the_conversation(service, store, tabs, stream, expire,
                                                                          region, s3, ana):
    """Lou's first message was written when the hotel kept 730 days; the hotel now keeps 30 and her conversation
    expires by it: her older message, its file and everything else of the conversation go with it."""
    key = f"hotels/h1/conversations/{tabs['lou-open']}/menu.png"
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"\x89PNG menu", ContentType="image/png")
    guest_writes(service, "h1", "t-lou", "lou", n=2,
                 attachments=(Attachment("f2", "menu.png", "image/png", 9, key=key),))
    service.update_hotel_settings("h1", ana, retention_days=30)
    guest_writes(service, "h1", "t-lou", "lou", n=3)
    partition = keys.conversation_pk("h1", tabs["lou-open"])
    assert len(store.list_messages("h1", tabs["lou-open"], 100).items) == 3

    assert expire(ttl_deletes(stream, region, conversation_key("h1", tabs["lou-open"]))) == {"batchItemFailures": []}
    left = boto3.client("dynamodb", region_name=region).query(
        TableName=TABLE, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": partition}})
    assert left["Items"] == []
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix=f"hotels/h1/conversations/{tabs['lou-open']}/")["KeyCount"] == 0
    assert counted(store, "h1") == recount(store, "h1") and service.search("h1", "Lou") == []
    assert store.get_contact("h1", contact_id_for("webchat", "g-lou")) is None


def test_what_an_expired_conversation_costs_in_requests(service, store, tabs, stream, expire, region):
    """Lou's conversation, her only one: the counts with the guard, the partition read, the contact read, what
    is left and the search entries deleted, the contact's set, the contact deleted."""
    from wiring import container

    records = ttl_deletes(stream, region, conversation_key("h1", tabs["lou-open"]))
    requests = RequestCounter()
    requests.attach(container.store())
    assert expire(records) == {"batchItemFailures": []}
    assert requests.counts == {"TransactWriteItems": 1, "Query": 1, "GetItem": 1, "BatchWriteItem": 1,
                               "UpdateItem": 1, "DeleteItem": 1}
    assert store.get_contact("h1", contact_id_for("webchat", "g-lou")) is None
