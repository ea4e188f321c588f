"""A console's WebSocket to the running local stack, for tests (a Python ``websockets`` client).

    with RealtimeClient.as_agent(info, who="ben") as ben:       # signs in (seeded agent), opens the socket
        mark = ben.mark()
        ExpediaSim(info).traveler_writes("thr-1", "Bonjour")
        event = ben.wait_for(lambda e: e["type"] == "message" and e["message"]["text"] == "Bonjour", since=mark)
        ben.presence(conversation_id, "viewing")                 # {"action": "presence", ...}
    refusal_status(info, "forged")                               # 401: refused at the handshake
    resigned(token, exp=int(time.time()) - 3600)                 # expired, still signed as moto signs
    with shortened_id_tokens(info, 20):                          # the console client's ID tokens live 20 s
        token = sign_in(info, email, password)

Frames are collected by a thread as they arrive; ``{"type": "batch", "events": [...]}`` frames are
unwrapped, so ``events`` lists every event in the order received (``frames`` keeps them as sent).
``wait_for`` waits on arrival (no polling of the stack).
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from stack_client import StackAws, seeded_agent, sign_in
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

OPEN_TIMEOUT = 60  # the authorizer and $connect may both be cold on a busy machine
WAIT_TIMEOUT = 20.0

Event = dict[str, Any]


def claims_of(token: str) -> dict:
    """The token's claims, unverified."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def resigned(token: str, **changes) -> str:
    """The token with some claims changed, signed again with the key moto signs every pool's tokens with
    (so only what changed can make the authorizer refuse it)."""
    import jwt
    from moto.utilities.utils import load_resource

    key = jwt.PyJWK(load_resource("cognitoidp/resources/jwks-private.json"), algorithm="RS256").key
    return jwt.encode({**claims_of(token), **changes}, key, algorithm="RS256",
                      headers={"kid": jwt.get_unverified_header(token)["kid"]})


def socket_url(info: dict, token: str | None) -> str:
    return info["realtime_url"] + ("" if token is None else f"?token={token}")


def refusal_status(info: dict, token: str | None) -> int:
    """The HTTP status the handshake is refused with (AssertionError when the socket opens)."""
    try:
        websocket = connect(socket_url(info, token), open_timeout=OPEN_TIMEOUT, legacy=True)
    except InvalidStatus as refused:
        return refused.response.status_code
    websocket.close()
    raise AssertionError("the socket opened")


