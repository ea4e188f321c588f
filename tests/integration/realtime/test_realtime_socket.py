"""The socket function on moto and the @connections emulator: $connect keeps the connection with its agent,
hotels and TTL, $disconnect forgets it, presence reaches the hotel's other agents, and what a client sends
that cannot be taken is logged and ignored while the connection stays."""

from __future__ import annotations

import json
from datetime import timedelta

import boto3
import pytest
from realtime_fanout_helpers import ANA, BEN, BOTH, OLAF, guest_says

from infra import names


def stored_items(table: str, region: str) -> dict[tuple[str, str], dict]:
    items = boto3.client("dynamodb", region_name=region).scan(TableName=table)["Items"]
    return {(i["pk"]["S"], i["sk"]["S"]): i for i in items}


def presence(conversation_id, state="viewing", **more) -> str:
    return json.dumps({"action": "presence", "conversation_id": conversation_id, "state": state, **more})


@pytest.fixture
def conversation(service):
    return service.receive(guest_says("h1", "Bonjour, une personne svp")).conversation_id


@pytest.fixture
def other_hotels_conversation(service):
    return service.receive(guest_says("h2", "Hello, a person please")).conversation_id


def test_connect_keeps_the_connection_with_its_agent_hotels_and_ttl(socket, connections, connections_table, region,
                                                                    realtime_settings):
    answer = socket("$connect", "conn-zoe=", authorizer=BOTH.context())

    assert answer == {"statusCode": 200}
    kept = connections.get("conn-zoe=")
    assert (kept.agent.id, kept.agent.name, kept.role.value) == (BOTH.id, BOTH.name, "agent")
    assert kept.hotel_ids == frozenset({"h1", "h2"})
    ttl = kept.expires_at - kept.connected_at  # the TTL is kept in whole epoch seconds
    assert timedelta(seconds=realtime_settings.connection_ttl_seconds - 1) < ttl <= timedelta(
        seconds=realtime_settings.connection_ttl_seconds)
    assert realtime_settings.connection_ttl_seconds == names.CONNECTION_TTL_SECONDS
    assert [c.id for c in connections.of_hotel("h1")] == ["conn-zoe="] == [c.id for c in connections.of_hotel("h2")]
    items = stored_items(connections_table, region)
    assert set(items) == {("CONNECTION#conn-zoe=", "CONNECTION"), ("HOTEL#h1", "conn-zoe="), ("HOTEL#h2", "conn-zoe=")}
    assert {int(i["expires_at"]["N"]) for i in items.values()} == {int(kept.expires_at.timestamp())}


@pytest.mark.parametrize("authorizer", [
    None, {}, {"principalId": "agent:x"},
    {"actor_type": "partner", "actor_id": "p-1", "actor_name": "PMS", "hotel_ids": "h1", "role": ""},
    {"actor_type": "agent", "actor_id": "a-1", "actor_name": "A", "hotel_ids": 7, "role": "agent"},
    {"actor_type": "robot", "actor_id": "a-1", "actor_name": "A", "hotel_ids": "h1", "role": "agent"},
], ids=["none", "empty", "principal-only", "partner", "hotels-not-a-string", "unknown-actor"])
def test_connect_without_a_valid_agent_context_is_refused_and_nothing_kept(socket, connections_table, region,
                                                                          authorizer, lobby_logs):
    assert socket("$connect", "conn-x=", authorizer=authorizer) == {"statusCode": 401}
    assert stored_items(connections_table, region) == {}
    assert any(entry["message"] == "connection refused" for entry in lobby_logs())


def test_an_agent_of_no_hotel_is_refused(socket, connections_table, region):
    nobody = {**ANA.context(), "hotel_ids": ""}

    assert socket("$connect", "conn-x=", authorizer=nobody) == {"statusCode": 403}
    assert stored_items(connections_table, region) == {}


def test_disconnect_forgets_the_connection_and_its_hotel_items(socket, open_console, connections, connections_table,
                                                              region):
    open_console(BOTH, "conn-zoe=")
    open_console(OLAF, "conn-olaf=")

    assert socket("$disconnect", "conn-zoe=") == {"statusCode": 200}
    assert socket("$disconnect", "conn-zoe=") == {"statusCode": 200}  # API Gateway may say it twice

    assert connections.get("conn-zoe=") is None
    assert set(stored_items(connections_table, region)) == {("CONNECTION#conn-olaf=", "CONNECTION"),
                                                             ("HOTEL#h2", "conn-olaf=")}


