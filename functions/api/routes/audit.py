"""The hotel's audit log (admins only): every admin action, newest first."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from api.audit_schemas import AuditEntryOut, AuditPage
from api.context import inbox, principal
from api.schemas import READ_ERRORS, responses
from api.scope import require_admin

router = Router()


@router.get("/hotels/<hotel_id>/audit", summary="The hotel's audit log, newest first (admins only)", tags=["audit"],
            security=[{"cognito": []}],
            description="Every admin action on the hotel: its settings, the bot and its knowledge base, saved "
                        "replies, agents' roles and hotels, partner keys, guests' exports and erasures; who did it "
                        "(an admin, or an operator of the admin command), when, to what, and what changed. One page "
                        "is one query.",
            responses=responses(200, "One page of the audit log", *READ_ERRORS,
                                e403="The hotel is not one of the caller's, or the caller is not one of its admins "
                                     "(agents, partner keys)",
                                e422="The request failed validation: limit is 1 to 100, or the cursor is not one "
                                     "this list gave"))
def list_audit(
    hotel_id: str,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100")] = 25,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
) -> AuditPage:
    require_admin(principal(router))
    page = inbox().audit_log(hotel_id, limit, cursor)
    return AuditPage(items=[AuditEntryOut.of(e) for e in page.items], next_cursor=page.next_cursor)
