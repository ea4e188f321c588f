"""``export-guest`` and ``erase-guest``: a guest's data on request, from the command line (an Operator's audit entry).

The same use cases as the API's admin routes (``inbox.guest_data``), through the functions' composition root:
the export is the JSON ``GET /v1/hotels/{h}/contacts/{id}/export`` answers, the erase's receipt the one
``POST .../erase`` answers.
"""

from __future__ import annotations

import json
from typing import Any

from admin import AdminError, check_hotel_id, operator_actor


def _ids(hotel_id: str, contact_id: str) -> tuple[str, str]:
    contact_id = contact_id.strip()
    if not contact_id:
        raise AdminError("--contact-id is empty")
    return check_hotel_id(hotel_id), contact_id


def export_guest(inbox: Any, hotel_id: str, contact_id: str) -> dict[str, Any]:
    """Everything Lobby holds about the guest, as the API's export shapes it (file links last minutes)."""
    from api.guest_data_schemas import ExportedConversationOut, GuestExportOut
    from api.schemas import ActivityOut, ContactOut, ConversationOut, MessageOut

    hotel_id, contact_id = _ids(hotel_id, contact_id)
    export = inbox.export_guest(hotel_id, contact_id, operator_actor())
    bot_on = inbox.hotel_bot_on(hotel_id)
    out = GuestExportOut(
        contact=ContactOut.of(export.contact), exported_at=export.exported_at,
        conversations=[ExportedConversationOut(
            conversation=ConversationOut.of(c.conversation, hotel_bot_on=bot_on),
            messages=[MessageOut.of(m, link=lambda a: export.links.get(a.id)) for m in c.messages],
            activity=[ActivityOut.of(a) for a in c.activity]) for c in export.conversations])
    exported: dict[str, Any] = out.model_dump(mode="json")
    return exported


def erase_guest(inbox: Any, hotel_id: str, contact_id: str) -> dict[str, Any]:
    """Erase the guest; the receipt (``{"contact_id", "erased_at", "items"}``)."""
    from api.guest_data_schemas import ErasedItems, ReceiptOut

    hotel_id, contact_id = _ids(hotel_id, contact_id)
    receipt = inbox.erase_guest(hotel_id, contact_id, operator_actor())
    shown: dict[str, Any] = ReceiptOut(contact_id=receipt.contact_id, erased_at=receipt.erased_at,
                                       items=ErasedItems(**receipt.items)).model_dump(mode="json")
    return shown


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
