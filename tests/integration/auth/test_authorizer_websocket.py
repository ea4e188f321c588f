"""The authorizer on the WebSocket API's $connect (moto's user pool): the console's ID token travels as
``?token=``; anything but a valid, current ID token of the console's client is refused (API Gateway
answers 401 at the handshake), and a valid one is allowed on exactly that $connect, with the same
context as the REST path."""

from __future__ import annotations

import time
import uuid

import pytest
from auth_helpers import AGENT_NAME, API_ID, REGION_ACCOUNT, LambdaContext, login, make_client, resign

from authorizer import handler as authorizer

STAGE = "live"  # infra/names.py REALTIME_STAGE


def connect_arn(region: str) -> str:
    return f"arn:aws:execute-api:{region}:{REGION_ACCOUNT}:{API_ID}/{STAGE}/$connect"


def connect_event(region: str, query: dict | None, headers: dict | None = None) -> dict:
    """A WebSocket API's REQUEST authorizer event for $connect, as API Gateway sends it."""
    all_headers = {"Host": f"{API_ID}.execute-api.{region}.amazonaws.com", "Sec-WebSocket-Version": "13",
                   "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Origin": "https://console.example",
                   **(headers or {})}
    return {
        "type": "REQUEST",
        "methodArn": connect_arn(region),
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": None if query is None else {k: [v] for k, v in query.items()},
        "stageVariables": {},
        "requestContext": {
            "routeKey": "$connect", "eventType": "CONNECT", "messageDirection": "IN", "stage": STAGE,
            "connectedAt": int(time.time() * 1000), "requestTimeEpoch": int(time.time() * 1000),
            "requestId": str(uuid.uuid4()), "domainName": f"{API_ID}.execute-api.{region}.amazonaws.com",
            "connectionId": "Lw9SNdGlIAMCJpw=", "apiId": API_ID,
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "Mozilla/5.0"},
        },
    }


def refused(event: dict) -> bool:
    """Whether API Gateway refuses the handshake with 401: the handler raised exactly 'Unauthorized'."""
    try:
        authorizer.handler(event, LambdaContext())
    except Exception as error:
        if str(error) == "Unauthorized":
            return True
        raise
    return False


@pytest.fixture
def socket_authorize(settings, region):
    def call(query: dict | None, headers: dict | None = None) -> dict:
        return authorizer.handler(connect_event(region, query, headers), LambdaContext())
    return call


def test_a_valid_id_token_is_allowed_on_exactly_this_connect_with_the_agents_context(
        socket_authorize, agent_tokens, agent_sub, region):
    answer = socket_authorize({"token": agent_tokens["IdToken"]})

    assert answer["policyDocument"] == {"Version": "2012-10-17", "Statement": [
        {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": connect_arn(region)}]}
    assert answer["context"] == {"actor_type": "agent", "actor_id": agent_sub, "actor_name": AGENT_NAME,
                                 "hotel_ids": "h-lumiere,h-rivage", "role": "agent"}
    assert answer["principalId"] == f"agent:{agent_sub}"
    assert "usageIdentifierKey" not in answer


def test_the_connect_is_recognised_by_its_method_arn_alone(settings, agent_tokens, agent_sub, region):
    event = connect_event(region, {"token": agent_tokens["IdToken"]})
    del event["requestContext"]["eventType"]

    answer = authorizer.handler(event, LambdaContext())

    assert answer["policyDocument"]["Statement"][0]["Resource"] == connect_arn(region)
    assert answer["context"]["actor_id"] == agent_sub


@pytest.mark.parametrize("query", [None, {}, {"token": ""}, {"token": "   "}, {"other": "x"}],
                         ids=["no-query", "empty-query", "empty-token", "blank-token", "other-parameter"])
def test_a_connect_without_a_token_is_refused(settings, region, query, logs):
    assert refused(connect_event(region, query))
    assert any(entry.get("reason") == "no token in the socket's query string" for entry in logs.entries)


def test_a_forged_token_is_refused(settings, region, agent_tokens):
    header, claims, _ = agent_tokens["IdToken"].split(".")
    assert refused(connect_event(region, {"token": f"{header}.{claims}.bm90LWEtc2lnbmF0dXJl"}))
    assert refused(connect_event(region, {"token": "not-a-jwt"}))


def test_a_token_signed_by_another_key_is_refused(settings, region, agent_tokens):
    import jwt
    from auth_helpers import claims_of
    from cryptography.hazmat.primitives.asymmetric import rsa

    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims_of(agent_tokens["IdToken"]), other_key, algorithm="RS256",
                        headers={"kid": jwt.get_unverified_header(agent_tokens["IdToken"])["kid"]})

    assert refused(connect_event(region, {"token": forged}))


def test_an_expired_token_is_refused(settings, region, agent_tokens):
    expired_at = int(time.time()) - 600
    token = resign(agent_tokens["IdToken"], iat=expired_at - 3600, auth_time=expired_at - 3600, exp=expired_at)

    assert refused(connect_event(region, {"token": token}))


def test_an_access_token_or_another_clients_token_is_refused(settings, region, agent_tokens, cognito, pool, agent_sub):
    from auth_helpers import AGENT_EMAIL

    other_client = make_client(cognito, pool.id, "some-other-app")

    assert refused(connect_event(region, {"token": agent_tokens["AccessToken"]}))
    assert refused(connect_event(region, {"token": login(cognito, other_client, AGENT_EMAIL)["IdToken"]}))


def test_a_partner_key_never_opens_a_socket(settings, region, partner_key, agent_tokens):
    assert refused(connect_event(region, {"token": partner_key}))
    assert refused(connect_event(region, None, headers={"x-api-key": partner_key}))
    # Not even beside a valid token: the socket is the console's.
    assert refused(connect_event(region, {"token": agent_tokens["IdToken"]}, headers={"x-api-key": partner_key}))


def test_the_token_never_reaches_the_log(settings, region, agent_tokens, logs):
    token = agent_tokens["IdToken"]
    authorizer.handler(connect_event(region, {"token": token}), LambdaContext())
    refused(connect_event(region, {"token": token[:-4] + "AAAA"}))

    assert token not in logs.text and token[:-4] not in logs.text
    assert [entry["message"] for entry in logs.entries if entry["message"].startswith("Socket")] == ["Socket allowed"]
