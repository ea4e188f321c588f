"""Pydantic models of the reports route (``GET /v1/hotels/{h}/reports``): the figures of each day and the totals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import ConfigDict, Field

from api.schemas import _Out

if TYPE_CHECKING:  # the core's report is imported by the use case, on the first request, not at cold start
    from inbox.reports import DayFigures, Report


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


class FirstReplyOut(_Out):
    """Each wait of a guest for an agent (from the handed-off or unanswered guest message) ended by an agent's
    reply; p50/p90 read from log buckets (within ``percentile_error``), null when count is 0."""

    count: int
    p50_seconds: float | None
    p90_seconds: float | None
    mean_seconds: float | None


class OnHoldOut(_Out):
    """Each stay On hold that ended (by a wake-up, a reply, a resume, a close...): its count, whole seconds, p50/p90."""

    count: int
    total_seconds: int
    p50_seconds: float | None
    p90_seconds: float | None


class FiguresOut(_Out):
    conversations_started: dict[str, int] = Field(description="Per channel (every channel the range saw, 0 too)")
    conversations_started_total: int
    fully_automated: int = Field(description="Started that day and handled by the bot alone (spam excluded)")
    handed_off: dict[str, int] = Field(description="Handoffs to the agents per reason (the known reasons always)")
    handed_off_total: int
    marked_spam: int = Field(description="Conversations marked spam, by the bot or an agent")
    messages_in: int = Field(description="Guest messages")
    messages_out: int = Field(description="Bot and agent replies (notes excluded)")
    first_reply: FirstReplyOut
    on_hold: OnHoldOut

    @staticmethod
    def fields_of(f: DayFigures) -> dict:
        return {
            "conversations_started": dict(f.started), "conversations_started_total": f.started_total,
            "fully_automated": f.automated, "handed_off": dict(f.handed_off), "handed_off_total": f.handed_off_total,
            "marked_spam": f.spam_total, "messages_in": f.messages_in, "messages_out": f.messages_out,
            "first_reply": FirstReplyOut(count=f.reply_count, p50_seconds=_seconds(f.reply_percentile(50)),
                                         p90_seconds=_seconds(f.reply_percentile(90)),
                                         mean_seconds=_seconds(f.reply_mean)),
            "on_hold": OnHoldOut(count=f.hold_count, total_seconds=f.hold_seconds,
                                 p50_seconds=_seconds(f.hold_percentile(50)),
                                 p90_seconds=_seconds(f.hold_percentile(90))),
        }


class DayOut(FiguresOut):
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="The hotel's calendar day", examples=["2026-11-24"])


class ReportOut(_Out):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    hotel_id: str
    timezone: str = Field(description="The hotel's time zone: the days are its calendar days")
    start: str = Field(alias="from", description="The first day (included)")
    end: str = Field(alias="to", description="The last day (included)")
    percentile_error: float = Field(description="Every p50/p90 is within this fraction of the true value "
                                                "(durations of 1 s or more)")
    totals: FiguresOut = Field(description="The whole range (the days' buckets merged)")
    days: list[DayOut] = Field(description="Every day of the range, ascending, days without activity too")

    @classmethod
    def of(cls, r: Report) -> ReportOut:
        return cls(hotel_id=r.hotel_id, timezone=r.timezone, start=r.start.isoformat(), end=r.end.isoformat(),
                   percentile_error=round(r.percentile_error, 3), totals=FiguresOut(**FiguresOut.fields_of(r.totals)),
                   days=[DayOut(date=d.isoformat(), **FiguresOut.fields_of(f)) for d, f in r.days])

