"""The REQUEST authorizer on moto: console agents with Cognito ID tokens, partners with API
keys, and the admin command that creates both. API Gateway answers 401 exactly when the
handler raises ``Exception("Unauthorized")``; its answer otherwise is the policy and context."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import boto3
import jwt
import pytest
from auth_helpers import (
    AGENT_EMAIL,
    AGENT_NAME,
    PASSWORD,
    LambdaContext,
    bearer,
    claims_of,
    login,
    make_client,
    make_pool,
    resign,
    stage_arn,
)
from conversations_helpers import RequestCounter
from cryptography.hazmat.primitives.asymmetric import rsa

from admin import create_partner_key
from admin.__main__ import main as admin_main
from auth.keys import hash_api_key, new_api_key
from auth.principal import Principal
from auth.tokens import KeySetUnavailable
from authorizer import handler as authorizer
from inbox.ports import Hotel, PartnerKey
from store import keys as store_keys
from wiring import container
from wiring.settings import Settings

REPO = Path(__file__).resolve().parents[3]
KEY_SHAPE = re.compile(r"lby_[A-Za-z0-9_-]{40}")
AUTHORIZER_TIMEOUT_SECONDS = 10  # infra/api.py


def allowed_everywhere_on_the_stage(answer: dict, region: str, stage: str = "prod") -> bool:
    return answer["policyDocument"] == {
        "Version": "2012-10-17",
        "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": stage_arn(region, stage)}],
    }


# --- console agents ---------------------------------------------------------------------------------


def test_a_valid_id_token_is_allowed_on_the_whole_stage_with_the_agents_hotels(authorize, agent_tokens, agent_sub,
                                                                               region):
    answer = authorize(bearer(agent_tokens["IdToken"]))

    assert allowed_everywhere_on_the_stage(answer, region)
    assert answer["context"] == {"actor_type": "agent", "actor_id": agent_sub, "actor_name": AGENT_NAME,
                                 "hotel_ids": "h-lumiere,h-rivage", "role": "agent"}
    assert answer["principalId"] == f"agent:{agent_sub}"
    assert "usageIdentifierKey" not in answer
    principal = Principal.from_context(answer["context"])
    assert principal.may_access("h-lumiere") and principal.may_access("h-rivage")
    assert not principal.may_access("h-elsewhere")


def test_the_policy_covers_every_route_of_the_stage_the_request_came_through(authorize, agent_tokens, region):
    answer = authorize(bearer(agent_tokens["IdToken"]), method="POST",
                       path="/v1/hotels/h-rivage/conversations/c-1/messages", stage="staging")

    assert allowed_everywhere_on_the_stage(answer, region, stage="staging")


@pytest.mark.parametrize("headers", [
    lambda t: {"authorization": f"Bearer {t}"},
    lambda t: {"AUTHORIZATION": f"Bearer {t}"},
    lambda t: {"Authorization": f"bearer {t}"},
    lambda t: {"Authorization": f"  Bearer {t}  "},
], ids=["lowercase-name", "uppercase-name", "lowercase-scheme", "padded"])
def test_the_authorization_header_is_found_whatever_its_case(authorize, agent_tokens, agent_sub, headers):
    answer = authorize(headers(agent_tokens["IdToken"]))

    assert answer["context"]["actor_id"] == agent_sub


def test_hotels_in_the_claim_are_trimmed_and_empty_entries_dropped(authorize, cognito, pool, agent_sub):
    messy = [{"Name": "custom:hotel_ids", "Value": " h-lumiere , ,h-rivage,"}]
    cognito.admin_update_user_attributes(UserPoolId=pool.id, Username=AGENT_EMAIL, UserAttributes=messy)
    token = login(cognito, pool.client_id, AGENT_EMAIL)["IdToken"]

    answer = authorize(bearer(token))

    assert answer["context"]["hotel_ids"] == "h-lumiere,h-rivage"


def test_an_agent_without_a_name_is_labelled_with_their_email(authorize, cognito, pool):
    cognito.admin_create_user(UserPoolId=pool.id, Username="leo@lumiere.example", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "leo@lumiere.example"},
                                              {"Name": "custom:hotel_ids", "Value": "h-lumiere"}])
    cognito.admin_set_user_password(UserPoolId=pool.id, Username="leo@lumiere.example", Password=PASSWORD,
                                    Permanent=True)
    token = login(cognito, pool.client_id, "leo@lumiere.example")["IdToken"]

    answer = authorize(bearer(token))

    assert answer["context"]["actor_name"] == "leo@lumiere.example"


def test_an_agent_token_without_hotels_authenticates_but_reaches_no_hotel(authorize, agent_tokens):
    token = resign(agent_tokens["IdToken"], **{"custom:hotel_ids": None})

    principal = Principal.from_context(authorize(bearer(token))["context"])

    assert principal.hotel_ids == frozenset()


def test_a_re_signed_token_with_unchanged_claims_is_allowed(authorize, agent_tokens, agent_sub):
    """Control for the tests below: moto's key re-signs tokens the authorizer accepts."""
    assert authorize(bearer(resign(agent_tokens["IdToken"])))["context"]["actor_id"] == agent_sub


