"""What the console's browser tests say to the local stack: the HTTP API as the demo agent (or another
seeded agent), the Expedia simulator as a traveler, the partner route as a guest with a profile, and the
console page itself.

    page.sign_in_as("ben")                                   # a seeded agent (stack.json demo.agents)
    with console_as(browser, local_stack, "ana") as ana:     # a second agent in a browser context of her own
        ...
    guest = agent.new_guest_conversation("Camille Durand", "fr", reservation_id="R-42", check_in=date(...))
    agent.hold(guest["id"], seconds=3600)
"""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import requests
from stack_client import StackAws, StackClient, guest_conversation, seeded_agent

from infra import names

TABS = ("open", "on_hold", "closed", "spam", "all")
ARTIFACTS = Path(__file__).parent / "artifacts"  # failure screenshots, the first load's breakdown
# Debian's Chromium as this machine runs it: no sandbox as root, no GPU, no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync",
]
DESKTOP = {"width": 1400, "height": 860}
# Blocks the console's socket: it polls, and pause_refresh() then leaves its view as it was (stale).
NO_WEBSOCKET = "window.WebSocket = function WebSocket() { throw new Error('WebSockets are blocked here'); };"
ASKS_FOR_A_PERSON = "Hello, could I speak to a person at the reception please? It is about my room."


