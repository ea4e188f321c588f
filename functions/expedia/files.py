"""Expedia's attachment service, as Lobby reads it (shapes: docs/expedia.md, *Lobby's choice*).

``POST {files_url}`` (multipart ``messageThreadId`` + ``file``) answers ``{"attachmentId", ...}``;
``GET {files_url}/{attachmentId}`` answers the bytes with their ``Content-Type``. Downloads are
streamed and stop at a hard cap: a file over it is never read whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import requests

from expedia.errors import ExpediaUnavailable

CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class Downloaded:
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class TooLarge:
    """The file is larger than the cap; ``size`` when Expedia said it (Content-Length), else None."""

    max_bytes: int
    size: int | None
    content_type: str

    @property
    def reason(self) -> str:
        known = f"{self.size} bytes" if self.size is not None else "more bytes"
        return f"the file has {known}, over the limit of {self.max_bytes} bytes"


def file_url(files_url: str, attachment_id_or_url: str) -> str:
    """The URL of an attachment: Expedia's ``url`` as given, or ``{files_url}/{id}``."""
    if attachment_id_or_url.startswith(("https://", "http://")):
        return attachment_id_or_url
    return f"{files_url.rstrip('/')}/{quote(attachment_id_or_url, safe='')}"


def same_origin(url: str, other: str) -> bool:
    """Whether both URLs name the same scheme, host and port (the bearer token goes only there)."""
    a, b = urlsplit(url), urlsplit(other)
    return (a.scheme.lower(), a.netloc.lower()) == (b.scheme.lower(), b.netloc.lower())


def content_type_of(response: requests.Response) -> str:
    """The media type without parameters (``image/png; x=y`` -> ``image/png``)."""
    value = response.headers.get("Content-Type") or "application/octet-stream"
    return value.split(";", 1)[0].strip().lower()


def read_capped(response: requests.Response, max_bytes: int) -> Downloaded | TooLarge:
    """The body of a streamed answer, or ``TooLarge`` as soon as it passes ``max_bytes``."""
    content_type = content_type_of(response)
    declared = _content_length(response)
    if declared is not None and declared > max_bytes:
        response.close()  # not one byte of it read
        return TooLarge(max_bytes, declared, content_type)
    received = bytearray()
    try:
        for chunk in response.iter_content(CHUNK_BYTES):
            received += chunk
            if len(received) > max_bytes:
                response.close()
                return TooLarge(max_bytes, declared, content_type)
    except requests.RequestException as exc:  # the connection broke or stalled mid-file
        raise ExpediaUnavailable(f"Expedia's attachment service broke off: {exc.__class__.__name__}") from exc
    return Downloaded(content_type, bytes(received))


def _content_length(response: requests.Response) -> int | None:
    try:
        value = int(response.headers.get("Content-Length", ""))
    except ValueError:
        return None
    return value if value >= 0 else None
