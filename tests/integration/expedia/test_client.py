"""Lobby's Expedia client against the stand-in: what it reads, sends, retries and refuses."""

from __future__ import annotations

import socket
import threading
import time
from datetime import UTC, date, datetime

import pytest
from graphql import parse, validate

from expedia.client import DOCUMENTS, ExpediaClient
from expedia.errors import (
    ExpediaAuthFailed,
    ExpediaNotFound,
    ExpediaRejected,
    ExpediaUnavailable,
)
from local.expedia.standin import load_schema


def sends(standin) -> list[dict]:
    return [r for r in standin.sent if r["operation"] == "sendMessage"]


@pytest.fixture
def thread(sim):
    """A traveler wrote in thr-1 (property 12345678)."""
    return sim.message("thr-1", propertyId="12345678", body="Is breakfast included?",
                       traveler={"firstName": "Zoë", "lastName": "Martin"},
                       reservation={"id": "EXP-991", "checkInDate": "2026-12-01", "checkOutDate": "2026-12-04",
                                    "adultCount": 2, "childCount": 1, "petCount": 0,
                                    "alternativeIds": {"supplierId": "PMS-55"}})


# -- reading ----------------------------------------------------------------------------------

def test_every_document_the_client_sends_is_valid_against_expedias_schema():
    for document in DOCUMENTS:
        assert validate(load_schema(), parse(document)) == [], document


def test_get_message_reads_the_message(client, thread):
    message = client.get_message(thread["messageId"])

    assert message.id == thread["messageId"]
    assert message.body == "Is breakfast included?"
    assert message.from_role == "TRAVELER"
    assert message.review_status == "ACCEPTED"
    assert message.attachments == ()
    assert message.creation_date_time_utc.tzinfo is not None
    assert abs(message.creation_date_time_utc - datetime.now(UTC)).total_seconds() < 60


def test_get_thread_reads_property_traveler_and_reservation(client, thread):
    found = client.get_thread("thr-1")

    assert found.property_id == "12345678"
    assert found.primary_traveler.name == "Zoë Martin"
    reservation = found.reservation_summary
    assert reservation.reservation_id == "PMS-55"  # the hotel's own id when Expedia has it
    assert (reservation.check_in_date, reservation.check_out_date) == (date(2026, 12, 1), date(2026, 12, 4))
    assert reservation.guests == 3


def test_reservation_without_supplier_id_falls_back_to_expedias_id(client, sim):
    sim.message("thr-2", reservation={"id": "EXP-7", "checkInDate": "2026-12-01", "checkOutDate": "2026-12-02"})

    reservation = client.get_thread("thr-2").reservation_summary

    assert reservation.supplier_id is None
    assert reservation.reservation_id == "EXP-7"


def test_unknown_message_or_thread_is_none(client, standin):
    assert client.get_message("msg-missing") is None
    assert client.get_thread("thr-missing") is None
    assert len(standin.calls("message")) == 1  # "not found" is not retried


# -- tokens ---------------------------------------------------------------------------------

def test_one_token_grant_serves_many_calls(client, standin, thread):
    client.get_message(thread["messageId"])
    client.get_thread("thr-1")
    client.send_message("thr-1", "Yes, from 7:00.", "lobby-msg-1")
    client.set_spam_status("thr-1", False, "lobby-spam-1")

    assert standin.token_grants == 1


def test_token_is_renewed_shortly_before_it_expires(standin, thread, make_client):
    now = [1000.0]
    client = make_client(standin, clock=lambda: now[0], token_leeway=60)  # stand-in tokens: 3600 s

    client.get_thread("thr-1")
    now[0] += 3600 - 61
    client.get_thread("thr-1")
    now[0] += 2  # within the last minute of the token's life
    client.get_thread("thr-1")

    assert standin.token_grants == 2


def test_a_refused_token_is_replaced_once_and_the_call_goes_through(client, standin, thread):
    client.get_thread("thr-1")
    standin.revoke_tokens()

    assert client.get_thread("thr-1").id == "thr-1"
    assert standin.token_grants == 2


