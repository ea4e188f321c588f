"""Helpers the stand-in's parts share: answers, times, paging, checks of simulator input."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from graphql import GraphQLError
from werkzeug.wrappers import Request, Response

MAX_LIMIT = 100  # the stand-in's page size cap (Expedia documents none; its SDK pages by 10 by default)
MAX_SIM_FILE_BYTES = 20 * 1024 * 1024  # what a traveler may hand the simulator (refused sizes included)


class BadRequest(Exception):
    """A simulator or REST call Expedia would refuse: answered ``{"error": message}`` with ``status``."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def rejected(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def iso_ms(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def iso_s(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: Any, what: str) -> datetime:
    """A ``DateTime`` input (RFC 3339 with a zone), else a GraphQL ``BAD_REQUEST``."""
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise rejected(f"{what}: not an RFC 3339 date-time: {text!r}", "BAD_REQUEST") from None
    if moment.tzinfo is None:
        raise rejected(f"{what}: a date-time needs a zone", "BAD_REQUEST")
    return moment.astimezone(UTC)


def in_range(moment: str, window: dict | None, what: str) -> bool:
    """Whether an ISO time lies in a ``DateTimeRangeFilterInput`` (no window: always)."""
    if not window:
        return True
    start, end = parse_iso(window["from"], f"{what}.from"), parse_iso(window["to"], f"{what}.to")
    if end < start:
        raise rejected(f"{what}: 'to' lies before 'from'", "BAD_REQUEST")
    at = parse_iso(moment, what)
    if window.get("operator") == "EXCLUSIVE":
        return start < at < end
    return start <= at <= end


def page(items: Sequence[dict], limit: int | None, cursor: str | None, key: Callable[[dict], tuple],
         view: Callable[[dict], dict], descending: bool = False) -> dict:
    """Expedia's paging (``totalCount``, ``cursor``, ``elements``) with a keyset cursor: an element
    added or delivered between two pages neither repeats nor hides another."""
    if limit is None:
        limit = 10
    if not 1 <= limit <= MAX_LIMIT:
        raise rejected(f"limit must be between 1 and {MAX_LIMIT}", "BAD_REQUEST")
    ordered = sorted(items, key=key, reverse=descending)
    if cursor:
        try:
            after = tuple(json.loads(base64.urlsafe_b64decode(cursor.encode())))
        except (ValueError, TypeError, binascii.Error):
            raise rejected("invalid cursor", "BAD_REQUEST") from None
        ordered = [i for i in ordered if (key(i) < after if descending else key(i) > after)]
    chosen = ordered[:limit]
    following = None
    if len(ordered) > limit:
        following = base64.urlsafe_b64encode(json.dumps(list(key(chosen[-1]))).encode()).decode()
    return {"totalCount": len(items), "cursor": following, "elements": [view(i) for i in chosen]}


def json_response(value: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(value, ensure_ascii=False), status=status, headers=headers,
                    mimetype="application/json")


def read_body(request: Request) -> dict:
    try:
        value = json.loads(request.get_data() or b"{}")
    except ValueError:
        raise BadRequest("expected a JSON body") from None
    if not isinstance(value, dict):
        raise BadRequest("expected a JSON object")
    return value


# -- checks of the simulator's input --------------------------------------------------------

def check_traveler(value: Any) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadRequest("traveler must be an object")
    for key in ("firstName", "lastName"):
        if value.get(key) is not None and not isinstance(value[key], str):
            raise BadRequest(f"traveler.{key} must be a string")
    return {"firstName": value.get("firstName"), "lastName": value.get("lastName")}


def check_reservation(value: Any, thread_id: str) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadRequest("reservation must be an object")
    try:
        check_in = date.fromisoformat(value["checkInDate"])
        check_out = date.fromisoformat(value["checkOutDate"])
    except (KeyError, TypeError, ValueError):
        raise BadRequest("reservation needs checkInDate and checkOutDate as YYYY-MM-DD") from None
    if check_out <= check_in:
        raise BadRequest("reservation.checkOutDate must be after checkInDate")
    counts = {}
    for key, default in (("adultCount", 1), ("childCount", 0), ("petCount", 0)):
        number = value.get(key, default)
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            raise BadRequest(f"reservation.{key} must be a whole number >= 0")
        counts[key] = number
    supplier_id = (value.get("alternativeIds") or {}).get("supplierId")
    return {"id": str(value.get("id") or f"res-{thread_id}"), "checkInDate": check_in.isoformat(),
            "checkOutDate": check_out.isoformat(), **counts,
            "supplierId": "" if supplier_id is None else str(supplier_id)}


def check_traveler_files(value: Any) -> list[dict]:
    """``attachments: [{"name", "contentType", "base64"}]`` of a traveler message, decoded.

    Any type and size up to ``MAX_SIM_FILE_BYTES`` is taken: a traveler's file is what Expedia
    accepted, and Lobby must cope with the ones it refuses itself. ``"streamed": true`` serves the
    file without a Content-Length (chunked), so that a download cannot know the size in advance.
    """
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadRequest('attachments: a list of {"name", "contentType", "base64"}')
    files = []
    for index, entry in enumerate(value):
        if not (isinstance(entry, dict) and isinstance(entry.get("name"), str) and entry["name"].strip()
                and isinstance(entry.get("contentType"), str) and isinstance(entry.get("base64"), str)):
            raise BadRequest(f'attachments[{index}]: {{"name", "contentType", "base64"}}, each a non-empty string')
        try:
            data = base64.b64decode(entry["base64"], validate=True)
        except (binascii.Error, ValueError):
            raise BadRequest(f"attachments[{index}].base64 is not base64") from None
        if len(data) > MAX_SIM_FILE_BYTES:
            raise BadRequest(f"attachments[{index}]: the simulator takes files up to {MAX_SIM_FILE_BYTES} bytes")
        files.append({"name": entry["name"], "contentType": entry["contentType"], "data": data,
                      "streamed": entry.get("streamed") is True})
    return files