@pytest.mark.parametrize("expired_seconds_ago, denied", [(3600, True), (120, True), (5, False)])
def test_an_expired_token_is_refused_beyond_a_small_clock_skew(authorize, agent_tokens, expired_seconds_ago, denied):
    expired_at = int(time.time()) - expired_seconds_ago
    token = resign(agent_tokens["IdToken"], iat=expired_at - 3600, auth_time=expired_at - 3600, exp=expired_at)

    assert authorize.denies(bearer(token)) is denied


def test_a_token_for_another_app_client_is_refused(authorize, cognito, pool, agent_sub):
    other_client = make_client(cognito, pool.id, "some-other-app")
    token = login(cognito, other_client, AGENT_EMAIL)["IdToken"]
    assert claims_of(token)["aud"] == other_client

    assert authorize.denies(bearer(token))


def test_a_token_of_another_user_pool_is_refused_though_moto_signs_it_with_the_same_key(authorize, cognito):
    other = make_pool(cognito, "someone-elses-pool")
    cognito.admin_create_user(UserPoolId=other.id, Username=AGENT_EMAIL, MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "custom:hotel_ids", "Value": "h-lumiere"}])
    cognito.admin_set_user_password(UserPoolId=other.id, Username=AGENT_EMAIL, Password=PASSWORD, Permanent=True)
    token = login(cognito, other.client_id, AGENT_EMAIL)["IdToken"]

    assert authorize.denies(bearer(token))


def test_a_token_with_the_audience_but_another_issuer_is_refused(authorize, agent_tokens, region):
    token = resign(agent_tokens["IdToken"], iss=f"https://cognito-idp.{region}.amazonaws.com/{region}_Elsewhere")

    assert authorize.denies(bearer(token))


def test_an_access_token_is_refused(authorize, agent_tokens):
    assert authorize.denies(bearer(agent_tokens["AccessToken"]))


def test_an_access_token_even_with_the_right_audience_is_refused(authorize, agent_tokens, pool):
    token = resign(agent_tokens["AccessToken"], aud=pool.client_id)
    assert claims_of(token)["token_use"] == "access"

    assert authorize.denies(bearer(token))


@pytest.mark.parametrize("claim", ["exp", "sub", "token_use", "iat"])
def test_a_token_missing_a_required_claim_is_refused(authorize, agent_tokens, claim):
    assert authorize.denies(bearer(resign(agent_tokens["IdToken"], **{claim: None})))


def test_a_token_whose_claims_were_edited_after_signing_is_refused(authorize, agent_tokens):
    header, _, signature = agent_tokens["IdToken"].split(".")
    claims = {**claims_of(agent_tokens["IdToken"]), "custom:hotel_ids": "h-lumiere,h-rivage,h-victim"}
    payload = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()

    assert authorize.denies(bearer(f"{header}.{payload}.{signature}"))


