"""Lobby's client for Expedia Group's Lodging Supply GraphQL API (messaging) and its attachment service.

One client per Lambda container: it holds a ``requests.Session`` (connection reuse)
and an OAuth 2.0 client-credentials token, cached until shortly before it expires; the
attachment service (``files_url``) takes the same token. Lists come back as ``Page``s
(``elements``, ``cursor`` None on the last page, ``total``); documents in ``documents.py``,
answer models in ``models.py``, the capped download in ``files.py``.

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
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import requests
from pydantic import BaseModel, ValidationError
from requests.adapters import HTTPAdapter
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter
from urllib3.util import Retry

from expedia.documents import (
    DOCUMENTS,
    MESSAGE_QUERY,
    MESSAGE_THREAD_QUERY,
    PROPERTY_THREADS_QUERY,
    SEND_MESSAGE_MUTATION,
    SET_SPAM_STATUS_MUTATION,
    THREAD_MESSAGES_QUERY,
    UNDELIVERED_NOTIFICATIONS_QUERY,
)
from expedia.errors import (
    ExpediaAuthFailed,
    ExpediaNotFound,
    ExpediaRejected,
    ExpediaUnavailable,
)
from expedia.files import Downloaded, TooLarge, file_url, read_capped, same_origin
from expedia.models import (
    ExpediaAttachment,
    ExpediaMessage,
    ExpediaReservation,
    ExpediaThread,
    ExpediaTraveler,
    Page,
    UndeliveredNotification,
)

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# GraphQL error codes (extensions.code or extensions.classification) meaning "come back later".
UNAVAILABLE_CODES = frozenset({
    "THROTTLED", "RATE_LIMITED", "TOO_MANY_REQUESTS", "UNAVAILABLE", "SERVICE_UNAVAILABLE",
})
NOT_FOUND_CODES = frozenset({"NOT_FOUND"})
FILES_URL = "https://api.expediagroup.com/supply-lodging/v1/files"
MESSAGING_EVENT_TYPES = ("MessageThreadCreated", "MessageReceived", "MessageAttributesUpdated")

__all__ = [
    "DOCUMENTS", "MESSAGING_EVENT_TYPES", "Downloaded", "ExpediaAttachment", "ExpediaClient", "ExpediaMessage",
    "ExpediaReservation", "ExpediaThread", "ExpediaTraveler", "Page", "TooLarge", "UndeliveredNotification",
]

M = TypeVar("M", bound=BaseModel)

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
    """Calls Expedia's GraphQL API and attachment service with a cached OAuth 2.0 client-credentials token.

    ``files_url``: the attachment service (``Settings.expedia_files_url``).
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
        files_url: str = FILES_URL,
    ):
        self.graphql_url = graphql_url
        self.files_url = files_url.rstrip("/")
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
                # POST too: GraphQL reads, mutations keyed by clientMutationId, and uploads (a retried
                # upload at worst leaves an unused file at Expedia, never a second message).
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

    # -- GraphQL operations -------------------------------------------------------------

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

    def send_message(self, thread_id: str, body: str, client_mutation_id: str,
                     attachment_ids: Sequence[str] = ()) -> str:
        """Sends a plain-text message (and files uploaded with ``upload_file``); returns Expedia's message id.

        ``client_mutation_id`` is the Lobby message id, so a retry is recognisable.
        ``attachmentIds`` is sent only when there are some. Raises ``ExpediaNotFound`` for an
        unknown thread, ``ExpediaRejected`` for any other refusal, ``ExpediaUnavailable`` when
        it could not get through.
        """
        payload_input: dict[str, Any] = {"clientMutationId": client_mutation_id, "messageThreadId": thread_id,
                                         "body": body}
        if attachment_ids:
            payload_input["attachmentIds"] = list(attachment_ids)
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

    # -- pages: the 30-day backfill and reconciliation ----------------------------------

    def property_threads(self, property_id: str, since: datetime, until: datetime, *, limit: int = 50,
                         cursor: str | None = None) -> Page[ExpediaThread]:
        """The property's threads created in ``[since, until]``, oldest first; ``ExpediaNotFound`` for
        a property Expedia does not know (or that is not Lobby's)."""
        variables = {"propertyId": property_id, "limit": limit, "cursor": cursor,
                     "filters": {"creationDateTime": _window(since, until)}}
        data = self.execute(PROPERTY_THREADS_QUERY, variables, field="property")
        found = data.get("property")
        if found is None:
            raise ExpediaNotFound(f"Expedia knows no property {property_id}")
        return self._page(ExpediaThread, found.get("messageThreads"))

    def thread_messages(self, thread_id: str, *, limit: int = 50, cursor: str | None = None) -> Page[ExpediaMessage]:
        """The thread's messages, oldest first; ``ExpediaNotFound`` for an unknown thread."""
        data = self.execute(THREAD_MESSAGES_QUERY, {"id": thread_id, "limit": limit, "cursor": cursor},
                            field="messageThread")
        found = data.get("messageThread")
        if found is None:
            raise ExpediaNotFound(f"Expedia knows no thread {thread_id}")
        return self._page(ExpediaMessage, found.get("messages"))

    def undelivered_notifications(self, event_types: str | Sequence[str] | None, since: datetime,
                                  until: datetime, *, limit: int = 50,
                                  cursor: str | None = None) -> Page[UndeliveredNotification]:
        """Notifications Expedia could not deliver, created in ``[since, until]``.

        Expedia filters on one ``eventType``; given several, the client pages through them one
        after another behind one cursor of its own (``"<index>:<Expedia's cursor>"``), and
        ``total`` is Expedia's count for the type of that page. ``None``: every event type.
        """
        types: tuple[str | None, ...] = ((event_types,) if isinstance(event_types, str) or event_types is None
                                         else tuple(event_types)) or (None,)
        index, expedia_cursor = _split_cursor(cursor, len(types))
        filters: dict[str, Any] = {"creationDateTime": _window(since, until)}
        if types[index] is not None:
            filters["eventType"] = types[index]
        data = self.execute(UNDELIVERED_NOTIFICATIONS_QUERY,
                            {"filters": filters, "limit": limit, "cursor": expedia_cursor},
                            field="undeliveredNotifications")
        page = self._page(UndeliveredNotification, data.get("undeliveredNotifications"))
        following = page.cursor
        if len(types) > 1:
            if following is not None:
                following = f"{index}:{following}"
            elif index + 1 < len(types):
                following = f"{index + 1}:"
        return Page(page.elements, following, page.total)

    # -- the attachment service -----------------------------------------------------------

    def upload_file(self, thread_id: str, name: str, content_type: str, data: bytes) -> str:
        """Uploads one file for ``thread_id``; returns the attachment id to give ``send_message``.

        ``ExpediaRejected`` when the service refuses the file (type, size), ``ExpediaUnavailable``
        when it could not get through.
        """
        response = self._authorized("POST", self.files_url, data={"messageThreadId": thread_id},
                                    files={"file": (name, data, content_type)})
        with response:
            self._check_file_answer(response, f"upload of {name!r}")
            try:
                attachment_id = response.json()["attachmentId"]
            except (ValueError, KeyError, TypeError) as exc:
                raise ExpediaRejected("the attachment service answered without an attachmentId",
                                      status=response.status_code) from exc
        if not isinstance(attachment_id, str) or not attachment_id:
            raise ExpediaRejected("the attachment service answered an empty attachmentId")
        return attachment_id

    def download_file(self, attachment_id_or_url: str, max_bytes: int) -> Downloaded | TooLarge:
        """The file's bytes and type, streamed; ``TooLarge`` (never read whole) past ``max_bytes``.

        ``ExpediaNotFound`` for an unknown file; ``ExpediaUnavailable`` for timeouts, 429 and 5xx
        after the retries, so that the record is retried through SQS. The bearer token is sent only
        to the attachment service's own origin.
        """
        url = file_url(self.files_url, attachment_id_or_url)
        with_token = same_origin(url, self.files_url)
        if not with_token and not url.startswith("https://"):
            raise ExpediaRejected(f"refusing to fetch an attachment over plain HTTP from {url}")
        response = (self._authorized("GET", url, stream=True) if with_token
                    else self._request("GET", url, stream=True))
        with response:
            self._check_file_answer(response, f"download of {attachment_id_or_url}")
            return read_capped(response, max_bytes)

    def _check_file_answer(self, response: requests.Response, what: str) -> None:
        status = response.status_code
        if status < 400:
            return
        if status in RETRY_STATUSES or status >= 500:
            raise ExpediaUnavailable(f"Expedia's attachment service answered HTTP {status} to the {what}",
                                     status=status, retry_after=_retry_after(response))
        detail = _error_text(response)
        if status == 404:
            raise ExpediaNotFound(f"Expedia has no such file ({what}): {detail}", status=status)
        raise ExpediaRejected(f"Expedia refused the {what} (HTTP {status}): {detail}", status=status)

    def _authorized(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """One request with the bearer token; a refused token is replaced once, as for GraphQL."""
        response = self._request(method, url, token=self._get_token(), **kwargs)
        if response.status_code == 401:
            response.close()
            self._forget_token()
            response = self._request(method, url, token=self._get_token(), **kwargs)
            if response.status_code == 401:
                response.close()
                raise ExpediaAuthFailed("Expedia refused a freshly issued token", status=401)
        return response

    def _request(self, method: str, url: str, *, token: str | None = None, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            return self._session.request(method, url, headers=headers,
                                         timeout=(self.connect_timeout, self.timeout), **kwargs)
        except requests.RequestException as exc:
            raise ExpediaUnavailable(f"Expedia's attachment service unreachable: {exc.__class__.__name__}") from exc

    def _page(self, model: type[M], value: Any) -> Page[M]:
        if not isinstance(value, dict):
            raise ExpediaRejected("Expedia answered a page without its fields")
        elements = value.get("elements") or []
        cursor = value.get("cursor") or None  # "Empty if no more pages available"
        return Page(tuple(self._parse(model, e) for e in elements if e is not None), cursor,
                    int(value.get("totalCount") or 0))

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
    def _parse(model: type[M], value: Any) -> M:
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


def _window(since: datetime, until: datetime) -> dict:
    """A ``DateTimeRangeFilterInput`` (inclusive), in UTC with milliseconds."""
    return {"from": _utc(since), "to": _utc(until)}


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("a time for Expedia must carry a zone")
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _split_cursor(cursor: str | None, types: int) -> tuple[int, str | None]:
    if types == 1:
        return 0, cursor
    if not cursor:
        return 0, None
    index, _, rest = cursor.partition(":")
    if not index.isdigit() or int(index) >= types:
        raise ValueError(f"not a cursor of this listing: {cursor!r}")
    return int(index), rest or None


def _error_text(response: requests.Response) -> str:
    try:
        answer = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(answer, dict):
        return str(answer.get("error") or answer.get("message") or answer)[:200]
    return str(answer)[:200]


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
