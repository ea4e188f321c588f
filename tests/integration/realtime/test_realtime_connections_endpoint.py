"""The local @connections emulator, through boto3's own apigatewaymanagementapi client as the functions use
it: a post reaches the socket as one text frame, a gone connection is botocore's GoneException, DELETE
closes the socket, and a payload over API Gateway's 128 KB is refused."""

from __future__ import annotations

import boto3
import pytest


@pytest.fixture
def client(emulator, region):
    return boto3.client("apigatewaymanagementapi", region_name=region, endpoint_url=emulator.url)


def test_a_post_reaches_the_socket_as_one_text_frame(client, emulator):
    frames: list[str] = []
    emulator.registry.register("Lw9SNdGlIAMCJpw=", frames.append)

    client.post_to_connection(ConnectionId="Lw9SNdGlIAMCJpw=", Data='{"type":"ping","text":"é"}'.encode())

    assert frames == ['{"type":"ping","text":"é"}']
    assert [(c.method, c.connection_id) for c in emulator.registry.posts()] == [("POST", "Lw9SNdGlIAMCJpw=")]


def test_an_unknown_or_closed_connection_is_gone(client, emulator):
    closed: list[bool] = []
    emulator.registry.register("c1=", lambda text: None, lambda: closed.append(True))
    info = client.get_connection(ConnectionId="c1=")
    assert info["Identity"]["SourceIp"] == "127.0.0.1"

    client.delete_connection(ConnectionId="c1=")

    assert closed == [True]
    for call in (lambda: client.post_to_connection(ConnectionId="c1=", Data=b"{}"),
                 lambda: client.get_connection(ConnectionId="c1="),
                 lambda: client.delete_connection(ConnectionId="c1="),
                 lambda: client.post_to_connection(ConnectionId="never-seen=", Data=b"{}")):
        with pytest.raises(client.exceptions.GoneException):
            call()


def test_a_socket_that_fails_to_send_is_gone(client, emulator):
    def broken(text: str) -> None:
        raise ConnectionResetError("peer went away")

    emulator.registry.register("c2=", broken)

    with pytest.raises(client.exceptions.GoneException):
        client.post_to_connection(ConnectionId="c2=", Data=b"{}")
    assert "c2=" not in emulator.registry


def test_a_payload_over_128_kb_is_refused(client, emulator):
    frames: list[str] = []
    emulator.registry.register("c3=", frames.append)

    with pytest.raises(client.exceptions.PayloadTooLargeException):
        client.post_to_connection(ConnectionId="c3=", Data=b"x" * (128 * 1024 + 1))
    assert frames == []
