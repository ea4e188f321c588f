"""Helpers for the authorizer tests: API Gateway's REQUEST authorizer events, a Lambda
context, Cognito logins, and tokens signed with moto's own key (to change one claim)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

import jwt
import requests
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
        Schema=[{"Name": "hotel_ids", "AttributeDataType": "String", "Mutable": True}],
    )["UserPool"]["Id"]
    return Pool(pool_id, make_client(cognito, pool_id, "console"))


def make_client(cognito, pool_id: str, name: str) -> str:
    return cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName=name,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ReadAttributes=["email", "name", "custom:hotel_ids"],
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


class Response:
    def __init__(self, document):
        self._document = document

    def raise_for_status(self) -> None:
        pass

    def json(self):
        return self._document


class CountingSession(requests.Session):
    """A real session (moto answers it inside mock_aws) that counts the key set fetches."""

    def __init__(self):
        super().__init__()
        self.fetches: list[str] = []

    def get(self, url, **kwargs):
        self.fetches.append(url)
        return super().get(url, **kwargs)


class ScriptedSession:
    """Answers the key set fetches in turn with the given documents or exceptions."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.fetches = 0

    def get(self, url, timeout=None):
        assert timeout is not None and timeout <= 10, "the key set fetch must time out quickly"
        answer = self.answers[min(self.fetches, len(self.answers) - 1)]
        self.fetches += 1
        if isinstance(answer, Exception):
            raise answer
        return Response(json.loads(json.dumps(answer)))


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
