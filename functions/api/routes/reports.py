"""The hotel's reports (admins only): its daily figures over a range of its calendar days."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from api.context import inbox, principal
from api.report_schemas import ReportOut
from api.schemas import READ_ERRORS, responses
from api.scope import require_admin
from inbox.errors import InvalidInput

router = Router()

DAY = r"^\d{4}-\d{2}-\d{2}$"


def _day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name} must be a real day, YYYY-MM-DD (not {value!r})") from None


@router.get("/hotels/<hotel_id>/reports", summary="The hotel's daily figures (admins only)", tags=["reports"],
            security=[{"cognito": []}],
            description="Per calendar day of the hotel (its time zone) from `from` to `to` (both included; default: "
                        "the 30 days to today, at most 366): conversations started per channel, fully automated, "
                        "handed off per reason, marked spam, messages in and out, the first human reply (p50, p90, "
                        "mean) and the time on hold, with the range's totals. The figures are kept as the inbox "
                        "works (in the transaction of each change), so a report is at most two reads whatever the "
                        "volume; percentiles come from log buckets, within `percentile_error` of the true value.",
            responses=responses(200, "The figures of each day and the totals", *READ_ERRORS, 404,
                                e403="The hotel is not one of the caller's, or the caller is not one of its admins "
                                     "(agents, partner keys)",
                                e404="No such hotel",
                                e422="The request failed validation: from and to are days (YYYY-MM-DD), from not "
                                     "after to, at most 366 days"))
def get_report(
    hotel_id: str,
    start: Annotated[str | None, Query(alias="from", pattern=DAY, description="The first day, YYYY-MM-DD")] = None,
    end: Annotated[str | None, Query(alias="to", pattern=DAY, description="The last day, YYYY-MM-DD")] = None,
) -> ReportOut:
    require_admin(principal(router))
    report = inbox().report(hotel_id, _day(start, "from"), _day(end, "to"))
    return ReportOut.of(report)
