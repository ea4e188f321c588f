"""The team's routes on moto: the hotel's agents from the user pool, assignment (and its race), notes and
mentions, read marks, "start replying" (resume), and what a partner key may not do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
from api_team_helpers import activity_types
from lobby_env import PARTNER

C1 = "/v1/hotels/h1/conversations/c1"
OPENED = ["handed_off", "created"]  # what the `opened` fixture wrote


def test_the_agents_of_the_hotel_come_from_its_cognito_group(api, team, hotels):
    reply = api.get("/v1/hotels/h1/agents", as_=team["ben"])
    assert reply.status == 200, reply.json
    listed = sorted((a["name"], a["email"], a["role"]) for a in reply.json["items"])
    assert listed == [("Ana Lima", "ana@lumiere.example", "agent"), ("Ben Martin", "ben@lumiere.example", "agent"),
                      ("Camille Laurent", "camille@lumiere.example", "admin")]  # Olaf works for h2
    assert {a["id"] for a in reply.json["items"]} == {team.id("ana"), team.id("ben"), team.id("camille")}


def test_a_partner_key_may_not_use_the_teams_routes(api, team, opened):
    for method, target, body in [("GET", "/v1/hotels/h1/agents", None),
                                 ("POST", f"{C1}/assign", {"agent_id": None}),
                                 ("POST", f"{C1}/notes", {"text": "hello"}),
                                 ("GET", "/v1/hotels/h1/mentions", None),
                                 ("POST", f"{C1}/resume", None),
                                 ("POST", f"{C1}/read", None),
                                 ("GET", "/v1/hotels/h1/replies", None),
                                 ("POST", f"{C1}/replies/r1/render", None)]:
        reply = api.call(method, target, body=body, as_=PARTNER)
        assert reply.status == 403, (target, reply.json)
        assert "partner key" in reply.json["message"]
    assert activity_types(api, "h1", "c1", PARTNER) == OPENED


def test_assign_unassign_and_the_same_assignee_again(api, team, opened):
    ben = team["ben"]
    reply = api.post(f"{C1}/assign", body={"agent_id": team.id("ana")}, as_=ben)
    assert reply.status == 200, reply.json
    assert reply.json["assignee"] == {"id": team.id("ana"), "name": "Ana Lima"}
    assert "assign" in reply.json["allowed_actions"] and "note" in reply.json["allowed_actions"]

    again = api.post(f"{C1}/assign", body={"agent_id": team.id("ana")}, as_=ben)
    assert again.status == 200 and again.json["assignee"]["id"] == team.id("ana")
    assert activity_types(api, "h1", "c1", ben) == ["assigned", *OPENED]  # the same assignee: no entry

    gone = api.post(f"{C1}/assign", body={"agent_id": None}, as_=ben)
    assert gone.status == 200 and gone.json["assignee"] is None
    (entry, *_) = api.get(f"{C1}/activity", as_=ben).json["items"]
    assert entry["type"] == "unassigned" and entry["actor"]["id"] == team.id("ben")
    assert entry["details"]["previous"] == {"id": team.id("ana"), "name": "Ana Lima"}
    assert entry["from_status"] == entry["to_status"] == "open"


def test_an_agent_of_another_hotel_or_a_stranger_is_refused_with_422(api, team, opened):
    for agent_id in (team.id("olaf"), "nobody-at-all"):
        reply = api.post(f"{C1}/assign", body={"agent_id": agent_id}, as_=team["ben"])
        assert reply.status == 422, reply.json
        assert "does not work for this hotel" in reply.json["message"]
    assert api.get(C1, as_=team["ben"]).json["assignee"] is None
    assert activity_types(api, "h1", "c1", team["ben"]) == OPENED


def test_spam_cannot_be_assigned(api, team, opened):
    api.post(f"{C1}/spam", as_=team["ben"])
    reply = api.post(f"{C1}/assign", body={"agent_id": team.id("ben")}, as_=team["ben"])
    assert reply.status == 409 and reply.json["status"] == "spam"


def test_two_agents_assign_at_once_one_wins_the_other_gets_409_with_the_winner(api, team, opened, monkeypatch):
    """Both read the conversation at the same version; Ben's commit lands first; Ana's, on the stale
    version, loses: 409 naming Ben, and the activity shows one assignment."""
    from wiring.container import store as live_store

    store = live_store()
    stale = store.get_conversation("h1", "c1")
    first = api.post(f"{C1}/assign", body={"agent_id": team.id("ben")}, as_=team["ben"])
    assert first.status == 200, first.json

    real_get = store.get_conversation
    reads = []

    def read_stale_once(hotel_id, conversation_id):
        reads.append(conversation_id)
        return stale if len(reads) == 1 else real_get(hotel_id, conversation_id)

    monkeypatch.setattr(store, "get_conversation", read_stale_once)
    second = api.post(f"{C1}/assign", body={"agent_id": team.id("ana")}, as_=team["ana"])
    monkeypatch.undo()

    assert second.status == 409, second.json
    assert second.json["status"] == "open"
    assert second.json["assignee"] == {"id": team.id("ben"), "name": "Ben Martin"}
    assert "Ben Martin" in second.json["message"]
    assert api.get(C1, as_=team["ana"]).json["assignee"]["id"] == team.id("ben")
    assert activity_types(api, "h1", "c1", team["ana"]) == ["assigned", *OPENED]


def test_a_note_with_a_mention_reaches_the_others_mentions_and_is_never_sent(api, team, opened, outbound_queue,
                                                                               region):
    ben, ana = team["ben"], team["ana"]
    before = api.get(C1, as_=ben).json
    reply = api.post(f"{C1}/notes", body={"text": "@Ana Lima can you call her back?"}, as_=ben)
    assert reply.status == 201, reply.json
    note = reply.json
    assert note["internal"] is True and note["sender"] == "agent" and note["delivery"] is None
    assert note["mentions"] == [team.id("ana")] and note["agent_id"] == team.id("ben")

    after = api.get(C1, as_=ben).json
    assert after["status"] == "open"
    assert after["last_message_preview"] == before["last_message_preview"]
    assert after["last_message_at"] == before["last_message_at"]
    assert activity_types(api, "h1", "c1", ben) == OPENED  # a note is no activity
    assert after["unread"] is False  # its author read it
    assert api.get(C1, as_=ana).json["unread"] is True
    sqs = boto3.client("sqs", region_name=region)
    assert "Messages" not in sqs.receive_message(QueueUrl=outbound_queue, WaitTimeSeconds=0)

    mentions = api.get("/v1/hotels/h1/mentions", as_=ana)
    assert mentions.status == 200
    assert [c["id"] for c in mentions.json["items"]] == ["c1"]
    assert api.get("/v1/hotels/h1/mentions", as_=ben).json["items"] == []

    from conversations_helpers import RequestCounter

    from wiring.container import store as live_store

    counter = RequestCounter()
    counter.attach(live_store())
    assert [c["id"] for c in api.get("/v1/hotels/h1/mentions", as_=ana).json["items"]] == ["c1"]
    assert counter.counts == {"Query": 1, "BatchGetItem": 1}
    counter.reset()
    read = api.post(f"{C1}/read", as_=ana)
    assert read.status == 200 and read.json == {"conversation_id": "c1", "unread": False}
    assert counter.counts == {"UpdateItem": 1}
    assert api.get(C1, as_=ana).json["unread"] is False
    timeline = api.get(f"{C1}/messages", as_=ana).json["items"]
    assert timeline[0]["internal"] is True and timeline[0]["text"].startswith("@Ana Lima")


def test_a_note_mentioning_a_stranger_is_refused_and_nothing_is_stored(api, team, opened):
    for body in ({"text": "see this", "mentions": [team.id("olaf")]}, {"text": "@Zorro please look"}):
        reply = api.post(f"{C1}/notes", body=body, as_=team["ben"])
        assert reply.status == 422, reply.json
    assert [m for m in api.get(f"{C1}/messages", as_=team["ben"]).json["items"] if m["internal"]] == []


def test_a_note_must_show_text(api, team, opened):
    for body in ({"text": "   "}, {"text": "x" * 5001}, {}):
        assert api.post(f"{C1}/notes", body=body, as_=team["ben"]).status == 422


def test_resume_brings_a_held_conversation_back_to_open_at_once(api, team, opened, schedule_group, region):
    until = (datetime.now(UTC) + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert api.post(f"{C1}/hold", body={"until": until}, as_=team["ben"]).status == 200
    scheduler = boto3.client("scheduler", region_name=region)
    assert scheduler.list_schedules(GroupName=schedule_group)["Schedules"]

    reply = api.post(f"{C1}/resume", as_=team["ben"])
    assert reply.status == 200, reply.json
    assert reply.json["status"] == "open" and reply.json["hold_until"] is None
    assert "resume" not in reply.json["allowed_actions"]
    (entry, *_) = api.get(f"{C1}/activity", as_=team["ben"]).json["items"]
    assert (entry["type"], entry["reason"], entry["from_status"], entry["to_status"]) == (
        "resumed", "agent_started_reply", "on_hold", "open")
    assert scheduler.list_schedules(GroupName=schedule_group)["Schedules"] == []

    again = api.post(f"{C1}/resume", as_=team["ben"])
    assert again.status == 200 and again.json["status"] == "open"
    assert activity_types(api, "h1", "c1", team["ben"]).count("resumed") == 1


def test_resume_on_a_closed_conversation_is_409_with_its_status(api, team, opened):
    api.post(f"{C1}/close", as_=team["ben"])
    reply = api.post(f"{C1}/resume", as_=team["ben"])
    assert reply.status == 409 and reply.json["status"] == "closed"


def test_read_of_an_unknown_conversation_is_404(api, team, hotels):
    assert api.post("/v1/hotels/h1/conversations/nope/read", as_=team["ben"]).status == 404
