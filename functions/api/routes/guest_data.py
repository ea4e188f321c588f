"""A guest's data on request (admins only): everything Lobby holds about them, or its erasure."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from api.context import inbox, principal
from api.guest_data_schemas import ErasedItems, ErasureOut, ExportedConversationOut, GuestExportOut, ReceiptOut
from api.present import conversation_out
from api.schemas import READ_ERRORS, WRITE_ERRORS, ActivityOut, ContactOut, MessageOut, responses
from api.scope import require_admin

router = Router()
BASE = "/hotels/<hotel_id>/contacts/<contact_id>"
ContactId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,128}$", description="The guest's contact id "
                                                                               "(a conversation's `contact_id`)")]
ADMIN_403 = "The hotel is not one of the caller's, or the caller is not one of its admins (agents, partner keys)"
UNKNOWN = "No such contact in this hotel (an erased one is unknown)"


@router.get(f"{BASE}/export", summary="Everything Lobby holds about a guest (admins only)", tags=["guest data"],
            security=[{"cognito": []}],
            description="The guest's profile and each of their conversations with every message (notes included), "
                        "every activity entry and a short-lived link to each file. Recorded in the audit log as "
                        "`exported` (with counts only).",
            responses=responses(200, "The guest's data", *READ_ERRORS, 404, e403=ADMIN_403, e404=UNKNOWN))
def export_guest(hotel_id: str, contact_id: ContactId) -> GuestExportOut:
    caller = principal(router)
    require_admin(caller)
    service = inbox()
    export = service.export_guest(hotel_id, contact_id, caller.actor)
    return GuestExportOut(
        contact=ContactOut.of(export.contact), exported_at=export.exported_at,
        conversations=[ExportedConversationOut(
            conversation=conversation_out(service, hotel_id, c.conversation, caller),
            messages=[MessageOut.of(m, link=lambda a: export.links.get(a.id)) for m in c.messages],
            activity=[ActivityOut.of(a) for a in c.activity]) for c in export.conversations])


@router.post(f"{BASE}/erase", summary="Erase a guest (admins only)", tags=["guest data"], security=[{"cognito": []}],
             status_code=202,
             description="Deletes the contact, its conversations, messages, notes, activity, files, search entries "
                         "and guards, and takes the conversations out of the tab counts. A guest writing meanwhile "
                         "is erased too, or (after the erase) starts a new conversation; never a half-erased one. "
                         "Recorded in the audit log as `erased`, with the contact id and the counts only.",
             responses=responses(202, "Erased: what went, by kind", *WRITE_ERRORS, 404, 409, e403=ADMIN_403,
                                 e404=UNKNOWN, e409="The guest kept writing during the erase; what was erased is "
                                                    "gone, erase again to finish"))
def erase_guest(hotel_id: str, contact_id: ContactId) -> ErasureOut:
    caller = principal(router)
    require_admin(caller)
    receipt = inbox().erase_guest(hotel_id, contact_id, caller.actor)
    return ErasureOut(receipt=ReceiptOut(contact_id=receipt.contact_id, erased_at=receipt.erased_at,
                                         items=ErasedItems(**receipt.items)))
