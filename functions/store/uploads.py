"""Uploads the API granted, kept under their conversation until a reply names them (or TTL removes them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import partial

from inbox.attachments import Upload
from inbox.errors import InvalidInput
from inbox.model import iso
from store import keys, reading
from store.models import UploadItem
from store.table import BATCH_GET_MAX_KEYS, Table, item_key

# How long a granted upload is remembered: far past its 5-minute grant, so a reply written slowly
# still finds it, and then DynamoDB's TTL removes what no reply used.
UPLOAD_KEPT = timedelta(days=1)


class Uploads(Table):
    def save_upload(self, upload: Upload) -> None:
        """Remember an upload the API granted (one PutItem), until a day after the grant."""
        UploadItem(
            keys.conversation_pk(upload.hotel_id, upload.conversation_id), keys.upload_sk(upload.id),
            upload_id=upload.id, hotel_id=upload.hotel_id, conversation_id=upload.conversation_id, name=upload.name,
            content_type=upload.content_type, size=upload.size, storage_key=upload.key,
            created_at=iso(upload.created_at), expires_at=upload.created_at + UPLOAD_KEPT,
        ).save()

    def get_uploads(self, hotel_id: str, conversation_id: str, upload_ids: Sequence[str]) -> list[Upload]:
        """The granted uploads of this conversation among ``upload_ids`` (one BatchGetItem), in their order;
        an id never granted here, expired, or unreadable (reported) is absent."""
        wanted = list(dict.fromkeys(upload_ids))
        if not wanted:
            return []
        if len(wanted) > BATCH_GET_MAX_KEYS:
            raise InvalidInput(f"at most {BATCH_GET_MAX_KEYS} attachments at once")
        pk = keys.conversation_pk(hotel_id, conversation_id)
        response = self._client.batch_get_item(RequestItems={self.table_name: {
            "Keys": [item_key(pk, keys.upload_sk(u)) for u in wanted]}})
        if response.get("UnprocessedKeys"):  # throttled: the caller tries again
            raise RuntimeError("DynamoDB left keys unprocessed; try again")
        now = datetime.now(UTC)
        found: dict[str, Upload] = {}
        for raw in response.get("Responses", {}).get(self.table_name, []):
            upload: Upload | None = self._read(partial(reading.live_upload, now=now), raw)
            if upload is not None:
                found[upload.id] = upload
        return [found[u] for u in wanted if u in found]