def eventually(check, timeout: float = 10.0, interval: float = 0.25, message: str = ""):
    """Calls `check` until it returns something truthy (returned) or `timeout` passes (AssertionError)."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = check()
        except AssertionError as exc:
            last = exc
        else:
            if last:
                return last
        if time.monotonic() >= deadline:
            raise AssertionError(f"{message or 'condition'} not met within {timeout}s; last: {last!r}")
        time.sleep(interval)


class AgentApi:
    """A seeded agent on the HTTP API (stack_client's agent; the demo agent unless ``who`` names another:
    "ben", "ana", an email or a name), with the questions the console tests ask."""

    def __init__(self, stack: dict, who: str | None = None):
        self.stack = stack
        self.demo = stack["demo"]
        self.hotel_id = self.demo["hotel_id"]
        self.client = StackClient.as_agent(stack, who=who)
        self.me = self.client.agent  # {"key", "email", "password", "name", "role", "id"}
        self.partner = StackClient.as_partner(stack)
        self.base = f"/hotels/{self.hotel_id}"

    # -- reads ------------------------------------------------------------------------------

    def get(self, path: str = "", **params) -> dict:
        response = self.client.get(f"{self.base}{path}", params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def post(self, path: str, body: dict | None = None) -> requests.Response:
        return self.client.post(f"{self.base}{path}", json=body)

    def inbound(self, body: dict) -> requests.Response:
        """A guest message handed in by the demo partner (x-api-key)."""
        return self.partner.post(f"{self.base}/inbound", json=body)

    def counts(self) -> dict[str, int]:
        return self.get("/inbox")["tabs"]

    def page(self, tab: str, limit: int = 25, cursor: str | None = None) -> dict:
        return self.get("/conversations", tab=tab, limit=limit, **({"cursor": cursor} if cursor else {}))

    def everything(self, tab: str) -> list[dict]:
        return self.client.tab(tab)

    def conversation(self, conversation_id: str) -> dict:
        return self.client.conversation(conversation_id)

    def messages(self, conversation_id: str) -> list[dict]:
        return self.client.messages(conversation_id)

    def activity(self, conversation_id: str) -> list[dict]:
        return self.client.activity(conversation_id)

    def find(self, external_id: str, tabs=("all", "spam")) -> dict | None:
        for tab in tabs:
            for conversation in self.everything(tab):
                if conversation.get("external_conversation_id") == external_id:
                    return conversation
        return None

    def wait_for(self, external_id: str, status: str | None = None, timeout: float = 20.0) -> dict:
        def found():
            conversation = self.find(external_id)
            return conversation if conversation and (status is None or conversation["status"] == status) else None
        return eventually(found, timeout, 0.3, f"conversation {external_id} ({status or 'any status'})")

    # -- guests -----------------------------------------------------------------------------

    def traveler_writes(self, text: str, thread_id: str | None = None, first_name: str = "Test",
                        last_name: str = "Traveler", check_in_in_days: int = 5, nights: int = 2,
                        attachments: Sequence[tuple[str, str, bytes]] = ()) -> str:
        """A traveler's message through the Expedia simulator (a new thread unless given); the thread id.
        The stay is relative to today, so that the check-in preset of the hold menu applies.
        ``attachments``: (name, content type, bytes) of the files the message carries."""
        thread_id = thread_id or f"thr-e2e-{uuid.uuid4().hex[:12]}"
        check_in = date.today() + timedelta(days=check_in_in_days)
        body = {
            "propertyId": self.demo["expedia_property_id"],
            "body": text,
            "fromRole": "TRAVELER",
            "traveler": {"firstName": first_name, "lastName": last_name},
            "reservation": {"checkInDate": check_in.isoformat(),
                            "checkOutDate": (check_in + timedelta(days=nights)).isoformat(),
                            "adultCount": 2, "childCount": 0},
        }
        if attachments:
            body["attachments"] = [{"name": name, "contentType": content_type,
                                    "base64": base64.b64encode(data).decode()}
                                   for name, content_type, data in attachments]
        response = requests.post(_join(self.stack["expedia_sim_url"], f"threads/{thread_id}/messages"), timeout=10,
                                 json=body)
        assert response.ok, response.text
        return thread_id

    # -- the Expedia stand-in and the attachment bucket ----------------------------------------

    def sim(self, path: str) -> list[dict]:
        """``GET {sim}/files`` or ``GET {sim}/sent``: what Expedia's stand-in received."""
        response = requests.get(_join(self.stack["expedia_sim_url"], path), timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def stored_files(self, conversation_id: str) -> dict[str, bytes]:
        """The objects the attachment bucket holds for one of the demo hotel's conversations, by key."""
        s3 = StackAws(self.stack).client("s3")
        bucket = self.stack.get("attachments_bucket", names.ATTACHMENTS_BUCKET)
        prefix = f"hotels/{self.hotel_id}/conversations/{conversation_id}/"
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
        return {o["Key"]: s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}

    def new_open_conversation(self, first_name: str = "Test", last_name: str = "Traveler") -> dict:
        """A conversation of its own for a test: a traveler asks for a person, so it lands in Open."""
        thread_id = self.traveler_writes(ASKS_FOR_A_PERSON, first_name=first_name, last_name=last_name)
        return self.wait_for(thread_id, status="open")

    def new_guest_conversation(self, name: str = "Camille Durand", language: str | None = "fr",
                               reservation_id: str | None = None, check_in: date | str | None = None,
                               **options) -> dict:
        """A conversation of its own handed in by the demo partner (``stack_client.guest_conversation``): the
        guest's name, language and booking (``reservation_id`` checking in on ``check_in``, default in 3 days);
        Open unless ``wants_human=False``. The conversation (with ``contact``), plus ``reservation_id``,
        ``check_in`` and ``check_out``."""
        return guest_conversation(self.stack, name, language, reservation_id, check_in, **options)

    def hold(self, conversation_id: str, seconds: float = 86400) -> dict:
        """Puts it on hold through the API (``POST .../hold``) for ``seconds``; the conversation."""
        return self.client.hold(conversation_id, seconds)


class ConsolePage:
    """The console in one browser page, with what the tests watch: API calls, dialogs, page errors."""

    def __init__(self, page, stack: dict):
        self.page = page
        self.stack = stack
        self.url = stack["console_url"]
        self.api_base = stack["api_url"].rstrip("/")
        self.api_calls: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.events: list[str] = []
        self.agent: dict | None = None  # sign_in_as: the seeded agent signed in
        page.on("dialog", self._on_dialog)
        page.on("pageerror", lambda error: self._log(self.errors, f"page error: {error}"))
        page.on("console", lambda message: self.events.append(f"console {message.type}: {message.text}"))
        page.on("request", self._on_request)

    def _log(self, target: list, text: str) -> None:
        target.append(text)
        self.events.append(text)

    def _on_dialog(self, dialog) -> None:
        self._log(self.dialogs, f"dialog {dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _on_request(self, request) -> None:
        if request.url.startswith(f"{self.api_base}/v1/") and request.method != "OPTIONS":
            self.api_calls.append(f"{request.method} {request.url[len(self.api_base):]}")  # "GET /v1/hotels/..."
        self.events.append(f"request {request.method} {request.url}")

    def __getattr__(self, name):  # locator(), keyboard, screenshot(), ... of the Playwright page
        return getattr(self.page, name)

    # -- steps --------------------------------------------------------------------------------

    def open(self) -> None:
        """Loads the console and waits until it has decided what to show (sign-in or inbox)."""
        self.page.goto(self.url)
        self.page.wait_for_selector("#sign-in, [role='tablist']")

    def with_token(self, token: str) -> None:
        """Loads the console as if it had kept `token` from an earlier sign-in."""
        self.open()
        self.page.evaluate("token => sessionStorage.setItem('lobby.idToken', token)", token)
        self.page.reload()
        self.page.wait_for_selector("#sign-in, [role='tablist']")

    def sign_in(self, username: str | None = None, password: str | None = None) -> None:
        demo = self.stack["demo"]
        self.open()
        self.page.fill("#username", username or demo["agent_username"])
        self.page.fill("#password", password or demo["agent_password"])
        self.page.click("#sign-in")
        self.page.wait_for_selector('[role="tab"][aria-selected="true"]')
        self.wait_for_list()

    def sign_in_as(self, who: str | None = None) -> dict:
        """Signs in through the form as a seeded agent ("camille", "ben", "ana", an email or a name; None:
        the demo agent); returns that agent's entry (key, email, password, name, role, id)."""
        agent = seeded_agent(self.stack, who)
        self.sign_in(agent["email"], agent["password"])
        self.agent = agent
        return agent

    def wait_for_list(self) -> None:
        self.page.wait_for_selector("#tabpanel .conv-list, #tabpanel .empty")

    def tab(self, name: str):
        return self.page.locator(f"#tab-{name}")

    def select_tab(self, name: str) -> None:
        self.tab(name).click()
        self.page.wait_for_function(
            "tab => document.querySelector(`#tab-${tab}`).getAttribute('aria-selected') === 'true'"
            " && document.querySelector('#tabpanel .conv-list, #tabpanel .empty')", arg=name)

    def counts(self) -> dict[str, int]:
        return {tab: int(self.page.inner_text(f"#count-{tab}") or -1) for tab in TABS}

    def listed_ids(self) -> list[str]:
        return self.page.eval_on_selector_all("#tabpanel .conv-item", "rows => rows.map(r => r.dataset.id)")

    def row(self, conversation_id: str):
        return self.page.locator(f'.conv-item[data-id="{conversation_id}"]')

    def open_conversation(self, conversation: dict) -> None:
        """Opens it from the list of a tab that holds it."""
        tab = {"bot": "all"}.get(conversation["status"], conversation["status"])
        self.select_tab(tab)
        row = self.row(conversation["id"])
        while not row.count() and self.page.locator("#load-more").count():
            self.page.click("#load-more")
            self.page.wait_for_timeout(200)
        row.click()
        self.page.wait_for_selector("#conv-status")
        self.page.wait_for_selector("#messages .message-list, #messages .placeholder")

    def pause_refresh(self) -> None:
        """The console stops its periodic refresh, as when its browser tab is hidden."""
        self.page.evaluate("""() => {
            Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
            document.dispatchEvent(new Event('visibilitychange'));
        }""")

    def resume_refresh(self) -> None:
        self.page.evaluate("""() => {
            delete document.hidden;
            document.dispatchEvent(new Event('visibilitychange'));
        }""")

    def status(self):
        return self.page.locator("#conv-status")

    def hotel_timezone(self) -> str:
        return self.page.get_attribute("#hotel-tz", "data-timezone")


@contextmanager
def console_as(browser, stack: dict, who: str | None = None, *, sign_in: bool = True,
               **context_options) -> Iterator[ConsolePage]:
    """The console in a browser context of its own (its own session storage: another agent beside the
    test's ``page``), signed in as the seeded agent ``who``; the context closes on exit.
    ``context_options``: Playwright's (default: the desktop viewport, en-GB)."""
    context = browser.new_context(**{"viewport": DESKTOP, "locale": "en-GB", **context_options})
    context.set_default_timeout(10_000)
    try:
        console = ConsolePage(context.new_page(), stack)
        if sign_in:
            console.sign_in_as(who)
        yield console
    finally:
        context.close()


def _join(base: str, path: str) -> str:
    return f"{base.rstrip('/')}/{path.lstrip('/')}"