def test_wrong_credentials_fail_as_auth_failed_without_calling_graphql(standin, make_client, thread):
    client = make_client(standin, client_secret="not-the-secret")

    with pytest.raises(ExpediaAuthFailed) as caught:
        client.send_message("thr-1", "Hello", "lobby-msg-1")

    assert isinstance(caught.value, ExpediaUnavailable)  # retried later, not a lost message
    assert standin.calls("sendMessage") == [] and sends(standin) == []


def test_token_endpoint_outage_is_retried(client, standin, sim, thread):
    sim.post("/faults", {"token": [503, 500]})

    client.get_thread("thr-1")

    assert standin.token_grants == 1
    assert [r["status"] for r in standin.calls("token")] == [503, 500, 200]


# -- sending --------------------------------------------------------------------------------

def test_send_message_returns_expedias_message_id(client, standin, thread):
    message_id = client.send_message("thr-1", "Yes, breakfast is included.", "lobby-msg-1")

    [sent] = sends(standin)
    assert sent["input"] == {"clientMutationId": "lobby-msg-1", "messageThreadId": "thr-1",
                             "body": "Yes, breakfast is included."}
    assert sent["result"] == {"messageId": message_id}
    assert client.get_message(message_id).from_role == "SUPPLIER"


def test_set_spam_status_sends_spam_and_not_spam(client, standin, thread):
    client.set_spam_status("thr-1", True, "lobby-spam-1")
    client.set_spam_status("thr-1", False, "lobby-spam-2")

    assert [(r["input"]["status"], r["input"]["clientMutationId"]) for r in standin.sent] == [
        ("SPAM", "lobby-spam-1"), ("NOT_SPAM", "lobby-spam-2")]


def test_sending_to_an_unknown_thread_is_not_found(client, standin):
    with pytest.raises(ExpediaNotFound) as caught:
        client.send_message("thr-missing", "Hello", "lobby-msg-1")

    assert isinstance(caught.value, ExpediaRejected)
    assert len(standin.calls("sendMessage")) == 1
    with pytest.raises(ExpediaNotFound):
        client.set_spam_status("thr-missing", True, "lobby-spam-1")


def test_html_body_is_rejected_at_once(client, standin, thread):
    with pytest.raises(ExpediaRejected) as caught:
        client.send_message("thr-1", "<p>Welcome!</p>", "lobby-msg-1")

    assert caught.value.code == "BAD_REQUEST"
    assert "plain text" in caught.value.message
    assert len(standin.calls("sendMessage")) == 1


# -- retries --------------------------------------------------------------------------------

def test_two_500s_then_success_sends_once(client, standin, sim, thread):
    sim.post("/faults", {"sendMessage": [500, 500]})

    message_id = client.send_message("thr-1", "Hello", "lobby-msg-1")

    assert [r["status"] for r in standin.calls("sendMessage")] == [500, 500, 200]
    [sent] = sends(standin)
    assert sent["result"] == {"messageId": message_id}


def test_5xx_until_retries_run_out_is_unavailable_and_sends_nothing(client, standin, sim, thread):
    sim.post("/faults", {"sendMessage": [503, 502, 504, 500]})

    with pytest.raises(ExpediaUnavailable) as caught:
        client.send_message("thr-1", "Hello", "lobby-msg-1")

    assert caught.value.status == 500
    assert len(standin.calls("sendMessage")) == 4  # the first try and 3 retries
    assert sends(standin) == []


def test_429_waits_for_retry_after_then_succeeds(client, standin, sim, thread):
    sim.post("/faults", {"sendMessage": [{"status": 429, "retryAfter": 1}]})

    started = time.monotonic()
    client.send_message("thr-1", "Hello", "lobby-msg-1")
    elapsed = time.monotonic() - started

    assert elapsed >= 0.95  # Expedia asked for a second; backoff alone is ~0.01 s
    assert [r["status"] for r in standin.calls("sendMessage")] == [429, 200]
    assert len(sends(standin)) == 1


