"""Shapes of the guest data routes (docs/api.md, *Guest data*): a guest's export and an erasure's receipt."""

from __future__ import annotations

from pydantic import Field

from api.schemas import ActivityOut, ContactOut, ConversationOut, MessageOut, UtcTime, _Out


class ExportedConversationOut(_Out):
    conversation: ConversationOut
    messages: list[MessageOut] = Field(description="Every message of the conversation, notes included, oldest first; "
                                                   "each file with a short-lived link")
    activity: list[ActivityOut] = Field(description="Every activity entry, oldest first")


class GuestExportOut(_Out):
    contact: ContactOut
    exported_at: UtcTime
    conversations: list[ExportedConversationOut] = Field(description="The guest's conversations at this hotel, "
                                                                     "oldest first")


class ErasedItems(_Out):
    contact: int = Field(description="1 when the contact was deleted")
    conversations: int
    messages: int = Field(description="Messages and notes")
    activity: int
    files: int = Field(description="Files deleted from the attachments bucket")
    other: int = Field(description="Search entries, guards of handled messages, mentions and upload grants")


class ReceiptOut(_Out):
    contact_id: str
    erased_at: UtcTime
    items: ErasedItems


class ErasureOut(_Out):
    receipt: ReceiptOut
