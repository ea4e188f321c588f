"""Fixtures for the real-time function tests: moto's main table with its stream and the connections table
(TTL on), two hotels, the @connections emulator (``local.connections_endpoint``) served over real HTTP by
werkzeug on a free port, and the functions' settings pointing boto3 at it (moto's own @connections
never answers 410)."""

from __future__ import annotations

import logging
import threading

import boto3
import pytest
from lobby_env import TABLE
from realtime_fanout_helpers import Agent, Console, LambdaContext, Stream, socket_event
from werkzeug.serving import WSGIRequestHandler, make_server

from inbox.ports import Hotel
from local.connections_endpoint import ConnectionsEndpoint
from store.schema import CONNECTIONS_TTL_ATTRIBUTE, connections_table_definition, table_definition

CONNECTIONS = "lobby-connections-test"


@pytest.fixture
def table(aws, region):
    """The main table with its stream (new images), as AWS and the local stack have it."""
    boto3.client("dynamodb", region_name=region).create_table(**table_definition(TABLE, stream=True))
    return TABLE


@pytest.fixture
def connections_table(aws, region):
    dynamodb = boto3.client("dynamodb", region_name=region)
    dynamodb.create_table(**connections_table_definition(CONNECTIONS))
    dynamodb.update_time_to_live(TableName=CONNECTIONS, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": CONNECTIONS_TTL_ATTRIBUTE})
    return CONNECTIONS


@pytest.fixture
def emulator():
    """The @connections emulator on loopback (real HTTP: botocore reads its 410 as GoneException)."""

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):
            pass

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = ConnectionsEndpoint()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    app.url = f"http://127.0.0.1:{server.server_port}/local/connections"  # type: ignore[attr-defined]
    yield app
    server.shutdown()
    server.server_close()


@pytest.fixture
def realtime_settings(api_settings, configure, connections_table, emulator, store):
    """The environment the stack gives the socket and fan-out functions; hotels h1 and h2."""
    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris"))
    store.put_hotel(Hotel("h2", "Hotel Rivage", "Europe/Lisbon"))
    return configure(connections_table=connections_table, realtime_connections_url=emulator.url)


@pytest.fixture
def service(realtime_settings):
    from wiring import container

    return container.inbox()


@pytest.fixture
def stream(table, region, realtime_settings) -> Stream:
    return Stream(table, region)


@pytest.fixture
def socket(realtime_settings):
    """Calls the socket function as API Gateway does."""
    from realtime_socket.handler import handler

    def call(route: str, connection_id: str, **options) -> dict:
        return handler(socket_event(route, connection_id, **options), LambdaContext())

    return call


@pytest.fixture
def fan_out(realtime_settings):
    """Calls the fan-out function with one event source invocation."""
    from realtime_fanout.handler import handler

    def call(event: dict) -> dict:
        return handler(event, LambdaContext(function_name="lobby-realtime-fanout"))

    return call


@pytest.fixture
def open_console(socket, emulator):
    """Opens a console's socket: $connect through the socket function, registered with the emulator."""
    count = iter(range(1, 1000))

    def open_(agent: Agent, connection_id: str | None = None) -> Console:
        connection_id = connection_id or f"{agent.id}-conn{next(count)}="
        console = Console(emulator.registry, connection_id, agent)
        assert socket("$connect", connection_id, authorizer=agent.context()) == {"statusCode": 200}
        return console

    return open_


@pytest.fixture
def connections(realtime_settings):
    from wiring import container

    return container.connections()
