"""The team: the hotel's agents, who owns a conversation, notes and mentions, read marks, "start replying"."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from api.context import inbox, principal
from api.present import conversation_out, conversations_out
from api.schemas import ACTION_ERRORS, READ_ERRORS, ConversationOut, ConversationPage, MessageOut, responses
from api.scope import require_team
from api.team_schemas import AgentOut, AgentsOut, AssignIn, NoteIn, ReadOut

router = Router()
BASE = "/hotels/<hotel_id>/conversations/<conversation_id>"
TEAM_403 = "The hotel is not one of the caller's, or the caller is a partner key (this route is the team's)"


def _agent():
    caller = principal(router)
    require_team(caller)
    return caller


@router.get("/hotels/<hotel_id>/agents", summary="The hotel's agents (the Cognito group of the hotel)", tags=["team"],
            responses=responses(200, "Every agent of the hotel", *READ_ERRORS, e403=TEAM_403))
def list_agents(hotel_id: str) -> AgentsOut:
    _agent()
    return AgentsOut(items=[AgentOut(id=a.id, name=a.name, email=a.email, role=a.role.value)
                            for a in inbox().agents(hotel_id)])


@router.post(f"{BASE}/assign", summary="Assign the conversation to an agent of the hotel, or to nobody",
             tags=["team"],
             responses=responses(200, "The conversation, with its assignee (an `assigned` or `unassigned` entry is "
                                      "written; the same assignee again changes nothing)", *ACTION_ERRORS,
                                 e403=TEAM_403, e422="The agent does not work for this hotel, or the body is invalid",
                                 e409="The conversation is spam, or another agent assigned it first: `assignee` "
                                      "says who has it now"))
def assign(hotel_id: str, conversation_id: str, body: AssignIn) -> ConversationOut:
    caller = _agent()
    service = inbox()
    conversation = service.assign(hotel_id, conversation_id, caller.actor, body.agent_id)
    return conversation_out(service, hotel_id, conversation, caller)


@router.post(f"{BASE}/notes", summary="Leave a note for the team (never sent to the guest)", tags=["team"],
             status_code=201,
             responses=responses(201, "The note: internal, no change of status", *ACTION_ERRORS, e403=TEAM_403,
                                 e422="The text is invalid, or a mention (an id, or `@Name` in the text) is not an "
                                      "agent of this hotel"))
def add_note(hotel_id: str, conversation_id: str, body: NoteIn) -> MessageOut:
    caller = _agent()
    service = inbox()
    note = service.add_note(hotel_id, conversation_id, caller.actor, body.text, tuple(body.mentions))
    return MessageOut.of(note, link=lambda attachment: service.attachment_link(hotel_id, attachment))


@router.get("/hotels/<hotel_id>/mentions", summary="Conversations where the caller was mentioned, newest mention first",
            tags=["team"], responses=responses(200, "One page of the caller's mentions", *READ_ERRORS, e403=TEAM_403))
def list_mentions(
    hotel_id: str,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100")] = 25,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
) -> ConversationPage:
    caller = _agent()
    service = inbox()
    assert caller.actor.id is not None
    page = service.mentions(hotel_id, caller.actor.id, limit, cursor)
    return ConversationPage(items=conversations_out(service, hotel_id, page.items, caller),
                            next_cursor=page.next_cursor)


@router.post(f"{BASE}/resume", summary="The agent started a reply: a held conversation returns to Open at once",
             tags=["team"],
             responses=responses(200, "The conversation, open (on Open already: unchanged)", *ACTION_ERRORS,
                                 e403=TEAM_403, e409="Neither on hold nor open (the current status is in `status`)"))
def resume(hotel_id: str, conversation_id: str) -> ConversationOut:
    caller = _agent()
    service = inbox()
    return conversation_out(service, hotel_id, service.resume(hotel_id, conversation_id, caller.actor), caller)


@router.post(f"{BASE}/read", summary="Mark the conversation read for the caller", tags=["team"],
             responses=responses(200, "Read by the caller (one write; the conversation is not read back)",
                                 *ACTION_ERRORS, e403=TEAM_403))
def mark_read(hotel_id: str, conversation_id: str) -> ReadOut:
    caller = _agent()
    assert caller.actor.id is not None
    inbox().mark_read(hotel_id, conversation_id, caller.actor.id)  # NotFound (404) when there is no such conversation
    return ReadOut(conversation_id=conversation_id)
