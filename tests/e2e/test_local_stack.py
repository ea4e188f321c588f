"""Lobby end to end on the local stack (``make run``), over HTTP and boto3 only.

Each test starts its own guest threads (fresh ids), so the tests do not depend on one
another nor on the seeded demo, except the test that reads the demo itself.
"""

from __future__ import annotations

import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from stack_client import ExpediaSim, StackAws, StackClient, eventually, in_seconds, new_id
from stack_support import ROOT

STACK_KEYS = {"api_url", "console_url", "aws_endpoint_url", "region", "table_name", "cognito_user_pool_id",
              "cognito_client_id", "expedia_events_queue_url", "expedia_sim_url", "schedule_group", "demo"}
DEMO_KEYS = {"hotel_id", "expedia_property_id", "agent_username", "agent_password", "partner_api_key"}


@pytest.fixture(scope="module")
def agent(local_stack) -> StackClient:
    """The demo agent, signed in through the console's Cognito endpoint."""
    return StackClient.as_agent(local_stack)


@pytest.fixture(scope="module")
def partner(local_stack) -> StackClient:
    """The demo partner (x-api-key)."""
    return StackClient.as_partner(local_stack)


@pytest.fixture(scope="module")
def expedia(local_stack) -> ExpediaSim:
    return ExpediaSim(local_stack)


@pytest.fixture(scope="module")
def aws(local_stack) -> StackAws:
    """boto3 clients on the stack's moto: ``aws.client("scheduler")``."""
    return StackAws(local_stack)


def conversation_of(info: dict, thread: str, channel: str = "expedia") -> str:
    from inbox.inbound import conversation_id_for

    return conversation_id_for(info["demo"]["hotel_id"], channel, thread)


def traveler_opens(agent: StackClient, expedia, info, text: str) -> tuple[str, str]:
    """A traveler writes in a new Expedia thread; returns (thread, conversation id) once Lobby has it."""
    thread = new_id("thr-e2e")
    expedia.traveler_writes(thread, text)
    conversation = conversation_of(info, thread)
    eventually(lambda: agent.status_of(conversation), what=f"conversation of {thread}")
    return thread, conversation


def queue_is_empty(aws, url: str) -> bool:
    attributes = aws.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return all(int(value) == 0 for value in attributes.values())


def pending_wake_ups(aws, info: dict, conversation: str) -> list[str]:
    """The hold tokens of the conversation's pending schedules (one per hold), read from moto."""
    scheduler = aws.client("scheduler")
    tokens = []
    for page in scheduler.get_paginator("list_schedules").paginate(GroupName=info["schedule_group"]):
        for summary in page["Schedules"]:
            try:
                schedule = scheduler.get_schedule(Name=summary["Name"], GroupName=info["schedule_group"])
            except scheduler.exceptions.ResourceNotFoundException:
                continue  # fired and deleted meanwhile
            wake = json.loads(schedule["Target"]["Input"])
            if wake["conversation_id"] == conversation:
                tokens.append(wake["hold_token"])
    return tokens


def schedule_exists(aws, info: dict, conversation: str) -> bool:
    return bool(pending_wake_ups(aws, info, conversation))


def stored_hold_token(aws, info: dict, conversation: str) -> str | None:
    """The conversation's hold token as the table holds it (the API does not show it)."""
    from store.keys import CONVERSATION_SK, conversation_pk
    from store.schema import PARTITION_KEY, SORT_KEY

    item = aws.client("dynamodb").get_item(TableName=info["table_name"], ConsistentRead=True, Key={
        PARTITION_KEY: {"S": conversation_pk(info["demo"]["hotel_id"], conversation)},
        SORT_KEY: {"S": CONVERSATION_SK}})["Item"]
    return item.get("hold_token", {}).get("S")


# -- the stack itself -------------------------------------------------------------------------

def test_stack_json_has_every_key(local_stack):
    with open(f"{local_stack['state_dir']}/stack.json", encoding="utf-8") as f:
        written = json.load(f)
    assert STACK_KEYS <= set(written)
    assert DEMO_KEYS <= set(written["demo"])
    assert written["expedia_sim_url"] == f"{written['api_url']}/expedia/sim"