def test_an_unsigned_or_hmac_token_is_refused(authorize, agent_tokens):
    claims = claims_of(agent_tokens["IdToken"])
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"kid": "dummy"})
    hmac = jwt.encode(claims, "a-shared-secret-of-at-least-32-bytes!", algorithm="HS256", headers={"kid": "dummy"})

    assert authorize.denies(bearer(unsigned))
    assert authorize.denies(bearer(hmac))


@pytest.mark.parametrize("headers", [
    None,
    {},
    {"Authorization": ""},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer "},
    {"Authorization": "Bearer not-a-jwt"},
    {"Authorization": "Bearer a.b.c"},
    {"Authorization": "Basic YW5hOnBhc3N3b3Jk"},
    {"X-Api-Key": ""},
], ids=repr)
def test_missing_or_garbage_credentials_are_refused(authorize, headers):
    assert authorize.denies(headers)


def test_a_raw_token_without_the_bearer_scheme_is_refused(authorize, agent_tokens):
    assert authorize.denies({"Authorization": agent_tokens["IdToken"]})


def test_two_credentials_at_once_are_refused(authorize, agent_tokens, partner_key):
    assert authorize.denies({**bearer(agent_tokens["IdToken"]), "x-api-key": partner_key})


def test_a_request_without_a_method_arn_is_refused(authorize, agent_tokens, region):
    event = {"type": "REQUEST", "headers": bearer(agent_tokens["IdToken"])}
    with pytest.raises(Exception, match="^Unauthorized$"):
        authorizer.handler(event, LambdaContext())


# --- the key set: PyJWKClient's cache, one refetch per cooldown for unknown kids, an outage is not a 401 --


