"""The consoles' WebSocket on the local stack (``make run``), with a Python client as a console would use
it: refused at the handshake without a valid ID token; a guest's Expedia message pushed to a connected
agent as message, conversation and counts; two hotels' sockets never crossed; bad client messages
ignored while the connection stays; presence told to the hotel's other agents; the socket's item gone
on close; and Cognito's ID token lifetime honoured by the stack's moto (so a test may shorten it)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import requests
from realtime_client import (
    RealtimeClient,
    claims_of,
    console_client_settings,
    is_conversation,
    is_counts,
    is_message,
    refusal_status,
    resigned,
    shortened_id_tokens,
)
from stack_client import (
    TIMEOUT,
    ExpediaSim,
    StackAws,
    StackClient,
    eventually,
    guest_conversation,
    in_seconds,
    new_id,
    seeded_agent,
    sign_in,
)
from stack_support import ROOT

from infra import names

OTHER_PASSWORD = "Other-Hotel-2026!"


def admin_command(info: dict, *arguments: str) -> str:
    """``python -m admin`` on the stack's moto; its standard output."""
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "PATH": os.environ.get("PATH", "")}
    done = subprocess.run([sys.executable, "-m", "admin", "--table", info["table_name"], "--region", info["region"],
                           "--endpoint-url", info["aws_endpoint_url"], *arguments], check=True, env=env, cwd=ROOT,
                          capture_output=True, text=True)
    return done.stdout


@pytest.fixture(scope="module")
def other_hotel(local_stack) -> dict:
    """A second hotel with a partner key of its own and one agent of its own (none of the demo's)."""
    hotel = new_id("hotel")
    admin_command(local_stack, "create-hotel", "--hotel-id", hotel, "--name", "Other Hotel")
    key = admin_command(local_stack, "create-partner-key", "--partner-id", f"pms-{hotel}", "--name", "Other PMS",
                        "--hotel-ids", hotel).strip().splitlines()[-1]
    email = f"{hotel}@other.example"
    admin_command(local_stack, "create-agent", "--user-pool-id", local_stack["cognito_user_pool_id"], "--email", email,
                  "--name", "Olga Other", "--password", OTHER_PASSWORD, "--hotel-ids", hotel)
    return {"hotel_id": hotel, "partner": StackClient.as_partner(local_stack, key), "email": email}


@pytest.fixture
def camille(local_stack):
    with RealtimeClient.as_agent(local_stack) as client:  # the demo hotel's admin
        yield client


@pytest.fixture
def ben(local_stack):
    with RealtimeClient.as_agent(local_stack, who="ben") as client:
        yield client


@pytest.fixture
def olga(local_stack, other_hotel):
    with RealtimeClient.with_login(local_stack, other_hotel["email"], OTHER_PASSWORD) as client:
        yield client


def other_guest_writes(other_hotel: dict, text: str) -> str:
    """A guest of the other hotel hands a message in (its partner's inbound), wanting a person; its conversation."""
    thread = new_id("web-other")
    handed_in = other_hotel["partner"].post(f"/hotels/{other_hotel['hotel_id']}/inbound", json={
        "channel": "webchat", "external_conversation_id": thread, "external_message_id": f"{thread}-1",
        "sender": {"external_id": new_id("guest"), "name": "Otto Guest"}, "text": text, "sent_at": in_seconds(-5),
        "wants_human": True})
    assert handed_in.status_code == 202, handed_in.text
    return handed_in.json()["conversation_id"]


def expedia_guest_writes(info: dict, text: str) -> None:
    ExpediaSim(info).traveler_writes(new_id("thr-rt"), text)


def is_text(text: str):
    return lambda e: e.get("type") == "message" and (e.get("message") or {}).get("text") == text


# -- the handshake ----------------------------------------------------------------------------

def test_the_realtime_url_is_in_stack_json_and_the_consoles_config(local_stack):
    assert local_stack["realtime_url"].startswith("ws://127.0.0.1:")
    config = requests.get(f"{local_stack['api_url']}/config.json", timeout=TIMEOUT).json()
    assert config["realtime_url"] == local_stack["realtime_url"]


