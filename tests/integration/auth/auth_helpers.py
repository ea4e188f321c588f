"""Helpers for the authorizer tests: API Gateway's REQUEST authorizer events, a Lambda
context, Cognito logins, tokens signed with moto's own key (to change one claim), and key set
endpoints served over loopback."""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from moto.utilities.utils import load_resource

from authorizer import handler as authorizer

REGION_ACCOUNT = "123456789012"
API_ID = "a1b2c3d4e5"
STAGE = "prod"
PASSWORD = "Lobby-Passw0rd!"
AGENT_EMAIL = "ana@lumiere.example"
AGENT_NAME = "Ana Martin"
AGENT_HOTELS = "h-lumiere,h-rivage"


@dataclass(frozen=True)
class Pool:
    id: str
    client_id: str


def make_pool(cognito, name: str) -> Pool:
    """A user pool like the console's: custom attribute hotel_ids, a password-auth client."""
    pool_id = cognito.create_user_pool(
        PoolName=name,
        Schema=[{"Name": "hotel_ids", "AttributeDataType": "String", "Mutable": True},
                {"Name": "role", "AttributeDataType": "String", "Mutable": True}],
    )["UserPool"]["Id"]
    return Pool(pool_id, make_client(cognito, pool_id, "console"))


def make_client(cognito, pool_id: str, name: str) -> str:
    return cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName=name,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ReadAttributes=["email", "name", "custom:hotel_ids", "custom:role"],
    )["UserPoolClient"]["ClientId"]


@dataclass
class LambdaContext:
    function_name: str = "lobby-authorizer"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = f"arn:aws:lambda:eu-west-1:{REGION_ACCOUNT}:function:lobby-authorizer"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))


def method_arn(region: str, method: str = "GET", path: str = "/v1/hotels/h-lumiere/inbox", stage: str = STAGE) -> str:
    return f"arn:aws:execute-api:{region}:{REGION_ACCOUNT}:{API_ID}/{stage}/{method}{path}"


def stage_arn(region: str, stage: str = STAGE) -> str:
    return f"arn:aws:execute-api:{region}:{REGION_ACCOUNT}:{API_ID}/{stage}/*/*"


def request_event(region: str, headers: dict | None, *, method: str = "GET",
                  path: str = "/v1/hotels/h-lumiere/inbox", stage: str = STAGE) -> dict:
    """A REST API REQUEST authorizer event, as API Gateway sends it."""
    resource = "/v1/hotels/{hotel_id}/inbox" if path.endswith("/inbox") else path
    base_headers = {"Host": f"{API_ID}.execute-api.{region}.amazonaws.com", "User-Agent": "lobby-tests",
                    "X-Forwarded-Proto": "https", "X-Forwarded-Port": "443"}
    all_headers = None if headers is None else {**base_headers, **headers}
    return {
        "type": "REQUEST",
        "methodArn": method_arn(region, method, path, stage),
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": None if all_headers is None else {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"hotel_id": "h-lumiere"},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource, "httpMethod": method, "path": f"/{stage}{path}", "stage": stage,
            "accountId": REGION_ACCOUNT, "apiId": API_ID, "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "lobby-tests"},
        },
    }


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def login(cognito, client_id: str, username: str, password: str = PASSWORD) -> dict:
    """The AuthenticationResult of a USER_PASSWORD_AUTH login (IdToken, AccessToken, ...)."""
    return cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": username, "PASSWORD": password})["AuthenticationResult"]


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def moto_signing_key():
    """The private key moto signs every user pool's tokens with (kid ``dummy``)."""
    return jwt.PyJWK(load_resource("cognitoidp/resources/jwks-private.json"), algorithm="RS256").key


def resign(token: str, **changes) -> str:
    """The token with some claims changed (``None`` removes one), signed again like moto does."""
    claims = {**claims_of(token), **changes}
    claims = {k: v for k, v in claims.items() if v is not None}
    kid = jwt.get_unverified_header(token)["kid"]
    return jwt.encode(claims, moto_signing_key(), algorithm="RS256", headers={"kid": kid})


class KeySetServer:
    """A key set endpoint on loopback that answers in turn with the given answers (the last one
    repeats) and counts its fetches: a JWKS document (dict or list, sent as JSON), an HTTP status
    (int), or ``("slow", seconds, document)``. PyJWKClient fetches with urllib, which moto does
    not intercept, so scripted key sets are served over real HTTP, as Cognito serves them."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.fetches = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                answer = server.answers[min(server.fetches, len(server.answers) - 1)]
                server.fetches += 1
                if isinstance(answer, tuple) and answer[0] == "slow":
                    time.sleep(answer[1])
                    answer = answer[2]
                if isinstance(answer, int):
                    self.send_response(answer)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up waiting (a "slow" answer)

            def log_message(self, *args):
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}/pool/.well-known/jwks.json"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()


class Clock:
    """Stands in for ``time.monotonic`` in PyJWT's key set cache, so tests move time forward."""

    def __init__(self, now: float = 1000.0):
        self.now = now

    def monotonic(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Authorizer:
    """Calls the handler as API Gateway does, with a REQUEST event carrying these headers."""

    def __init__(self, region: str):
        self.region = region

    def __call__(self, headers: dict | None, **event_options) -> dict:
        return authorizer.handler(request_event(self.region, headers, **event_options), LambdaContext())

    def denies(self, headers: dict | None, **event_options) -> bool:
        """Whether API Gateway would answer 401: the handler raised exactly 'Unauthorized'."""
        try:
            self(headers, **event_options)
        except Exception as error:
            if str(error) == "Unauthorized":
                return True
            raise
        return False