def test_presence_reaches_the_hotels_other_agents_only(socket, open_console, conversation, connections):
    ana, ana_tab, ben, olaf = open_console(ANA), open_console(ANA), open_console(BEN), open_console(OLAF)

    assert socket("presence", ana.id, body=presence(conversation, "typing")) == {"statusCode": 200}

    told = {"type": "presence", "hotel_id": "h1", "conversation_id": conversation,
            "agent": {"id": ANA.id, "name": ANA.name}, "state": "typing"}
    assert ben.events == [told]
    assert ana.frames == [] and ana_tab.frames == [] and olaf.frames == []
    assert connections.get(ana.id).viewing == ("h1", conversation)


def test_a_disconnect_while_viewing_tells_the_others_it_left(socket, open_console, conversation):
    ana, ben = open_console(ANA), open_console(BEN)
    socket("presence", ana.id, body=presence(conversation, "viewing"))
    ben.clear()

    socket("$disconnect", ana.id)

    assert [(e["state"], e["agent"]["id"]) for e in ben.of_type("presence")] == [("left", ANA.id)]


def test_presence_on_another_hotels_conversation_is_ignored_logged_and_the_connection_stays(
        socket, open_console, conversation, other_hotels_conversation, connections, lobby_logs):
    ana, ben, olaf = open_console(ANA), open_console(BEN), open_console(OLAF)

    for body in (presence(other_hotels_conversation), presence(other_hotels_conversation, hotel_id="h2"),
                 presence(other_hotels_conversation, hotel_id="h1")):
        assert socket("presence", ana.id, body=body) == {"statusCode": 200}

    assert ben.frames == [] and olaf.frames == []
    ignored = [e for e in lobby_logs() if e["message"] == "presence ignored"]
    assert len(ignored) == 3 and all(e.get("reason") for e in ignored)
    assert connections.get(ana.id).viewing is None
    # The connection stays and is still heard.
    socket("presence", ana.id, body=presence(conversation))
    assert [e["conversation_id"] for e in ben.of_type("presence")] == [conversation]


@pytest.mark.parametrize("body", [
    "{not json", "", "null", "[1, 2]", '"presence"', json.dumps({"action": "dance"}), json.dumps({"no": "action"}),
    presence("c-unknown"), presence(12), presence("x" * 201), json.dumps({"action": "presence", "state": "viewing"}),
], ids=["broken", "empty", "null", "list", "string", "unknown-action", "no-action", "unknown-conversation",
        "number-id", "long-id", "no-id"])
def test_what_cannot_be_taken_is_logged_and_ignored_and_the_connection_stays(socket, open_console, conversation,
                                                                             connections, lobby_logs, body):
    ana, ben = open_console(ANA), open_console(BEN)
    route = "presence" if "presence" in body and body.startswith("{") else "$default"

    assert socket(route, ana.id, body=body) == {"statusCode": 200}

    assert ben.frames == []
    assert [e for e in lobby_logs() if e["message"] == "message ignored" and e.get("reason")]
    assert connections.get(ana.id) is not None
    socket("presence", ana.id, body=presence(conversation))
    assert len(ben.of_type("presence")) == 1


def test_a_bad_presence_state_is_ignored(socket, open_console, conversation, lobby_logs):
    ana, ben = open_console(ANA), open_console(BEN)

    socket("presence", ana.id, body=presence(conversation, "dancing"))

    assert ben.frames == []
    assert [e["reason"] for e in lobby_logs() if e["message"] == "presence ignored"] == ["unknown state"]


def test_ping_is_answered_with_nothing(socket, open_console, emulator, lobby_logs):
    ana, ben = open_console(ANA), open_console(BEN)
    calls_before = len(emulator.registry.calls)

    assert socket("$default", ana.id, body='{"action": "ping"}') == {"statusCode": 200}

    assert len(emulator.registry.calls) == calls_before and ana.frames == [] and ben.frames == []
    assert not [e for e in lobby_logs() if "ignored" in e["message"]]


def test_a_message_of_a_connection_that_is_not_kept_is_ignored(socket, open_console, conversation, lobby_logs):
    ben = open_console(BEN)

    assert socket("presence", "conn-unknown=", body=presence(conversation)) == {"statusCode": 200}

    assert ben.frames == []
    assert [e["reason"] for e in lobby_logs() if e["message"] == "presence ignored"] == ["unknown connection"]


def test_an_event_without_a_connection_id_is_a_bad_request(socket):
    from realtime_fanout_helpers import LambdaContext, socket_event

    from realtime_socket.handler import handler

    event = socket_event("$default", "x", body="{}")
    del event["requestContext"]["connectionId"]

    assert handler(event, LambdaContext()) == {"statusCode": 400}
