"""GET /v1/hotels/{h}/reports through the API on moto: an admin reads the daily figures in the fixed shape the
console reads (every day of the range, in the hotel's zone, and the totals); agents, partner keys and admins of
other hotels are refused; bad ranges are 422 with a message; the OpenAPI document lists the route."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from lobby_env import AGENT, PARTNER

from auth.principal import Principal
from inbox.model import Actor, ActorType
from inbox.reports import PERCENTILE_ERROR

PARIS = ZoneInfo("Europe/Paris")
FIGURES = {"conversations_started", "conversations_started_total", "fully_automated", "handed_off",
           "handed_off_total", "marked_spam", "messages_in", "messages_out", "first_reply", "on_hold"}
REPORTS = "/v1/hotels/h1/reports"


def paris_today() -> date:
    return datetime.now(UTC).astimezone(PARIS).date()


@pytest.fixture
def handed_off_and_answered(api, hotels):
    """A guest asked for a person ten minutes ago (a partner's channel); Ana answered now."""
    sent = datetime.now(UTC) - timedelta(minutes=10)
    handed = api.post("/v1/hotels/h1/inbound", as_=PARTNER, body={
        "channel": "whatsapp", "external_conversation_id": "wa-1", "external_message_id": "wa-1-m1",
        "sender": {"external_id": "+33600000001", "name": "Inès"}, "text": "Bonjour, une question",
        "sent_at": sent.strftime("%Y-%m-%dT%H:%M:%SZ"), "wants_human": True})
    assert handed.status == 202, handed.json
    replied = api.post(f"/v1/hotels/h1/conversations/{handed.json['conversation_id']}/messages", as_=AGENT,
                       body={"text": "Bonjour Inès, je vous écoute"})
    assert replied.status == 201, replied.json
    return sent


def test_an_admin_reads_the_figures_of_each_day_and_the_totals(api, admin, handed_off_and_answered):
    today = paris_today()
    first = today - timedelta(days=1)
    reply = api.get(f"{REPORTS}?from={first.isoformat()}&to={today.isoformat()}", as_=admin)

    assert reply.status == 200, reply.json
    body = reply.json
    assert set(body) == {"hotel_id", "timezone", "from", "to", "percentile_error", "totals", "days"}
    assert (body["hotel_id"], body["timezone"], body["from"], body["to"]) == (
        "h1", "Europe/Paris", first.isoformat(), today.isoformat())
    assert body["percentile_error"] == 0.091
    assert [d["date"] for d in body["days"]] == [first.isoformat(), today.isoformat()]
    assert all(set(d) == FIGURES | {"date"} for d in body["days"]) and set(body["totals"]) == FIGURES
    totals = body["totals"]
    assert totals["conversations_started"] == {"whatsapp": 1} and totals["conversations_started_total"] == 1
    assert totals["handed_off"] == {"bot_disabled": 0, "bot_unanswered": 0, "human_requested": 1}
    assert totals["handed_off_total"] == 1 and totals["fully_automated"] == 0 and totals["marked_spam"] == 0
    assert (totals["messages_in"], totals["messages_out"]) == (1, 1)
    first_reply = totals["first_reply"]
    assert first_reply["count"] == 1
    waited = first_reply["mean_seconds"]
    assert 600 <= waited < 660  # the guest's message at a whole second, the reply now
    for p in ("p50_seconds", "p90_seconds"):
        assert abs(first_reply[p] - waited) <= PERCENTILE_ERROR * waited + 1
    assert totals["on_hold"] == {"count": 0, "total_seconds": 0, "p50_seconds": None, "p90_seconds": None}
    if handed_off_and_answered.astimezone(PARIS).date() == today:  # (not just after midnight in Paris)
        yesterday = body["days"][0]
        assert yesterday["conversations_started"] == {"whatsapp": 0} and yesterday["messages_in"] == 0
        assert yesterday["first_reply"] == {"count": 0, "p50_seconds": None, "p90_seconds": None,
                                            "mean_seconds": None}
        assert body["days"][1]["conversations_started"] == {"whatsapp": 1}


def test_without_a_range_it_is_the_30_days_to_today_in_the_hotels_zone(api, admin, hotels):
    reply = api.get(REPORTS, as_=admin)
    assert reply.status == 200, reply.json
    days = [d["date"] for d in reply.json["days"]]
    assert len(days) == 30 and days[-1] == paris_today().isoformat() and days == sorted(days)
    assert reply.json["totals"]["conversations_started_total"] == 0


@pytest.mark.parametrize("who", ["agent", "partner", "admin_of_h2"])
def test_only_the_hotels_admins_read_it(api, hotels, who):
    principal = {"agent": AGENT, "partner": PARTNER,
                 "admin_of_h2": Principal(Actor(ActorType.AGENT, "agent-hugo", "Hugo"), frozenset({"h2"}),
                                          role="admin")}[who]
    reply = api.get(REPORTS, as_=principal)
    assert reply.status == 403 and reply.json["message"]


def test_without_credentials_it_is_401(api, hotels):
    assert api.get(REPORTS, as_=None).status == 401


@pytest.mark.parametrize(("query", "says"), [
    ("?from=2026-11-10&to=2026-11-09", "must not be after"),
    ("?from=2025-01-01&to=2026-01-02", "at most 366 days"),
    ("?from=2026-02-30", "real day"),
    ("?to=yesterday", "to"),
    ("?from=2026-1-5", "from"),
])
def test_a_bad_range_is_422_with_a_message(api, admin, hotels, query, says):
    reply = api.get(f"{REPORTS}{query}", as_=admin)
    assert reply.status == 422 and says in reply.json["message"]


def test_366_days_are_fine_and_an_unknown_hotel_is_404(api, hotels):
    admin_of_more = Principal(Actor(ActorType.AGENT, "agent-adele", "Adèle"), frozenset({"h1", "h9"}), role="admin")
    reply = api.get(f"{REPORTS}?from=2025-01-01&to=2026-01-01", as_=admin_of_more)
    assert reply.status == 200 and len(reply.json["days"]) == 366
    assert api.get("/v1/hotels/h9/reports", as_=admin_of_more).status == 404


def test_the_openapi_document_lists_the_route_with_its_responses_and_security(api):
    doc = api.get("/v1/openapi.json", as_=None).json
    operation = doc["paths"]["/v1/hotels/{hotel_id}/reports"]["get"]
    assert set(operation["responses"]) == {"200", "401", "403", "404", "422"}
    assert operation["security"] == [{"cognito": []}]
    assert {p["name"] for p in operation["parameters"] if p["in"] == "query"} == {"from", "to"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ReportOut"}
    report = doc["components"]["schemas"]["ReportOut"]
    assert set(report["properties"]) == {"hotel_id", "timezone", "from", "to", "percentile_error", "totals", "days"}
