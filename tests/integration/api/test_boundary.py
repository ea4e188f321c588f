"""What the API refuses at its boundary, with a clear 4xx, and that nothing it refuses breaks the inbox:
content types, body sizes, JSON that is not JSON, times a partner hands in, invisible texts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lobby_env import PARTNER

from api.schemas import BODY_LIMIT, BOT_BODY_LIMIT

INBOUND = "/v1/hotels/h1/inbound"
C1 = "/v1/hotels/h1/conversations/c1"
TABS = ("open", "on_hold", "closed", "spam", "all")
NO_BODY_ACTIONS = ("close", "reopen", "spam", "not-spam")


def message(**overrides) -> dict:
    body = {"channel": "whatsapp", "external_conversation_id": "wa-1", "external_message_id": "wamid.1",
            "sender": {"external_id": "+33612345678", "name": "Inès"}, "text": "Je voudrais parler à quelqu'un",
            "sent_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    body.update(overrides)
    return body


def every_tab_lists(api) -> dict[str, list[str]]:
    listed = {}
    for tab in TABS:
        reply = api.get(f"/v1/hotels/h1/conversations?tab={tab}")
        assert reply.status == 200, (tab, reply.json)
        listed[tab] = [c["id"] for c in reply.json["items"]]
    return listed


# --- times -------------------------------------------------------------------------------------

def test_a_partner_date_in_year_91_is_refused_and_the_open_and_all_tabs_still_list(api, opened):
    reply = api.post(INBOUND, body=message(sent_at="0091-01-20T17:51:29Z", text="I want a person"), as_=PARTNER)

    assert reply.status == 422 and "sent_at" in reply.json["message"] and "2000" in reply.json["message"]
    listed = every_tab_lists(api)
    assert listed["open"] == ["c1"] and listed["all"] == ["c1"]


@pytest.mark.parametrize("sent_at", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
def test_a_sent_at_at_the_edge_of_the_calendar_is_422_not_502(api, hotels, sent_at):
    reply = api.post(INBOUND, body=message(sent_at=sent_at), as_=PARTNER)

    assert reply.status == 422 and "sent_at" in reply.json["message"]


def test_a_sent_at_in_2100_is_refused_so_it_cannot_pin_a_conversation_on_top(api, opened):
    reply = api.post(INBOUND, body=message(sent_at="2100-01-01T00:00:00Z"), as_=PARTNER)

    assert reply.status == 422 and "future" in reply.json["message"]
    assert every_tab_lists(api)["all"] == ["c1"]


def test_a_sent_at_a_few_hours_ahead_is_taken_as_clocks_drift(api, hotels):
    ahead = (datetime.now(UTC) + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%S+02:00")

    assert api.post(INBOUND, body=message(sent_at=ahead), as_=PARTNER).status == 202


@pytest.mark.parametrize("sent_at", [1764000000, "2026-11-24", "2026-11-24T09:15Z", "20261124T091502Z",
                                     "2026-11-24T09:15:02", "+12026-11-24T09:15:02Z", "2026-02-30T00:00:00Z"])
def test_a_sent_at_that_is_not_rfc3339_with_a_zone_is_422(api, hotels, sent_at):
    reply = api.post(INBOUND, body=message(sent_at=sent_at), as_=PARTNER)

    assert reply.status == 422 and "sent_at" in reply.json["message"]


@pytest.mark.parametrize("until", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", 1764000000, "tomorrow"])
def test_a_hold_until_that_parse_time_refuses_is_422(api, opened, until):
    reply = api.post(f"{C1}/hold", body={"until": until})

    assert reply.status == 422 and "until" in reply.json["message"]
    assert api.get(C1).json["status"] == "open"


# --- content types -----------------------------------------------------------------------------

@pytest.mark.parametrize("route", ["messages", "hold", *NO_BODY_ACTIONS])
def test_a_multipart_body_without_boundary_is_415_on_every_post_route_not_a_crash(api, opened, route):
    reply = api.post(f"{C1}/{route}", raw_body="--x\r\n\r\nhello", headers={"Content-Type": "multipart/form-data"})

    assert reply.status == 415 and "application/json" in reply.json["message"]


def test_a_multipart_body_to_inbound_is_415(api, hotels):
    reply = api.post(INBOUND, raw_body="a=b", headers={"Content-Type": "multipart/form-data"}, as_=PARTNER)

    assert reply.status == 415


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "application/json; charset=latin-1", "application/jsonp",
                                          "application/json; boundary=x", None])
def test_a_body_that_is_not_declared_json_is_415(api, opened, content_type):
    reply = api.post(f"{C1}/messages", raw_body=json.dumps({"text": "hi"}), headers={"Content-Type": content_type})

    assert reply.status == 415 and reply.json["message"]


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8",
                                          "Application/JSON;charset=UTF-8"])
def test_json_with_or_without_the_utf8_charset_is_taken(api, opened, content_type):
    reply = api.post(f"{C1}/messages", raw_body=json.dumps({"text": "hi"}), headers={"Content-Type": content_type})

    assert reply.status == 201


@pytest.mark.parametrize("content_type", [None, "text/plain", "multipart/form-data", "application/json"])
def test_routes_without_a_body_take_an_empty_one_with_any_content_type(api, opened, content_type):
    assert api.post(f"{C1}/close", raw_body="", headers={"Content-Type": content_type}).status == 200
    assert api.post(f"{C1}/reopen", headers={"Content-Type": content_type}).status == 200


# --- bodies that are not JSON ------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["{", "{'text': 'hi'}", "\ufeff{\"text\": \"hi\"}", "NaN x"])
def test_invalid_json_is_400(api, opened, raw):
    reply = api.post(f"{C1}/messages", raw_body=raw)

    assert reply.status == 400 and "JSON" in reply.json["message"]


def test_a_body_that_is_not_utf8_is_400(api, opened):
    reply = api.post(f"{C1}/messages", raw_body='{"text": "caf\xe9"}'.encode("latin-1"))

    assert reply.status == 400 and "UTF-8" in reply.json["message"]


def test_an_unpaired_surrogate_escape_is_400_and_never_reaches_the_table(api, opened):
    reply = api.post(f"{C1}/messages", raw_body='{"text": "hi \\ud800"}')

    assert reply.status == 400 and "UTF-8" in reply.json["message"]
    assert api.get(f"{C1}/messages").status == 200


@pytest.mark.parametrize("depth", [33, 20_000])  # 20,000: past the recursion limit, within 64 KB
def test_deeply_nested_json_is_400_on_every_json_route_not_502(api, opened, depth):
    nested = "[" * depth + "]" * depth
    for target, as_ in [(f"{C1}/messages", ...), (f"{C1}/hold", ...), (INBOUND, PARTNER)]:
        reply = api.post(target, raw_body=f'{{"text": {nested}}}', as_=as_)
        assert reply.status == 400 and "nests deeper" in reply.json["message"], target
    assert api.call("PUT", "/v1/hotels/h1/bot", raw_body=nested).status == 400


# --- sizes -------------------------------------------------------------------------------------

def test_a_body_over_the_limit_is_413_stating_the_limit(api, opened):
    reply = api.post(f"{C1}/messages", body={"text": "x" * BODY_LIMIT})

    assert reply.status == 413
    assert reply.json["limit_bytes"] == BODY_LIMIT and f"{BODY_LIMIT:,}" in reply.json["message"]
    assert api.get(f"{C1}/messages").json["items"] == []  # nothing was stored
    assert api.get(C1).json["status"] == "open"


def test_the_bot_settings_take_a_larger_body_up_to_their_own_limit(api, hotels, admin):
    entry = {"id": "e", "topic": "t", "questions": ["q" * 500] * 50, "answers": {"en": "a" * 2000}}
    entries = [{**entry, "id": f"e{i}"} for i in range(3)]  # about 80 KB: over the common limit
    body = {"enabled": True, "entries": entries}
    assert BODY_LIMIT < len(json.dumps(body)) < BOT_BODY_LIMIT

    assert api.put("/v1/hotels/h1/bot", body=body, as_=admin).status == 200
    too_big = {"enabled": True, "entries": [{**entry, "id": f"e{i}"} for i in range(40)]}
    reply = api.put("/v1/hotels/h1/bot", body=too_big, as_=admin)
    assert reply.status == 413 and reply.json["limit_bytes"] == BOT_BODY_LIMIT


# --- texts -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["\x00", "\u200b\u200b", " \u200c\u200d\ufeff ", "\u2028\u3000", "\u3164",
                                  "\u00a0\t\n"])
def test_a_text_of_only_invisible_characters_is_blank_and_422(api, opened, text):
    assert api.post(f"{C1}/messages", body={"text": text}).status == 422
    reply = api.post(INBOUND, body=message(text=text), as_=PARTNER)
    assert reply.status == 422 and "blank" in reply.json["message"]


@pytest.mark.parametrize("text", ["bonjour\x00", "ring\x07", "\x1b[31mred", "del\x7f", "c1\x85"])
def test_control_characters_inside_a_text_are_refused_not_stripped(api, opened, text):
    reply = api.post(f"{C1}/messages", body={"text": text})

    assert reply.status == 422 and "control character U+" in reply.json["message"]


def test_line_breaks_tabs_and_joiners_inside_a_text_are_kept(api, opened):
    text = "Bonjour,\r\n\tla famille 👨\u200d👩\u200d👧 arrive (\u200fשלום\u200e)"

    reply = api.post(f"{C1}/messages", body={"text": text})

    assert reply.status == 201 and reply.json["text"] == text


# --- any time, any text ------------------------------------------------------------------------

def _rfc3339(moment: datetime, offset_minutes: int, fraction: bool) -> str:
    sign = "-" if offset_minutes < 0 else "+"
    zone = "Z" if offset_minutes == 0 else f"{sign}{abs(offset_minutes) // 60:02d}:{abs(offset_minutes) % 60:02d}"
    frac = f".{moment.microsecond:06d}" if fraction else ""
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:{moment.minute:02d}:"
            f"{moment.second:02d}{frac}{zone}")


_near_now = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime.now() + timedelta(days=2))
_offset = st.integers(-14 * 60, 14 * 60)
_near = st.builds(_rfc3339, _near_now, _offset, st.booleans())  # mostly within the sent_at window
SENT_AT = st.one_of(
    _near, _near, _near,
    st.builds(_rfc3339, st.datetimes(), _offset, st.booleans()),  # any year 0001 to 9999, any offset
    st.from_regex(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})\Z"),
    st.text(max_size=40), st.integers(), st.floats(allow_nan=False), st.none(),
)
TEXT = st.one_of(st.just("I want to talk to a person"), st.text(min_size=1, max_size=60))


def _listed(api, tab: str) -> list[str]:
    ids, cursor = [], None
    while True:
        reply = api.get(f"/v1/hotels/h1/conversations?tab={tab}&limit=100" + (f"&cursor={cursor}" if cursor else ""))
        assert reply.status == 200, (tab, reply.json)
        ids += [c["id"] for c in reply.json["items"]]
        cursor = reply.json["next_cursor"]
        if not cursor:
            return ids


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sent_at=SENT_AT, text=TEXT, n=st.integers(0, 10**9))
def test_inbound_never_answers_5xx_and_what_it_accepts_reads_back_in_every_tab(api, hotels, sent_at, text, n):
    reply = api.post(INBOUND, body=message(sent_at=sent_at, text=text, external_conversation_id=f"wa-{n}",
                                           external_message_id=f"m-{n}"), as_=PARTNER)

    assert reply.status in (202, 422), (reply.status, reply.json)
    event(f"answered {reply.status}" + (f" {reply.json['message'][:60]}" if reply.status == 422 else ""))
    listed = {tab: _listed(api, tab) for tab in TABS}  # every tab lists, whatever was refused or taken
    if reply.status == 202:
        conversation = api.get(f"/v1/hotels/h1/conversations/{reply.json['conversation_id']}")
        assert conversation.status == 200
        status = conversation.json["status"]
        assert (reply.json["conversation_id"] in listed["all"]) == (status != "spam")
        if status != "bot":
            assert reply.json["conversation_id"] in listed[status]
        assert api.get(f"/v1/hotels/h1/conversations/{reply.json['conversation_id']}/messages").status == 200
