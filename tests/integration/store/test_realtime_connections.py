"""The consoles' open sockets on their own table (moto): kept per hotel, listed in one Query without the
expired ones, removed once and for all, and what each agent views."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from conversations_helpers import RequestCounter

from inbox.model import AgentRef, Role
from inbox.ports import Connection
from store.connections import DynamoConnections
from store.schema import CONNECTIONS_TTL_ATTRIBUTE, connections_table_definition

CONNECTIONS = "lobby-connections-test"
T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
TTL = timedelta(seconds=7800)
ANA = AgentRef("agent-ana", "Ana Lima")
BEN = AgentRef("agent-ben", "Ben Martin")


class Clock:
    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock() -> Clock:
    return Clock(T0 + timedelta(minutes=1))


@pytest.fixture
def client(aws, region):
    dynamodb = boto3.client("dynamodb", region_name=region)
    dynamodb.create_table(**connections_table_definition(CONNECTIONS))
    dynamodb.update_time_to_live(TableName=CONNECTIONS, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": CONNECTIONS_TTL_ATTRIBUTE})
    return dynamodb


@pytest.fixture
def connections(client, region, clock) -> DynamoConnections:
    return DynamoConnections(CONNECTIONS, region, clock=clock)


@pytest.fixture
def sent(connections) -> RequestCounter:
    counter = RequestCounter()
    counter.attach(connections)
    return counter


def connection(cid: str, agent: AgentRef = ANA, hotels=("h1",), at: datetime = T0, role: Role = Role.AGENT,
               viewing=None) -> Connection:
    return Connection(id=cid, agent=agent, role=role, hotel_ids=frozenset(hotels), connected_at=at,
                      expires_at=at + TTL, viewing=viewing)


def items(client) -> list[dict]:
    return client.scan(TableName=CONNECTIONS)["Items"]


def test_a_connection_is_kept_in_one_write_and_read_back_as_it_was(connections, sent, client):
    ana = connection("cid-ana=", hotels=("h1", "h2"), role=Role.ADMIN)
    connections.add(ana)
    assert sent.counts == {"BatchWriteItem": 1}
    assert connections.get("cid-ana=") == ana
    # Its own item and one per hotel, each with the TTL DynamoDB expires it by (epoch seconds).
    assert sorted((i["pk"]["S"], i["sk"]["S"]) for i in items(client)) == [
        ("CONNECTION#cid-ana=", "CONNECTION"), ("HOTEL#h1", "cid-ana="), ("HOTEL#h2", "cid-ana=")]
    assert {i[CONNECTIONS_TTL_ATTRIBUTE]["N"] for i in items(client)} == {str(int((T0 + TTL).timestamp()))}


def test_a_hotel_lists_its_own_connections_in_one_query(connections, sent):
    connections.add(connection("c1", ANA, ("h1",)))
    connections.add(connection("c2", BEN, ("h1", "h2")))
    connections.add(connection("c3", BEN, ("h2",)))
    sent.reset()
    in_h1 = connections.of_hotel("h1")
    assert sent.counts == {"Query": 1}
    assert sorted(c.id for c in in_h1) == ["c1", "c2"]
    assert {c.id: (c.agent, c.role, c.hotel_ids) for c in in_h1}["c2"] == (BEN, Role.AGENT, frozenset({"h1", "h2"}))
    assert sorted(c.id for c in connections.of_hotel("h2")) == ["c2", "c3"]
    assert connections.of_hotel("h3") == []


def test_an_expired_connection_is_neither_listed_nor_found(connections, clock):
    """DynamoDB deletes an expired item days later at worst (moto never does): the reads leave it out."""
    connections.add(connection("old", at=T0))
    connections.add(connection("new", at=T0 + timedelta(hours=1)))
    clock.at = T0 + TTL + timedelta(seconds=1)
    assert [c.id for c in connections.of_hotel("h1")] == ["new"]
    assert connections.get("old") is None and connections.get("new") is not None


def test_a_removed_connection_is_gone_from_every_hotel_and_removing_it_again_is_harmless(connections, client):
    ana = connection("c1", hotels=("h1", "h2"))
    connections.add(ana)
    connections.add(connection("c2", BEN, ("h1",)))
    assert connections.remove("c1") == ana
    assert connections.get("c1") is None
    assert [c.id for c in connections.of_hotel("h1")] == ["c2"] and connections.of_hotel("h2") == []
    assert connections.remove("c1") is None
    assert connections.remove("never-seen") is None
    assert sorted(i["pk"]["S"] for i in items(client)) == ["CONNECTION#c2", "HOTEL#h1"]


def test_a_remove_cut_short_is_finished_by_the_next_one(connections, client):
    """Its hotel items go before its own item: while that is there, the next remove (a 410, $disconnect) knows
    which hotels to clean."""
    connections.add(connection("c1", hotels=("h1", "h2")))
    client.delete_item(TableName=CONNECTIONS, Key={"pk": {"S": "HOTEL#h1"}, "sk": {"S": "c1"}})  # as if cut there
    assert connections.remove("c1") is not None
    assert items(client) == []


def test_what_an_agent_views_is_one_update_of_its_connection(connections, sent):
    connections.add(connection("c1", hotels=("h1", "h2")))
    sent.reset()
    connections.set_viewing("c1", ("h2", "conv-9"))
    assert sent.counts == {"UpdateItem": 1}
    found = connections.get("c1")
    assert found is not None and found.viewing == ("h2", "conv-9")
    connections.set_viewing("c1", ("h1", "conv-1"))
    assert connections.get("c1").viewing == ("h1", "conv-1")  # type: ignore[union-attr]
    connections.set_viewing("c1", None)
    assert connections.get("c1").viewing is None  # type: ignore[union-attr]
    # A hotel's list is unchanged by it (what is viewed is on the connection's own item only).
    assert [c.id for c in connections.of_hotel("h2")] == ["c1"]


def test_viewing_on_an_unknown_connection_makes_no_item(connections, client):
    connections.set_viewing("gone", ("h1", "conv-1"))
    connections.set_viewing("gone", None)
    assert items(client) == [] and connections.get("gone") is None


def test_an_agent_of_many_hotels_is_kept_and_removed_whole(connections, sent, client):
    hotels = [f"h{n:02d}" for n in range(40)]
    connections.add(connection("c1", hotels=hotels))
    assert sent.counts == {"BatchWriteItem": 2}  # 25 items a request
    assert all([c.id for c in connections.of_hotel(h)] == ["c1"] for h in hotels)
    connections.remove("c1")
    assert items(client) == []


def test_an_unreadable_connection_item_is_left_out_and_reported(connections, client, region):
    reported = []
    connections.on_unreadable = lambda key, error: reported.append((key, str(error)))
    connections.add(connection("c1"))
    client.put_item(TableName=CONNECTIONS, Item={"pk": {"S": "HOTEL#h1"}, "sk": {"S": "c-bad"},
                                                 "agent_id": {"S": "agent-x"}, "role": {"S": "janitor"}})
    assert [c.id for c in connections.of_hotel("h1")] == ["c1"]
    assert [key for key, _ in reported] == ["HOTEL#h1 | c-bad"]
