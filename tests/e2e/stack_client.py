"""Clients of the running local stack, over HTTP only (as the console, a partner or Expedia would be).

    agent = StackClient.as_agent(info)                   # signs in through /cognito/ (InitiateAuth)
    ben = StackClient.as_agent(info, who="ben")          # another seeded agent (demo.agents: key, email or name)
    agent.get(f"/hotels/{hotel}/inbox").json()
    partner = StackClient.as_partner(info)               # x-api-key: the demo partner key
    guest_conversation(info, "Camille Durand", "fr", reservation_id="R-1")  # a fresh Open one, with a profile
    agent.hold(conversation_id, seconds=3600)            # POST .../hold
    expedia = ExpediaSim(info)                           # the stand-in's simulator
    expedia.traveler_writes("thr-1", "What time is check-in?")
    StackAws(info).client("scheduler")                   # boto3 on the stack's moto

``info`` is the stack's ``stack.json`` (the ``local_stack`` fixture). Paths given to
``get``/``post`` are relative to ``{api_url}/v1``.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import requests

TIMEOUT = 30


def eventually(check: Callable[[], Any], *, timeout: float = 10.0, interval: float = 0.1, what: str = "") -> Any:
    """Calls ``check`` until it returns something truthy (returned) or ``timeout`` passes (AssertionError).
    A check that fails an assertion (a 404 before the conversation exists) counts as not yet."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = check()
        except AssertionError as failed:
            last = failed
        else:
            if last:
                return last
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what or check!r} (last: {last!r})")
        time.sleep(interval)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def in_seconds(seconds: float) -> str:
    return iso(datetime.now(UTC) + timedelta(seconds=seconds))


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


class SignInFailed(Exception):
    pass


def seeded_agent(info: dict, who: str | None = None) -> dict:
    """One of the demo hotel's seeded logins (``demo.agents`` of ``stack.json``: key, email, password, name,
    role, id), named by its key ("camille", "ben", "ana"), email or name; None: the demo agent (the first)."""
    demo = info["demo"]
    agents = demo.get("agents") or [{"key": "camille", "email": demo["agent_username"],
                                     "password": demo["agent_password"], "name": None, "role": "agent", "id": None}]
    if who is None:
        return agents[0]
    wanted = who.casefold()
    for agent in agents:
        if wanted in (agent["key"], agent["email"].casefold(), (agent["name"] or "").casefold()):
            return agent
    raise KeyError(f"no seeded agent {who!r}: {', '.join(a['key'] for a in agents)}")


