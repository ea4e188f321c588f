"""Expedia's own client traffic: the SDK's messaging operations (our copies in sdk_operations/), each
run against the stand-in with real data behind it, every list walked over more than one page."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import requests
from graphql import parse, validate

from local.expedia.standin import load_schema

OPERATIONS = Path(__file__).with_name("sdk_operations")
NAMES = ("Message", "MessageThread", "PropertyMessageThreads", "PropertyMessages", "UndeliveredNotifications",
         "SendMessage", "AddMessage", "SetMessageThreadSpamStatus")
PROPERTY = "12345678"
# Null is real data only here: a reservation's thread has no booking inquiry, Expedia's message
# ``type`` is not set for messages of the messaging API, and the last page has no cursor.
NULL_ALLOWED = frozenset({"bookingInquiry", "type", "cursor"})
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WIDE = {"from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"}


def document(name: str) -> str:
    return (OPERATIONS / f"{name}.graphql").read_text(encoding="utf-8")


def nulls(value, path: str = "") -> list[str]:
    """Paths of nulls outside NULL_ALLOWED."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in
                ([] if v is None and k in NULL_ALLOWED else
                 [f"{path}.{k}"] if v is None else nulls(v, f"{path}.{k}"))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in ([f"{path}[{i}]"] if v is None else nulls(v, f"{path}[{i}]"))]
    return []


@pytest.fixture
def run(standin):
    """Runs one SDK operation by name, as an SDK client would (operationName set), and checks the answer."""
    grant = requests.post(standin.token_url, data={"grant_type": "client_credentials"},
                          auth=(standin.client_id, standin.client_secret), timeout=10)
    token = grant.json()["access_token"]

    def call(name: str, variables: dict) -> dict:
        answer = requests.post(standin.graphql_url, timeout=10, headers={"Authorization": f"Bearer {token}"},
                               json={"operationName": name, "query": document(name), "variables": variables})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert "errors" not in body, body["errors"]
        assert nulls(body["data"]) == [], nulls(body["data"])
        return body["data"]

    return call


def walk(run, name: str, variables: dict, cursor_key: str, pick) -> tuple[list[dict], int, int]:
    """Every element of a paged list: (elements, totalCount, pages)."""
    elements, cursor, pages = [], None, 0
    while True:
        listing = pick(run(name, dict(variables, **{cursor_key: cursor})))
        elements += listing["elements"]
        pages += 1
        cursor = listing["cursor"]
        if cursor is None:
            return elements, listing["totalCount"], pages
        assert pages < 50


@pytest.fixture
def property_data(sim):
    """Three reservation threads of the property, an hour apart, three messages each (one with a file);
    and a thread of another property that must never show."""
    threads = {}
    for number in range(3):
        thread_id = f"thr-{number}"
        first = sim.message(thread_id, propertyId=PROPERTY, body=f"Hello {number}",
                            traveler={"firstName": "Zoë", "lastName": f"Martin {number}"},
                            reservation={"id": f"EXP-{number}", "checkInDate": "2026-12-01",
                                         "checkOutDate": "2026-12-04", "adultCount": 2, "childCount": 1,
                                         "alternativeIds": {"supplierId": f"PMS-{number}"}})
        second = sim.message(thread_id, body="Our booking", attachments=[
            {"name": "booking.png", "contentType": "image/png", "base64": base64.b64encode(PNG).decode()}])
        third = sim.message(thread_id, fromRole="SUPPLIER", body="Welcome (from the extranet)")
        threads[thread_id] = [first["messageId"], second["messageId"], third["messageId"]]
        sim.post("/clock", {"advance_hours": 1})
    sim.message("thr-elsewhere", propertyId="99999999", body="Not this property")
    return threads


def test_our_documents_carry_the_sdk_operation_names_and_are_valid_against_expedias_schema():
    for name in NAMES:
        parsed = parse(document(name))
        assert [d.name.value for d in parsed.definitions] == [name]
        assert validate(load_schema(), parsed) == [], name


def test_message_answers_the_message_its_file_and_its_thread(run, property_data):
    message_id = property_data["thr-0"][1]

    message = run("Message", {"messageId": message_id})["message"]

    assert message["id"] == message_id and message["fromRole"] == "TRAVELER"
    [attachment] = message["attachments"]
    assert attachment["name"] == "booking.png" and attachment["url"].endswith(f"/files/{attachment['id']}")
    assert message["messageThread"]["property"] == {"id": PROPERTY}
    assert message["messageThread"]["reservationSummary"]["alternativeIds"] == {"supplierId": "PMS-0"}