def test_the_stack_reports_its_startup_time_honestly(local_stack):
    # How fast it starts is a bench figure (bench/RESULTS.md), not a limit in the suite:
    # here only that the banner's figure is a real, measured part of the start.
    assert 0 < local_stack["started_in_seconds"] <= local_stack["startup_wall_seconds"]


def test_the_console_finds_the_api_and_the_user_pool(local_stack):
    config = requests.get(f"{local_stack['api_url']}/config.json", timeout=10).json()
    assert config == {"api_url": local_stack["api_url"], "region": local_stack["region"],
                      "cognito_endpoint": f"{local_stack['api_url']}/cognito/",
                      "cognito_client_id": local_stack["cognito_client_id"],
                      "cognito_user_pool_id": local_stack["cognito_user_pool_id"],
                      "realtime_url": local_stack["realtime_url"]}


def test_the_openapi_document_needs_no_credentials_and_the_rest_does(local_stack):
    assert requests.get(f"{local_stack['api_url']}/v1/openapi.json", timeout=10).status_code == 200
    hotel = local_stack["demo"]["hotel_id"]
    anonymous = StackClient(local_stack).get(f"/hotels/{hotel}/inbox")
    assert (anonymous.status_code, anonymous.json()) == (401, {"message": "Unauthorized"})
    forged = StackClient(local_stack, {"Authorization": "Bearer not-a-token"}).get(f"/hotels/{hotel}/inbox")
    assert forged.status_code == 401
    preflight = requests.options(f"{local_stack['api_url']}/v1/hotels/{hotel}/inbox", timeout=10)
    assert preflight.status_code == 204 and "Authorization" in preflight.headers["Access-Control-Allow-Headers"]


def test_the_seeded_demo_fills_every_tab(local_stack, agent):
    counts = agent.get(f"/hotels/{agent.hotel}/inbox").json()["tabs"]
    assert all(counts[tab] >= 1 for tab in ("open", "on_hold", "closed", "spam", "all")), counts
    assert counts["all"] >= 25, counts
    assert {c["channel"] for c in agent.tab("all")} >= {"expedia", "webchat", "whatsapp"}
    # A guest with a profile from Expedia's reservation, messages from guest, bot and agent.
    held = agent.tab("on_hold")[0]
    assert agent.conversation(held["id"])["contact"]["name"]
    senders = {m["sender"] for c in agent.tab("closed") for m in agent.messages(c["id"])}
    assert {"guest", "agent"} <= senders


# -- guests and the bot -----------------------------------------------------------------------

def test_a_traveler_question_reaches_the_bot_whose_answer_reaches_expedia(local_stack, agent, expedia):
    thread, conversation = traveler_opens(agent, expedia, local_stack, "What time is check-in?")
    assert agent.conversation(conversation)["status"] == "bot"
    answer = eventually(lambda: [m for m in agent.messages(conversation) if m["sender"] == "bot"])[0]
    assert "3 pm" in answer["text"]
    (sent,) = eventually(lambda: expedia.sent(thread, "sendMessage"))
    assert sent["input"] == {"clientMutationId": answer["id"], "messageThreadId": thread, "body": answer["text"]}
    eventually(lambda: agent.messages(conversation)[0]["delivery"] == "delivered")
    profile = agent.conversation(conversation)["contact"]
    assert profile["name"] == "Inès Moreau"
    assert profile["reservations"][0]["reservation_id"] == f"R-{thread}"


def test_a_request_for_a_person_lands_in_open(local_stack, agent, expedia):
    _, conversation = traveler_opens(agent, expedia, local_stack, "I would like to talk to a person, please")
    assert agent.conversation(conversation)["status"] == "open"
    assert conversation in {c["id"] for c in agent.tab("open")}
    (handed_off,) = [a for a in agent.activity(conversation) if a["type"] == "handed_off"]
    assert handed_off["reason"] == "human_requested"


# -- the agent --------------------------------------------------------------------------------

