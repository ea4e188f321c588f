"""The inbox's use cases for files: grant an upload, check a reply's files, keep a channel's file, link one.

A mixin of ``Inbox`` (``inbox.service``): the bytes never pass through here except a
channel's file on its way into storage, and a reply's file on its way out to the channel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from inbox.attachments import (
    LINK_SECONDS,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS_PER_MESSAGE,
    TOO_LARGE,
    UPLOAD_GRANT_SECONDS,
    Upload,
    UploadGrant,
    attachment_id_for,
    check_attachment,
    clean_name,
    hotel_prefix,
    refusal,
    storage_key,
)
from inbox.errors import InvalidInput
from inbox.machine import new_id
from inbox.model import Attachment
from inbox.ports import AttachmentStorage, ConversationStore
from inbox.redaction import redact_text

UNNAMED = "attachment"


class FileUseCases:
    """Attachments: what the API and the channels ask of the inbox about files."""

    store: ConversationStore
    files: AttachmentStorage | None
    clock: Callable[[], datetime]
    retention_days: Callable[[str], int]  # Inbox.retention_days: the hotel's, which its files are kept for

    def _storage(self) -> AttachmentStorage:
        assert self.files is not None, "an inbox that handles attachments needs attachment storage"
        return self.files

    def grant_upload(self, hotel_id: str, conversation_id: str, name: str, content_type: str, size: int
                     ) -> tuple[Upload, UploadGrant]:
        """Let the console upload one file straight to storage for 5 minutes (type and size in the policy).

        ``InvalidInput`` (422) for a file that may not be attached, ``NotFound`` for an unknown conversation.
        """
        check_attachment(name, content_type, size)
        self.store.get_conversation(hotel_id, conversation_id)  # NotFound for another hotel's or none
        upload_id = new_id("att")
        content_type = _bare(content_type)
        key = storage_key(hotel_id, conversation_id, upload_id)
        grant = self._storage().grant_upload(key, content_type, size, UPLOAD_GRANT_SECONDS,
                                             retention_days=self.retention_days(hotel_id))
        # The name is kept with its card numbers masked (a reply counts none in it: they went here).
        upload = Upload(id=upload_id, hotel_id=hotel_id, conversation_id=conversation_id,
                        name=redact_text(clean_name(name)),
                        content_type=content_type, size=size, key=key, created_at=self.clock())
        self.store.save_upload(upload)
        return upload, grant

    def _reply_attachments(self, hotel_id: str, conversation_id: str, attachment_ids: Sequence[str]
                           ) -> tuple[Attachment, ...]:
        """The files a reply names, each granted for this conversation and uploaded as granted; else 422."""
        wanted = list(dict.fromkeys(attachment_ids))
        if len(wanted) > MAX_ATTACHMENTS_PER_MESSAGE:
            raise InvalidInput(f"a reply carries at most {MAX_ATTACHMENTS_PER_MESSAGE} attachments")
        uploads = {u.id: u for u in self.store.get_uploads(hotel_id, conversation_id, wanted)
                   if (u.hotel_id, u.conversation_id) == (hotel_id, conversation_id)}
        attachments = []
        for upload_id in wanted:
            upload = uploads.get(upload_id)
            if upload is None:
                raise InvalidInput(f"attachment {upload_id!r} was not granted for this conversation")
            stored = self._storage().stored(upload.key)
            if stored is None:
                raise InvalidInput(f"attachment {upload_id!r} ({upload.name}) was never uploaded")
            if stored.size > upload.size or _bare(stored.content_type) != upload.content_type \
                    or refusal(stored.content_type, stored.size) is not None:
                raise InvalidInput(f"attachment {upload_id!r} ({upload.name}) is not the file that was granted "
                                   f"({upload.content_type}, at most {upload.size} bytes)")
            attachments.append(Attachment(id=upload.id, name=upload.name, content_type=upload.content_type,
                                          size=stored.size, key=upload.key))
        return tuple(attachments)

    def attachment_link(self, hotel_id: str, attachment: Attachment) -> str | None:
        """A short-lived link to the file for this hotel's callers; None when Lobby does not hold it."""
        if not attachment.available or attachment.key is None:
            return None
        if not attachment.key.startswith(hotel_prefix(hotel_id)):
            return None  # never a link to another hotel's file
        return self._storage().link(attachment.key, attachment.name, attachment.content_type, LINK_SECONDS)

    def keep_channel_file(self, hotel_id: str, conversation_id: str, external_id: str, name: str,
                          content_type: str, data: bytes | None, size: int | None = None, *,
                          unavailable: str | None = None) -> Attachment:
        """Copy a guest's file from a channel into storage, before its message is stored.

        The same channel file always gets the same id and key (a retried copy is the same object).
        A file of a refused type or size (``data`` None: the channel's file was too large to fetch)
        is an unavailable attachment with its reason, never an error; so is one the channel could not
        hand over (``unavailable``: why).
        """
        attachment_id = attachment_id_for(conversation_id, external_id)
        content_type = _bare(content_type)
        if data is not None:
            known_size = len(data)
        elif size is not None:
            known_size = size
        else:  # not fetched and no size told: over the limit, unless the channel could not hand it over
            known_size = 0 if unavailable else MAX_ATTACHMENT_BYTES + 1
        reason = unavailable or refusal(content_type, known_size)
        if data is None and reason is None:
            reason = TOO_LARGE  # not fetched: only a file over the limit is left unfetched
        shown = clean_name(name) or UNNAMED
        if reason is not None:
            return Attachment(id=attachment_id, name=shown, content_type=content_type, size=max(known_size, 0),
                              unavailable_reason=reason, external_id=external_id)
        assert data is not None  # a missing file has a reason
        key = storage_key(hotel_id, conversation_id, attachment_id)
        self._storage().put(key, data, content_type, retention_days=self.retention_days(hotel_id))
        return Attachment(id=attachment_id, name=shown, content_type=content_type, size=len(data), key=key,
                          external_id=external_id)

    def attachment_bytes(self, attachment: Attachment) -> bytes:
        """The bytes of a file Lobby holds (a reply's file on its way to the channel)."""
        if not attachment.available or attachment.key is None:
            raise InvalidInput(f"attachment {attachment.id} is not held by Lobby")
        return self._storage().read(attachment.key)


def _bare(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()
