"""The stand-in's attachment service (docs/expedia.md, *Lobby's choice* for the shapes).

- ``POST {files_url}`` multipart ``messageThreadId`` + ``file`` (bearer token): PDF, JPEG or PNG,
  at most 5 MB: ``201 {"attachmentId", "name", "contentType", "size"}``; another type ``415``,
  larger ``413``, no file or an empty one ``400``, an unknown thread ``404``.
- ``GET {files_url}/{attachmentId}`` (bearer token): the bytes with their ``Content-Type``.

Traveler files handed to the simulator live here too, whatever their type or size.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from datetime import datetime

from werkzeug.wrappers import Request, Response

from local.expedia.common import BadRequest, iso_ms, json_response

ALLOWED_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MULTIPART_OVERHEAD = 64 * 1024  # form fields and part headers beside the file itself
STREAM_CHUNK = 64 * 1024


class AttachmentService:
    """Files by attachment id; each belongs to the property of the thread it came with."""

    def __init__(self, new_id: Callable[[], str], now: Callable[[], datetime]):
        self._new_id = new_id
        self._now = now
        self._lock = threading.RLock()
        self._files: dict[str, dict] = {}

    def reset(self) -> None:
        with self._lock:
            self._files.clear()

    def store(self, thread: dict, name: str, content_type: str, data: bytes, *, source: str,
              streamed: bool = False) -> dict:
        with self._lock:
            record = {"attachmentId": self._new_id(), "messageThreadId": thread["id"],
                      "propertyId": thread["propertyId"], "name": name, "contentType": content_type,
                      "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                      "uploadedAt": iso_ms(self._now()), "source": source, "streamed": streamed, "data": data}
            self._files[record["attachmentId"]] = record
            return record

    def get(self, attachment_id: str) -> dict | None:
        with self._lock:
            return self._files.get(attachment_id)

    def listing(self) -> list[dict]:
        """``GET /sim/files``: every file, oldest first, without its bytes."""
        with self._lock:
            return [{k: v for k, v in f.items() if k != "data"} for f in self._files.values()]

    # -- HTTP -------------------------------------------------------------------------------

    def upload(self, request: Request, thread_for: Callable[[str], dict | None]) -> Response:
        # Refuse a body too large for any allowed file before reading it (werkzeug answers 413).
        request.max_content_length = MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD
        thread_id = request.form.get("messageThreadId")
        upload = request.files.get("file")
        if not thread_id:
            raise BadRequest("messageThreadId is required")
        if upload is None:
            raise BadRequest("a file part named 'file' is required")
        thread = thread_for(thread_id)
        if thread is None:
            raise BadRequest(f"no message thread {thread_id}", 404)
        content_type = (upload.mimetype or "").lower()
        if content_type not in ALLOWED_TYPES:
            raise BadRequest(f"files must be PDF, JPEG or PNG, not {content_type or 'an unnamed type'}", 415)
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise BadRequest(f"files are at most {MAX_UPLOAD_BYTES} bytes", 413)
        if not data:
            raise BadRequest("the file is empty")
        name = (upload.filename or "").strip() or "attachment"
        record = self.store(thread, name, content_type, data, source="upload")
        return json_response({"attachmentId": record["attachmentId"], "name": record["name"],
                              "contentType": record["contentType"], "size": record["size"]}, 201)

    def download(self, attachment_id: str) -> Response:
        record = self.get(attachment_id)
        if record is None:
            raise BadRequest(f"no attachment {attachment_id}", 404)
        if record["streamed"]:
            return Response(_chunks(record["data"]), mimetype=record["contentType"], direct_passthrough=True)
        return Response(record["data"], mimetype=record["contentType"])


def _chunks(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), STREAM_CHUNK):
        yield data[start:start + STREAM_CHUNK]
