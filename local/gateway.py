"""API Gateway (REST) as Lobby's stack defines it, for the local stack: a WSGI app.

Each HTTP request under ``/v1`` is matched against the resources of ``infra/api.py``:

- ``GET /v1/openapi.json``: the api function, no authorizer;
- ``GET|POST /v1/hotels/{proxy+}`` (``names.HOTEL_ROUTE_METHODS``): the REQUEST authorizer
  first, then the api function; an API key is required, which with ``apiKeySource:
  AUTHORIZER`` means the authorizer must return ``usageIdentifierKey``;
- ``POST /v1/channels/expedia/notifications``: the Expedia callback function, no authorizer;
- ``OPTIONS`` on every resource under ``/v1``: the CORS preflight CDK adds.

and becomes a REST proxy event (as ``tests/integration/api/api_harness.py`` builds them);
the function's answer becomes the HTTP response. What API Gateway answers by itself
(unknown route, 401, 403, authorizer failure, function failure) is JSON ``{"message": ...}``
with the CORS headers of the stack's gateway responses. Usage plans (throttling, quotas,
the key registry) are not emulated.
"""

from __future__ import annotations

import base64
import fnmatch
import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

from werkzeug.wrappers import Request, Response

from infra import names
from local.execution import Environments
from local.lambda_runtime import LambdaContext, request_id

log = logging.getLogger("local.gateway")

Handler = Callable[[dict, Any], Any]

HOTELS_PREFIX = "/v1/hotels/"
HOTELS_RESOURCE = "/v1/hotels/{proxy+}"
# The resources of infra/api.py (each has the CORS preflight OPTIONS method).
RESOURCES = frozenset({"/v1", names.OPENAPI_PATH, "/v1/hotels", "/v1/channels", "/v1/channels/expedia",
                       names.EXPEDIA_CALLBACK_PATH})


class Function:
    """One Lambda function: its handler, run the way Lambda runs it.

    With ``concurrency`` (the functions API Gateway invokes), each concurrent invocation has
    an execution environment of its own, a process that imported the handler
    (``local.execution``): requests are served at the same moment, as API Gateway does, so
    races between them happen locally too. Without it (the functions an event source mapping
    or the scheduler invokes, from one thread each), the handler runs in this process, one
    invocation at a time.
    """

    def __init__(self, name: str, handler_path: str, region: str, account_id: str, *, concurrency: int = 0):
        self.name = name
        self.handler_path = handler_path
        self.arn = f"arn:aws:lambda:{region}:{account_id}:function:{name}"
        self._handler: Handler | None = None
        self._lock = threading.Lock()
        self.environments = (Environments(handler_path, name, self.arn, concurrency=concurrency)
                             if concurrency else None)

    def handler(self) -> Handler:
        if self._handler is None:
            import importlib

            module, _, attribute = self.handler_path.rpartition(".")
            self._handler = getattr(importlib.import_module(module), attribute)
        return self._handler

    def __call__(self, event: dict, context: Any = None) -> Any:
        if self.environments is not None:
            return self.environments.invoke(event, getattr(context, "aws_request_id", None) or request_id())
        handler = self.handler()
        with self._lock:
            return handler(event, context or LambdaContext(function_name=self.name, invoked_function_arn=self.arn))

    def warm(self) -> None:
        """Start an execution environment now, so the first request finds the handler imported."""
        if self.environments is not None:
            self.environments.warm()

    def close(self) -> None:
        """Let the execution environments end (``stop()`` waits for them)."""
        if self.environments is not None:
            self.environments.close()

    def stop(self) -> None:
        if self.environments is not None:
            self.environments.stop()


