"""Lobby's client for Expedia Group's Lodging Supply GraphQL API (messaging only).

One client per Lambda container: it holds a ``requests.Session`` (connection reuse)
and an OAuth 2.0 client-credentials token, cached until shortly before it expires.

Retries, in two layers and no hand-written loop:

- HTTP: the session's adapter uses ``urllib3.util.Retry`` for 429/500/502/503/504,
  connection errors and read timeouts, POST included (every operation here is a read
  or is idempotent by ``clientMutationId``), exponential backoff with jitter, and
  ``Retry-After`` honoured up to ``max_retry_after`` seconds.
- GraphQL: an HTTP 200 whose ``errors`` say Expedia is throttled or unavailable is
  retried with ``tenacity`` (same backoff), ``graphql_retries`` times.

What is left after that surfaces as ``ExpediaUnavailable`` (retry later);
any other GraphQL error is ``ExpediaRejected`` at once (``ExpediaNotFound`` for
"no such id"). No network at import or construction time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal

import requests
from pydantic import AliasPath, BaseModel, ConfigDict, Field, ValidationError, field_validator
from requests.adapters import HTTPAdapter
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter
from urllib3.util import Retry

from expedia.errors import (
    ExpediaAuthFailed,
    ExpediaNotFound,
    ExpediaRejected,
    ExpediaUnavailable,
)
from inbox.times import parse_time

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# GraphQL error codes (extensions.code or extensions.classification) meaning "come back later".
UNAVAILABLE_CODES = frozenset({
    "THROTTLED", "RATE_LIMITED", "TOO_MANY_REQUESTS", "UNAVAILABLE", "SERVICE_UNAVAILABLE",
})
NOT_FOUND_CODES = frozenset({"NOT_FOUND"})

# The documents Lobby sends. Fields exactly as docs/expedia.md selects them.
MESSAGE_QUERY = """\
query LobbyMessage($id: ID!) {
  message(id: $id) {
    id
    messageThread { id property { id } }
    creationDateTimeUtc
    body { value }
    fromRole
    reviewStatus
    attachments { id name url }
  }
}"""

MESSAGE_THREAD_QUERY = """\
query LobbyMessageThread($id: ID!) {
  messageThread(id: $id) {
    id
    property { id }
    primaryTraveler { firstName lastName }
    reservationSummary {
      id
      checkInDate
      checkOutDate
      adultCount
      childCount
      petCount
      alternativeIds { supplierId }
    }
  }
}"""

SEND_MESSAGE_MUTATION = """\
mutation LobbySendMessage($input: SendMessageInput!) {
  sendMessage(input: $input) {
    clientMutationId
    messageId
  }
}"""

SET_SPAM_STATUS_MUTATION = """\
mutation LobbySetMessageThreadSpamStatus($input: SetMessageThreadSpamStatusInput!) {
  setMessageThreadSpamStatus(input: $input) {
    clientMutationId
    id
  }
}"""

DOCUMENTS = (MESSAGE_QUERY, MESSAGE_THREAD_QUERY, SEND_MESSAGE_MUTATION, SET_SPAM_STATUS_MUTATION)


# --- what Lobby reads from Expedia ---------------------------------------------------------

class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, validate_by_name=True, validate_by_alias=True)


class ExpediaAttachment(_Model):
    id: str
    name: str
    url: str


class ExpediaMessage(_Model):
    """``message(id)``: one message of a thread."""

    id: str
    # Expedia's own word on where the message belongs (the schema makes both non-null).
    thread_id: str = Field(validation_alias=AliasPath("messageThread", "id"))
    property_id: str = Field(validation_alias=AliasPath("messageThread", "property", "id"))
    creation_date_time_utc: datetime | None = Field(None, validation_alias="creationDateTimeUtc")
    body: str | None = Field(None, validation_alias=AliasPath("body", "value"))
    from_role: Literal["TRAVELER", "SUPPLIER"] | None = Field(None, validation_alias="fromRole")
    review_status: Literal["IN_REVIEW", "ACCEPTED", "BLOCKED"] | None = Field(
        None, validation_alias="reviewStatus")
    attachments: tuple[ExpediaAttachment, ...] = ()

    @field_validator("creation_date_time_utc", mode="before")
    @classmethod
    def _rfc3339(cls, value: Any) -> Any:
        """Strict RFC 3339 (four-digit year, a zone), as every time crossing into Lobby."""
        return value if value is None or isinstance(value, datetime) else parse_time(value)


class ExpediaTraveler(_Model):
    first_name: str | None = Field(None, validation_alias="firstName")
    last_name: str | None = Field(None, validation_alias="lastName")

    @property
    def name(self) -> str | None:
        """First and last name joined, or ``None`` when Expedia gives neither."""
        parts = [p.strip() for p in (self.first_name, self.last_name) if p and p.strip()]
        return " ".join(parts) or None


class ExpediaReservation(_Model):
    id: str
    check_in_date: date = Field(validation_alias="checkInDate")
    check_out_date: date = Field(validation_alias="checkOutDate")
    adult_count: int = Field(validation_alias="adultCount")
    child_count: int = Field(validation_alias="childCount")
    pet_count: int = Field(validation_alias="petCount")
    # The schema makes it non-null; an empty (or blank) string is read as "not given".
    supplier_id: str | None = Field(None, validation_alias=AliasPath("alternativeIds", "supplierId"))

    @field_validator("supplier_id")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @property
    def reservation_id(self) -> str:
        """The hotel's own reservation id when Expedia knows it, else Expedia's."""
        return self.supplier_id or self.id

    @property
    def guests(self) -> int:
        return self.adult_count + self.child_count


class ExpediaThread(_Model):
    """``messageThread(id)``: the thread, its property, traveler and reservation."""

    id: str
    property_id: str = Field(validation_alias=AliasPath("property", "id"))
    primary_traveler: ExpediaTraveler | None = Field(None, validation_alias="primaryTraveler")
    reservation_summary: ExpediaReservation | None = Field(None, validation_alias="reservationSummary")


# --- the client ----------------------------------------------------------------------------

class _GraphQLUnavailable(ExpediaUnavailable):
    """A GraphQL-level "throttled/unavailable": the one kind tenacity retries."""


def _error_code(error: Any) -> str | None:
    if not isinstance(error, dict):
        return None
    ext = error.get("extensions")
    if isinstance(ext, dict):
        for key in ("code", "classification", "errorType"):
            value = ext.get(key)
            if isinstance(value, str) and value:
                return value.upper()
    return None


def _error_message(errors: list) -> str:
    messages = [str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors]
    return "; ".join(messages) or "Expedia answered with an error"


class ExpediaClient:
    """Calls Expedia's GraphQL API with a cached OAuth 2.0 client-credentials token.

    ``session``: when given, it is used as is (mount your own retrying adapter);
    by default the client builds one with the retry policy described above.
    """

    def __init__(
        self,
        graphql_url: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        timeout: float = 5.0,
        session: requests.Session | None = None,
        *,
        connect_timeout: float | None = None,
        retries: int = 3,
        graphql_retries: int = 2,
        backoff_factor: float = 0.5,
        backoff_jitter: float = 0.25,
        backoff_max: float = 8.0,
        max_retry_after: float = 10.0,
        token_leeway: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.graphql_url = graphql_url
        self.token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self.timeout = timeout  # seconds to wait for each read of an answer
        self.connect_timeout = timeout if connect_timeout is None else connect_timeout
        self._token_leeway = token_leeway
        self._clock = clock
        self._token: str | None = None
        self._token_valid_until = 0.0
        self._token_lock = threading.Lock()
        self._graphql_retries = graphql_retries
        self._backoff_factor = backoff_factor
        self._backoff_jitter = backoff_jitter
        self._backoff_max = backoff_max
        if session is None:
            session = requests.Session()
            retry = Retry(
                total=retries,
                connect=retries,
                read=retries,
                status=retries,
                other=0,
                redirect=0,
                allowed_methods=frozenset({"POST"}) | Retry.DEFAULT_ALLOWED_METHODS,
                status_forcelist=RETRY_STATUSES,
                backoff_factor=backoff_factor,
                backoff_jitter=backoff_jitter,
                backoff_max=backoff_max,
                respect_retry_after_header=True,
                retry_after_max=max_retry_after,  # type: ignore[arg-type]  # urllib3 annotates int; it only compares and sleeps it
                raise_on_status=False,  # the last 429/5xx answer comes back; mapped below
            )
            adapter = HTTPAdapter(max_retries=retry)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
        self._session = session

    # -- the four operations ------------------------------------------------------------

    def get_message(self, message_id: str) -> ExpediaMessage | None:
        """The message, or ``None`` when Expedia says it does not exist."""
        try:
            data = self.execute(MESSAGE_QUERY, {"id": message_id}, field="message")
        except ExpediaNotFound:
            return None
        found = data.get("message")
        return None if found is None else self._parse(ExpediaMessage, found)

    def get_thread(self, thread_id: str) -> ExpediaThread | None:
        """The thread, or ``None`` when Expedia says it does not exist."""
        try:
            data = self.execute(MESSAGE_THREAD_QUERY, {"id": thread_id}, field="messageThread")
        except ExpediaNotFound:
            return None
        found = data.get("messageThread")
        return None if found is None else self._parse(ExpediaThread, found)

    def send_message(self, thread_id: str, body: str, client_mutation_id: str) -> str:
        """Sends a plain-text message into the thread; returns Expedia's message id.

        ``client_mutation_id`` is the Lobby message id, so a retry is recognisable.
        Raises ``ExpediaNotFound`` for an unknown thread, ``ExpediaRejected`` for any
        other refusal, ``ExpediaUnavailable`` when it could not get through.
        """
        payload_input = {"clientMutationId": client_mutation_id, "messageThreadId": thread_id, "body": body}
        data = self.execute(SEND_MESSAGE_MUTATION, {"input": payload_input}, field="sendMessage")
        payload = data.get("sendMessage")
        if not isinstance(payload, dict) or not payload.get("messageId"):
            raise ExpediaRejected("sendMessage answered without a messageId")
        return str(payload["messageId"])

    def set_spam_status(self, thread_id: str, spam: bool, client_mutation_id: str) -> None:
        """Marks the thread ``SPAM`` or ``NOT_SPAM`` at Expedia."""
        payload_input = {
            "clientMutationId": client_mutation_id,
            "id": thread_id,
            "status": "SPAM" if spam else "NOT_SPAM",
        }
        data = self.execute(SET_SPAM_STATUS_MUTATION, {"input": payload_input},
                            field="setMessageThreadSpamStatus")
        if data.get("setMessageThreadSpamStatus") is None:
            raise ExpediaRejected("setMessageThreadSpamStatus answered without a payload")

    # -- GraphQL ------------------------------------------------------------------------

    def execute(self, document: str, variables: dict | None = None, *, field: str | None = None) -> dict:
        """Runs one GraphQL document and returns its ``data``.

        When ``field`` (the root field) came back non-null, the answer counts as a success
        even if ``errors`` came with it (a partial result: a sent message stays sent).
        Otherwise the errors decide: throttled/unavailable -> retried, then
        ``ExpediaUnavailable``; "not found" -> ``ExpediaNotFound``; anything else ->
        ``ExpediaRejected`` at once.
        """
        retrying = Retrying(
            retry=retry_if_exception_type(_GraphQLUnavailable),
            stop=stop_after_attempt(self._graphql_retries + 1),
            wait=wait_exponential_jitter(initial=self._backoff_factor, max=self._backoff_max,
                                         jitter=self._backoff_jitter),
            reraise=True,
        )
        return retrying(self._execute_once, document, variables, field)

    def _execute_once(self, document: str, variables: dict | None, field: str | None) -> dict:
        body = {"query": document, "variables": variables or {}}
        response = self._post_graphql(body, self._get_token())
        if response.status_code == 401:
            # The token was refused (revoked, or expired early): one fresh token, one more try.
            self._forget_token()
            response = self._post_graphql(body, self._get_token())
            if response.status_code == 401:
                raise ExpediaAuthFailed("Expedia refused a freshly issued token", status=401)
        return self._read_answer(response, field)

    def _post_graphql(self, body: dict, token: str) -> requests.Response:
        try:
            return self._session.post(
                self.graphql_url,
                json=body,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
                timeout=(self.connect_timeout, self.timeout),
            )
        except requests.RequestException as exc:
            raise ExpediaUnavailable(f"Expedia GraphQL unreachable: {exc.__class__.__name__}") from exc

    def _read_answer(self, response: requests.Response, field: str | None) -> dict:
        status = response.status_code
        if status in RETRY_STATUSES or status >= 500:
            raise ExpediaUnavailable(f"Expedia answered HTTP {status}", status=status,
                                     retry_after=_retry_after(response))
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            if status >= 400:
                raise ExpediaRejected(f"Expedia answered HTTP {status}", status=status)
            raise ExpediaUnavailable(f"Expedia answered HTTP {status} without a JSON object", status=status)
        raw_data = answer.get("data")
        data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
        errors = answer.get("errors") or []
        if not isinstance(errors, list):
            errors = [errors]
        if field is not None and data.get(field) is not None:
            if errors:
                logger.warning("Expedia answered %s with errors beside data: %s", field, _error_message(errors))
            return data
        if errors:
            codes = [_error_code(e) for e in errors]
            message = _error_message(errors)
            unavailable = next((c for c in codes if c in UNAVAILABLE_CODES), None)
            if unavailable:
                raise _GraphQLUnavailable(message, status=status, code=unavailable)
            not_found = next((c for c in codes if c in NOT_FOUND_CODES), None)
            if not_found:
                raise ExpediaNotFound(message, code=not_found, status=status, errors=errors)
            raise ExpediaRejected(message, code=next((c for c in codes if c), None), status=status, errors=errors)
        if status >= 400:
            raise ExpediaRejected(f"Expedia answered HTTP {status}", status=status)
        return data

    @staticmethod
    def _parse(model: type[_Model], value: Any):
        try:
            return model.model_validate(value)
        except ValidationError as exc:
            raise ExpediaRejected(f"Expedia's answer does not fit {model.__name__}: {exc}") from exc

    # -- OAuth 2.0 client credentials ----------------------------------------------------

    def _get_token(self) -> str:
        with self._token_lock:
            if self._token is None or self._clock() >= self._token_valid_until:
                self._token, self._token_valid_until = self._grant_token()
            return self._token

    def _forget_token(self) -> None:
        with self._token_lock:
            self._token = None

    def _grant_token(self) -> tuple[str, float]:
        asked_at = self._clock()
        try:
            response = self._session.post(
                self.token_url,
                data={"grant_type": "client_credentials"},
                auth=(self._client_id, self._client_secret),
                headers={"Accept": "application/json"},
                timeout=(self.connect_timeout, self.timeout),
            )
        except requests.RequestException as exc:
            raise ExpediaUnavailable(f"Expedia token endpoint unreachable: {exc.__class__.__name__}") from exc
        status = response.status_code
        if status in (400, 401, 403):
            raise ExpediaAuthFailed(f"Expedia refused Lobby's client credentials (HTTP {status})", status=status)
        if status != 200:
            raise ExpediaUnavailable(f"Expedia token endpoint answered HTTP {status}", status=status,
                                     retry_after=_retry_after(response))
        try:
            answer = response.json()
            token = str(answer["access_token"])
            expires_in = float(answer.get("expires_in") or 300)
        except (ValueError, KeyError, TypeError) as exc:
            raise ExpediaUnavailable("Expedia token endpoint answered without an access_token",
                                     status=status) from exc
        leeway = min(self._token_leeway, expires_in / 2)
        return token, asked_at + expires_in - leeway


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
