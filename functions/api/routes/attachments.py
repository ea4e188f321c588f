"""Files agents attach to replies: the API grants a presigned upload; the bytes go straight to storage."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from api.context import inbox
from api.schemas import WRITE_ERRORS, AttachmentGranted, AttachmentIn, UploadOut, responses

router = Router()


@router.post("/hotels/<hotel_id>/conversations/<conversation_id>/attachments",
             summary="Grant the upload of a file to attach to a reply (a presigned POST, valid 5 minutes)",
             tags=["attachments"], status_code=201,
             responses=responses(201, "The attachment's id and where to upload it: POST the `fields` and then the "
                                      "file (field `file`) as multipart/form-data to `url`; the storage refuses "
                                      "another type or a larger file", *WRITE_ERRORS, 404,
                                 e422="Not a PDF, JPEG or PNG, larger than 5 MB, empty, or without a usable name"))
def grant_upload(hotel_id: str, conversation_id: str, body: AttachmentIn) -> AttachmentGranted:
    upload, grant = inbox().grant_upload(hotel_id, conversation_id, body.name, body.content_type, body.size)
    return AttachmentGranted(id=upload.id, upload=UploadOut(url=grant.url, fields=grant.fields,
                                                            expires_at=grant.expires_at))
