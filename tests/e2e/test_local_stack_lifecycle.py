"""``LocalStack`` in this process: it starts, stops cleanly (its threads gone, its port and the
environment given back) and starts again on the same port from nothing.

Unseeded, so each start takes about a second; the seeded stack is ``local_stack``'s.
"""

from __future__ import annotations

import os
import threading

import requests
from stack_client import StackAws
from stack_support import port_is_free


def _host_port(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").rstrip("/").split(":")
    return host, int(port)


def _stack_threads() -> set[str]:
    return {t.name for t in threading.enumerate() if t.name.startswith("lobby-") and t.is_alive()}


def test_it_stops_cleanly_and_starts_again_on_the_same_port(tmp_path):
    from local.resources import QUEUES
    from local.stack import LocalStack

    environment = dict(os.environ)
    stack = LocalStack(port=0, state_dir=tmp_path, seed=False)
    info = stack.start()
    try:
        assert (tmp_path / "stack.json").exists()
        assert info["demo"] is None
        assert requests.get(f"{info['api_url']}/v1/openapi.json", timeout=10).status_code == 200
        assert _stack_threads() >= {"lobby-http", "lobby-scheduler", "lobby-poller-lobby-expedia-events",
                                    "lobby-poller-lobby-outbound", "lobby-realtime", "lobby-realtime-changes"}
    finally:
        leftover = stack.stop()
    assert leftover == [] and _stack_threads() == set()
    assert port_is_free(*_host_port(info["api_url"]))
    assert port_is_free(*_host_port(info["aws_endpoint_url"]))  # moto's server too
    assert not (tmp_path / "stack.json").exists()
    assert dict(os.environ) == environment

    again = LocalStack(port=_host_port(info["api_url"])[1], state_dir=tmp_path, seed=False)
    second = again.start()
    try:
        assert second["api_url"] == info["api_url"]
        # moto began from nothing: the stack's queues once each, no leftovers of the first run.
        sqs = StackAws(second).client("sqs")
        assert len(sqs.list_queues()["QueueUrls"]) == len(QUEUES)
    finally:
        assert again.stop() == []
    assert dict(os.environ) == environment


def test_the_websocket_api_takes_another_port_when_the_one_after_the_stacks_is_taken(tmp_path):
    import socket

    from local.stack import LocalStack

    with socket.socket() as taken:
        # A free port whose next one the test can hold: the next one may belong to someone else (another
        # worker's stack), so another free port is tried until one's neighbour binds.
        for _ in range(50):
            with socket.socket() as free:
                free.bind(("127.0.0.1", 0))
                port = free.getsockname()[1]
            try:
                taken.bind(("127.0.0.1", port + 1))
                break
            except OSError:
                continue
        else:
            raise AssertionError("no free port with a free neighbour in 50 tries")
        taken.listen()
        stack = LocalStack(port=port, state_dir=tmp_path, seed=False)
        info = stack.start()
        try:
            assert info["api_url"] == f"http://127.0.0.1:{port}"
            host, realtime_port = info["realtime_url"].removeprefix("ws://").rstrip("/").split(":")
            assert host == "127.0.0.1" and int(realtime_port) not in (port, port + 1)
            config = requests.get(f"{info['api_url']}/config.json", timeout=10).json()
            assert config["realtime_url"] == info["realtime_url"]
            # It answers there: a socket without a token is refused by the authorizer (401), as in AWS.
            from websockets.exceptions import InvalidStatus
            from websockets.sync.client import connect

            try:
                connect(info["realtime_url"], open_timeout=10).close()
                raise AssertionError("a socket without a token was accepted")
            except InvalidStatus as refused:
                assert refused.response.status_code == 401
        finally:
            assert stack.stop() == []
