"""The console keeps the agent signed in for a whole shift: the ID token is renewed with the refresh token
(REFRESH_TOKEN_AUTH through the console's /cognito/) before it expires, REST calls and the socket use the
renewed token, a renewal that cannot reach Cognito is tried again, and the login comes back only when
Cognito refuses the refresh token. The ID token's lifetime is shortened to 20 s on the stack's moto for
these tests (the client's IdTokenValidity, which the local moto honours) and given back after."""

from __future__ import annotations

import base64
import json
import time

import pytest
import requests
from console_helpers import eventually
from playwright.sync_api import expect
from stack_client import StackAws, seeded_agent

pytest_plugins = ["console_plugin"]

LIFETIME = 20  # seconds: the ID token's lifetime during these tests
LEEWAY = 30  # seconds: the API's token verifier accepts a token this long after its exp
TOKEN_KEY = "lobby.idToken"
REFRESH_KEY = "lobby.refreshToken"
# Every WebSocket the page opens, kept for the test (the console's own object stays private).
RECORD_SOCKETS = """(() => {
  const Real = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = class extends Real {
    constructor(...args) { super(...args); window.__sockets.push(this); }
  };
})();"""


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@pytest.fixture
def short_id_tokens(local_stack):
    """The console client's ID tokens last LIFETIME seconds until the test ends. Cognito resets what an
    UpdateUserPoolClient omits, so every other setting of the client is given back as it was."""
    cognito = StackAws(local_stack).client("cognito-idp")
    ids = {"UserPoolId": local_stack["cognito_user_pool_id"], "ClientId": local_stack["cognito_client_id"]}
    client = cognito.describe_user_pool_client(**ids)["UserPoolClient"]
    accepted = cognito.meta.service_model.operation_model("UpdateUserPoolClient").input_shape.members
    settings = {name: value for name, value in client.items() if name in accepted}
    units = {**settings.get("TokenValidityUnits", {}), "IdToken": "seconds"}
    cognito.update_user_pool_client(**{**settings, "IdTokenValidity": LIFETIME, "TokenValidityUnits": units})
    try:
        yield cognito
    finally:
        cognito.update_user_pool_client(**settings)


def _stored(page, key: str = TOKEN_KEY) -> str | None:
    return page.evaluate("key => sessionStorage.getItem(key)", key)


def _watch(page, local_stack) -> dict[str, list]:
    """The API's 401s and the console's calls to /cognito/ (their AuthFlow), as the page makes them."""
    seen: dict[str, list] = {"unauthorized": [], "cognito": []}
    api = local_stack["api_url"].rstrip("/") + "/v1/"

    def response(r):
        if r.url.startswith(api) and r.status == 401:
            seen["unauthorized"].append(f"{r.request.method} {r.url}")

    def request(r):
        if r.url.startswith(local_stack["cognito_endpoint"]) and r.method == "POST":
            seen["cognito"].append(json.loads(r.post_data or "{}").get("AuthFlow"))

    page.page.on("response", response)
    page.page.on("request", request)
    return seen


def _until(page, epoch_seconds: float) -> None:
    """Waits (in the page) until the clock passes `epoch_seconds`."""
    page.wait_for_function("t => Date.now() / 1000 > t", arg=epoch_seconds,
                           timeout=max(1.0, epoch_seconds - time.time() + 30) * 1000, polling=500)


def test_the_console_renews_the_id_token_and_the_agent_stays_signed_in(page, local_stack, agent, short_id_tokens):
    page.add_init_script(RECORD_SOCKETS)
    seen = _watch(page, local_stack)
    page.sign_in()
    first = _stored(page)
    claims = _claims(first)
    assert claims["exp"] - claims["iat"] == LIFETIME  # the stack's moto honoured the shortened lifetime
    assert _stored(page, REFRESH_KEY)
    expect(page.locator("#app")).to_have_attribute("data-realtime", "live", timeout=30_000)

    # Past two lifetimes and the API's leeway: the first token is refused by now, only renewals keep it going.
    _until(page, claims["exp"] + LIFETIME + LEEWAY + 1)
    hotel = local_stack["demo"]["hotel_id"]
    late = requests.get(f"{local_stack['api_url']}/v1/hotels/{hotel}/inbox", timeout=10,
                        headers={"Authorization": f"Bearer {first}"})
    assert late.status_code == 401, late.text

    current = _stored(page)
    renewed = _claims(current)
    assert current != first and renewed["sub"] == claims["sub"]
    assert renewed["exp"] > time.time()  # still good: renewed ahead of its expiry
    assert seen["cognito"].count("REFRESH_TOKEN_AUTH") >= 2, seen["cognito"]
    expect(page.locator("#sign-in")).to_have_count(0)

    # REST calls work: a tab switch reads its list with the renewed token.
    calls = len(page.api_calls)
    page.select_tab("closed")
    assert any("tab=closed" in c for c in page.api_calls[calls:]), page.api_calls[calls:]
    page.select_tab("open")

    # The socket too: dropped, it comes back with the current token (the first would be refused).
    sockets = page.evaluate("window.__sockets.length")
    page.evaluate("window.__sockets.at(-1).close()")
    page.wait_for_function("n => window.__sockets.length > n && window.__sockets.at(-1).readyState === 1",
                           arg=sockets, timeout=20_000)
    url = page.evaluate("window.__sockets.at(-1).url")
    assert first not in url and _stored(page) in url
    expect(page.locator("#app")).to_have_attribute("data-realtime", "live", timeout=30_000)

    # And the events still arrive: a guest's new conversation shows without a reload.
    thread = agent.traveler_writes("Bonjour, une question sur le parking ?", first_name="Léa", last_name="Renew")
    found = agent.wait_for(thread)
    page.select_tab("all")
    expect(page.row(found["id"])).to_be_visible(timeout=15_000)
    assert seen["unauthorized"] == []  # never a token the API refused


