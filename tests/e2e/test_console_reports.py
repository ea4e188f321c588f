"""The Reports screen (issue 15) in Chromium against the local stack: an admin opens Reports, the last 7 days'
figures are GET /v1/hotels/{h}/reports's (which moved by exactly what this test's own conversations did: recounted
from their messages and activity through the API), the charts are drawn with one bar per day and one segment per
channel and day with conversations, one point per day with a first reply, the days table downloads as a CSV whose
rows and columns are the API's days; 30 and 90 days redraw; in French the labels, dates and numbers change. An
agent has no Reports.

The test makes its own conversations (the demo partner hands them in): two guests ask for a person (one gets an
agent's reply, one is marked spam by the agent), one asks what the bot answers.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from console_helpers import NO_WEBSOCKET, AgentApi, eventually
from playwright.sync_api import expect
from stack_client import guest_conversation

pytest_plugins = ["console_plugin"]

SLOW = 15_000  # ms: one API round trip on a loaded machine, plus the module's first import
FIGURES = ("conversations_started_total", "fully_automated", "handed_off_total", "marked_spam", "messages_in",
           "messages_out")
MONTHS = {"en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", ("Sep", "Sept"), "Oct", "Nov", "Dec"),
          "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")}


@pytest.fixture(scope="module")
def admin(local_stack) -> AgentApi:
    api = AgentApi(local_stack, "camille")
    assert api.me["role"] == "admin"
    return api


def _unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:5]}"


def _last_days(admin: AgentApi, days: int) -> tuple[str, str]:
    """The console's range: the last ``days`` days up to today on the hotel's clock."""
    today = datetime.now(ZoneInfo(admin.get("")["timezone"])).date()
    return (today - timedelta(days=days - 1)).isoformat(), today.isoformat()


def _report(admin: AgentApi, days: int = 7) -> dict:
    first, last = _last_days(admin, days)
    return admin.get("/reports", **{"from": first, "to": last})


def _recount(admin: AgentApi, conversation_ids: list[str]) -> dict:
    """What these conversations should have added to the figures, from their messages and activity (the API's)."""
    counted = {name: 0 for name in FIGURES}
    channels: dict[str, int] = {}
    reasons: dict[str, int] = {}
    first_replies = 0
    for cid in conversation_ids:
        conversation = admin.conversation(cid)
        messages = admin.messages(cid)
        activity = admin.activity(cid)
        channels[conversation["channel"]] = channels.get(conversation["channel"], 0) + 1
        counted["conversations_started_total"] += 1
        counted["fully_automated"] += conversation["automated"] and conversation["status"] != "spam"
        counted["messages_in"] += sum(m["sender"] == "guest" for m in messages)
        counted["messages_out"] += sum(m["sender"] in ("bot", "agent") for m in messages)
        first_replies += any(m["sender"] == "agent" for m in messages)
        for a in activity:
            if a["type"] == "handed_off":
                reasons[a["reason"]] = reasons.get(a["reason"], 0) + 1
                counted["handed_off_total"] += 1
            counted["marked_spam"] += a["type"] == "marked_spam"
    return {**counted, "channels": channels, "reasons": reasons, "first_replies": first_replies}


def _moved(before: dict, after: dict) -> dict:
    b, a = before["totals"], after["totals"]
    moved = {name: a[name] - b[name] for name in FIGURES}
    diff = lambda key: {k: v - b[key].get(k, 0) for k, v in a[key].items() if v != b[key].get(k, 0)}  # noqa: E731
    return {**moved, "channels": diff("conversations_started"), "reasons": diff("handed_off"),
            "first_replies": a["first_reply"]["count"] - b["first_reply"]["count"]}


def _percent(x: float, language: str) -> str:
    """Intl.NumberFormat's percent with at most one decimal (half away from zero), spaces made plain."""
    text = str(Decimal(str(x * 100)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)).removesuffix(".0")
    return text + "%" if language == "en" else text.replace(".", ",") + " %"


def _plain(text: str) -> str:
    return re.sub(r"[\s\u202f\u00a0]+", " ", text).strip()


def _short_day(iso: str, language: str) -> tuple[str, ...]:
    day = date.fromisoformat(iso)
    month = MONTHS[language][day.month - 1]
    return tuple(f"{day.day} {m}" for m in (month if isinstance(month, tuple) else (month,)))


def _open_reports(page) -> None:
    page.click('button[data-view="reports"]')
    page.wait_for_selector("#report-figures", timeout=SLOW)


def _wait_for_range(page, admin: AgentApi, days: int) -> None:
    first, last = _last_days(admin, days)
    page.click(f"#range-{days}")
    expect(page.locator("#report-body")).to_have_attribute("data-from", first, timeout=SLOW)
    expect(page.locator("#report-body")).to_have_attribute("aria-busy", "false", timeout=SLOW)
    expect(page.locator("#chart-started g.bar")).to_have_count(days)


def _shown_figures(page) -> dict[str, str]:
    return {name: page.get_attribute(f'#report-figures [data-figure="{name}"] .figure-value', "data-value")
            for name in FIGURES}


def test_an_admin_sees_the_figures_charts_and_csv_of_the_last_days(page, admin):
    before = _report(admin)
    # This test's conversations: two guests ask for a person, one a question the bot answers.
    helped = guest_conversation(admin.stack, _unique("Lucie Bernard"), "en",
                                text="Hello, I would like to talk to someone at the reception please.")
    spam = guest_conversation(admin.stack, _unique("Paul Martin"), "en",
                              text="Hello, can a person from the hotel call me back please?")
    answered = guest_conversation(admin.stack, _unique("Emma Rossi"), "en", text="What time is check-in?",
                                  wants_human=False, status="bot")
    reply = admin.post(f"/conversations/{helped['id']}/messages", {"text": "Hello Lucie, this is the front desk."})
    assert reply.status_code == 201, reply.text
    marked = admin.post(f"/conversations/{spam['id']}/spam")
    assert marked.status_code == 200, marked.text
    created = [helped["id"], spam["id"], answered["id"]]
    expected = _recount(admin, created)
    assert expected["fully_automated"] == 1 and expected["marked_spam"] == 1 and expected["first_replies"] == 1
    after = eventually(lambda: (r := _report(admin)) and _moved(before, r) == expected and r, 20,
                       message=f"the report moved by {expected}")

    page.page.add_init_script(NO_WEBSOCKET)
    page.sign_in_as("camille")
    _open_reports(page)
    _wait_for_range(page, admin, 7)
    first, last = _last_days(admin, 7)
    assert f"GET /v1/hotels/{admin.hotel_id}/reports?from={first}&to={last}" in page.api_calls

    # The figures are the API's for the same days, written as numbers.
    shown = _report(admin)
    assert shown == after, "nothing else changed the figures meanwhile"
    totals = shown["totals"]
    assert _shown_figures(page) == {name: str(totals[name]) for name in FIGURES}
    for name in FIGURES:
        expect(page.locator(f'#report-figures [data-figure="{name}"] .figure-value')).to_have_text(str(totals[name]))
    rate = totals["fully_automated"] / totals["conversations_started_total"]
    automated = _plain(page.inner_text('#report-figures [data-figure="fully_automated"] .figure-detail'))
    assert automated == f"{_percent(rate, 'en')} of those started"
    for channel, n in totals["conversations_started"].items():
        expect(page.locator(f'#report-channels li[data-key="{channel}"]')).to_have_attribute("data-value", str(n))
    expect(page.locator('#report-reasons li[data-key="human_requested"] .bd-label')).to_have_text(
        "Guest asked for a person")

    # The charts: a bar a day (today's last), a segment per channel with conversations that day, a point a day with
    # a first reply on each of the median and 90th percentile lines.
    days = shown["days"]
    assert [d["date"] for d in days] == [(date.fromisoformat(first) + timedelta(days=i)).isoformat() for i in range(7)]
    segments = page.locator("#chart-started rect.segment")
    expect(segments).to_have_count(sum(1 for d in days for n in d["conversations_started"].values() if n > 0))
    today = page.locator('#chart-started g.bar[data-index="6"]')
    assert today.get_attribute("data-total") == str(days[-1]["conversations_started_total"])
    assert today.locator('rect[data-series="webchat"]').get_attribute("data-value") == str(
        days[-1]["conversations_started"]["webchat"])
    with_reply = sum(1 for d in days if d["first_reply"]["count"])
    assert with_reply >= 1
    expect(page.locator('#chart-reply circle.point[data-series="p50"]')).to_have_count(with_reply)
    expect(page.locator('#chart-reply circle.point[data-series="p90"]')).to_have_count(with_reply)
    expect(page.locator('#chart-reply path.line[data-series="p50"]')).to_have_count(1)
    expect(page.locator("#chart-outcome g.bar")).to_have_count(7)
    expect(page.locator("#chart-reasons rect.segment")).to_have_count(
        sum(1 for d in days for n in d["handed_off"].values() if n > 0))
    assert page.locator("#chart-started svg > title").text_content() == "Conversations started per day, by channel"
    expect(page.locator("#chart-started .chart-legend li")).to_have_count(len(
        {c for d in days for c in d["conversations_started"]}))

    # The CSV: one row per day, the API's numbers, a column per channel and reason.
    with page.expect_download() as downloading:
        page.click("#report-csv")
    download = downloading.value
    assert download.suggested_filename == f"lobby-report-{admin.hotel_id}-{first}-{last}.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert [r["date"] for r in rows] == [d["date"] for d in days]
    for row, day in zip(rows, days, strict=True):
        assert int(row["conversations_started"]) == day["conversations_started_total"]
        assert {k: int(row[f"started_{k}"]) for k in day["conversations_started"]} == day["conversations_started"]
        assert {k: int(row[f"handed_off_{k}"]) for k in day["handed_off"]} == day["handed_off"]
        for name in ("fully_automated", "marked_spam", "messages_in", "messages_out"):
            assert int(row[name]) == day[name], (name, row, day)
        assert int(row["handed_off"]) == day["handed_off_total"]
        assert int(row["first_reply_count"]) == day["first_reply"]["count"]
        p50 = day["first_reply"]["p50_seconds"]
        assert (float(row["first_reply_p50_seconds"]) if row["first_reply_p50_seconds"] else None) == p50
        assert int(row["on_hold_count"]) == day["on_hold"]["count"]
    header = rows[0].keys()
    assert {"date", "conversations_started", "fully_automated", "handed_off", "marked_spam", "messages_in",
            "messages_out", "first_reply_p50_seconds", "first_reply_p90_seconds", "on_hold_total_seconds"} <= set(header)
    expect(page.locator("#report-status")).to_contain_text(download.suggested_filename)
    expect(page.locator("#report-days tbody tr")).to_have_count(7)

    # 30 and 90 days: a bar a day, the same totals as the API's for those ranges.
    for days_back in (30, 90):
        _wait_for_range(page, admin, days_back)
        wide = _report(admin, days_back)
        assert _shown_figures(page) == {name: str(wide["totals"][name]) for name in FIGURES}
        assert wide["totals"]["conversations_started_total"] >= totals["conversations_started_total"]
    assert page.errors == [] and page.dialogs == []


def test_in_french_the_labels_dates_and_numbers_change(page, admin):
    guest_conversation(admin.stack, _unique("Jeanne Moreau"), "fr", text="Quelle est l'heure du check-out ?",
                       wants_human=False, status="bot")
    page.page.add_init_script(NO_WEBSOCKET)
    page.sign_in_as("camille")
    _open_reports(page)
    _wait_for_range(page, admin, 7)
    first, last = _last_days(admin, 7)
    totals = _report(admin)["totals"]
    rate = totals["fully_automated"] / totals["conversations_started_total"]
    label = page.locator('#report-figures [data-figure="conversations_started_total"] dt')
    expect(label).to_have_text("Conversations started")
    assert _plain(page.inner_text("#report-days tbody tr:last-child th")) in _short_day(last, "en")
    english = _plain(page.inner_text('#report-figures [data-figure="fully_automated"] .figure-detail'))
    assert english == f"{_percent(rate, 'en')} of those started"

    page.select_option("#lang", "fr")
    expect(page.locator('button[data-view="reports"]')).to_have_text("Rapports")
    page.wait_for_selector("#report-figures", timeout=SLOW)  # the screen is drawn again in French
    expect(page.locator("#report-body")).to_have_attribute("data-lang", "fr", timeout=SLOW)
    expect(label).to_have_text("Conversations commencées")
    expect(page.locator("#report-body")).to_have_attribute("data-from", first)  # still the 7 days chosen
    expect(page.locator("#range-7")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#range-7")).to_have_text("7 derniers jours")
    expect(page.locator("#report-csv")).to_have_text("Télécharger le CSV")
    expect(page.locator("#chart-started .chart-title")).to_have_text("Conversations commencées par jour, par canal")
    assert _plain(page.inner_text("#report-days tbody tr:last-child th")) in _short_day(last, "fr")
    french = _plain(page.inner_text('#report-figures [data-figure="fully_automated"] .figure-detail'))
    assert french == f"{_percent(rate, 'fr')} des conversations commencées"
    period = _plain(page.inner_text("#report-period"))
    assert period.startswith("Du ") and "heure de l’hôtel" in period, period
    assert _report(admin)["totals"] == totals
    assert page.errors == [] and page.dialogs == []


def test_an_agent_has_no_reports(page, admin):
    page.sign_in_as("ben")
    expect(page.locator('button[data-view="reports"]')).to_have_count(0)
    ben = AgentApi(admin.stack, "ben")
    first, last = _last_days(admin, 7)
    assert ben.client.get(f"{ben.base}/reports", params={"from": first, "to": last}).status_code == 403
    assert not any("/reports" in c for c in page.api_calls)
