"""The questions the bot missed (admins only): the list, teaching the bot from a group, dismissing one."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from api.context import inbox, principal
from api.missed_schemas import MissedGroupOut, MissedPage, TaughtOut, TeachIn
from api.schemas import READ_ERRORS, WRITE_ERRORS, responses
from api.scope import require_admin

router = Router()
BASE = "/hotels/<hotel_id>/missed-questions"
GroupId = Annotated[str, Path(pattern=r"^[a-z]{2,3}-[0-9a-f]{16}$", description="The group's id")]
ADMIN_403 = "The hotel is not one of the caller's, or the caller is not one of its admins (agents, partner keys)"


@router.get(BASE, summary="The questions the bot could not answer, grouped by wording, last asked first (admins only)",
            tags=["bot"], security=[{"cognito": []}],
            description="Every question the bot handed to the agents because it had no answer (`bot_unanswered`), "
                        "grouped by its wording and language as the bot reads them (case, punctuation and word "
                        "order aside), with how often it was asked, when last, and what an agent answered. A group "
                        "taught or dismissed leaves the list until a guest asks it again and the bot misses it again. "
                        "One page is one query.",
            responses=responses(200, "One page of the missed questions", *READ_ERRORS, e403=ADMIN_403,
                                e422="The request failed validation: limit is 1 to 100, or the cursor is not one "
                                     "this list gave"))
def list_missed(
    hotel_id: str,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100")] = 25,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
) -> MissedPage:
    require_admin(principal(router))
    page = inbox().missed_questions(hotel_id, limit, cursor)
    return MissedPage(items=[MissedGroupOut.of(g) for g in page.items], next_cursor=page.next_cursor)


@router.post(f"{BASE}/<group_id>/teach", summary="Teach the bot the answer to a missed question (admins only)",
             tags=["bot"], security=[{"cognito": []}], status_code=201,
             description="Adds the knowledge-base entry `missed-<group id>` (the group's question, or `questions`, "
                         "answered by `answers` per language) to the hotel's bot, recorded in the audit log as "
                         "`bot_updated`; every function answers with it within 30 s. The group leaves the list.",
             responses=responses(201, "The entry, as stored", *WRITE_ERRORS, 404, 409, e403=ADMIN_403,
                                 e404="No such missed question in this hotel",
                                 e409="The group is taught already and was not missed since: change its entry in the "
                                      "bot's settings",
                                 e422="The request failed validation: an answer per two-letter language, 1 to 2,000 "
                                      "characters, not blank; topic 1 to 100; 1 to 50 questions of 1 to 500; or the "
                                      "knowledge base holds 200 entries already; or the bot would still not answer the question "
                                      "with the entry (a breakdown, a lost item, a request for a person: dismiss it)"))
def teach(hotel_id: str, group_id: GroupId, body: TeachIn) -> TaughtOut:
    caller = principal(router)
    require_admin(caller)
    entry = inbox().teach(hotel_id, group_id, caller.actor, dict(body.answers), topic=body.topic,
                          questions=body.questions)
    return TaughtOut.of(group_id, entry)


@router.delete(f"{BASE}/<group_id>", summary="Dismiss a missed question without teaching the bot (admins only)",
               tags=["bot"], security=[{"cognito": []}], status_code=204,
               description="The group leaves the list (recorded in the audit log as `missed_question_dismissed`) "
                           "until a guest asks it again; one off the list already stays so.",
               responses=responses(204, "Dismissed", 401, 403, 404, 422, e403=ADMIN_403,
                                   e404="No such missed question in this hotel"))
def dismiss(hotel_id: str, group_id: GroupId):  # no body: no schema in the document
    caller = principal(router)
    require_admin(caller)
    inbox().dismiss_missed(hotel_id, group_id, caller.actor)
    return Response(204)