def token_signed_by_a_stranger(agent_tokens, kid: str = "rotated-key-2") -> tuple[str, dict]:
    """The agent's claims signed with a fresh RSA key, and that key's public JWK."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(claims_of(agent_tokens["IdToken"]), key, algorithm="RS256", headers={"kid": kid})
    public_jwk = {**jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True),
                  "kid": kid, "alg": "RS256", "use": "sig"}
    return token, public_jwk


def test_moto_tokens_verify_against_moto_servers_key_set_over_http(settings, authorize, agent_tokens, moto_endpoint):
    """Control for the scripted endpoints below: the verifier fetches the real endpoint with urllib."""
    assert settings.jwks_url.startswith(moto_endpoint)

    assert authorize(bearer(agent_tokens["IdToken"]))["context"]["actor_type"] == "agent"


def test_the_key_set_is_fetched_once_while_its_lifespan_lasts(configure, key_set_server, moto_keys, clock,
                                                               authorize, agent_tokens):
    endpoint = key_set_server(moto_keys)
    configure(jwks_url=endpoint.url, jwks_lifespan_seconds=300)

    for _ in range(3):
        authorize(bearer(agent_tokens["IdToken"]))
        clock.advance(99)

    assert endpoint.fetches == 1
    clock.advance(10)  # 307 s after the fetch
    authorize(bearer(agent_tokens["IdToken"]))
    assert endpoint.fetches == 2


def test_unknown_kids_make_at_most_one_refetch_per_cooldown(configure, key_set_server, moto_keys, clock, authorize,
                                                            agent_tokens):
    endpoint = key_set_server(moto_keys)
    configure(jwks_url=endpoint.url, jwks_refresh_cooldown_seconds=10)
    authorize(bearer(agent_tokens["IdToken"]))
    stranger, _ = token_signed_by_a_stranger(agent_tokens)

    assert authorize.denies(bearer(stranger))
    assert endpoint.fetches == 1  # within the cooldown that the first fetch started: no fetch
    clock.advance(11)
    assert authorize.denies(bearer(stranger))
    assert endpoint.fetches == 2  # one refetch looking for the key
    for kid in ("made-up-1", "made-up-2", "made-up-3"):
        assert authorize.denies(bearer(token_signed_by_a_stranger(agent_tokens, kid=kid)[0]))
    assert endpoint.fetches == 2  # a flood of made-up kids right after fetches nothing
    assert authorize(bearer(agent_tokens["IdToken"]))["context"]["actor_type"] == "agent"


def test_a_rotated_key_is_picked_up_without_a_cold_start(configure, key_set_server, moto_keys, clock, authorize,
                                                         agent_tokens):
    rotated_token, rotated_jwk = token_signed_by_a_stranger(agent_tokens)
    endpoint = key_set_server(moto_keys, {"keys": [*moto_keys["keys"], rotated_jwk]})
    configure(jwks_url=endpoint.url, jwks_refresh_cooldown_seconds=10)
    authorize(bearer(agent_tokens["IdToken"]))
    clock.advance(11)

    answer = authorize(bearer(rotated_token))

    assert answer["context"]["actor_type"] == "agent"
    assert endpoint.fetches == 2
    assert authorize(bearer(agent_tokens["IdToken"]))["context"]["actor_type"] == "agent"
    assert endpoint.fetches == 2


@pytest.mark.parametrize("answer", [
    503,
    ("slow", 1.0, None),  # slower than the key set timeout below
    ["not", "a", "key", "set"],
    {"keys": []},
    {"keys": [{"kty": "RSA", "kid": "broken"}]},
], ids=["unavailable", "too-slow", "not-an-object", "no-keys", "unusable-key"])
def test_an_unavailable_key_set_is_a_server_error_not_a_401(configure, key_set_server, authorize, agent_tokens,
                                                            answer):
    configure(jwks_url=key_set_server(answer).url, jwks_timeout_seconds=0.2)

    with pytest.raises(KeySetUnavailable):
        authorize(bearer(agent_tokens["IdToken"]))


def test_an_unreachable_key_set_is_a_server_error_not_a_401(configure, key_set_server, authorize, agent_tokens):
    endpoint = key_set_server({"keys": []})
    endpoint.close()  # nothing listens there any more
    configure(jwks_url=endpoint.url)

    with pytest.raises(KeySetUnavailable):
        authorize(bearer(agent_tokens["IdToken"]))


def test_during_an_outage_known_keys_still_verify_and_unknown_kids_within_the_cooldown_fetch_nothing(
        configure, key_set_server, moto_keys, clock, authorize, agent_tokens):
    endpoint = key_set_server(moto_keys, 503)
    configure(jwks_url=endpoint.url, jwks_refresh_cooldown_seconds=10)
    authorize(bearer(agent_tokens["IdToken"]))
    stranger, _ = token_signed_by_a_stranger(agent_tokens)

    assert authorize.denies(bearer(stranger))  # within the cooldown: refused without fetching
    assert endpoint.fetches == 1
    clock.advance(11)
    with pytest.raises(KeySetUnavailable):  # the refetch fails: a server error, not a 401
        authorize(bearer(stranger))
    assert endpoint.fetches == 2
    assert authorize(bearer(agent_tokens["IdToken"]))["context"]["actor_type"] == "agent"  # the cached set
    assert endpoint.fetches == 2


def test_the_key_set_client_gets_its_lifespan_cooldown_and_timeout_from_the_settings(configure, settings):
    settings = configure(jwks_lifespan_seconds=120, jwks_refresh_cooldown_seconds=7, jwks_timeout_seconds=1.5,
                         token_leeway_seconds=12)

    verifier = container.token_verifier()

    assert verifier.keys.uri == settings.jwks_url
    assert verifier.keys.jwk_set_cache.lifespan == 120
    assert verifier.keys.cooldown_duration == 7
    assert verifier.keys.timeout == 1.5
    assert verifier.leeway == 12
    assert container.token_verifier() is verifier  # built once per warm process


def test_the_production_key_set_settings_bound_refetches_and_end_well_within_the_authorizers_timeout():
    defaults = Settings()

    assert defaults.jwks_lifespan_seconds == 300  # a removed key stops verifying within 5 minutes
    assert 0 < defaults.jwks_refresh_cooldown_seconds <= 30
    assert defaults.jwks_timeout_seconds < AUTHORIZER_TIMEOUT_SECONDS


# --- the agent's role ---------------------------------------------------------------------------------


def test_an_agents_role_comes_from_the_custom_role_claim(authorize, cognito, pool, agent_sub):
    cognito.admin_update_user_attributes(UserPoolId=pool.id, Username=AGENT_EMAIL,
                                         UserAttributes=[{"Name": "custom:role", "Value": "admin"}])
    token = login(cognito, pool.client_id, AGENT_EMAIL)["IdToken"]

    answer = authorize(bearer(token))

    assert answer["context"]["role"] == "admin"
    assert Principal.from_context(answer["context"]).is_admin


@pytest.mark.parametrize("claim, role", [(None, "agent"), ("agent", "agent"), ("owner", "agent"), ("ADMIN", "agent"),
                                         (["admin"], "agent")])
def test_a_missing_or_unknown_role_is_the_least_privileged_one(authorize, agent_tokens, claim, role):
    token = resign(agent_tokens["IdToken"], **{"custom:role": claim})

    assert authorize(bearer(token))["context"]["role"] == role


# --- partners -----------------------------------------------------------------------------------------


def test_a_partner_key_is_allowed_with_the_partner_context_and_its_usage_key(authorize, partner_key, region):
    answer = authorize({"x-api-key": partner_key})

    assert allowed_everywhere_on_the_stage(answer, region)
    assert answer["context"] == {"actor_type": "partner", "actor_id": "acme", "actor_name": "Acme Channel Manager",
                                 "hotel_ids": "h-lumiere", "role": ""}
    assert answer["principalId"] == "partner:acme"
    assert answer["usageIdentifierKey"] == partner_key


@pytest.mark.parametrize("name", ["x-api-key", "X-Api-Key", "X-API-KEY"])
def test_the_api_key_header_is_found_whatever_its_case(authorize, partner_key, name):
    assert authorize({name: partner_key})["context"]["actor_id"] == "acme"


def test_a_partner_key_costs_one_get_item_and_a_malformed_one_none(authorize, partner_key):
    requests_sent = RequestCounter()
    requests_sent.attach(container.store())  # the store the authorizer gets from the composition root

    authorize({"x-api-key": partner_key})
    assert requests_sent.counts == {"GetItem": 1, "UpdateItem": 1}  # its first use of the minute is noted
    requests_sent.calls.clear()
    authorize({"x-api-key": partner_key})
    assert requests_sent.counts == {"GetItem": 1}

    requests_sent.calls.clear()
    assert authorize.denies({"x-api-key": "lby_short"})
    assert authorize.denies({"x-api-key": partner_key + "x"})
    assert requests_sent.counts == {}


def test_an_unknown_key_is_refused(authorize, partner_key):
    assert authorize.denies({"x-api-key": new_api_key()})


def test_a_key_with_one_character_changed_is_refused(authorize, partner_key):
    last = partner_key[-1]
    changed = partner_key[:-1] + ("A" if last != "A" else "B")

    assert authorize.denies({"x-api-key": changed})


def test_a_revoked_key_is_refused_at_once_in_a_warm_process(authorize, partner_key, table, region):
    assert authorize({"x-api-key": partner_key})["context"]["actor_id"] == "acme"
    boto3.client("dynamodb", region_name=region).delete_item(TableName=table, Key={
        "pk": {"S": store_keys.partner_key_pk(hash_api_key(partner_key))}, "sk": {"S": store_keys.PARTNER_KEY_SK}})

    assert authorize.denies({"x-api-key": partner_key})


def test_logs_say_why_but_never_hold_the_token_or_the_key(authorize, agent_tokens, partner_key, logs):
    token = agent_tokens["IdToken"]
    authorize(bearer(token))
    authorize({"x-api-key": partner_key})
    authorize.denies(bearer(resign(token, aud="someone-else")))
    authorize.denies({"x-api-key": partner_key[:-1] + ("A" if partner_key[-1] != "A" else "B")})
    authorize.denies({})

    reasons = [entry.get("reason", "") for entry in logs.entries if entry["message"] == "Request denied"]
    assert len(reasons) == 3
    assert "audience" in reasons[0].lower()
    assert "unknown or revoked API key" in reasons[1]
    assert reasons[2] == "no credentials"
    signature = token.rsplit(".", 1)[1]
    assert signature not in logs.text and token.split(".")[1] not in logs.text
    assert partner_key not in logs.text and partner_key[4:20] not in logs.text


# --- cold start ---------------------------------------------------------------------------------------


def test_importing_the_authorizer_builds_no_tracer_or_metrics_and_loads_no_pydantic_pyjwt_or_pynamodb():
    heavy = ("jwt", "cryptography", "pynamodb", "requests", "boto3", "pydantic", "aws_xray_sdk")
    code = ("import sys, authorizer.handler, wiring.observability as o; "
            f"print(','.join(m for m in {heavy!r} if m in sys.modules)); "
            "print(o._tracer.cache_info().currsize, o._metrics.cache_info().currsize)")
    # As in Lambda, where tracing is on: a Tracer built anywhere on the import path would load the X-Ray SDK.
    env = {**os.environ, "PYTHONPATH": str(REPO / "functions"), "AWS_LAMBDA_FUNCTION_NAME": "lobby-authorizer",
           "LAMBDA_TASK_ROOT": str(REPO / "functions"), "POWERTOOLS_TRACE_DISABLED": "false"}
    loaded = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)

    assert loaded.stdout.splitlines() == ["", "0 0"]


# --- the admin command ---------------------------------------------------------------------------------


def run_admin(capsys, *argv) -> tuple[int, str, str]:
    code = admin_main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_create_partner_key_prints_the_key_once_and_stores_only_its_hash(capsys, store, hotel, table, region,
                                                                        authorize):
    store.put_hotel(Hotel("h-rivage", "Rivage"))
    code, out, err = run_admin(capsys, "--table", table, "--region", region, "create-partner-key",
                               "--partner-id", "acme", "--name", "Acme Channel Manager",
                               "--hotel-ids", "h-lumiere, h-rivage")

    assert code == 0
    printed = KEY_SHAPE.findall(out + err)
    assert len(printed) == 1
    key = printed[0]
    assert store.find_partner_key(hash_api_key(key)) == PartnerKey("acme", "Acme Channel Manager",
                                                                   frozenset({"h-lumiere", "h-rivage"}))
    items = boto3.client("dynamodb", region_name=region).scan(TableName=table)["Items"]
    assert key not in repr(items) and key[4:] not in repr(items)
    assert hash_api_key(key) in repr(items)
    assert authorize({"x-api-key": key})["context"]["hotel_ids"] == "h-lumiere,h-rivage"


def test_each_partner_key_is_new(store, hotel):
    first, second = (create_partner_key(store, "acme", "Acme", "h-lumiere") for _ in range(2))

    assert first != second
    assert KEY_SHAPE.fullmatch(first) and KEY_SHAPE.fullmatch(second)


def test_create_partner_key_can_register_the_key_in_a_usage_plan(capsys, store, hotel, table, region):
    apigateway = boto3.client("apigateway", region_name=region)
    plan = apigateway.create_usage_plan(name="lobby-partners")["id"]

    code, out, _ = run_admin(capsys, "create-partner-key", "--table", table, "--region", region, "--partner-id", "acme",
                             "--name", "Acme", "--hotel-ids", "h-lumiere", "--usage-plan-id", plan)

    assert code == 0
    (key,) = KEY_SHAPE.findall(out)
    assert [k["value"] for k in apigateway.get_usage_plan_keys(usagePlanId=plan)["items"]] == [key]


def test_create_hotel_stores_the_hotel_with_paris_time_by_default(capsys, store, table, region):
    code, _, _ = run_admin(capsys, "--table", table, "--region", region, "create-hotel",
                           "--hotel-id", "h-lumiere", "--name", "Hôtel Lumière", "--expedia-property-id", "1234567")

    assert code == 0
    assert store.get_hotel("h-lumiere") == Hotel("h-lumiere", "Hôtel Lumière", "Europe/Paris", True, "1234567")


def test_create_hotel_refuses_to_overwrite_or_an_unknown_time_zone(capsys, store, table, region):
    run_admin(capsys, "--table", table, "--region", region, "create-hotel", "--hotel-id", "h-lumiere",
              "--name", "Lumière", "--timezone", "America/New_York")

    again = run_admin(capsys, "--table", table, "--region", region, "create-hotel", "--hotel-id", "h-lumiere",
                      "--name", "Other")
    bad_zone = run_admin(capsys, "--table", table, "--region", region, "create-hotel", "--hotel-id", "h-rivage",
                         "--name", "Rivage", "--timezone", "Mars/Olympus")

    assert again[0] == 2 and "already exists" in again[2]
    assert bad_zone[0] == 2 and "time zone" in bad_zone[2]
    assert store.get_hotel("h-lumiere").name == "Lumière"
    assert store.get_hotel("h-rivage") is None


def test_create_agent_makes_a_user_who_can_log_in_and_is_authorized(capsys, cognito, pool, region, store, table,
                                                                    authorize):
    store.put_hotel(Hotel("h-rivage", "Rivage"))
    code, out, _ = run_admin(capsys, "--region", region, "--table", table, "create-agent", "--user-pool-id", pool.id,
                             "--email", "zoe@rivage.example", "--name", "Zoé", "--password", PASSWORD,
                             "--hotel-ids", "h-rivage")

    assert code == 0
    user = cognito.admin_get_user(UserPoolId=pool.id, Username="zoe@rivage.example")
    assert user["UserStatus"] == "CONFIRMED"
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email_verified"] == "true" and attributes["custom:hotel_ids"] == "h-rivage"
    assert attributes["sub"] in out
    token = login(cognito, pool.client_id, "zoe@rivage.example")["IdToken"]
    assert authorize(bearer(token))["context"] == {"actor_type": "agent", "actor_id": attributes["sub"],
                                                   "actor_name": "Zoé", "hotel_ids": "h-rivage", "role": "agent"}


def test_create_agent_reports_an_existing_user_as_an_error(capsys, cognito, pool, region, table, hotel, agent_sub):
    code, _, err = run_admin(capsys, "--region", region, "--table", table, "create-agent", "--user-pool-id", pool.id,
                             "--email", AGENT_EMAIL, "--name", "Ana", "--password", PASSWORD,
                             "--hotel-ids", "h-lumiere")

    assert code == 1 and "exists" in err.lower()


@pytest.mark.parametrize("argv", [
    ["create-partner-key", "--partner-id", "acme", "--name", "Acme"],  # no hotels
    ["create-hotel", "--name", "Lumière"],  # no hotel id
    ["delete-everything"],
    [],
])
def test_incomplete_commands_are_refused_by_the_parser(capsys, argv):
    with pytest.raises(SystemExit) as exit_:
        admin_main(["--region", "eu-west-1", *argv])
    assert exit_.value.code == 2


def test_blank_hotel_ids_issue_no_key(capsys, store, table, region):
    code, out, err = run_admin(capsys, "--table", table, "--region", region, "create-partner-key",
                               "--partner-id", "acme", "--name", "Acme", "--hotel-ids", " , ")

    assert code == 2 and "hotel" in err
    assert not KEY_SHAPE.search(out + err)


def test_admin_runs_as_a_module_from_the_repository_root():
    shown = subprocess.run([sys.executable, "-m", "admin", "--help"], cwd=REPO, capture_output=True, text=True,
                           env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})

    assert shown.returncode == 0
    assert "create-partner-key" in shown.stdout and "create-agent" in shown.stdout


def test_agents_are_metered_by_the_console_usage_plan_when_one_is_set(settings, configure, authorize, agent_tokens):
    """With the API's key source AUTHORIZER, a request without usageIdentifierKey is refused (403)
    on methods that need a key: agents get the console plan's key."""
    configure(console_usage_key="LobbyConsoleUsageKey")

    answer = authorize(headers={"Authorization": f"Bearer {agent_tokens['IdToken']}"})

    assert answer["usageIdentifierKey"] == "LobbyConsoleUsageKey"
    assert answer["context"]["actor_type"] == "agent"
