"""Expedia's schema with the stand-in's resolvers, and its answers in the schema's shapes.

Root fields answered: ``message``, ``messageThread``, ``property { id messageThreads messages }``,
``undeliveredNotifications``; mutations ``sendMessage``, ``addMessage``,
``setMessageThreadSpamStatus``. Lists page as Expedia's do (``limit``, ``cursor``, ``totalCount``);
nested fields are dicts and callables that graphql-core's default resolver reads.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphql import GraphQLSchema, build_schema

from local.expedia.common import in_range, page, rejected

if TYPE_CHECKING:
    from local.expedia.standin import ExpediaStandIn

SCHEMA_PATH = Path(__file__).with_name("schema.graphqls")


class Context:
    """Per GraphQL request: the stand-in, where its files are served, notifications to send after executing."""

    def __init__(self, standin: ExpediaStandIn, files_url: str):
        self.standin = standin
        self.files_url = files_url
        self.pending: list[dict] = []


@lru_cache(maxsize=1)
def load_schema() -> GraphQLSchema:
    """Expedia's schema with the stand-in's root resolvers attached (built once)."""
    schema = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))
    query, mutation = schema.query_type, schema.mutation_type
    assert query is not None and mutation is not None
    query.fields["message"].resolve = lambda _root, info, id: message_by_id(info.context, id)
    query.fields["messageThread"].resolve = lambda _root, info, id: thread_by_id(info.context, id)
    query.fields["property"].resolve = lambda _root, info, id, idSource=None: property_view(info.context, id, idSource)
    query.fields["undeliveredNotifications"].resolve = (
        lambda _root, info, filters, limit=10, cursor=None:
        info.context.standin.notifications_service.undelivered_page(limit, cursor, filters))
    mutation.fields["sendMessage"].resolve = (
        lambda _root, info, input: info.context.standin.send_message(info.context, input))
    mutation.fields["addMessage"].resolve = (
        lambda _root, info, messageThreadId, message: info.context.standin.add_supplier_message(
            info.context, messageThreadId, message))
    mutation.fields["setMessageThreadSpamStatus"].resolve = (
        lambda _root, info, input: info.context.standin.set_spam(input))
    return schema


def message_by_id(context: Context, message_id: str) -> dict:
    standin = context.standin
    with standin.lock:
        message = standin.messages.get(message_id)
        if message is None:
            raise rejected(f"Message {message_id} not found", "NOT_FOUND")
        return message_view(context, message)


def thread_by_id(context: Context, thread_id: str) -> dict:
    standin = context.standin
    with standin.lock:
        thread = standin.threads.get(thread_id)
        if thread is None:
            raise rejected(f"MessageThread {thread_id} not found", "NOT_FOUND")
        return thread_view(context, thread)


def property_view(context: Context, property_id: str, id_source: str | None) -> dict:
    """Any property id answers (the stand-in does not model which properties a partner may read)."""
    if id_source not in (None, "EXPEDIA"):
        raise rejected(f"the stand-in knows only EXPEDIA property ids, not {id_source}", "BAD_REQUEST")
    standin = context.standin

    def threads(info: Any, filters: dict, limit: int = 10, cursor: str | None = None,
                orderBy: dict | None = None) -> dict:
        window = filters.get("creationDateTime") or filters.get("createdDate")
        with standin.lock:
            chosen = [t for t in standin.threads.values() if t["propertyId"] == property_id
                      and in_range(t["createdAt"], window, "filters.creationDateTime")]
            return page(chosen, limit, cursor, key=lambda t: (t["createdAt"], t["seq"]),
                        view=lambda t: thread_view(context, t), descending=_descending(orderBy))

    def messages(info: Any, filters: dict, limit: int = 10, cursor: str | None = None) -> dict:
        window = filters.get("creationDateTime") or filters.get("createdDate")
        with standin.lock:
            chosen = [m for m in standin.messages.values()
                      if standin.threads[m["threadId"]]["propertyId"] == property_id
                      and in_range(m["createdAt"], window, "filters.creationDateTime")]
            return page(chosen, limit, cursor, key=_message_key, view=lambda m: message_view(context, m))

    return {"id": property_id, "messageThreads": threads, "messages": messages}


def message_view(context: Context, message: dict) -> dict:
    created = message["createdAt"]
    return {
        "id": message["id"],
        "messageThread": lambda info, **_: thread_by_id(context, message["threadId"]),
        "createdDateTime": created,
        "creationDateTimeUtc": created,
        "type": None,
        "body": None if message["body"] is None else {"value": message["body"]},
        "attachments": [
            {"id": a["attachmentId"], "name": a["name"], "url": f"{context.files_url}/{a['attachmentId']}",
             "uploadedDateTime": a["uploadedAt"], "uploadDateTimeUtc": a["uploadedAt"]}
            for a in message["attachments"]
        ],
        "fromRole": message["fromRole"],
        "reviewStatus": message["reviewStatus"],
    }


def thread_view(context: Context, thread: dict) -> dict:
    reservation = thread["reservation"]
    traveler = thread["traveler"]
    standin = context.standin

    def messages(info: Any, limit: int = 10, cursor: str | None = None, orderBy: dict | None = None) -> dict:
        with standin.lock:
            chosen = [standin.messages[m] for m in thread["messageIds"]]
            return page(chosen, limit, cursor, key=_message_key, view=lambda m: message_view(context, m),
                        descending=_descending(orderBy))

    return {
        "id": thread["id"],
        "property": {"id": thread["propertyId"]},
        "bookingInquiry": None,
        "reservationSummary": None if reservation is None else {
            "id": reservation["id"],
            "checkInDate": reservation["checkInDate"],
            "checkOutDate": reservation["checkOutDate"],
            "adultCount": reservation["adultCount"],
            "childCount": reservation["childCount"],
            "petCount": reservation["petCount"],
            "alternativeIds": {"supplierId": reservation["supplierId"]},
        },
        "primaryTraveler": None if traveler is None else {
            "firstName": traveler.get("firstName"), "lastName": traveler.get("lastName")},
        "messages": messages,
        "createdDateTime": thread["createdAt"],
        "creationDateTimeUtc": thread["createdAt"],
    }


def _message_key(message: dict) -> tuple:
    return (message["createdAt"], message["seq"])


def _descending(order_by: dict | None) -> bool:
    return (order_by or {}).get("order") == "DESC"
