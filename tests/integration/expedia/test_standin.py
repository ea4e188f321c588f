"""The Expedia stand-in behaves as Expedia does, as far as Lobby can observe."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from expedia.signature import SIGNATURE_HEADER, sign, verify
from local.expedia import ExpediaStandIn
from local.expedia.standin import load_schema

REPO = Path(__file__).resolve().parents[3]
CALLBACK_SECRET = "a-callback-secret"

FULL_MESSAGE = """
query($id: ID!) {
  message(id: $id) {
    id creationDateTimeUtc type body { value } fromRole reviewStatus
    attachments { id name url uploadDateTimeUtc }
    messageThread { id property { id } }
  }
}"""

FULL_THREAD = """
query($id: ID!) {
  messageThread(id: $id) {
    id creationDateTimeUtc property { id } bookingInquiry { id }
    primaryTraveler { firstName lastName }
    reservationSummary { id checkInDate checkOutDate adultCount childCount petCount alternativeIds { supplierId } }
    messages(limit: 1) { totalCount cursor elements { id body { value } } }
  }
}"""

SEND = """
mutation($input: SendMessageInput!) { sendMessage(input: $input) { clientMutationId messageId } }"""


def _envelopes(captured) -> list[dict]:
    return [json.loads(raw) for raw, _ in captured]


# -- GraphQL: answers in the schema's shapes ------------------------------------------------

def test_message_query_answers_in_the_schemas_shape(standin, sim, graphql):
    sent = sim.message("thr-1", propertyId="12345678", body="Can we bring a dog?",
                       attachments=[{"name": "dog.jpg", "contentType": "image/jpeg",
                                     "base64": base64.b64encode(b"\xff\xd8\xff dog").decode()}])

    answer = graphql(FULL_MESSAGE, {"id": sent["messageId"]})

    assert answer.status_code == 200
    message = answer.json()["data"]["message"]
    assert "errors" not in answer.json()
    assert message["id"] == sent["messageId"]
    assert message["body"] == {"value": "Can we bring a dog?"}
    assert message["fromRole"] == "TRAVELER"
    assert message["reviewStatus"] == "ACCEPTED"
    assert message["type"] is None
    assert message["messageThread"] == {"id": "thr-1", "property": {"id": "12345678"}}
    assert message["creationDateTimeUtc"].endswith("Z")
    [attachment] = message["attachments"]
    assert attachment["id"] == sent["attachmentIds"][0] and attachment["id"].startswith("att-")
    assert attachment["name"] == "dog.jpg"
    assert attachment["url"] == f"{standin.files_url}/{attachment['id']}"  # served by its attachment service
    assert attachment["uploadDateTimeUtc"] == message["creationDateTimeUtc"]


def test_thread_query_answers_traveler_reservation_and_pages_of_messages(sim, graphql):
    first = sim.message("thr-7", propertyId="12345678", body="First",
                        traveler={"firstName": "Zoë", "lastName": "Martin"},
                        reservation={"id": "EXP-991", "checkInDate": "2026-12-01", "checkOutDate": "2026-12-04",
                                     "adultCount": 2, "childCount": 1, "petCount": 1,
                                     "alternativeIds": {"supplierId": "PMS-55"}})
    sim.message("thr-7", body="Second")

    thread = graphql(FULL_THREAD, {"id": "thr-7"}).json()["data"]["messageThread"]

    assert thread["id"] == "thr-7"
    assert thread["property"] == {"id": "12345678"}
    assert thread["bookingInquiry"] is None
    assert thread["primaryTraveler"] == {"firstName": "Zoë", "lastName": "Martin"}
    assert thread["reservationSummary"] == {
        "id": "EXP-991", "checkInDate": "2026-12-01", "checkOutDate": "2026-12-04",
        "adultCount": 2, "childCount": 1, "petCount": 1, "alternativeIds": {"supplierId": "PMS-55"}}
    assert thread["messages"]["totalCount"] == 2
    assert thread["messages"]["elements"] == [{"id": first["messageId"], "body": {"value": "First"}}]
    assert thread["messages"]["cursor"]  # a second page exists


def test_thread_without_reservation_or_traveler_answers_nulls(sim, graphql):
    sim.message("thr-inq")

    thread = graphql(FULL_THREAD, {"id": "thr-inq"}).json()["data"]["messageThread"]

    assert thread["primaryTraveler"] is None
    assert thread["reservationSummary"] is None


def test_reservation_without_supplier_id_answers_an_empty_one(sim, graphql):
    sim.message("thr-8", reservation={"id": "EXP-1", "checkInDate": "2026-12-01", "checkOutDate": "2026-12-02"})

    summary = graphql(FULL_THREAD, {"id": "thr-8"}).json()["data"]["messageThread"]["reservationSummary"]

    assert summary["alternativeIds"] == {"supplierId": ""}
    assert (summary["adultCount"], summary["childCount"], summary["petCount"]) == (1, 0, 0)


@pytest.mark.parametrize("query, field", [(FULL_MESSAGE, "message"), (FULL_THREAD, "messageThread")])
def test_unknown_id_answers_null_with_a_not_found_error(graphql, query, field):
    answer = graphql(query, {"id": "does-not-exist"})

    assert answer.status_code == 200
    body = answer.json()
    assert body["data"] == {field: None}
    [error] = body["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["path"] == [field]


def test_validation_errors_are_http_200_with_errors_and_no_data(graphql):
    answer = graphql('query { message(id: "x") { id notAField } }')

    assert answer.status_code == 200
    body = answer.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "notAField" in body["errors"][0]["message"]


def test_syntax_errors_and_bad_variables_are_http_200_with_errors(graphql):
    syntax = graphql("query { message(id: ")
    variables = graphql(SEND, {"input": {"body": "no thread id"}})

    assert syntax.status_code == 200
    assert syntax.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert variables.status_code == 200
    assert variables.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_graphql_needs_a_bearer_token_from_the_token_endpoint(standin, graphql):
    query = {"query": '{ message(id: "x") { id } }'}

    missing = requests.post(standin.graphql_url, json=query, timeout=10)
    forged = requests.post(standin.graphql_url, json=query, headers={"Authorization": "Bearer forged"}, timeout=10)
    standin.revoke_tokens()
    revoked = graphql(query["query"])

    assert (missing.status_code, forged.status_code, revoked.status_code) == (401, 401, 401)
    assert missing.headers["WWW-Authenticate"] == "Bearer"


def test_token_endpoint_grants_client_credentials_and_counts_grants(standin):
    form = {"grant_type": "client_credentials"}

    basic = requests.post(standin.token_url, data=form, auth=(standin.client_id, standin.client_secret), timeout=10)
    in_form = requests.post(standin.token_url, data=dict(form, client_id=standin.client_id, client_secret=standin.client_secret),
                            timeout=10)
    wrong = requests.post(standin.token_url, data=form, auth=(standin.client_id, "guess"), timeout=10)
    other_grant = requests.post(standin.token_url, data={"grant_type": "password"},
                                auth=(standin.client_id, standin.client_secret), timeout=10)

    assert basic.status_code == 200 and in_form.status_code == 200
    assert basic.json()["token_type"] == "Bearer" and basic.json()["expires_in"] == 3600
    assert basic.json()["access_token"] != in_form.json()["access_token"]
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    assert other_grant.status_code == 400 and other_grant.json()["error"] == "unsupported_grant_type"
    assert standin.token_grants == 2
    assert requests.get(f"{standin.sim_url}/tokens", timeout=10).json()["grants"] == 2


# -- mutations ------------------------------------------------------------------------------

def test_send_message_stores_a_supplier_message_and_notifies_it(sim, graphql, captured):
    sim.message("thr-1")
    captured.clear()

    answer = graphql(SEND, {"input": {"clientMutationId": "lobby-msg-1", "messageThreadId": "thr-1",
                                      "body": "Yes, from 11:00."}}).json()

    payload = answer["data"]["sendMessage"]
    assert payload["clientMutationId"] == "lobby-msg-1"
    stored = graphql(FULL_MESSAGE, {"id": payload["messageId"]}).json()["data"]["message"]
    assert (stored["fromRole"], stored["reviewStatus"], stored["body"]) == (
        "SUPPLIER", "ACCEPTED", {"value": "Yes, from 11:00."})
    [notification] = _envelopes(captured)
    assert notification["eventType"] == "MessageReceived"
    assert notification["payload"] == {"propertyId": "12345678", "messageThreadId": "thr-1",
                                       "messageId": payload["messageId"]}
    [record] = sim.get("/sent").json()
    assert record["operation"] == "sendMessage"
    assert record["input"] == {"clientMutationId": "lobby-msg-1", "messageThreadId": "thr-1",
                               "body": "Yes, from 11:00."}
    assert record["result"] == {"messageId": payload["messageId"]}


def test_the_same_client_mutation_id_twice_is_sent_twice(sim, graphql):
    sim.message("thr-1")
    variables = {"input": {"clientMutationId": "lobby-msg-1", "messageThreadId": "thr-1", "body": "Hi"}}

    first = graphql(SEND, variables).json()["data"]["sendMessage"]["messageId"]
    second = graphql(SEND, variables).json()["data"]["sendMessage"]["messageId"]

    assert first != second
    assert [r["input"]["clientMutationId"] for r in sim.get("/sent").json()] == ["lobby-msg-1", "lobby-msg-1"]


@pytest.mark.parametrize("thread_id, body, code", [
    ("thr-unknown", "Hello", "NOT_FOUND"),
    ("thr-1", "<b>Welcome</b>", "BAD_REQUEST"),
    ("thr-1", "   ", "BAD_REQUEST"),
])
def test_send_message_refusals_answer_errors_and_store_nothing(sim, graphql, captured, thread_id, body, code):
    sim.message("thr-1")
    captured.clear()

    answer = graphql(SEND, {"input": {"clientMutationId": "c-1", "messageThreadId": thread_id, "body": body}})

    assert answer.status_code == 200
    assert answer.json()["data"] == {"sendMessage": None}
    assert answer.json()["errors"][0]["extensions"]["code"] == code
    assert captured == []
    [record] = sim.get("/sent").json()
    assert record["result"] is None and record["error"]["code"] == code
    assert len(sim.get("/threads/thr-1").json()["messages"]) == 1  # only the traveler's


def test_spam_status_is_recorded_with_its_input(sim, graphql):
    sim.message("thr-1")
    mutation = """mutation($input: SetMessageThreadSpamStatusInput!) {
        setMessageThreadSpamStatus(input: $input) { clientMutationId id } }"""

    answer = graphql(mutation, {"input": {"clientMutationId": "spam-1", "id": "thr-1", "status": "SPAM"}}).json()

    assert answer["data"]["setMessageThreadSpamStatus"] == {"clientMutationId": "spam-1", "id": "thr-1"}
    assert sim.get("/threads/thr-1").json()["spamStatus"] == "SPAM"
    [record] = sim.get("/sent").json()
    assert record["operation"] == "setMessageThreadSpamStatus"
    assert record["input"] == {"clientMutationId": "spam-1", "id": "thr-1", "status": "SPAM"}


# -- simulator: notifications ---------------------------------------------------------------

def test_first_message_creates_the_thread_and_notifies_in_order_with_valid_signatures(standin, sim, captured):
    first = sim.message("thr-42", propertyId="12345678")
    second = sim.message("thr-42", body="Also, is there parking?")

    envelopes = _envelopes(captured)
    assert [e["eventType"] for e in envelopes] == ["MessageThreadCreated", "MessageReceived", "MessageReceived"]
    assert envelopes[0]["payload"] == {"propertyId": "12345678", "messageThreadId": "thr-42"}
    assert envelopes[1]["payload"] == {"propertyId": "12345678", "messageThreadId": "thr-42",
                                       "messageId": first["messageId"]}
    assert envelopes[1]["notificationId"] == first["notificationId"]
    assert envelopes[2]["payload"]["messageId"] == second["messageId"]
    assert len({e["notificationId"] for e in envelopes}) == 3
    for raw, headers in captured:
        assert set(json.loads(raw)) == {"eventType", "creationDateTime", "notificationId", "payload"}
        assert json.loads(raw)["creationDateTime"].endswith("Z")
        assert headers["Content-Type"] == "application/json"
        assert verify(standin.callback_secret, raw, headers[SIGNATURE_HEADER])


def test_signature_rejects_a_tampered_body_a_wrong_secret_and_a_reserialised_body(standin, sim, captured):
    sim.message("thr-1", traveler={"firstName": "Zoë", "lastName": "Ødegård"})
    raw, headers = captured[1]
    signature = headers[SIGNATURE_HEADER]
    tampered = raw.replace(b'"thr-1"', b'"thr-2"')
    reserialised = json.dumps(json.loads(raw)).encode()

    secret = standin.callback_secret
    assert verify(secret, raw, signature)
    assert not verify(secret, tampered, signature)
    assert not verify("another-secret", raw, signature)
    assert not verify(secret, reserialised, signature)
    assert not verify(secret, raw, None) and not verify(secret, raw, "zz")


def test_sign_is_hex_hmac_sha256_and_accepts_str_or_bytes_secrets():
    body = b"The quick brown fox jumps over the lazy dog"  # the textbook HMAC-SHA256 vector

    assert sign("key", body) == "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    assert sign(b"key", body) == sign("key", body)
    assert verify("key", body, sign("key", body).upper())
    assert not verify("", body, sign("", body))  # no secret configured: nothing verifies


def test_redeliver_sends_the_same_notification_again(sim, captured):
    sent = sim.message("thr-1")

    answer = sim.post(f"/notifications/{sent['notificationId']}/redeliver")

    assert answer.status_code == 200
    assert captured[-1] == captured[1]  # same bytes, same signature
    assert json.loads(captured[-1][0])["notificationId"] == sent["notificationId"]
    [listed] = [n for n in sim.get("/notifications").json() if n["notificationId"] == sent["notificationId"]]
    assert len(listed["deliveries"]) == 2
    assert sim.post("/notifications/ntf-nope/redeliver").status_code == 404


def test_notifications_go_to_the_callback_url_and_failed_deliveries_are_recorded(receiver):
    receiver.answers = [500]  # Lobby's callback fails once
    with ExpediaStandIn(callback_url=receiver.url, callback_secret=CALLBACK_SECRET, id_prefix="") as standin:
        sim_url = standin.sim_url
        sent = requests.post(f"{sim_url}/threads/thr-1/messages",
                             json={"propertyId": "1", "body": "Hi"}, timeout=10).json()
        requests.post(f"{sim_url}/notifications/{sent['notificationId']}/redeliver", timeout=10)
        listed = requests.get(f"{sim_url}/notifications", timeout=10).json()

    assert [json.loads(raw)["eventType"] for raw, _ in receiver.received] == [
        "MessageThreadCreated", "MessageReceived", "MessageReceived"]
    for raw, headers in receiver.received:
        assert verify(CALLBACK_SECRET, raw, headers["X-Expedia-Signature"])
    created, received = listed
    assert [d["status"] for d in created["deliveries"]] == [500]
    assert [(d["status"], d["ok"]) for d in received["deliveries"]] == [(202, True), (202, True)]


def test_review_blocks_a_message_and_notifies_attributes_updated(sim, graphql, captured):
    sim.message("thr-1")
    reply = graphql(SEND, {"input": {"clientMutationId": "c-1", "messageThreadId": "thr-1", "body": "Call me"}})
    message_id = reply.json()["data"]["sendMessage"]["messageId"]
    captured.clear()

    answer = sim.post(f"/messages/{message_id}/review", {"reviewStatus": "BLOCKED"})

    assert answer.status_code == 200
    assert graphql(FULL_MESSAGE, {"id": message_id}).json()["data"]["message"]["reviewStatus"] == "BLOCKED"
    [notification] = _envelopes(captured)
    assert notification["eventType"] == "MessageAttributesUpdated"
    assert notification["payload"] == {"propertyId": "12345678", "messageThreadId": "thr-1", "messageId": message_id}
    assert sim.post(f"/messages/{message_id}/review", {"reviewStatus": "MAYBE"}).status_code == 400
    assert sim.post("/messages/msg-nope/review", {"reviewStatus": "BLOCKED"}).status_code == 404


def test_hotel_answering_from_the_extranet_is_a_supplier_message(sim, graphql, captured):
    sim.message("thr-1")

    sent = sim.message("thr-1", fromRole="SUPPLIER", body="Answered from the extranet")

    assert graphql(FULL_MESSAGE, {"id": sent["messageId"]}).json()["data"]["message"]["fromRole"] == "SUPPLIER"
    assert json.loads(captured[-1][0])["payload"]["messageId"] == sent["messageId"]


@pytest.mark.parametrize("thread_id, spec, status", [
    ("thr-new", {"body": "no property"}, 400),
    ("thr-1", {"propertyId": "99999999", "body": "another property"}, 409),
    ("thr-1", {"messageId": "msg-taken", "body": "same id again"}, 409),
    ("thr-1", {"body": "x", "fromRole": "GUEST"}, 400),
    ("thr-1", {"body": ""}, 400),
    ("thr-1", {"body": "x", "reservation": {"checkInDate": "2026-12-05", "checkOutDate": "2026-12-01"}}, 400),
])
def test_simulator_refuses_impossible_messages(sim, thread_id, spec, status):
    sim.message("thr-1", messageId="msg-taken")

    assert sim.post(f"/threads/{thread_id}/messages", spec).status_code == status


# -- simulator: faults ----------------------------------------------------------------------

def test_http_faults_answer_the_next_calls_then_normally(sim, graphql):
    sim.message("thr-1")
    assert sim.post("/faults", {"sendMessage": [500, {"status": 429, "retryAfter": 3}]}).status_code == 200
    variables = {"input": {"clientMutationId": "c-1", "messageThreadId": "thr-1", "body": "Hi"}}

    answers = [graphql(SEND, variables) for _ in range(3)]

    assert [a.status_code for a in answers] == [500, 429, 200]
    assert answers[1].headers["Retry-After"] == "3"
    assert sim.get("/faults").json() == {}
    assert len(sim.get("/sent").json()) == 1  # faulted calls did nothing
    assert [r["status"] for r in sim.get("/requests").json() if r["operation"] == "sendMessage"] == [500, 429, 200]


def test_graphql_fault_answers_200_with_the_code_and_does_nothing(sim, graphql):
    sim.message("thr-1")
    sim.post("/faults", {"sendMessage": ["graphql:THROTTLED"]})

    answer = graphql(SEND, {"input": {"clientMutationId": "c-1", "messageThreadId": "thr-1", "body": "Hi"}})

    assert answer.status_code == 200
    assert answer.json()["data"] == {"sendMessage": None}
    assert answer.json()["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert sim.get("/sent").json() == []


def test_timeout_fault_outlasts_the_callers_timeout_and_does_nothing(sim, graphql):
    sim.message("thr-1")
    sim.post("/faults", {"sendMessage": ["timeout"]})

    with pytest.raises(requests.exceptions.ReadTimeout):
        graphql(SEND, {"input": {"clientMutationId": "c-1", "messageThreadId": "thr-1", "body": "Hi"}}, timeout=0.2)

    assert sim.get("/sent").json() == []


def test_faults_on_queries_only_affect_that_operation(sim, graphql):
    sent = sim.message("thr-1")
    sim.post("/faults", {"message": [503]})

    thread = graphql(FULL_THREAD, {"id": "thr-1"})
    message = graphql(FULL_MESSAGE, {"id": sent["messageId"]})

    assert (thread.status_code, message.status_code) == (200, 503)


@pytest.mark.parametrize("faults", [
    {"sendMesage": [500]}, {"sendMessage": 500}, {"sendMessage": ["slow"]}, {"sendMessage": [200]},
    {"token": ["graphql:THROTTLED"]}, {"sendMessage": [{"status": 429, "retryAfter": 1.5}]},
])
def test_invalid_faults_are_refused(sim, faults):
    assert sim.post("/faults", faults).status_code == 400
    assert sim.get("/faults").json() == {}


# -- the command line -----------------------------------------------------------------------

def test_command_line_send_puts_a_traveler_message_through_a_running_standin(standin, sim, captured):
    command = [sys.executable, "-m", "local.expedia", "send", "--sim-url", standin.sim_url,
               "--thread", "thr-cli", "--property", "12345678", "--text", "Bonjour !",
               "--first-name", "Zoë", "--last-name", "Martin", "--check-in", "2026-12-01",
               "--check-out", "2026-12-03", "--adults", "2", "--children", "1"]

    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    thread = sim.get("/threads/thr-cli").json()
    assert thread["propertyId"] == "12345678"
    assert thread["traveler"] == {"firstName": "Zoë", "lastName": "Martin"}
    assert (thread["reservation"]["checkInDate"], thread["reservation"]["adultCount"],
            thread["reservation"]["childCount"]) == ("2026-12-01", 2, 1)
    assert thread["messages"][0]["id"] == answer["messageId"]
    assert thread["messages"][0]["body"] == "Bonjour !"
    assert [json.loads(raw)["eventType"] for raw, _ in captured] == ["MessageThreadCreated", "MessageReceived"]


def test_command_line_send_fails_loudly_when_the_standin_refuses(standin):
    command = [sys.executable, "-m", "local.expedia", "send", "--sim-url", standin.sim_url,
               "--thread", "thr-cli", "--property", "1", "--text", "x", "--check-in", "2026-12-01"]

    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)

    assert done.returncode != 0
    assert "--check-out" in done.stderr


def test_the_schema_served_is_expedias_with_its_origin_and_licence():
    text = (REPO / "local" / "expedia" / "schema.graphqls").read_text(encoding="utf-8")
    schema = load_schema()

    assert "lodging-connectivity-java-sdk" in text and "Apache License, Version 2.0" in text
    assert set(schema.mutation_type.fields) >= {"sendMessage", "setMessageThreadSpamStatus"}
    assert schema.query_type.fields["message"].type.name == "MessageThreadMessage"


def test_command_line_sends_a_file_then_pauses_callbacks_moves_the_clock_and_lists_files(standin, sim, tmp_path):
    pdf = tmp_path / "booking.pdf"
    pdf.write_bytes(b"%PDF-1.7 booking")

    def cli(*args: str) -> dict:
        done = subprocess.run([sys.executable, "-m", "local.expedia", *args, "--sim-url", standin.sim_url],
                              cwd=REPO, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    sent = cli("send", "--thread", "thr-cli", "--property", "12345678", "--text", "Here", "--attach", str(pdf))
    paused = cli("outage", "--callbacks", "off")
    moved = cli("clock", "--advance-hours", "2")
    [listed] = cli("files")

    assert (listed["attachmentId"], listed["name"], listed["contentType"], listed["size"]) == (
        sent["attachmentIds"][0], "booking.pdf", "application/pdf", 16)
    assert paused["callbacks"] is False and standin.notifications_service.callbacks_up is False
    assert moved["now"] > sim.get("/threads/thr-cli").json()["createdAt"]


UNDELIVERED = """
query($filters: UndeliveredNotificationsFiltersInput!) {
  undeliveredNotifications(filters: $filters, limit: 100) {
    totalCount elements { notification { notificationId eventType creationDateTime } error { code } }
  }
}"""


def test_outage_and_clock_refuse_what_they_cannot_mean(sim):
    assert sim.post("/outage", {"callbacks": "off"}).status_code == 400
    assert sim.post("/outage", {}).status_code == 400
    assert sim.post("/clock", {"advance_hours": -1}).status_code == 400
    assert sim.post("/clock", {"advance_hours": "26"}).status_code == 400


def test_undelivered_notifications_filter_by_event_type_and_window(sim, graphql):
    sim.post("/outage", {"callbacks": False})
    sim.message("thr-1", body="Before")
    sim.post("/clock", {"advance_hours": 2})
    later = sim.message("thr-1", body="After")
    created = {n["notificationId"]: n["creationDateTime"] for n in sim.get("/notifications").json()}

    def listed(filters: dict) -> list[str]:
        answer = graphql(UNDELIVERED, {"filters": filters}).json()
        assert "errors" not in answer, answer
        return [e["notification"]["notificationId"] for e in answer["data"]["undeliveredNotifications"]["elements"]]

    since_later = {"from": created[later["notificationId"]], "to": "2100-01-01T00:00:00Z"}
    assert listed({"creationDateTime": since_later}) == [later["notificationId"]]
    assert listed({"creationDateTime": dict(since_later, operator="EXCLUSIVE")}) == []
    assert len(listed({"eventType": "MessageReceived"})) == 2
    assert len(listed({"eventType": "MessageThreadCreated"})) == 1
    assert len(listed({})) == 3


def test_add_message_to_an_unknown_thread_or_without_content_is_refused(sim, graphql):
    sim.message("thr-1")
    add = """mutation($id: ID!, $message: AddMessageThreadMessageInput!) {
        addMessage(messageThreadId: $id, message: $message) { id } }"""

    unknown = graphql(add, {"id": "thr-nope", "message": {"body": {"value": "Hi"}}}).json()
    empty = graphql(add, {"id": "thr-1", "message": {}}).json()

    assert unknown["data"] is None and unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert empty["data"] is None and empty["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert len(sim.get("/threads/thr-1").json()["messages"]) == 1