@pytest.mark.parametrize("order", ["ASC", "DESC"])
def test_message_thread_pages_its_messages_in_either_order(run, property_data, order):
    variables = {"messageThreadId": "thr-1", "messagesLimit": 2,
                 "orderMessagesBy": {"field": "CREATION_DATE_TIME_UTC", "order": order}}

    elements, total, pages = walk(run, "MessageThread", variables, "messagesCursor",
                                  lambda d: d["messageThread"]["messages"])

    expected = property_data["thr-1"] if order == "ASC" else property_data["thr-1"][::-1]
    assert [m["id"] for m in elements] == expected
    assert (total, pages) == (3, 2)


def test_property_message_threads_pages_the_propertys_threads_in_a_creation_window(run, standin, property_data):
    everything, total, pages = walk(run, "PropertyMessageThreads",
                                    {"propertyId": PROPERTY, "filters": {"creationDateTime": WIDE}, "pageSize": 2},
                                    "cursor", lambda d: d["property"]["messageThreads"])
    assert [t["id"] for t in everything] == ["thr-0", "thr-1", "thr-2"]
    assert (total, pages) == (3, 2)
    assert everything[2]["primaryTraveler"] == {"firstName": "Zoë", "lastName": "Martin 2"}

    # Only the last two were created in the last 2.5 hours of the stand-in's clock.
    later = {"from": everything[1]["creationDateTimeUtc"], "to": "2100-01-01T00:00:00Z"}
    recent = run("PropertyMessageThreads", {"propertyId": PROPERTY, "filters": {"creationDateTime": later},
                                            "orderBy": {"order": "DESC"}, "pageSize": 10})
    assert [t["id"] for t in recent["property"]["messageThreads"]["elements"]] == ["thr-2", "thr-1"]


def test_property_messages_pages_every_message_of_the_property(run, property_data):
    elements, total, pages = walk(run, "PropertyMessages",
                                  {"propertyId": PROPERTY, "filters": {"creationDateTime": WIDE}, "pageSize": 4},
                                  "cursor", lambda d: d["property"]["messages"])

    assert [m["id"] for m in elements] == [m for ids in property_data.values() for m in ids]
    assert (total, pages) == (9, 3)
    assert {m["messageThread"]["id"] for m in elements} == {"thr-0", "thr-1", "thr-2"}


def test_undelivered_notifications_pages_what_an_outage_held_with_its_error(run, sim):
    sim.post("/outage", {"callbacks": False})
    sent = [sim.message(f"thr-{n}", propertyId=PROPERTY, body=f"Anyone there? {n}") for n in range(5)]

    elements, total, pages = walk(run, "UndeliveredNotifications",
                                  {"filters": {"eventType": "MessageReceived", "creationDateTime": WIDE},
                                   "pageSize": 2}, "cursor", lambda d: d["undeliveredNotifications"])

    assert [e["notification"]["notificationId"] for e in elements] == [s["notificationId"] for s in sent]
    assert (total, pages) == (5, 3)
    assert {e["error"]["code"] for e in elements} == {"CALLBACK_UNREACHABLE"}
    assert elements[0]["notification"]["payload"]["messageId"] == sent[0]["messageId"]


def test_send_message_add_message_and_spam_status_are_answered_and_stored(run, client, property_data, sim):
    attachment_id = client.upload_file("thr-0", "map.png", "image/png", PNG)

    sent = run("SendMessage", {"input": {"clientMutationId": "c-1", "messageThreadId": "thr-0",
                                         "body": "See you soon", "attachmentIds": [attachment_id]}})
    added = run("AddMessage", {"messageThreadId": "thr-0",
                               "message": {"body": {"value": "And the map again"}, "attachmentIds": [attachment_id]}})
    spam = run("SetMessageThreadSpamStatus", {"input": {"clientMutationId": "c-2", "id": "thr-0",
                                                        "status": "NOT_SPAM"}})

    assert sent["sendMessage"]["clientMutationId"] == "c-1"
    assert spam["setMessageThreadSpamStatus"] == {"clientMutationId": "c-2", "id": "thr-0"}
    for message_id in (sent["sendMessage"]["messageId"], added["addMessage"]["id"]):
        message = run("Message", {"messageId": message_id})["message"]
        assert message["fromRole"] == "SUPPLIER" and [a["id"] for a in message["attachments"]] == [attachment_id]
    assert [s["operation"] for s in sim.get("/sent").json()] == ["sendMessage", "addMessage",
                                                                "setMessageThreadSpamStatus"]