def test_an_agent_reply_reaches_expedia_as_send_message(local_stack, agent, expedia):
    thread, conversation = traveler_opens(agent, expedia, local_stack, "Can I speak to the front desk?")
    reply = agent.act(conversation, "messages", {"text": "Bonjour ! How can we help?"})
    assert reply.status_code == 201, reply.text
    (sent,) = eventually(lambda: expedia.sent(thread, "sendMessage"))
    assert sent["input"] == {"clientMutationId": reply.json()["id"], "messageThreadId": thread,
                             "body": "Bonjour ! How can we help?"}
    delivered = eventually(lambda: [m for m in agent.messages(conversation)
                                    if m["id"] == reply.json()["id"] and m["delivery"] == "delivered"])
    assert delivered[0]["external_message_id"] == sent["result"]["messageId"]


def test_a_short_hold_comes_back_to_open_by_itself(local_stack, agent, expedia, aws):
    _, conversation = traveler_opens(agent, expedia, local_stack, "I need to talk to someone about my booking")
    # 6 s, not 2: on a loaded machine the hold's own request and the check of its schedule took over 2 s, and
    # the wake-up had already fired (and deleted its schedule) before the check looked.
    held = agent.act(conversation, "hold", {"until": in_seconds(6)})
    assert held.status_code == 200, held.text
    assert held.json()["status"] == "on_hold"
    assert schedule_exists(aws, local_stack, conversation)
    eventually(lambda: agent.status_of(conversation) == "open", timeout=15, what="the wake-up")
    woken = [a for a in agent.activity(conversation) if a["type"] == "woken"]
    assert len(woken) == 1 and woken[0]["actor"]["type"] == "system"
    eventually(lambda: not schedule_exists(aws, local_stack, conversation), what="the schedule deleted")


def test_a_reply_on_a_held_conversation_returns_it_at_once_and_removes_its_schedule(local_stack, agent, expedia,
                                                                                    aws):
    _, conversation = traveler_opens(agent, expedia, local_stack, "Could a person call me back?")
    assert agent.act(conversation, "hold", {"until": in_seconds(3600)}).status_code == 200
    assert schedule_exists(aws, local_stack, conversation)
    assert agent.act(conversation, "messages", {"text": "Calling you now."}).status_code == 201
    assert agent.conversation(conversation)["status"] == "open"
    assert not schedule_exists(aws, local_stack, conversation)


def test_close_then_a_new_request_for_a_person_returns_to_open(local_stack, agent, expedia):
    thread, conversation = traveler_opens(agent, expedia, local_stack, "I want to talk to the manager")
    closed = agent.act(conversation, "close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    expedia.traveler_writes(thread, "Sorry, I still need to talk to a person")
    eventually(lambda: agent.status_of(conversation) == "open", what="back to Open")
    assert [a["type"] for a in agent.activity(conversation)][:2] == ["handed_off", "closed"]


def test_spam_and_not_spam_move_the_conversation_and_expedia_hears_of_both(local_stack, agent, expedia):
    thread, conversation = traveler_opens(agent, expedia, local_stack, "Please put me through to reception")
    assert agent.act(conversation, "spam").json()["status"] == "spam"
    assert conversation in {c["id"] for c in agent.tab("spam")}
    assert conversation not in {c["id"] for c in agent.tab("all")}
    assert agent.act(conversation, "not-spam").json()["status"] == "open"
    flags = eventually(lambda: len(expedia.sent(thread, "setMessageThreadSpamStatus")) == 2
                       and expedia.sent(thread, "setMessageThreadSpamStatus"))
    assert [f["input"]["status"] for f in flags] == ["SPAM", "NOT_SPAM"]


# -- Expedia's deliveries ---------------------------------------------------------------------

def test_a_redelivered_notification_changes_nothing(local_stack, agent, expedia, aws):
    thread = new_id("thr-e2e")
    sent = expedia.traveler_writes(thread, "Do you have parking?")
    conversation = conversation_of(local_stack, thread)
    eventually(lambda: [m["delivery"] for m in agent.messages(conversation)] == ["delivered", None],
               what="the guest's message, and the bot's answer delivered to Expedia")
    eventually(lambda: all(queue_is_empty(aws, local_stack[q]) for q in ("expedia_events_queue_url",
                                                                          "outbound_queue_url")))
    before = (agent.conversation(conversation), agent.messages(conversation), agent.activity(conversation))
    redelivered = expedia.redeliver(sent["notificationId"])
    assert redelivered["delivery"]["status"] == 202
    eventually(lambda: queue_is_empty(aws, local_stack["expedia_events_queue_url"]), what="the events queue drained")
    assert (agent.conversation(conversation), agent.messages(conversation), agent.activity(conversation)) == before


def test_a_notification_lobby_cannot_take_ends_in_the_events_dlq(local_stack, aws):
    from expedia.signature import SIGNATURE_HEADER, sign

    secret = json.loads(aws.client("secretsmanager").get_secret_value(
        SecretId=local_stack["expedia_secret_arn"])["SecretString"])
    body = json.dumps({"eventType": "MessageReceived", "creationDateTime": "2026-11-24T09:15:02Z",
                       "notificationId": new_id("ntf-e2e"), "payload": {
                           "propertyId": "99999999", "messageThreadId": "thr-x", "messageId": "msg-x"}},
                      separators=(",", ":")).encode()
    answer = requests.post(f"{local_stack['api_url']}/v1/channels/expedia/notifications", data=body, timeout=10,
                           headers={"Content-Type": "application/json",
                                    SIGNATURE_HEADER: sign(secret["callback_secret"], body)})
    assert answer.status_code == 202, answer.text
    dlq = local_stack["expedia_events_dlq_url"]
    sqs = aws.client("sqs")
    parked = eventually(lambda: sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10).get("Messages"),
                        what="the notification in the DLQ after maxReceiveCount receives")
    assert [m["Body"] for m in parked] == [body.decode()]