def sign_in(info: dict, username: str, password: str) -> str:
    """The agent's Cognito ID token, from InitiateAuth (USER_PASSWORD_AUTH) on the console's origin."""
    response = requests.post(info["cognito_endpoint"], timeout=TIMEOUT, data=json.dumps({
        "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": info["cognito_client_id"],
        "AuthParameters": {"USERNAME": username, "PASSWORD": password}}), headers={
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"})
    if not response.ok:
        raise SignInFailed(f"{response.status_code}: {response.text}")
    return response.json()["AuthenticationResult"]["IdToken"]


class StackClient:
    """The API as one caller: an agent (bearer ID token), a partner (x-api-key) or nobody."""

    def __init__(self, info: dict, headers: dict[str, str] | None = None):
        self.info = info
        self.base = f"{info['api_url']}/v1"
        self.http = requests.Session()
        self.http.headers.update(headers or {})
        self.agent: dict | None = None  # as_agent: the seeded agent signed in
        self.token: str | None = None  # as_agent: its ID token

    @classmethod
    def as_agent(cls, info: dict, username: str | None = None, password: str | None = None, *,
                 who: str | None = None) -> StackClient:
        """Signed in as a seeded agent (``who``: see ``seeded_agent``; the demo agent by default), or with
        ``username`` and ``password``. ``client.agent`` is the seeded agent's entry (None for other logins)."""
        seeded = seeded_agent(info, who) if username is None else None
        login = seeded or seeded_agent(info)  # a username without a password: the demo agent's (as before)
        token = sign_in(info, username or login["email"], password or login["password"])
        client = cls(info, {"Authorization": f"Bearer {token}"})
        client.agent = seeded
        client.token = token
        return client

    @classmethod
    def as_partner(cls, info: dict, api_key: str | None = None) -> StackClient:
        return cls(info, {"x-api-key": api_key or info["demo"]["partner_api_key"]})

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(f"{self.base}{path}", timeout=TIMEOUT, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs) -> requests.Response:
        return self.http.post(f"{self.base}{path}", json=json, timeout=TIMEOUT, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs) -> requests.Response:
        return self.http.put(f"{self.base}{path}", json=json, timeout=TIMEOUT, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs) -> requests.Response:
        return self.http.patch(f"{self.base}{path}", json=json, timeout=TIMEOUT, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.http.delete(f"{self.base}{path}", timeout=TIMEOUT, **kwargs)

    # -- the demo hotel's conversations -------------------------------------------------------

    @property
    def hotel(self) -> str:
        return self.info["demo"]["hotel_id"]

    def conversation(self, conversation_id: str, hotel: str | None = None) -> dict:
        response = self.get(f"/hotels/{hotel or self.hotel}/conversations/{conversation_id}")
        assert response.status_code == 200, response.text
        return response.json()

    def messages(self, conversation_id: str, hotel: str | None = None) -> list[dict]:
        response = self.get(f"/hotels/{hotel or self.hotel}/conversations/{conversation_id}/messages?limit=100")
        assert response.status_code == 200, response.text
        return response.json()["items"]

    def activity(self, conversation_id: str, hotel: str | None = None) -> list[dict]:
        response = self.get(f"/hotels/{hotel or self.hotel}/conversations/{conversation_id}/activity?limit=100")
        assert response.status_code == 200, response.text
        return response.json()["items"]

    def tab(self, tab: str, hotel: str | None = None) -> list[dict]:
        items, cursor = [], None
        while True:
            query = f"tab={tab}&limit=100" + (f"&cursor={cursor}" if cursor else "")
            response = self.get(f"/hotels/{hotel or self.hotel}/conversations?{query}")
            assert response.status_code == 200, response.text
            items += response.json()["items"]
            cursor = response.json()["next_cursor"]
            if not cursor:
                return items

    def act(self, conversation_id: str, action: str, body: Any = None, hotel: str | None = None):
        return self.post(f"/hotels/{hotel or self.hotel}/conversations/{conversation_id}/{action}", json=body)

    def status_of(self, conversation_id: str) -> str | None:
        response = self.get(f"/hotels/{self.hotel}/conversations/{conversation_id}")
        return response.json()["status"] if response.status_code == 200 else None

    def hold(self, conversation_id: str, seconds: float = 86400, hotel: str | None = None) -> dict:
        """Puts the conversation on hold for ``seconds`` (``POST .../hold``); the conversation as answered."""
        response = self.act(conversation_id, "hold", {"until": in_seconds(seconds)}, hotel=hotel)
        assert response.status_code == 200, response.text
        return response.json()


def guest_conversation(info: dict, name: str = "Camille Durand", language: str | None = "fr",
                       reservation_id: str | None = None, check_in: date | str | None = None, nights: int = 2,
                       text: str = "Bonjour, je voudrais parler à quelqu'un de la réception, s'il vous plaît.",
                       *, channel: str = "webchat", wants_human: bool = True, email: str | None = None,
                       phone: str | None = None, status: str | None = "open", hotel: str | None = None) -> dict:
    """A fresh conversation of its own (new thread and guest ids) handed in by the demo partner through
    ``POST /v1/hotels/{h}/inbound``, with the guest's profile: name, language and, with ``reservation_id``,
    a booking checking in on ``check_in`` (default: in 3 days) for ``nights``. ``wants_human`` (the default)
    lands it in Open. Waits until the conversation has ``status`` (None: any) and returns it (GET
    conversation, with ``contact``), plus ``reservation_id``, ``check_in`` and ``check_out`` as handed in."""
    hotel = hotel or info["demo"]["hotel_id"]
    thread = new_id(f"{channel}-e2e")
    sender: dict[str, Any] = {"external_id": new_id("guest"), "name": name}
    sender.update({k: v for k, v in (("language", language), ("email", email), ("phone", phone)) if v})
    check_out = None
    if reservation_id is not None:
        check_in = date.fromisoformat(check_in) if isinstance(check_in, str) else check_in
        check_in = check_in or date.today() + timedelta(days=3)
        check_out = check_in + timedelta(days=nights)
        sender["reservations"] = [{"reservation_id": reservation_id, "check_in": check_in.isoformat(),
                                   "check_out": check_out.isoformat(), "guests": 2}]
    partner = StackClient.as_partner(info)
    handed_in = partner.post(f"/hotels/{hotel}/inbound", json={
        "channel": channel, "external_conversation_id": thread, "external_message_id": f"{thread}-m1",
        "sender": sender, "text": text, "sent_at": in_seconds(-5), "wants_human": wants_human})
    assert handed_in.status_code == 202, handed_in.text
    conversation_id = handed_in.json()["conversation_id"]

    def arrived() -> dict | None:
        response = partner.get(f"/hotels/{hotel}/conversations/{conversation_id}")
        found = response.json() if response.status_code == 200 else None
        return found if found and (status is None or found["status"] == status) else None

    conversation = eventually(arrived, timeout=20, what=f"conversation {thread} ({status or 'any status'})")
    return {**conversation, "reservation_id": reservation_id,
            "check_in": check_in.isoformat() if isinstance(check_in, date) else None,
            "check_out": check_out.isoformat() if check_out else None}


class ExpediaSim:
    """The Expedia stand-in's simulator (``expedia_sim_url``), as ``docs/expedia.md`` describes it."""

    def __init__(self, info: dict):
        self.url = info["expedia_sim_url"]
        self.property_id = info["demo"]["expedia_property_id"]
        self.http = requests.Session()

    def traveler_writes(self, thread: str, text: str, first_name: str = "Inès", last_name: str = "Moreau") -> dict:
        response = self.http.post(f"{self.url}/threads/{thread}/messages", timeout=TIMEOUT, json={
            "propertyId": self.property_id, "body": text, "fromRole": "TRAVELER",
            "traveler": {"firstName": first_name, "lastName": last_name},
            "reservation": {"id": f"exp-{thread}", "checkInDate": "2026-12-01", "checkOutDate": "2026-12-04",
                            "adultCount": 2, "childCount": 1, "petCount": 0,
                            "alternativeIds": {"supplierId": f"R-{thread}"}}})
        assert response.status_code == 201, response.text
        return response.json()

    def sent(self, thread: str | None = None, operation: str | None = None) -> list[dict]:
        response = self.http.get(f"{self.url}/sent", timeout=TIMEOUT)
        assert response.status_code == 200, response.text
        return [s for s in response.json()
                if (operation is None or s["operation"] == operation)
                and (thread is None or thread in (s["input"].get("messageThreadId"), s["input"].get("id")))]

    def redeliver(self, notification_id: str) -> dict:
        response = self.http.post(f"{self.url}/notifications/{notification_id}/redeliver", timeout=TIMEOUT)
        assert response.status_code == 200, response.text
        return response.json()


class StackAws:
    """boto3 clients on the stack's moto (``aws_endpoint_url``), in the stack's region."""

    def __init__(self, info: dict):
        self.endpoint = info["aws_endpoint_url"]
        self.session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                     region_name=info["region"])

    def client(self, service: str):
        return self.session.client(service, endpoint_url=self.endpoint)
