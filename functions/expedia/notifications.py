"""Expedia's notifications, as pydantic models (the envelope is Expedia's ``Notification`` type;
the payload fields are Lobby's choice, see docs/expedia.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from inbox.times import parse_time

EventType = Literal["MessageThreadCreated", "MessageReceived", "MessageAttributesUpdated"]
Id = str

# The SQS message attribute the reconciler sets on each notification it queues (the callback sets none),
# so the ingest knows Expedia did not reach the callback with it (``ExpediaIngest.handle``).
SOURCE_ATTRIBUTE = "lobby-source"
FROM_RECONCILIATION = "reconciliation"


class NotificationPayload(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")
    property_id: Id = Field(alias="propertyId", min_length=1, max_length=64)
    message_thread_id: Id = Field(alias="messageThreadId", min_length=1, max_length=128)
    message_id: Id | None = Field(default=None, alias="messageId", min_length=1, max_length=128)


class ExpediaNotification(BaseModel):
    """One callback from Expedia's Notification Service."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")
    event_type: EventType = Field(alias="eventType")
    creation_date_time: datetime = Field(alias="creationDateTime")
    notification_id: Id = Field(alias="notificationId", min_length=1, max_length=128)
    payload: NotificationPayload

    @field_validator("creation_date_time", mode="before")
    @classmethod
    def rfc3339(cls, value: Any) -> Any:
        """Strict RFC 3339 (four-digit year, a zone); whether the time is plausible is the ingest's check."""
        return value if isinstance(value, datetime) else parse_time(value)  # a number is no time here

    @model_validator(mode="after")
    def message_events_name_their_message(self) -> ExpediaNotification:
        if self.event_type != "MessageThreadCreated" and self.payload.message_id is None:
            raise ValueError(f"a {self.event_type} notification needs payload.messageId")
        return self
