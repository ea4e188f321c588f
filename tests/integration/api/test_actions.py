"""What agents and partners do to a conversation over HTTP, and the holds that wake up by themselves."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from api_harness import LambdaContext
from lobby_env import GROUP, PARTNER, WAKE_UP_ARN

from scheduling.eventbridge import schedule_name

C1 = "/v1/hotels/h1/conversations/c1"


def in_an_hour() -> str:
    return (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def schedules(region) -> list[dict]:
    client = boto3.client("scheduler", region_name=region)
    return [client.get_schedule(Name=s["Name"], GroupName=GROUP)
            for s in client.list_schedules(GroupName=GROUP)["Schedules"]]


def jobs(queue_url, region) -> list[dict]:
    sqs = boto3.client("sqs", region_name=region)
    found = []
    while True:
        batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return found
        found += [json.loads(m["Body"]) for m in batch]


def wake(token: str, conversation_id: str = "c1") -> dict:
    from wake_up.handler import handler

    return handler({"hotel_id": "h1", "conversation_id": conversation_id, "hold_token": token}, LambdaContext())


# --- hold --------------------------------------------------------------------------------


def test_hold_schedules_a_one_off_wake_up(api, opened, region, store):
    until = in_an_hour()
    reply = api.post(f"{C1}/hold", body={"until": until})
    assert reply.status == 200
    assert reply.json["status"] == "on_hold" and reply.json["hold_until"] == until.replace("Z", ".000Z")
    (schedule,) = schedules(region)
    token = store.get_conversation("h1", "c1").hold_token
    assert schedule["Name"] == schedule_name("h1", "c1", token)
    assert schedule["ScheduleExpression"] == f"at({until[:-1]})"
    assert schedule["ScheduleExpressionTimezone"] == "UTC"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert schedule["ActionAfterCompletion"] == "DELETE"
    assert schedule["Target"]["Arn"] == WAKE_UP_ARN
    assert schedule["Target"]["RetryPolicy"]["MaximumRetryAttempts"] > 0
    assert schedule["Target"]["DeadLetterConfig"]["Arn"].endswith("lobby-scheduler-dlq")
    assert json.loads(schedule["Target"]["Input"]) == {"hotel_id": "h1", "conversation_id": "c1", "hold_token": token}


def test_a_new_hold_replaces_the_old_schedule(api, opened, region):
    api.post(f"{C1}/hold", body={"until": in_an_hour()})
    later = (datetime.now(UTC) + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert api.post(f"{C1}/hold", body={"until": later}).status == 200
    (schedule,) = schedules(region)
    assert schedule["ScheduleExpression"] == f"at({later[:-1]})"


@pytest.mark.parametrize("until", ["2020-01-01T00:00:00Z", "2099-01-01T00:00:00Z", "2026-11-30T10:00:00", "tomorrow"])
def test_hold_outside_its_window_is_422(api, opened, region, store, until):
    reply = api.post(f"{C1}/hold", body={"until": until})
    assert reply.status == 422 and reply.json["message"]
    assert store.get_conversation("h1", "c1").status.value == "open"
    assert schedules(region) == []


def test_if_scheduling_fails_the_hold_does_not_happen(api, opened, region, store):
    boto3.client("scheduler", region_name=region).delete_schedule_group(Name=GROUP)
    reply = api.post(f"{C1}/hold", body={"until": in_an_hour()})
    assert reply.status == 503 and "not put on hold" in reply.json["message"]
    assert store.get_conversation("h1", "c1").status.value == "open"
    assert [a["type"] for a in api.get(f"{C1}/activity").json["items"]] == ["handed_off", "created"]


def test_hold_from_closed_is_409_with_the_status(api, opened):
    api.post(f"{C1}/close")
    reply = api.post(f"{C1}/hold", body={"until": in_an_hour()})
    assert reply.status == 409 and reply.json["status"] == "closed"


# --- reply ---------------------------------------------------------------------------------


def test_a_reply_on_hold_returns_to_open_and_removes_the_schedule(api, opened, region):
    api.post(f"{C1}/hold", body={"until": in_an_hour()})
    reply = api.post(f"{C1}/messages", body={"text": "Here you go"})
    assert reply.status == 201
    assert reply.json["sender"] == "agent" and reply.json["agent_id"] == "agent-ana" and reply.json["text"] == "Here you go"
    assert api.get(C1).json["status"] == "open"
    assert schedules(region) == []
    assert api.get("/v1/hotels/h1/inbox").json["tabs"]["on_hold"] == 0


def test_a_reply_on_a_channel_that_delivers_is_pending_and_queued(api, expedia_conversation, outbound_queue, region):
    reply = api.post("/v1/hotels/h1/conversations/cx/messages", body={"text": "Bonjour !"})
    assert reply.status == 201 and reply.json["delivery"] == "pending"
    (job,) = jobs(outbound_queue, region)
    assert job["type"] == "reply" and job["message_id"] == reply.json["id"]
    assert job["channel"] == "expedia" and job["external_conversation_id"] == "thr-42"


def test_a_reply_on_webchat_has_no_delivery_and_no_job(api, opened, outbound_queue, region):
    reply = api.post(f"{C1}/messages", body={"text": "Hi"})
    assert reply.json["delivery"] is None
    assert jobs(outbound_queue, region) == []


def test_an_agent_reply_takes_over_from_the_bot(api, store, hotels, now):
    from conversations_helpers import create

    create(store, "h1", "cb", now)
    assert api.post("/v1/hotels/h1/conversations/cb/messages", body={"text": "Hello, I'm Ana"}).status == 201
    conversation = api.get("/v1/hotels/h1/conversations/cb").json
    assert conversation["status"] == "open" and conversation["automated"] is False


@pytest.mark.parametrize("body", [{"text": ""}, {"text": "   "}, {"text": "x" * 5001}, {}, {"txt": "hi"}])
def test_bad_replies_are_422(api, opened, body):
    reply = api.post(f"{C1}/messages", body=body)
    assert reply.status == 422 and reply.json["message"]


def test_a_body_that_is_not_json_is_a_clear_4xx(api, opened):
    reply = api.post(f"{C1}/messages", raw_body="text=hello")
    assert reply.status in (400, 422) and reply.json["message"]


def test_a_reply_on_spam_is_409(api, opened):
    api.post(f"{C1}/spam")
    reply = api.post(f"{C1}/messages", body={"text": "hi"})
    assert reply.status == 409 and reply.json["status"] == "spam"


# --- close, reopen, spam -------------------------------------------------------------------------


def test_close_reopen_spam_not_spam(api, opened):
    closed = api.post(f"{C1}/close")
    assert closed.status == 200 and closed.json["status"] == "closed" and closed.json["bot_enabled"] is True
    assert api.post(f"{C1}/close").status == 409
    assert api.post(f"{C1}/reopen").json["status"] == "open"
    assert api.post(f"{C1}/reopen").status == 409
    assert api.post(f"{C1}/spam").json["status"] == "spam"
    assert api.get("/v1/hotels/h1/inbox").json["tabs"] == {"open": 0, "on_hold": 0, "closed": 0, "spam": 1, "all": 0}
    assert api.post(f"{C1}/not-spam").json["status"] == "open"
    assert api.post(f"{C1}/not-spam").status == 409
    types = [a["type"] for a in api.get(f"{C1}/activity").json["items"]]
    assert types == ["unmarked_spam", "marked_spam", "reopened", "closed", "handed_off", "created"]


def test_a_partner_acts_and_is_named_in_the_activity(api, opened):
    assert api.post(f"{C1}/close", as_=PARTNER).status == 200
    entry = api.get(f"{C1}/activity").json["items"][0]
    assert entry["actor"] == {"type": "partner", "id": "partner-pms", "name": "PMS Partner"}


def test_spam_on_expedia_tells_expedia(api, expedia_conversation, outbound_queue, region):
    api.post("/v1/hotels/h1/conversations/cx/spam")
    api.post("/v1/hotels/h1/conversations/cx/not-spam")
    assert [(j["type"], j["spam"]) for j in jobs(outbound_queue, region)] == [("spam_status", True), ("spam_status", False)]


def test_closing_a_held_conversation_cancels_its_wake_up(api, opened, region):
    api.post(f"{C1}/hold", body={"until": in_an_hour()})
    assert api.post(f"{C1}/close").status == 200
    assert schedules(region) == []


# --- wake-up ---------------------------------------------------------------------------------------


def test_a_wake_up_with_the_current_token_opens_with_a_woken_entry(api, opened, store):
    api.post(f"{C1}/hold", body={"until": in_an_hour()})
    token = store.get_conversation("h1", "c1").hold_token
    assert wake(token) == {"woken": True, "status": "open"}
    entry = api.get(f"{C1}/activity").json["items"][0]
    assert entry["type"] == "woken" and entry["actor"]["type"] == "system" and entry["from_status"] == "on_hold"
    assert api.get("/v1/hotels/h1/inbox").json["tabs"]["open"] == 1


def test_a_repeated_wake_up_changes_nothing(api, opened, store):
    api.post(f"{C1}/hold", body={"until": in_an_hour()})
    token = store.get_conversation("h1", "c1").hold_token
    wake(token)
    before = store.get_conversation("h1", "c1")
    assert wake(token)["woken"] is False
    assert store.get_conversation("h1", "c1") == before
    assert [a["type"] for a in api.get(f"{C1}/activity").json["items"]].count("woken") == 1


def test_a_wake_up_of_an_older_hold_changes_nothing(api, opened, store):
    api.post(f"{C1}/hold", body={"until": in_an_hour()})
    old = store.get_conversation("h1", "c1").hold_token
    api.post(f"{C1}/hold", body={"until": in_an_hour()})
    result = wake(old)
    assert result == {"woken": False, "reason": "wake-up of an older hold"}
    assert store.get_conversation("h1", "c1").status.value == "on_hold"


def test_a_wake_up_of_a_closed_conversation_changes_nothing(api, opened, store):
    api.post(f"{C1}/hold", body={"until": in_an_hour()})
    token = store.get_conversation("h1", "c1").hold_token
    api.post(f"{C1}/close")
    assert wake(token)["woken"] is False
    assert store.get_conversation("h1", "c1").status.value == "closed"


def test_a_malformed_or_unknown_wake_up_is_ignored_safely(api, hotels):
    from wake_up.handler import handler

    assert handler({"hotel_id": "h1"}, LambdaContext()) == {"woken": False, "reason": "malformed input"}
    assert wake("tok", conversation_id="ghost") == {"woken": False, "reason": "conversation not found"}