def _record_waits(monkeypatch) -> list[float]:
    """The sleeps this thread asks for (urllib3's Retry sleeps with time.sleep); they still happen."""
    waits: list[float] = []
    real_sleep, caller = time.sleep, threading.get_ident()

    def sleep(seconds: float) -> None:
        if threading.get_ident() == caller:
            waits.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", sleep)
    return waits


def test_a_very_long_retry_after_does_not_hold_the_function(standin, sim, thread, make_client, monkeypatch):
    client = make_client(standin, retries=1, max_retry_after=0.5)
    sim.post("/faults", {"sendMessage": [{"status": 429, "retryAfter": 3600}] * 2})

    waits = _record_waits(monkeypatch)
    with pytest.raises(ExpediaUnavailable) as caught:
        client.send_message("thr-1", "Hello", "lobby-msg-1")

    # The client waited at most its own cap, never the hour Expedia asked for.
    assert waits and max(waits) <= 0.5
    assert caught.value.status == 429 and caught.value.retry_after == 3600


def test_graphql_validation_error_is_rejected_at_once(client, standin):
    with pytest.raises(ExpediaRejected) as caught:
        client.execute('query { message(id: "msg-1") { id notAField } }')

    assert caught.value.code == "GRAPHQL_VALIDATION_FAILED"
    assert "notAField" in caught.value.message
    assert len(standin.calls("message")) == 1


def test_graphql_bad_request_is_rejected_without_retry(client, standin, sim, thread):
    sim.post("/faults", {"sendMessage": ["graphql:BAD_REQUEST"]})

    with pytest.raises(ExpediaRejected) as caught:
        client.send_message("thr-1", "Hello", "lobby-msg-1")

    assert not isinstance(caught.value, ExpediaNotFound)
    assert caught.value.code == "BAD_REQUEST"
    assert len(standin.calls("sendMessage")) == 1
    assert sends(standin) == []


def test_graphql_throttled_is_retried_then_succeeds(client, standin, sim, thread):
    sim.post("/faults", {"sendMessage": ["graphql:THROTTLED"]})

    client.send_message("thr-1", "Hello", "lobby-msg-1")

    assert [r["fault"] for r in standin.calls("sendMessage")] == ["graphql:THROTTLED", None]
    assert len(sends(standin)) == 1


def test_graphql_throttled_until_retries_run_out_is_unavailable(client, standin, sim, thread):
    sim.post("/faults", {"sendMessage": ["graphql:THROTTLED"] * 3})

    with pytest.raises(ExpediaUnavailable) as caught:
        client.send_message("thr-1", "Hello", "lobby-msg-1")

    assert caught.value.code == "THROTTLED"
    assert len(standin.calls("sendMessage")) == 3  # graphql_retries=2
    assert sends(standin) == []


def test_a_timeout_is_retried(impatient_client, standin, sim, thread):
    sim.post("/faults", {"sendMessage": ["timeout"]})

    impatient_client.send_message("thr-1", "Hello", "lobby-msg-1")

    assert [r["status"] for r in standin.calls("sendMessage")] == [504, 200]
    assert len(sends(standin)) == 1


def test_timeouts_until_retries_run_out_are_unavailable(impatient_client, standin, sim, thread):
    sim.post("/faults", {"message": ["timeout"] * 4})

    with pytest.raises(ExpediaUnavailable) as caught:
        impatient_client.get_message(thread["messageId"])

    assert len(standin.calls("message")) == 4
    # Each try gave up on the client's own timeout: had it waited for the stand-in's slow answer
    # (a 504 after several seconds), the last answer's status would be on the error.
    assert caught.value.status is None and "Read timed out" in str(caught.value.__cause__)


def test_expedia_unreachable_is_unavailable(standin, make_client):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = ExpediaClient(f"http://127.0.0.1:{port}/graphql", f"http://127.0.0.1:{port}/oauth/token",
                           "id", "secret", timeout=0.3, retries=1, backoff_factor=0.01)

    with pytest.raises(ExpediaUnavailable):
        client.get_message("msg-1")


def test_building_a_client_calls_nobody():
    # .invalid never resolves: a token request at construction time would raise here.
    ExpediaClient("https://expedia.invalid/graphql", "https://expedia.invalid/token", "id", "secret")
