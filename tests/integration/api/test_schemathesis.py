"""schemathesis against the API as it runs: the local gateway (``local/gateway.py``, API Gateway's
routing, the real REQUEST authorizer and the api function) on moto, with a real hotel, a real
conversation and real credentials (a partner key issued by the admin command, an admin agent's
Cognito ID token), so that generated requests get past the scope checks. Every operation gets
positive and negative cases; each response must not be a server error and must match the status
codes and schemas of the served OpenAPI document. Then every tab must still list.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from moto.utilities.utils import load_resource
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from werkzeug.test import Client

from admin import create_agent, create_partner_key
from bot.samples import sample_knowledge_base
from inbox.model import SavedReply
from inbox.ports import Hotel
from infra import names

HOTEL = "h1"
REPLY = "r-welcome"  # a saved reply of h1 (the team's routes render, replace and delete it)
EXAMPLES_PER_OPERATION = 12  # per generation mode; about 350 cases, a minute or two on a shared 2-core machine
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
TABS = ("open", "on_hold", "closed", "spam", "all")
ADMIN_EMAIL, PASSWORD = "adele@lumiere.example", "Lobby-Passw0rd!"


@pytest.fixture
def key_set_url():
    """moto's public signing keys, served over loopback as Cognito serves a pool's key set
    (PyJWKClient fetches with urllib, which mock_aws does not intercept)."""
    document = json.dumps(load_resource("cognitoidp/resources/jwks-public.json")).encode()

    class KeySet(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(document)))
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), KeySet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/pool/.well-known/jwks.json"
    server.shutdown()
    server.server_close()


@pytest.fixture
def credentials(api_settings, monkeypatch, region, store, key_set_url) -> dict[str, dict[str, str]]:
    """The headers of a partner of h1 and of an admin agent of h1, as the admin command issues them."""
    from wiring import container

    cognito = boto3.client("cognito-idp", region_name=region)
    pool = cognito.create_user_pool(PoolName="lobby-agents", Schema=[
        {"Name": "hotel_ids", "AttributeDataType": "String", "Mutable": True},
        {"Name": "role", "AttributeDataType": "String", "Mutable": True}])["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="console", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        ReadAttributes=["email", "name", "custom:hotel_ids", "custom:role"])["UserPoolClient"]["ClientId"]
    create_agent(cognito, pool, ADMIN_EMAIL, "Adèle", PASSWORD, [HOTEL])
    cognito.admin_update_user_attributes(UserPoolId=pool, Username=ADMIN_EMAIL,
                                         UserAttributes=[{"Name": "custom:role", "Value": "admin"}])
    token = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": ADMIN_EMAIL, "PASSWORD": PASSWORD},
                                  )["AuthenticationResult"]["IdToken"]
    for name, value in {"JWKS_URL": key_set_url, "TOKEN_AUDIENCE": client_id,
                        "TOKEN_ISSUER": f"https://cognito-idp.{region}.amazonaws.com/{pool}",
                        "CONSOLE_USAGE_KEY": "console-usage-key", "USER_POOL_ID": pool}.items():
        monkeypatch.setenv(name, value)
    container.reset()  # the functions read the settings again, as a fresh Lambda environment would
    store.put_hotel(Hotel(HOTEL, "Hôtel Lumière", "Europe/Paris", knowledge=sample_knowledge_base()))
    partner_key = create_partner_key(store, "pms", "PMS Partner", [HOTEL])
    store.put_reply(SavedReply(REPLY, HOTEL, "Welcome", "welcome", {"fr": "Bonjour {guest.first_name|Madame}",
                                                                      "en": "Hello {guest.first_name|there}"}))
    yield {"partner": {"x-api-key": partner_key}, "admin": {"Authorization": f"Bearer {token}"}}
    container.reset()


@pytest.fixture
def gateway(credentials, bucket, region):
    from local.gateway import Function, RestApiGateway

    def function(name: str, handler: str) -> Function:
        return Function(name, handler, region, "123456789012")

    return RestApiGateway(api=function(names.API_FUNCTION, names.API_HANDLER),
                          authorizer=function(names.AUTHORIZER_FUNCTION, names.AUTHORIZER_HANDLER),
                          expedia_callback=function(names.EXPEDIA_CALLBACK_FUNCTION, names.EXPEDIA_CALLBACK_HANDLER),
                          region=region, account_id="123456789012")


@pytest.fixture
def conversation(gateway, credentials) -> str:
    """A real conversation of h1, handed in by the partner through the gateway."""
    from datetime import UTC, datetime

    body = {"channel": "webchat", "external_conversation_id": "chat-1", "external_message_id": "m-1",
            "sender": {"external_id": "visitor-1", "name": "Zoé"}, "text": "I want to talk to a person",
            "sent_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    reply = Client(gateway).post(f"/v1/hotels/{HOTEL}/inbound", json=body, headers=credentials["partner"])
    assert reply.status_code == 202, reply.get_data(as_text=True)
    return reply.json["conversation_id"]


def test_schemathesis_finds_nothing_and_every_tab_still_lists(gateway, credentials, conversation):
    schema = schemathesis.openapi.from_wsgi(names.OPENAPI_PATH, gateway)
    cases: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    findings: list[str] = []

    for result in schema.get_all_operations():
        operation = result.ok()
        # Partners hand in messages; the console's routes run as the admin agent (PUT .../bot, saved
        # replies' writes and PATCH of the hotel are admins' only; the team's routes refuse partners).
        who = "partner" if operation.path.endswith("/inbound") else "admin"
        path_parameters = {"hotel_id": HOTEL, "conversation_id": conversation, "reply_id": REPLY}
        path_parameters = {k: v for k, v in path_parameters.items() if f"{{{k}}}" in operation.path}
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(mode, path_parameters=path_parameters)
            _run(strategy, credentials[who], f"{operation.label} {mode.value}", cases, statuses, findings)

    client = Client(gateway)
    tab_status = {tab: client.get(f"/v1/hotels/{HOTEL}/conversations?tab={tab}",
                                  headers=credentials["admin"]).status_code for tab in TABS}
    print(f"\nschemathesis: {sum(cases.values())} cases over {len(cases)} operation/mode pairs, "
          f"{len(findings)} findings; statuses {dict(sorted(statuses.items()))}; tabs {tab_status}")
    for finding in findings[:20]:
        print(finding, "\n")
    assert len(cases) == 2 * len(document_operations(schema)) and all(cases.values())  # every operation, both modes
    assert findings == []
    assert tab_status == dict.fromkeys(TABS, 200)


def _run(strategy, credential: dict[str, str], label: str, cases: Counter, statuses: Counter,
         findings: list[str]) -> None:
    """Up to EXAMPLES_PER_OPERATION cases of one operation and mode; a failing case is kept as a finding.
    The credential replaces whatever schemathesis made up for the security schemes, so that the
    cases reach the function (the authorizer's own refusals are its tests' business)."""

    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        cases[label] += 1
        case.headers = {**{k: v for k, v in (case.headers or {}).items()
                           if k.lower() not in ("authorization", "x-api-key")}, **credential}
        try:
            response = case.call_and_validate(checks=CHECKS)
            statuses[response.status_code] += 1
        except (AssertionError, BaseExceptionGroup) as failure:  # a Failure, or a group of them
            findings.append(f"{label}: {case.method} {case.formatted_path} "
                            f"body={str(getattr(case, 'body', None))[:200]!r}\n{str(failure)[:800]}")

    run()


def test_through_the_gateway_the_admin_token_may_replace_the_bot_and_the_partner_key_may_not(gateway, credentials):
    client = Client(gateway)
    before = client.get(f"/v1/hotels/{HOTEL}/bot", headers=credentials["partner"]).json

    refused = client.put(f"/v1/hotels/{HOTEL}/bot", json={"enabled": False}, headers=credentials["partner"])
    assert refused.status_code == 403 and "admins" in refused.json["message"]
    assert client.get(f"/v1/hotels/{HOTEL}/bot", headers=credentials["partner"]).json == before

    taken = client.put(f"/v1/hotels/{HOTEL}/bot", json={**before, "enabled": False}, headers=credentials["admin"])
    assert taken.status_code == 200 and taken.json["enabled"] is False


def document_operations(schema) -> list[str]:
    return [result.ok().label for result in schema.get_all_operations()]
