"""Conversations as the caller sees them: its role's allowed actions, its unread mark, the reply clock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from auth.principal import Principal
from inbox.model import ActorType, Conversation

if TYPE_CHECKING:  # the type only: inbox.actions loads with the first conversation shown
    from inbox.actions import Caller


def caller_of(principal: Principal) -> Caller:
    """The caller kind of ``inbox.actions.allowed_actions``: partner, admin or agent."""
    if principal.actor.type is ActorType.PARTNER:
        return "partner"
    return "admin" if principal.is_admin else "agent"


def conversation_out(service, hotel_id: str, conversation: Conversation, principal: Principal):
    """``ConversationOut`` of one conversation for this caller (the hotel is cached by the inbox)."""
    from api.schemas import ConversationOut
    from inbox.actions import allowed_actions
    from inbox.clocks import reply_due_at

    hotel = service.hotel(hotel_id)
    agent_id = principal.actor.id if principal.actor.type is ActorType.AGENT else None
    return ConversationOut.of(
        conversation, hotel_bot_on=bool(hotel and hotel.bot_enabled), reply_due_at=reply_due_at(conversation, hotel),
        unread=conversation.unread_for(agent_id),
        allowed_actions=allowed_actions(conversation, caller_of(principal)))


def conversations_out(service, hotel_id: str, conversations, principal: Principal) -> list:
    return [conversation_out(service, hotel_id, c, principal) for c in conversations]
