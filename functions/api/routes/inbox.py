"""The inbox of a hotel: tab counts (everyone's, the caller's, nobody's) and the conversations of one tab."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from api.context import inbox, principal
from api.present import conversations_out
from api.schemas import READ_ERRORS, ConversationPage, InboxOut, TabCounts, TabName, responses
from inbox.errors import InvalidInput
from inbox.model import UNASSIGNED, ActorType, ListOrder, Tab

router = Router()


def _counts(counts) -> TabCounts:
    return TabCounts(**{tab.value: counts.get(tab, 0) for tab in Tab})


@router.get("/hotels/<hotel_id>/inbox", summary="Tab counts of the hotel's inbox", tags=["inbox"],
            responses=responses(200, "The count of each tab; the caller's own (`mine`) and nobody's (`unassigned`)",
                                *READ_ERRORS))
def get_inbox(hotel_id: str) -> InboxOut:
    caller = principal(router)
    agent_id = caller.actor.id if caller.actor.type is ActorType.AGENT else None  # a partner has no "mine"
    counts = inbox().inbox_counts(hotel_id, agent_id)
    return InboxOut(tabs=_counts(counts.tabs), mine=_counts(counts.mine), unassigned=_counts(counts.unassigned))


@router.get("/hotels/<hotel_id>/conversations", summary="One page of a tab, newest last message first (or waiting "
                                                         "longest first)",
            tags=["inbox"], responses=responses(200, "One page of the tab", *READ_ERRORS,
                                                e422="The request failed validation, the assignee is not an agent of "
                                                     "the hotel (or `me` from a partner key), or `sort=waiting` on a "
                                                     "tab other than open"))
def list_conversations(
    hotel_id: str,
    tab: Annotated[TabName, Query(description="Which tab to list")] = "all",
    limit: Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100")] = 25,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    assignee: Annotated[str | None, Query(min_length=1, max_length=128,
                                          description="`me`, `none` (nobody's) or an agent id; left out: everyone's")
                        ] = None,
    sort: Annotated[Literal["newest", "waiting"], Query(description="`waiting`: the guest waiting longest first "
                                                                     "(open tab only)")] = "newest",
) -> ConversationPage:
    caller = principal(router)
    service = inbox()
    page = service.list_tab(hotel_id, Tab(tab), limit, cursor, assignee=_assignee(assignee, caller),
                            order=ListOrder(sort))
    return ConversationPage(items=conversations_out(service, hotel_id, page.items, caller),
                            next_cursor=page.next_cursor)


def _assignee(value: str | None, caller) -> str | None:
    if value is None:
        return None
    if value == "none":
        return UNASSIGNED
    if value == "me":
        if caller.actor.type is not ActorType.AGENT:
            raise InvalidInput("assignee=me needs an agent's sign-in: a partner key is nobody's 'me'")
        return caller.actor.id
    return value