class RestApiGateway:
    def __init__(self, *, api: Function, authorizer: Function, expedia_callback: Function, region: str,
                 account_id: str, api_id: str = "lobbylocal", stage: str = names.API_STAGE, allow_origin: str = "*"):
        self.api = api
        self.authorizer = authorizer
        self.expedia_callback = expedia_callback
        self.region = region
        self.account_id = account_id
        self.api_id = api_id
        self.stage = stage
        self.allow_origin = allow_origin

    # -- WSGI ---------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        request = Request(environ)
        started = time.perf_counter()
        try:
            response = self._route(request)
        except Exception:  # a bug in the emulation itself: still answer as API Gateway would
            log.exception("gateway failure on %s %s", request.method, request.path)
            response = self._gateway_error(500, "Internal server error")
        log.info("%s %s %s %.0f ms", request.method, request.full_path.rstrip("?"), response.status_code,
                 (time.perf_counter() - started) * 1000)
        return response(environ, start_response)

    def _route(self, request: Request) -> Response:
        path, method = request.path, request.method
        is_hotel_route = path.startswith(HOTELS_PREFIX) and len(path) > len(HOTELS_PREFIX)
        if method == "OPTIONS" and (path in RESOURCES or is_hotel_route):
            return self._preflight()
        if path == names.OPENAPI_PATH and method == "GET":
            return self._integrate(self.api, request, names.OPENAPI_PATH, None, None)
        if path == names.EXPEDIA_CALLBACK_PATH and method == "POST":
            return self._integrate(self.expedia_callback, request, names.EXPEDIA_CALLBACK_PATH, None, None)
        if is_hotel_route and method in names.HOTEL_ROUTE_METHODS:
            path_parameters = {"proxy": path[len(HOTELS_PREFIX):]}
            authorized = self._authorize(request, HOTELS_RESOURCE, path_parameters)
            if isinstance(authorized, Response):
                return authorized
            return self._integrate(self.api, request, HOTELS_RESOURCE, path_parameters, authorized)
        # API Gateway's answer to a method or resource the API does not have.
        return self._gateway_error(403, "Missing Authentication Token", "MissingAuthenticationTokenException")

    # -- events -------------------------------------------------------------------------------

    def _request_context(self, request: Request, resource: str, request_id: str) -> dict:
        now = datetime.now(UTC)
        return {
            "resourceId": "local", "resourcePath": resource, "httpMethod": request.method,
            "extendedRequestId": request_id, "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "path": f"/{self.stage}{request.path}", "accountId": self.account_id, "protocol": "HTTP/1.1",
            "stage": self.stage, "domainPrefix": self.api_id, "requestTimeEpoch": int(now.timestamp() * 1000),
            "requestId": request_id, "domainName": request.host, "apiId": self.api_id,
            "identity": {"sourceIp": request.remote_addr or "127.0.0.1", "userAgent": request.user_agent.string,
                         "accessKey": None, "accountId": None, "caller": None, "user": None, "userArn": None,
                         "apiKey": None, "apiKeyId": None, "cognitoIdentityPoolId": None,
                         "cognitoIdentityId": None, "cognitoAuthenticationType": None,
                         "cognitoAuthenticationProvider": None},
        }

    def _common(self, request: Request, resource: str, path_parameters: dict | None, request_id: str) -> dict:
        headers: dict[str, str] = {}
        multi_headers: dict[str, list[str]] = {}
        for name, value in request.headers.items():
            headers[name] = value
            multi_headers.setdefault(name, []).append(value)
        forwarded = {"X-Forwarded-For": request.remote_addr or "127.0.0.1", "X-Forwarded-Proto": request.scheme,
                     "X-Forwarded-Port": str(request.environ.get("SERVER_PORT", ""))}
        for name, value in forwarded.items():
            headers.setdefault(name, value)
            multi_headers.setdefault(name, [value])
        query = {key: request.args.getlist(key) for key in request.args}
        return {
            "resource": resource,
            "path": request.path,
            "httpMethod": request.method,
            "headers": headers,
            "multiValueHeaders": multi_headers,
            "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
            "multiValueQueryStringParameters": query or None,
            "pathParameters": path_parameters,
            "stageVariables": None,
            "requestContext": self._request_context(request, resource, request_id),
        }

    def _proxy_event(self, request: Request, resource: str, path_parameters: dict | None,
                     authorizer: dict | None) -> dict:
        event = self._common(request, resource, path_parameters, request_id())
        raw = request.get_data(cache=True)
        body, is_base64 = None, False
        if raw:
            try:
                body = raw.decode("utf-8")
            except UnicodeDecodeError:
                body, is_base64 = base64.b64encode(raw).decode("ascii"), True
        event["body"] = body
        event["isBase64Encoded"] = is_base64
        if authorizer is not None:
            event["requestContext"]["authorizer"] = authorizer["context"]
            event["requestContext"]["identity"]["apiKey"] = authorizer.get("usageIdentifierKey")
        return event

    # -- the authorizer -----------------------------------------------------------------------

    def method_arn(self, method: str, path: str) -> str:
        return f"arn:aws:execute-api:{self.region}:{self.account_id}:{self.api_id}/{self.stage}/{method}{path}"

    def _authorize(self, request: Request, resource: str, path_parameters: dict) -> dict | Response:
        event = self._common(request, resource, path_parameters, request_id())
        event = {"type": "REQUEST", "methodArn": self.method_arn(request.method, request.path), **event}
        outcome, answer, context = call_authorizer(self.authorizer, event)
        if outcome == "unauthorized":
            return self._gateway_error(401, "Unauthorized")
        if outcome == "failed":
            return self._gateway_error(500, None)  # AUTHORIZER_FAILURE / CONFIGURATION_ERROR: {"message": null}
        if outcome == "deny":
            return self._gateway_error(403, "User is not authorized to access this resource with an explicit deny")
        if outcome != "allow":
            return self._gateway_error(403, "User is not authorized to access this resource")
        if not answer.get("usageIdentifierKey"):  # apiKeyRequired with apiKeySource AUTHORIZER
            return self._gateway_error(403, "Forbidden")
        return {"context": context, "usageIdentifierKey": answer["usageIdentifierKey"]}

    # -- integration --------------------------------------------------------------------------

    def _integrate(self, function: Function, request: Request, resource: str, path_parameters: dict | None,
                   authorizer: dict | None) -> Response:
        event = self._proxy_event(request, resource, path_parameters, authorizer)
        try:
            result = function(event)
        except Exception:
            log.exception("%s failed", function.name)
            return self._gateway_error(502, "Internal server error")
        try:
            return _proxy_response(result)
        except (TypeError, ValueError, KeyError):
            log.error("%s returned a response API Gateway cannot read: %r", function.name, result)
            return self._gateway_error(502, "Internal server error")

    # -- API Gateway's own answers ------------------------------------------------------------

    def cors_headers(self) -> dict[str, str]:
        headers = {
            "Access-Control-Allow-Origin": self.allow_origin,
            "Access-Control-Allow-Headers": ",".join(names.CORS_ALLOW_HEADERS),
            "Access-Control-Allow-Methods": ",".join(names.CORS_ALLOW_METHODS),
        }
        if self.allow_origin != "*":
            headers["Vary"] = "Origin"
        return headers

    def _preflight(self) -> Response:
        headers = self.cors_headers()
        headers["Access-Control-Max-Age"] = str(names.CORS_MAX_AGE_SECONDS)
        response = Response(status=204, headers=headers)
        response.headers.remove("Content-Type")
        return response

    def _gateway_error(self, status: int, message: str | None, error_type: str | None = None) -> Response:
        return Response(json.dumps({"message": message}), status=status, headers={
            **self.cors_headers(), "x-amzn-ErrorType": error_type or _ERROR_TYPES.get(status, "Exception")},
            mimetype="application/json")


