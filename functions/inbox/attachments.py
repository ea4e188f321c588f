"""Files on messages: what Lobby accepts (Expedia's limits, the contract's), and where they live.

Plain rules, checked at every door (the API's upload grant, a reply's attachment ids, a
channel's files): a file of another type or over the size is refused with a clear reason,
and a channel's refused file is kept as a named attachment marked unavailable, never dropped.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from inbox.errors import InvalidInput

ALLOWED_CONTENT_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024  # 5 MB each (Expedia's limit)
MAX_ATTACHMENTS_PER_MESSAGE = 10  # a reply's limit (Expedia allows 100; the contract says 10)
MAX_NAME_LENGTH = 200
UPLOAD_GRANT_SECONDS = 5 * 60  # a presigned upload is valid 5 minutes
LINK_SECONDS = 10 * 60  # a presigned read link lives 10 minutes: long enough to open, short enough to leak little

TYPE_REFUSED = "type_refused"
TOO_LARGE = "too_large"
EMPTY = "empty"
NOT_FETCHED = "not_fetched"  # the channel could not hand the file over (it no longer has it, or refused)


@dataclass(frozen=True)
class Upload:
    """An upload the API granted: the file an agent is about to attach, before its reply is sent."""

    id: str
    hotel_id: str
    conversation_id: str
    name: str
    content_type: str
    size: int
    key: str
    created_at: datetime


@dataclass(frozen=True)
class UploadGrant:
    """A presigned POST: the browser posts ``fields`` and the file to ``url``, until ``expires_at``."""

    url: str
    fields: dict[str, str]
    expires_at: datetime


@dataclass(frozen=True)
class StoredFile:
    """What the storage holds under a key (read without fetching the bytes)."""

    size: int
    content_type: str


def refusal(content_type: str, size: int) -> str | None:
    """Why Lobby will not keep a file of this type and size, or None when it will."""
    if content_type.split(";")[0].strip().lower() not in ALLOWED_CONTENT_TYPES:
        return TYPE_REFUSED
    if size > MAX_ATTACHMENT_BYTES:
        return TOO_LARGE
    if size <= 0:
        return EMPTY
    return None


def check_attachment(name: str, content_type: str, size: int) -> None:
    """Refuse (``InvalidInput``, a 422) a file an agent may not attach."""
    if not clean_name(name):
        raise InvalidInput("an attachment needs a file name")
    reason = refusal(content_type, size)
    if reason == TYPE_REFUSED:
        raise InvalidInput(f"files of type {content_type!r} cannot be attached: use PDF, JPEG or PNG")
    if reason == TOO_LARGE:
        raise InvalidInput(f"a file is at most {MAX_ATTACHMENT_BYTES} bytes (5 MB); this one is {size}")
    if reason == EMPTY:
        raise InvalidInput("an attachment cannot be empty")


def clean_name(name: str) -> str:
    """A file name safe to show and to put in a header: no folders, no control characters, not too long."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    return name[:MAX_NAME_LENGTH]


def storage_key(hotel_id: str, conversation_id: str, attachment_id: str) -> str:
    """Where a file lives: under its hotel and conversation, named by its id only (never by the guest's name)."""
    return f"{conversation_prefix(hotel_id, conversation_id)}{attachment_id}"


def conversation_prefix(hotel_id: str, conversation_id: str) -> str:
    """The start of every key of one conversation's files (an erase deletes everything under it)."""
    return f"{hotel_prefix(hotel_id)}conversations/{conversation_id}/"


def hotel_prefix(hotel_id: str) -> str:
    """The start of every key of this hotel's files."""
    return f"hotels/{hotel_id}/"


def attachment_id_for(conversation_id: str, external_id: str) -> str:
    """The same channel file of a conversation always gets the same id (so a retried copy is the same object)."""
    return "att_" + hashlib.sha256(f"{conversation_id}\x00{external_id}".encode()).hexdigest()[:24]
