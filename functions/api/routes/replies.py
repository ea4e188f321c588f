"""The hotel's saved replies: the library (admins manage it) and a reply rendered for one conversation."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from api.context import inbox, principal
from api.schemas import ACTION_ERRORS, READ_ERRORS, WRITE_ERRORS, responses
from api.scope import require_admin, require_team
from api.team_schemas import RenderedOut, SavedRepliesOut, SavedReplyIn, SavedReplyOut

router = Router()
ReplyId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="The saved reply's id")]
TEAM_403 = "The hotel is not one of the caller's, or the caller is a partner key (saved replies are the team's)"
ADMIN_403 = "The hotel is not one of the caller's, or the caller is not one of its admins"


@router.get("/hotels/<hotel_id>/replies", summary="The hotel's saved replies", tags=["replies"],
            responses=responses(200, "Every saved reply of the hotel", *READ_ERRORS, e403=TEAM_403))
def list_replies(hotel_id: str) -> SavedRepliesOut:
    require_team(principal(router))
    return SavedRepliesOut(items=[SavedReplyOut.of(r) for r in inbox().replies(hotel_id)])


@router.put("/hotels/<hotel_id>/replies/<reply_id>", summary="Create or replace a saved reply (admins only)",
            tags=["replies"], security=[{"cognito": []}],
            responses=responses(200, "The saved reply, as stored", *WRITE_ERRORS, e403=ADMIN_403,
                                e422="The body is invalid, a text uses an unknown variable or a stray brace, the "
                                     "shortcut is taken, or the hotel has 200 replies already"))
def put_reply(hotel_id: str, reply_id: ReplyId, body: SavedReplyIn) -> SavedReplyOut:
    from inbox.model import SavedReply

    caller = principal(router)
    require_admin(caller)
    saved = inbox().save_reply(SavedReply(id=reply_id, hotel_id=hotel_id, title=body.title, shortcut=body.shortcut,
                                          texts=dict(body.texts)), caller.actor)
    return SavedReplyOut.of(saved)


@router.delete("/hotels/<hotel_id>/replies/<reply_id>", summary="Delete a saved reply (admins only)",
               tags=["replies"], security=[{"cognito": []}], status_code=204,
               responses=responses(204, "Deleted", 401, 403, 404, 422, e403=ADMIN_403, e404="No such saved reply"))
def delete_reply(hotel_id: str, reply_id: ReplyId):  # no body: no schema in the document
    caller = principal(router)
    require_admin(caller)
    inbox().delete_reply(hotel_id, reply_id, caller.actor)
    return Response(204)


@router.post("/hotels/<hotel_id>/conversations/<conversation_id>/replies/<reply_id>/render",
             summary="A saved reply filled in for the conversation's guest, in their language", tags=["replies"],
             responses=responses(200, "The text to put in the composer, its language and the variables that had "
                                      "no value", *ACTION_ERRORS, e403=TEAM_403,
                                 e404="No such conversation in this hotel, or no such saved reply"))
def render_reply(hotel_id: str, conversation_id: str, reply_id: ReplyId) -> RenderedOut:
    caller = principal(router)
    require_team(caller)
    rendered = inbox().render_reply(hotel_id, conversation_id, reply_id, caller.actor.name)
    return RenderedOut(text=rendered.text, language=rendered.language, missing=list(rendered.missing))
