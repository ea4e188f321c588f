"""What Lobby reads from Expedia's GraphQL answers, as pydantic models."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AliasPath, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from inbox.times import parse_time

T = TypeVar("T")


def _rfc3339(value: Any) -> Any:
    """Strict RFC 3339 (four-digit year, a zone), as every time crossing into Lobby."""
    return value if value is None or isinstance(value, datetime) else parse_time(value)


Time = Annotated[datetime | None, BeforeValidator(_rfc3339)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, validate_by_name=True, validate_by_alias=True)


class ExpediaAttachment(_Model):
    """A file on a message, served by Expedia's attachment service at ``url``."""

    id: str
    name: str
    url: str
    upload_date_time_utc: Time = Field(None, validation_alias="uploadDateTimeUtc")


class ExpediaMessage(_Model):
    """``message(id)``: one message of a thread."""

    id: str
    # Expedia's own word on where the message belongs (the schema makes both non-null).
    thread_id: str = Field(validation_alias=AliasPath("messageThread", "id"))
    property_id: str = Field(validation_alias=AliasPath("messageThread", "property", "id"))
    creation_date_time_utc: Time = Field(None, validation_alias="creationDateTimeUtc")
    body: str | None = Field(None, validation_alias=AliasPath("body", "value"))
    from_role: Literal["TRAVELER", "SUPPLIER"] | None = Field(None, validation_alias="fromRole")
    review_status: Literal["IN_REVIEW", "ACCEPTED", "BLOCKED"] | None = Field(
        None, validation_alias="reviewStatus")
    attachments: tuple[ExpediaAttachment, ...] = ()


class ExpediaTraveler(_Model):
    first_name: str | None = Field(None, validation_alias="firstName")
    last_name: str | None = Field(None, validation_alias="lastName")

    @property
    def name(self) -> str | None:
        """First and last name joined, or ``None`` when Expedia gives neither."""
        parts = [p.strip() for p in (self.first_name, self.last_name) if p and p.strip()]
        return " ".join(parts) or None


class ExpediaReservation(_Model):
    id: str
    check_in_date: date = Field(validation_alias="checkInDate")
    check_out_date: date = Field(validation_alias="checkOutDate")
    adult_count: int = Field(validation_alias="adultCount")
    child_count: int = Field(validation_alias="childCount")
    pet_count: int = Field(validation_alias="petCount")
    # The schema makes it non-null; an empty (or blank) string is read as "not given".
    supplier_id: str | None = Field(None, validation_alias=AliasPath("alternativeIds", "supplierId"))

    @field_validator("supplier_id")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @property
    def reservation_id(self) -> str:
        """The hotel's own reservation id when Expedia knows it, else Expedia's."""
        return self.supplier_id or self.id

    @property
    def guests(self) -> int:
        return self.adult_count + self.child_count


class ExpediaThread(_Model):
    """``messageThread(id)``: the thread, its property, traveler and reservation."""

    id: str
    property_id: str = Field(validation_alias=AliasPath("property", "id"))
    primary_traveler: ExpediaTraveler | None = Field(None, validation_alias="primaryTraveler")
    reservation_summary: ExpediaReservation | None = Field(None, validation_alias="reservationSummary")


class UndeliveredNotification(_Model):
    """One of ``undeliveredNotifications``: the notification as the callback would have carried it,
    and why Expedia could not deliver it."""

    notification: dict[str, Any]  # Expedia's Notification envelope (eventType, creationDateTime, notificationId, payload)
    error_code: str | None = Field(None, validation_alias=AliasPath("error", "code"))
    error_message: str | None = Field(None, validation_alias=AliasPath("error", "message"))

    @field_validator("notification", mode="before")
    @classmethod
    def _payload_as_object(cls, value: Any) -> Any:
        """``payload`` is the JSON scalar: an object, or (some servers) that object as a string."""
        if isinstance(value, dict) and isinstance(value.get("payload"), str):
            try:
                return dict(value, payload=json.loads(value["payload"]))
            except ValueError:
                return value
        return value

    @property
    def notification_id(self) -> str | None:
        found = self.notification.get("notificationId")
        return found if isinstance(found, str) else None

    @property
    def event_type(self) -> str | None:
        found = self.notification.get("eventType")
        return found if isinstance(found, str) else None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of an Expedia list: ``cursor`` is None on the last page; ``total`` is Expedia's totalCount."""

    elements: tuple[T, ...]
    cursor: str | None
    total: int
