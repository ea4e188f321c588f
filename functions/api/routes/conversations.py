"""One conversation: its details, messages and activity, and what agents and partners do to it."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from api.context import inbox, principal
from api.present import conversation_out
from api.schemas import (
    ACTION_ERRORS,
    READ_ERRORS,
    ActivityOut,
    ActivityPage,
    ContactOut,
    ConversationOut,
    ConversationWithContact,
    HoldIn,
    MessageOut,
    MessagePage,
    ReplyIn,
    responses,
)

router = Router()
BASE = "/hotels/<hotel_id>/conversations/<conversation_id>"

Limit = Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100")]
Cursor = Annotated[str | None, Query(description="next_cursor of the previous page")]
READ = responses(200, "Found", *READ_ERRORS, 404)
CHANGED = responses(200, "The conversation after the change", *ACTION_ERRORS)


def _out(hotel_id: str, conversation) -> ConversationOut:
    return conversation_out(inbox(), hotel_id, conversation, principal(router))


def _message(service, hotel_id: str, message) -> MessageOut:
    """A message with a fresh read link for each available file (links are signed, not stored)."""
    return MessageOut.of(message, link=lambda attachment: service.attachment_link(hotel_id, attachment))


@router.get(BASE, summary="A conversation with the guest's profile", tags=["conversations"], responses=READ)
def get_conversation(hotel_id: str, conversation_id: str) -> ConversationWithContact:
    service = inbox()
    conversation = service.conversation(hotel_id, conversation_id)
    contact = service.contact_of(conversation)
    return ConversationWithContact(**_out(hotel_id, conversation).model_dump(),
                                   contact=ContactOut.of(contact) if contact else None)


@router.get(f"{BASE}/messages", summary="Messages, newest first", tags=["conversations"], responses=READ)
def list_messages(hotel_id: str, conversation_id: str, limit: Limit = 25, cursor: Cursor = None) -> MessagePage:
    service = inbox()
    page = service.messages(hotel_id, conversation_id, limit, cursor)
    return MessagePage(items=[_message(service, hotel_id, m) for m in page.items], next_cursor=page.next_cursor)


@router.get(f"{BASE}/activity", summary="Activity entries, newest first", tags=["conversations"], responses=READ)
def list_activity(hotel_id: str, conversation_id: str, limit: Limit = 25, cursor: Cursor = None) -> ActivityPage:
    page = inbox().activity(hotel_id, conversation_id, limit, cursor)
    return ActivityPage(items=[ActivityOut.of(a) for a in page.items], next_cursor=page.next_cursor)


@router.post(f"{BASE}/messages", summary="Reply to the guest (an agent takes over; a held conversation reopens)",
             tags=["actions"], status_code=201,
             responses=responses(201, "The reply, stored and on its way to the guest", *ACTION_ERRORS,
                                 e422="The request failed validation, or an attachment id was never granted on this "
                                      "conversation, its upload is missing, or the file differs from what was "
                                      "granted; nothing was stored or sent"))
def reply(hotel_id: str, conversation_id: str, body: ReplyIn) -> MessageOut:
    service = inbox()
    message = service.reply(hotel_id, conversation_id, principal(router).actor, body.text,
                            attachment_ids=tuple(body.attachment_ids))
    return _message(service, hotel_id, message)


@router.post(f"{BASE}/hold", summary="Put on hold until a time; it returns to Open by itself", tags=["actions"],
             responses=responses(200, "The conversation, on hold", *ACTION_ERRORS, 503,
                                 e503="The wake-up could not be scheduled, so the conversation was not put on hold"))
def hold(hotel_id: str, conversation_id: str, body: HoldIn) -> ConversationOut:
    return _out(hotel_id, inbox().hold(hotel_id, conversation_id, principal(router).actor, body.until))


@router.post(f"{BASE}/close", summary="Close (the bot takes over again)", tags=["actions"], responses=CHANGED)
def close(hotel_id: str, conversation_id: str) -> ConversationOut:
    return _out(hotel_id, inbox().close(hotel_id, conversation_id, principal(router).actor))


@router.post(f"{BASE}/reopen", summary="Reopen a closed conversation", tags=["actions"], responses=CHANGED)
def reopen(hotel_id: str, conversation_id: str) -> ConversationOut:
    return _out(hotel_id, inbox().reopen(hotel_id, conversation_id, principal(router).actor))


@router.post(f"{BASE}/spam", summary="Mark as spam", tags=["actions"], responses=CHANGED)
def mark_spam(hotel_id: str, conversation_id: str) -> ConversationOut:
    return _out(hotel_id, inbox().mark_spam(hotel_id, conversation_id, principal(router).actor))


@router.post(f"{BASE}/not-spam", summary="Not spam after all: back to Open", tags=["actions"], responses=CHANGED)
def mark_not_spam(hotel_id: str, conversation_id: str) -> ConversationOut:
    return _out(hotel_id, inbox().mark_not_spam(hotel_id, conversation_id, principal(router).actor))