def test_a_renewal_that_cannot_reach_cognito_is_tried_again_without_signing_out(page, local_stack, short_id_tokens):
    seen = _watch(page, local_stack)
    page.sign_in_as("ana")
    claims = _claims(_stored(page))
    # Cognito out of reach from the page: the renewal due at exp - 5 s fails for the network.
    page.route(f"{local_stack['cognito_endpoint']}**", lambda route: route.abort("internetdisconnected"))
    _until(page, claims["exp"] + 2)
    eventually(lambda: seen["cognito"].count("REFRESH_TOKEN_AUTH") >= 2, 20, message="a renewal tried again")
    expect(page.locator("#sign-in")).to_have_count(0)
    assert _stored(page, REFRESH_KEY)  # the session is kept

    page.unroute(f"{local_stack['cognito_endpoint']}**")
    # Within the API's leeway of the old token, a later try succeeds and the console carries on.
    page.wait_for_function("exp => { const t = sessionStorage.getItem('lobby.idToken');"
                           " return !!t && JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')))"
                           ".exp > exp; }", arg=claims["exp"], timeout=(LEEWAY + 30) * 1000)
    expect(page.locator("#sign-in")).to_have_count(0)
    calls = len(page.api_calls)
    page.select_tab("closed")
    assert any("tab=closed" in c for c in page.api_calls[calls:])
    assert seen["unauthorized"] == []


def test_a_refused_refresh_token_brings_the_login_back(page, local_stack, short_id_tokens):
    cognito = short_id_tokens
    ben = seeded_agent(local_stack, "ben")
    page.sign_in_as("ben")
    assert _stored(page, REFRESH_KEY)
    # Signed out everywhere by an administrator: Cognito refuses the refresh token from now on.
    cognito.admin_user_global_sign_out(UserPoolId=local_stack["cognito_user_pool_id"], Username=ben["email"])
    expect(page.locator("#login-error")).to_have_text("Your session has expired. Sign in again.",
                                                      timeout=(LIFETIME + 15) * 1000)
    assert _stored(page) is None and _stored(page, REFRESH_KEY) is None
    page.reload()
    expect(page.locator("#sign-in")).to_be_visible()  # signed out stays signed out


def _forged(claims: dict) -> str:
    part = lambda value: base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")  # noqa: E731
    return f"{part({'alg': 'RS256', 'kid': 'forged'})}.{part(claims)}.{part('not-a-signature')}"


def test_a_lapsed_or_refused_id_token_is_renewed_from_the_refresh_token(page, local_stack):
    seen = _watch(page, local_stack)
    page.sign_in()
    real = _claims(_stored(page))
    hotel = local_stack["demo"]["hotel_id"]
    like = {"sub": real["sub"], "custom:hotel_ids": hotel, "iat": int(time.time()) - 3700}

    # Back after the ID token lapsed (a reload the next morning): renewed before anything is asked of the API.
    page.evaluate("t => sessionStorage.setItem('lobby.idToken', t)", _forged({**like, "exp": int(time.time()) - 60}))
    calls = len(page.api_calls)
    page.reload()
    page.wait_for_selector('[role="tab"][aria-selected="true"]')
    page.wait_for_list()
    assert _claims(_stored(page))["iss"] == real["iss"]  # a real token again
    assert seen["cognito"][-1] == "REFRESH_TOKEN_AUTH"
    assert seen["unauthorized"] == [] and len(page.api_calls) > calls

    # A token the API refuses (401): one renewal, the same call once more, and the console carries on.
    page.evaluate("t => sessionStorage.setItem('lobby.idToken', t)", _forged({**like, "exp": int(time.time()) + 3600}))
    page.reload()
    page.wait_for_selector('[role="tab"][aria-selected="true"]')
    page.wait_for_list()
    assert seen["unauthorized"], "the API refused the forged token"
    refused = seen["unauthorized"][0].split(" ", 1)[1].removeprefix(local_stack["api_url"].rstrip("/"))
    assert page.api_calls.count(f"GET {refused}") >= 2  # asked again after the renewal
    assert _claims(_stored(page))["iss"] == real["iss"]
    expect(page.locator("#sign-in")).to_have_count(0)


def test_a_lapsed_id_token_while_cognito_is_out_of_reach_keeps_the_session_for_later(page, local_stack):
    page.sign_in()
    real = _claims(_stored(page))
    lapsed = _forged({"sub": real["sub"], "custom:hotel_ids": local_stack["demo"]["hotel_id"],
                      "iat": int(time.time()) - 3700, "exp": int(time.time()) - 60})
    page.evaluate("t => sessionStorage.setItem('lobby.idToken', t)", lapsed)
    page.route(f"{local_stack['cognito_endpoint']}**", lambda route: route.abort("internetdisconnected"))
    page.reload()
    expect(page.locator("#login-error")).to_have_text("Lobby cannot be reached. Check your connection and try again.")
    assert _stored(page, REFRESH_KEY)  # not signed out: Cognito did not refuse anything

    page.unroute(f"{local_stack['cognito_endpoint']}**")
    page.reload()  # back online
    page.wait_for_selector('[role="tab"][aria-selected="true"]')
    assert _claims(_stored(page))["iss"] == real["iss"]
