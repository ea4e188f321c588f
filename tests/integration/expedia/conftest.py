"""Fixtures: a running Expedia stand-in, a client pointed at it, and a callback receiver."""

from __future__ import annotations

import threading

import pytest
import requests
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from expedia.client import ExpediaClient
from local.expedia import ExpediaStandIn

CLIENT_ID = "lobby-test"
CLIENT_SECRET = "lobby-test-secret"
CALLBACK_SECRET = "callback-secret-for-tests"
# A healthy answer must never be taken for a timeout: a retried send on a loaded CI machine once
# reached the stand-in twice. Only tests of the "timeout" fault use the impatient client, and the
# fault sleeps far beyond its patience (stopping the stand-in wakes it, so the sleep costs nothing).
CLIENT_TIMEOUT = 10.0  # seconds
IMPATIENT_TIMEOUT = 1.0
FAULT_TIMEOUT = 30.0


class Captured(list):
    """Notifications the stand-in delivered through ``notify``: (raw body, headers)."""

    def __call__(self, raw: bytes, headers: dict) -> None:
        self.append((raw, headers))


@pytest.fixture
def captured() -> Captured:
    return Captured()


@pytest.fixture
def standin(captured):
    server = ExpediaStandIn(
        callback_secret=CALLBACK_SECRET,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        notify=captured,
        id_prefix="",
        fault_timeout_seconds=FAULT_TIMEOUT,
    ).start()
    yield server
    server.stop()


def make_client(standin: ExpediaStandIn, impatient: bool = False, **overrides) -> ExpediaClient:
    """A client of the stand-in; ``impatient`` gives up on a read in a second (the timeout tests)."""
    options = dict(timeout=IMPATIENT_TIMEOUT if impatient else CLIENT_TIMEOUT, retries=3, graphql_retries=2,
                   backoff_factor=0.01, backoff_jitter=0.01, backoff_max=0.05)
    options.update(overrides)
    credentials = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    credentials.update({k: options.pop(k) for k in ("client_id", "client_secret") if k in options})
    options.setdefault("files_url", standin.files_url)
    return ExpediaClient(standin.graphql_url, standin.token_url, credentials["client_id"],
                         credentials["client_secret"], **options)


@pytest.fixture(name="make_client")
def make_client_fixture():
    """``make_client(standin, **options)``: a client with other options than ``client``'s."""
    return make_client


@pytest.fixture
def client(standin) -> ExpediaClient:
    return make_client(standin)


@pytest.fixture
def impatient_client(standin) -> ExpediaClient:
    """``client`` giving up on a read after a second: the stand-in's "timeout" fault outlasts it."""
    return make_client(standin, impatient=True)


@pytest.fixture
def sim(standin):
    """POST/GET on the simulator API, ``expedia_sim_url`` = ``{url}/sim``."""

    class Sim:
        url = standin.sim_url

        def post(self, path: str, body: dict | None = None) -> requests.Response:
            return requests.post(f"{self.url}{path}", json=body if body is not None else {}, timeout=10)

        def get(self, path: str) -> requests.Response:
            return requests.get(f"{self.url}{path}", timeout=10)

        def message(self, thread_id: str, **spec) -> dict:
            spec.setdefault("propertyId", "12345678")
            spec.setdefault("body", "Hello, is early check-in possible?")
            response = self.post(f"/threads/{thread_id}/messages", spec)
            assert response.status_code == 201, response.text
            return response.json()

    return Sim()


@pytest.fixture
def graphql(standin):
    """Raw GraphQL over HTTP with a valid token, as any Expedia partner would call it."""
    grant = requests.post(standin.token_url, data={"grant_type": "client_credentials"},
                          auth=(CLIENT_ID, CLIENT_SECRET), timeout=10)
    assert grant.status_code == 200, grant.text
    token = grant.json()["access_token"]

    def call(query: str, variables: dict | None = None, **kwargs) -> requests.Response:
        return requests.post(standin.graphql_url, json={"query": query, "variables": variables or {}},
                             headers={"Authorization": f"Bearer {token}"}, timeout=kwargs.get("timeout", 10))

    return call


@pytest.fixture
def receiver():
    """An HTTP endpoint standing for Lobby's callback; answers the statuses queued in ``answers``."""

    class Receiver:
        def __init__(self):
            self.received: list[tuple[bytes, dict]] = []
            self.answers: list[int] = []
            self.url = ""

        def __call__(self, environ, start_response):
            request = Request(environ)
            self.received.append((request.get_data(), dict(request.headers)))
            status = self.answers.pop(0) if self.answers else 202
            return Response(status=status)(environ, start_response)

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):
            pass

    app = Receiver()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    app.url = f"http://127.0.0.1:{server.server_port}/v1/channels/expedia/notifications"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield app
    server.shutdown()
    server.server_close()
