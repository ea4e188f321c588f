"""Finding a guest: by name (word prefix), email, phone, reservation id or channel thread id."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from api.context import inbox, principal
from api.present import conversations_out
from api.schemas import READ_ERRORS, responses
from api.team_schemas import SearchOut

router = Router()


@router.get("/hotels/<hotel_id>/search", summary="Conversations whose guest matches q", tags=["inbox"],
            responses=responses(200, "At most 25 conversations, newest last message first", *READ_ERRORS,
                                e422="q is not 2 to 100 characters (spaces around it do not count), or holds no "
                                     "letter or digit"))
def search(
    hotel_id: str,
    q: Annotated[str, Query(min_length=2, max_length=100,
                            description="A guest's name or its words' beginnings, an email, a phone, a "
                                        "reservation id or a channel thread id; 2 to 100 characters")],
) -> SearchOut:
    service = inbox()
    return SearchOut(items=conversations_out(service, hotel_id, service.search(hotel_id, q), principal(router)))
