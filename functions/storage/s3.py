"""``S3AttachmentStorage``: attachment bytes in one S3 bucket, reached by presigned POSTs and GETs.

The browser uploads straight to S3 with a presigned POST whose policy fixes the key, the type,
the size range and the object's tags, and reads through presigned GETs that S3 answers with a fixed type and a
safe ``Content-Disposition``: the API never carries the bytes. Every object is tagged
``retention-days=<tier>`` (``RETENTION_TAG``; the tier: ``inbox.retention.retention_tier`` of its hotel's
retention), which the bucket's lifecycle rule of that tier expires (infra/attachments.py). The client must sign with SigV4
(the wiring builds it so); SigV4 presigned URLs last at most 7 days, ours minutes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from botocore.exceptions import ClientError

from inbox.attachments import ALLOWED_CONTENT_TYPES, StoredFile, UploadGrant
from inbox.retention import retention_tier

INLINE_TYPES = frozenset({"image/jpeg", "image/png"})  # shown in the page; PDFs are downloaded
FALLBACK_TYPE = "application/octet-stream"  # what a type Lobby does not serve is sent as
NOT_FOUND_CODES = frozenset({"404", "NoSuchKey", "NotFound"})
DELETE_MAX_KEYS = 1000  # DeleteObjects' limit (and a listing page's)
# The object tag the bucket's lifecycle rules filter on (infra/names.py ATTACHMENTS_RETENTION_TAG, the same name).
RETENTION_TAG = "retention-days"


def retention_tag_set(retention_days: int) -> str:
    """The object's tags as a POST upload's ``tagging`` field carries them (S3's XML ``Tagging`` document)."""
    return (f"<Tagging><TagSet><Tag><Key>{RETENTION_TAG}</Key><Value>{retention_tier(retention_days)}</Value></Tag>"
            "</TagSet></Tagging>")


def retention_tagging(retention_days: int) -> str:
    """The object's tags as PutObject's ``Tagging`` (a URL query string)."""
    return f"{RETENTION_TAG}={retention_tier(retention_days)}"


class S3AttachmentStorage:
    """Implements ``inbox.ports.AttachmentStorage`` on a boto3 S3 client."""

    def __init__(self, client, bucket: str, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self._client = client
        self._bucket = bucket
        self._now = now

    def grant_upload(self, key: str, content_type: str, size: int, expires_seconds: int, *,
                     retention_days: int) -> UploadGrant:
        expires_at = self._now() + timedelta(seconds=expires_seconds)
        tagging = retention_tag_set(retention_days)
        post = self._client.generate_presigned_post(
            Bucket=self._bucket, Key=key,
            Fields={"Content-Type": content_type, "tagging": tagging},
            # botocore adds the bucket and the exact key to the conditions itself; the tags are fixed too.
            Conditions=[{"Content-Type": content_type}, {"tagging": tagging}, ["content-length-range", 1, size]],
            ExpiresIn=expires_seconds,
        )
        return UploadGrant(url=post["url"], fields=dict(post["fields"]), expires_at=expires_at)

    def stored(self, key: str) -> StoredFile | None:
        try:
            head = self._client.head_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in NOT_FOUND_CODES:
                return None
            raise
        return StoredFile(size=int(head["ContentLength"]), content_type=head.get("ContentType") or FALLBACK_TYPE)

    def put(self, key: str, data: bytes, content_type: str, *, retention_days: int) -> None:
        self._client.put_object(Bucket=self._bucket, Key=key, Body=data, ContentType=content_type,
                                Tagging=retention_tagging(retention_days))

    def read(self, key: str) -> bytes:
        body = self._client.get_object(Bucket=self._bucket, Key=key)["Body"]
        try:
            data: bytes = body.read()
        finally:
            body.close()
        return data

    def link(self, key: str, name: str, content_type: str, expires_seconds: int) -> str:
        served = content_type.split(";")[0].strip().lower()
        if served not in ALLOWED_CONTENT_TYPES:
            served = FALLBACK_TYPE
        url: str = self._client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self._bucket, "Key": key, "ResponseContentType": served,
                    "ResponseContentDisposition": content_disposition(name, inline=served in INLINE_TYPES)},
            ExpiresIn=expires_seconds,
        )
        return url

    def delete(self, keys: Sequence[str]) -> int:
        """Delete these objects, 1,000 a request (S3's limit); one already gone is fine."""
        wanted = list(dict.fromkeys(keys))
        for start in range(0, len(wanted), DELETE_MAX_KEYS):
            batch = wanted[start:start + DELETE_MAX_KEYS]
            response = self._client.delete_objects(Bucket=self._bucket, Delete={
                "Objects": [{"Key": key} for key in batch], "Quiet": True})
            if response.get("Errors"):
                first = response["Errors"][0]
                raise RuntimeError(f"S3 could not delete {len(response['Errors'])} objects "
                                   f"({first.get('Code')}: {first.get('Message')}); try again")
        return len(wanted)

    def delete_prefix(self, prefix: str) -> int:
        """Delete every object under ``prefix``: listed 1,000 a page, each page deleted in one request."""
        deleted = 0
        for page in self._client.get_paginator("list_objects_v2").paginate(Bucket=self._bucket, Prefix=prefix):
            found = [item["Key"] for item in page.get("Contents", ())]
            if found:
                deleted += self.delete(found)
        return deleted


def content_disposition(name: str, *, inline: bool) -> str:
    """An RFC 6266 ``Content-Disposition``: an ASCII ``filename`` fallback and the UTF-8 ``filename*``.

    The name comes from a guest or an agent: no quote, backslash, control character or folder
    survives into the header, so it can neither end the parameter nor add another.
    """
    clean = "".join(ch for ch in unicodedata.normalize("NFC", name)
                    if unicodedata.category(ch)[0] != "C").replace("\\", "/").rsplit("/", 1)[-1].strip()
    clean = clean or "file"
    ascii_name = "".join(ch if 0x20 <= ord(ch) < 0x7F and ch not in '"%;' else "_"
                         for ch in unicodedata.normalize("NFKD", clean) if not unicodedata.combining(ch))
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(clean, safe='')}"