def test_two_holds_at_the_same_moment_end_with_one_wake_up_matching_the_hold(local_stack, agent, expedia, aws):
    _, conversation = traveler_opens(agent, expedia, local_stack, "I would like to speak to a person please")
    # Two agents' consoles, each on its own connection; warm two environments of each function first.
    consoles = [StackClient(local_stack, dict(agent.http.headers)) for _ in range(2)]
    with ThreadPoolExecutor(4) as pool:
        assert all(r.status_code == 200 for r in pool.map(lambda _: agent.get(f"/hotels/{agent.hotel}/inbox"),
                                                          range(4)))
    start = threading.Barrier(2)

    def hold(pair):
        console, hours = pair
        start.wait()
        return console.act(conversation, "hold", {"until": in_seconds(hours * 3600)})

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(hold, zip(consoles, (1, 2), strict=True)))
    assert sorted(a.status_code for a in answers) in ([200, 200], [200, 409]), [a.text for a in answers]
    assert agent.conversation(conversation)["status"] == "on_hold"
    assert pending_wake_ups(aws, local_stack, conversation) == [stored_hold_token(aws, local_stack, conversation)]


def test_a_wrong_signature_queues_nothing(local_stack):
    answer = requests.post(f"{local_stack['api_url']}/v1/channels/expedia/notifications", data=b"{}", timeout=10,
                           headers={"x-expedia-signature": "00" * 32})
    assert answer.status_code == 401


# -- the console's Cognito endpoint ------------------------------------------------------------

def cognito_call(info: dict, operation: str, body: dict) -> requests.Response:
    """A call to Cognito's user pools API on the console's origin, as the browser sends it."""
    return requests.post(info["cognito_endpoint"], data=json.dumps(body), timeout=30, headers={
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}"})


def demo_sign_in(info: dict) -> dict:
    demo = info["demo"]
    answer = cognito_call(info, "InitiateAuth", {
        "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": info["cognito_client_id"],
        "AuthParameters": {"USERNAME": demo["agent_username"], "PASSWORD": demo["agent_password"]}})
    assert answer.status_code == 200, answer.text
    return answer.json()["AuthenticationResult"]


def hotel_ids_of(aws, info: dict, username: str) -> str:
    user = aws.client("cognito-idp").admin_get_user(UserPoolId=info["cognito_user_pool_id"], Username=username)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}["custom:hotel_ids"]


def test_a_signed_in_agent_cannot_grant_herself_another_hotel_through_the_cognito_endpoint(local_stack, aws):
    username = local_stack["demo"]["agent_username"]
    before = hotel_ids_of(aws, local_stack, username)
    tokens = demo_sign_in(local_stack)
    answer = cognito_call(local_stack, "UpdateUserAttributes", {
        "AccessToken": tokens["AccessToken"],
        "UserAttributes": [{"Name": "custom:hotel_ids", "Value": f"{before},another-hotel"}]})
    assert answer.status_code == 400
    assert answer.json()["__type"] == "NotAuthorizedException" and answer.json()["message"]
    assert hotel_ids_of(aws, local_stack, username) == before


