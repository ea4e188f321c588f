"""The inbox of a hotel: tab counts and the conversations of one tab."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from api.context import inbox
from api.schemas import READ_ERRORS, ConversationOut, ConversationPage, InboxOut, TabCounts, TabName, responses
from inbox.model import Tab

router = Router()


@router.get("/hotels/<hotel_id>/inbox", summary="Tab counts of the hotel's inbox", tags=["inbox"],
            responses=responses(200, "The count of each tab", *READ_ERRORS))
def get_inbox(hotel_id: str) -> InboxOut:
    counts = inbox().tab_counts(hotel_id)
    return InboxOut(tabs=TabCounts(**{tab.value: n for tab, n in counts.items()}))


@router.get("/hotels/<hotel_id>/conversations", summary="One page of a tab, newest last message first",
            tags=["inbox"], responses=responses(200, "One page of the tab", *READ_ERRORS))
def list_conversations(
    hotel_id: str,
    tab: Annotated[TabName, Query(description="Which tab to list")] = "all",
    limit: Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100")] = 25,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
) -> ConversationPage:
    service = inbox()
    page = service.list_tab(hotel_id, Tab(tab), limit, cursor)
    bot_on = service.hotel_bot_on(hotel_id)
    return ConversationPage(items=[ConversationOut.of(c, hotel_bot_on=bot_on) for c in page.items],
                            next_cursor=page.next_cursor)