class RealtimeClient:
    """One open socket and what it received."""

    def __init__(self, info: dict, token: str, *, agent: dict | None = None):
        self.info = info
        self.agent = agent  # the seeded agent's entry (stack_client.seeded_agent), when opened as one
        self.token = token
        self.frames: list[Any] = []
        self.events: list[Event] = []
        self.closed: ConnectionClosed | None = None
        self._arrived = threading.Condition()
        self._websocket = connect(socket_url(info, token), open_timeout=OPEN_TIMEOUT, legacy=True)
        self._reader = threading.Thread(target=self._read, name="realtime-client", daemon=True)
        self._reader.start()

    @classmethod
    def as_agent(cls, info: dict, who: str | None = None) -> RealtimeClient:
        """Signed in as a seeded agent (``who``: key, email or name; the demo agent by default)."""
        agent = seeded_agent(info, who)
        return cls(info, sign_in(info, agent["email"], agent["password"]), agent=agent)

    @classmethod
    def with_login(cls, info: dict, email: str, password: str) -> RealtimeClient:
        return cls(info, sign_in(info, email, password))

    def _read(self) -> None:
        while True:
            try:
                frame = self._websocket.recv()
            except ConnectionClosed as closed:
                with self._arrived:
                    self.closed = closed
                    self._arrived.notify_all()
                return
            try:
                data = json.loads(frame)
            except ValueError:
                data = frame
            with self._arrived:
                self.frames.append(data)
                if isinstance(data, dict) and data.get("type") == "batch":
                    self.events += data.get("events") or []
                else:
                    self.events.append(data)
                self._arrived.notify_all()

    # -- sending ------------------------------------------------------------------------------

    def send(self, message: Any) -> None:
        """A text frame: ``message`` as JSON, or as is when it is a str."""
        self._websocket.send(message if isinstance(message, str) else json.dumps(message))

    def presence(self, conversation_id: str, state: str = "viewing", hotel_id: str | None = None) -> None:
        message = {"action": "presence", "conversation_id": conversation_id, "state": state}
        if hotel_id is not None:
            message["hotel_id"] = hotel_id
        self.send(message)

    # -- what arrived -------------------------------------------------------------------------

    def mark(self) -> int:
        """A position in ``events``: ``wait_for(..., since=mark)`` looks only at what came after."""
        with self._arrived:
            return len(self.events)

    def received(self, predicate: Callable[[Event], bool] = lambda _: True, since: int = 0) -> list[Event]:
        with self._arrived:
            return [e for e in self.events[since:] if isinstance(e, dict) and predicate(e)]

    def wait_for(self, predicate: Callable[[Event], bool], *, since: int = 0, timeout: float = WAIT_TIMEOUT,
                 what: str = "") -> Event:
        """The first event from ``since`` on that matches (AssertionError after ``timeout`` or on close)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for event in self.events[since:]:
                    if isinstance(event, dict) and predicate(event):
                        return event
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.closed is not None:
                    raise AssertionError(f"{what or 'an event'} not received within {timeout:.0f} s "
                                         f"(socket {'closed: ' + str(self.closed) if self.closed else 'open'}); "
                                         f"received: {json.dumps(self.events[since:])[:2000]}")
                self._arrived.wait(remaining)

    @property
    def is_open(self) -> bool:
        with self._arrived:
            return self.closed is None

    # -- closing ------------------------------------------------------------------------------

    def close(self) -> None:
        self._websocket.close()
        self._reader.join(timeout=10)

    def __enter__(self) -> RealtimeClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def is_message(conversation_id: str, text: str | None = None) -> Callable[[Event], bool]:
    """A ``message`` event of the conversation (with that text, when given)."""
    return lambda e: (e.get("type") == "message" and e.get("conversation_id") == conversation_id
                      and (text is None or (e.get("message") or {}).get("text") == text))


def is_conversation(conversation_id: str) -> Callable[[Event], bool]:
    return lambda e: e.get("type") == "conversation" and (e.get("conversation") or {}).get("id") == conversation_id


def is_counts(hotel_id: str) -> Callable[[Event], bool]:
    return lambda e: e.get("type") == "counts" and e.get("hotel_id") == hotel_id


def console_client_settings(info: dict) -> dict:
    """The console app client's settings, as UpdateUserPoolClient takes them back (Cognito resets any it
    is not given)."""
    cognito = StackAws(info).client("cognito-idp")
    described = cognito.describe_user_pool_client(UserPoolId=info["cognito_user_pool_id"],
                                                  ClientId=info["cognito_client_id"])["UserPoolClient"]
    accepted = cognito.meta.service_model.operation_model("UpdateUserPoolClient").input_shape.members
    return {key: value for key, value in described.items() if key in accepted and key not in ("UserPoolId", "ClientId")}


@contextlib.contextmanager
def shortened_id_tokens(info: dict, seconds: int) -> Iterator[dict]:
    """The console client's ID tokens live ``seconds`` (an UpdateUserPoolClient on the stack's moto, every
    other setting given back) until the block ends; yields the settings as they were."""
    cognito = StackAws(info).client("cognito-idp")
    before = console_client_settings(info)
    units = {**before.get("TokenValidityUnits", {}), "IdToken": "seconds"}
    key = {"UserPoolId": info["cognito_user_pool_id"], "ClientId": info["cognito_client_id"]}
    cognito.update_user_pool_client(**key, **{**before, "IdTokenValidity": seconds, "TokenValidityUnits": units})
    try:
        yield before
    finally:
        cognito.update_user_pool_client(**key, **before)