_ERROR_TYPES = {401: "UnauthorizedException", 403: "ForbiddenException", 500: "AuthorizerFailureException",
                502: "InternalServerErrorException"}


AuthorizerOutcome = Literal["allow", "deny", "not_allowed", "unauthorized", "failed"]


def call_authorizer(authorizer: Callable[[dict], Any], event: dict) -> tuple[AuthorizerOutcome, dict, dict[str, Any]]:
    """Runs a Lambda REQUEST authorizer on ``event`` as API Gateway does (REST and WebSocket alike): the outcome,
    the authorizer's answer, and, when allowed, the context the integration receives (its values as strings,
    with ``principalId`` and ``integrationLatency`` in ms). ``Exception("Unauthorized")`` is ``unauthorized``; any other
    exception, an answer API Gateway cannot read or a context that is not flat is ``failed`` (logged)."""
    started = time.perf_counter()
    try:
        answer = authorizer(event)
    except Exception as error:
        if str(error) == "Unauthorized":  # the exact message API Gateway turns into 401
            return "unauthorized", {}, {}
        log.exception("the authorizer failed")
        return "failed", {}, {}
    latency = int((time.perf_counter() - started) * 1000)
    if not isinstance(answer, dict) or not isinstance(answer.get("policyDocument"), dict) \
            or "principalId" not in answer:
        log.error("the authorizer answered something API Gateway cannot read: %r", answer)
        return "failed", {}, {}
    effect = policy_effect(answer["policyDocument"], event["methodArn"])
    if effect != "Allow":
        return ("deny" if effect == "Deny" else "not_allowed"), answer, {}
    try:
        context: dict[str, Any] = {key: _context_value(value) for key, value in (answer.get("context") or {}).items()}
    except ValueError:
        log.exception("the authorizer's context is not flat")
        return "failed", answer, {}
    context.update(principalId=str(answer["principalId"]), integrationLatency=latency)
    return "allow", answer, context


def _context_value(value: Any) -> str:
    """API Gateway accepts strings, numbers and booleans in an authorizer's context, and hands
    them to the integration as strings; anything else is an AuthorizerConfigurationException."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise ValueError(f"an authorizer context value must be a string, number or boolean, not {value!r}")


def policy_effect(policy: dict, method_arn: str) -> str | None:
    """``Deny`` if any statement denies ``execute-api:Invoke`` on the ARN, else ``Allow`` if one allows it."""
    found = None
    statements = policy.get("Statement") or []
    for statement in statements if isinstance(statements, list) else [statements]:
        actions = statement.get("Action", [])
        resources = statement.get("Resource", [])
        actions = [actions] if isinstance(actions, str) else actions
        resources = [resources] if isinstance(resources, str) else resources
        if not any(fnmatch.fnmatchcase("execute-api:Invoke", a) for a in actions):
            continue
        if not any(fnmatch.fnmatchcase(method_arn, r) for r in resources):
            continue
        if statement.get("Effect") == "Deny":
            return "Deny"
        if statement.get("Effect") == "Allow":
            found = "Allow"
    return found


def _proxy_response(result: Any) -> Response:
    """A Lambda proxy integration's answer as HTTP (``headers`` and ``multiValueHeaders`` merged)."""
    if not isinstance(result, dict):
        raise TypeError("not an object")
    status = int(result.get("statusCode"))
    body = result.get("body") or ""
    if not isinstance(body, str):
        raise TypeError("body is not a string")
    data = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
    response = Response(data, status=status)
    response.headers.remove("Content-Type")
    for name, value in (result.get("headers") or {}).items():
        response.headers[name] = str(value)
    for name, values in (result.get("multiValueHeaders") or {}).items():
        response.headers.remove(name)
        for value in values:
            response.headers.add(name, str(value))
    if "Content-Type" not in response.headers:
        response.headers["Content-Type"] = "application/json"  # API Gateway's default
    return response