@pytest.mark.parametrize("case", ["missing", "not a token", "forged", "expired", "access token"])
def test_a_missing_forged_or_expired_token_is_refused_at_the_handshake_with_401(local_stack, case):
    agent = seeded_agent(local_stack)
    token = sign_in(local_stack, agent["email"], agent["password"])
    header, payload, signature = token.split(".")
    now = int(time.time())
    if case == "missing":
        token = None
    elif case == "not a token":
        token = "not-a-token"
    elif case == "forged":  # another hotel's claims under the real signature
        forged = resigned(token, **{f"custom:{names.HOTEL_IDS_ATTRIBUTE}": "another-hotel"})
        token = f"{header}.{forged.split('.')[1]}.{signature}"
    elif case == "expired":
        token = resigned(token, iat=now - 7200, auth_time=now - 7200, exp=now - 3600)
    else:  # signed by Cognito, but not an ID token
        tokens = requests.post(local_stack["cognito_endpoint"], timeout=TIMEOUT, json={
            "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": local_stack["cognito_client_id"],
            "AuthParameters": {"USERNAME": agent["email"], "PASSWORD": agent["password"]}}, headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"}).json()
        token = tokens["AuthenticationResult"]["AccessToken"]
    assert refusal_status(local_stack, token) == 401


def test_a_partner_key_opens_no_socket(local_stack):
    assert refusal_status(local_stack, local_stack["demo"]["partner_api_key"]) == 401


# -- events -----------------------------------------------------------------------------------

def test_a_guests_expedia_message_reaches_a_connected_agent_as_message_conversation_and_counts(local_stack, camille):
    hotel = local_stack["demo"]["hotel_id"]
    text = f"Bonjour, le parking est-il couvert ? {new_id('q')}"
    mark = camille.mark()
    expedia_guest_writes(local_stack, text)
    message = camille.wait_for(is_text(text), since=mark, what="the guest's message")
    conversation_id = message["conversation_id"]
    assert message["hotel_id"] == hotel
    assert message["message"]["direction"] == "inbound" and message["message"]["sender"] == "guest"
    assert message["message"]["conversation_id"] == conversation_id
    conversation = camille.wait_for(is_conversation(conversation_id), since=mark, what="its conversation")
    assert conversation["hotel_id"] == hotel
    assert "allowed_actions" in conversation["conversation"]
    counts = camille.wait_for(is_counts(hotel), since=mark, what="the hotel's counts")
    assert {"tabs", "mine", "unassigned"} <= set(counts)
    # What the socket said is what the API says.
    api = StackClient.as_agent(local_stack)
    shown = api.conversation(conversation_id)
    assert conversation["conversation"]["id"] == shown["id"]
    assert message["message"]["id"] in {m["id"] for m in api.messages(conversation_id)}


def test_two_hotels_two_sockets_never_cross(local_stack, other_hotel, camille, olga):
    hotel, other = local_stack["demo"]["hotel_id"], other_hotel["hotel_id"]
    first, second, third = (f"{n} {new_id('x')}" for n in ("Bonjour", "Hello", "Hola"))
    expedia_guest_writes(local_stack, first)
    camille.wait_for(is_text(first), what="the demo hotel's guest message")
    other_conversation = other_guest_writes(other_hotel, second)
    olga.wait_for(is_message(other_conversation, second), what="the other hotel's guest message")
    expedia_guest_writes(local_stack, third)  # after the other hotel's change: camille has seen all before it
    camille.wait_for(is_text(third), what="the demo hotel's second guest message")
    assert {e["hotel_id"] for e in camille.events} == {hotel}
    assert {e["hotel_id"] for e in olga.events} == {other}
    assert not camille.received(lambda e: e.get("conversation_id") == other_conversation)
    assert not olga.received(is_text(first)) and not olga.received(is_text(third))


def test_invalid_json_and_another_hotels_conversation_are_ignored_and_the_connection_stays(
        local_stack, other_hotel, camille, ben, olga):
    hotel = local_stack["demo"]["hotel_id"]
    theirs = other_guest_writes(other_hotel, f"Need a person {new_id('x')}")
    ours = guest_conversation(local_stack, "Inès Moreau")["id"]
    marks = ben.mark(), olga.mark()
    camille.send("this is not JSON {")
    camille.send('{"action": "presence", "conversation_id": ')
    camille.presence(theirs, "viewing")
    camille.presence(theirs, "typing", hotel_id=other_hotel["hotel_id"])
    camille.presence(ours, "dancing")
    camille.send({"action": "presence", "conversation_id": ours, "state": "viewing", "hotel_id": 42})
    camille.presence(ours, "viewing")  # the one that counts, after the others
    told = ben.wait_for(lambda e: e.get("type") == "presence", since=marks[0], what="camille's presence")
    assert (told["conversation_id"], told["state"], told["hotel_id"]) == (ours, "viewing", hotel)
    assert ben.received(lambda e: e.get("type") == "presence", since=marks[0]) == [told]
    # The other hotel's agent heard of none of it (its next event proves the earlier ones would be in).
    marker = other_guest_writes(other_hotel, f"Still there? {new_id('x')}")
    olga.wait_for(lambda e: e.get("conversation_id") == marker, since=marks[1], what="the other hotel's next event")
    assert not olga.received(lambda e: e.get("type") == "presence", since=marks[1])
    # The socket stayed open and still receives.
    assert camille.is_open
    text = f"Toujours là ? {new_id('x')}"
    mark = camille.mark()
    expedia_guest_writes(local_stack, text)
    camille.wait_for(is_text(text), since=mark, what="a guest message after the ignored ones")
    assert not camille.received(lambda e: "message" in e and "type" not in e)  # no integration error frame


def test_an_agents_presence_reaches_the_hotels_other_agents_but_not_their_own_other_sockets(local_stack, camille, ben):
    hotel = local_stack["demo"]["hotel_id"]
    ours = guest_conversation(local_stack, "Lena Vogel", "de")["id"]
    bens = seeded_agent(local_stack, "ben")
    with RealtimeClient.as_agent(local_stack, who="ben") as bens_other_tab:
        mark, own_mark = camille.mark(), bens_other_tab.mark()
        for state in ("viewing", "typing", "left"):
            ben.presence(ours, state)
            told = camille.wait_for(lambda e, state=state: e.get("type") == "presence" and e.get("state") == state,
                                    since=mark, what=f"ben {state}")
            assert told == {"type": "presence", "hotel_id": hotel, "conversation_id": ours,
                            "agent": {"id": bens["id"], "name": bens["name"]}, "state": state}
        camille.presence(ours, "viewing")
        bens_other_tab.wait_for(lambda e: e.get("type") == "presence", since=own_mark, what="camille's presence")
        assert [e["agent"]["id"] for e in bens_other_tab.received(lambda e: e.get("type") == "presence",
                                                                  since=own_mark)] == [camille.agent["id"]]


def test_a_closed_socket_is_forgotten(local_stack, other_hotel):
    dynamodb = StackAws(local_stack).client("dynamodb")

    def sockets_of_hotel() -> int:
        return dynamodb.query(TableName=local_stack["connections_table"], KeyConditionExpression="pk = :h",
                              ExpressionAttributeValues={":h": {"S": f"HOTEL#{other_hotel['hotel_id']}"}})["Count"]

    before = sockets_of_hotel()
    client = RealtimeClient.with_login(local_stack, other_hotel["email"], OTHER_PASSWORD)
    assert sockets_of_hotel() == before + 1  # $connect answered before the socket opened
    client.close()
    eventually(lambda: sockets_of_hotel() == before, what="the connection's items removed by $disconnect")


# -- Cognito's ID token lifetime ---------------------------------------------------------------

def test_a_shortened_id_token_lifetime_is_honoured_and_restored(local_stack):
    agent = seeded_agent(local_stack, "ana")
    before = console_client_settings(local_stack)
    with shortened_id_tokens(local_stack, 20) as kept:
        assert kept == before
        claims = claims_of(sign_in(local_stack, agent["email"], agent["password"]))
        assert claims["exp"] - claims["iat"] == 20
        assert console_client_settings(local_stack) == {
            **before, "IdTokenValidity": 20, "TokenValidityUnits": {**before["TokenValidityUnits"], "IdToken": "seconds"}}
    assert console_client_settings(local_stack) == before
    claims = claims_of(sign_in(local_stack, agent["email"], agent["password"]))
    assert claims["exp"] - claims["iat"] == names.CONSOLE_ID_TOKEN_VALIDITY_MINUTES * 60