def test_nobody_can_sign_up_for_a_hotel_through_the_cognito_endpoint(local_stack, aws):
    email = f"{new_id('intruder')}@example.com"
    answer = cognito_call(local_stack, "SignUp", {
        "ClientId": local_stack["cognito_client_id"], "Username": email, "Password": "Intruder-Pass-2026!",
        "UserAttributes": [{"Name": "email", "Value": email},
                           {"Name": "custom:hotel_ids", "Value": local_stack["demo"]["hotel_id"]}]})
    assert answer.status_code == 400 and answer.json()["__type"] == "NotAuthorizedException"
    users = aws.client("cognito-idp").list_users(UserPoolId=local_stack["cognito_user_pool_id"])["Users"]
    assert email not in {a["Value"] for u in users for a in u["Attributes"] if a["Name"] == "email"}


def test_sign_in_refresh_and_sign_out_still_pass_and_the_refreshed_token_opens_the_inbox(local_stack):
    tokens = demo_sign_in(local_stack)
    refreshed = cognito_call(local_stack, "InitiateAuth", {
        "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": local_stack["cognito_client_id"],
        "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]}})
    assert refreshed.status_code == 200, refreshed.text
    agent = StackClient(local_stack, {"Authorization": f"Bearer {refreshed.json()['AuthenticationResult']['IdToken']}"})
    assert agent.get(f"/hotels/{local_stack['demo']['hotel_id']}/inbox").status_code == 200
    signed_out = cognito_call(local_stack, "GlobalSignOut", {"AccessToken": tokens["AccessToken"]})
    assert signed_out.status_code == 200, signed_out.text


@pytest.mark.parametrize("auth_flow", ["ADMIN_USER_PASSWORD_AUTH", "CUSTOM_AUTH"])
def test_only_the_consoles_auth_flows_pass_the_cognito_endpoint(local_stack, auth_flow):
    answer = cognito_call(local_stack, "InitiateAuth", {
        "AuthFlow": auth_flow, "ClientId": local_stack["cognito_client_id"], "AuthParameters": {}})
    assert answer.status_code == 400 and answer.json()["__type"] == "InvalidParameterException"


# -- scope ------------------------------------------------------------------------------------

def test_another_hotels_ids_get_403_and_404(local_stack, agent, partner):
    import subprocess
    import sys

    other = new_id("hotel")
    admin = [sys.executable, "-m", "admin", "--table", local_stack["table_name"], "--region", local_stack["region"],
             "--endpoint-url", local_stack["aws_endpoint_url"]]
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "PATH": os.environ.get("PATH", "")}
    subprocess.run(admin + ["create-hotel", "--hotel-id", other, "--name", "Other Hotel"], check=True, env=env,
                   cwd=ROOT, capture_output=True)
    created = subprocess.run(admin + ["create-partner-key", "--partner-id", "other-pms", "--name", "Other PMS",
                                      "--hotel-ids", other], check=True, env=env, cwd=ROOT, capture_output=True,
                             text=True)
    other_partner = StackClient.as_partner(local_stack, created.stdout.strip().splitlines()[-1])
    handed_in = other_partner.post(f"/hotels/{other}/inbound", json={
        "channel": "webchat", "external_conversation_id": "web-x", "external_message_id": "web-x-1",
        "sender": {"external_id": "guest-x"}, "text": "Hello, I need a person", "sent_at": in_seconds(-60)})
    assert handed_in.status_code == 202, handed_in.text
    theirs = handed_in.json()["conversation_id"]

    assert agent.get(f"/hotels/{other}/inbox").status_code == 403
    assert agent.get(f"/hotels/{other}/conversations/{theirs}").status_code == 403
    assert partner.get(f"/hotels/{other}/conversations").status_code == 403
    assert agent.get(f"/hotels/{agent.hotel}/conversations/{theirs}").status_code == 404
    assert agent.act(theirs, "close").status_code == 404
    assert other_partner.get(f"/hotels/{agent.hotel}/inbox").status_code == 403
