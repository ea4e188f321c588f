"""The missed questions through the API on moto: guests' questions the bot could not answer (partner hand-ins through
the real pipeline and the default bot) listed for the hotel's admins, newest first with the agent's answer; teaching
one (201, the entry) makes the bot answer the next guest who asks it; dismissing one (204) takes it off the list;
agents, partner keys and other hotels' admins get 403, an unknown group 404, a taught one 409, a bad body 422; the
OpenAPI document describes the three routes."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from lobby_env import AGENT, PARTNER

from auth.principal import Principal
from inbox.inbound import GuestProfile, InboundMessage
from inbox.model import Actor, ActorType

GYM = "Do you have a gym?"
GYM_AGAIN = "A gym: do you have one??"
HELIPAD = "Is there a helipad for my private jet?"
OTHER_ADMIN = Principal(Actor(ActorType.AGENT, "agent-otto", "Otto"), frozenset({"h2"}), role="admin")
BASE = "/v1/hotels/h1/missed-questions"
_n = itertools.count(1)


def hand_in(api, text):
    n = next(_n)
    reply = api.post("/v1/hotels/h1/inbound", as_=PARTNER, body={
        "channel": "webchat", "external_conversation_id": f"web-{n}", "external_message_id": f"m-{n}",
        "sender": {"external_id": f"guest-{n}", "name": "Inès Moreau"}, "text": text,
        "sent_at": (datetime.now(UTC) - timedelta(minutes=30) + timedelta(seconds=n)).isoformat()})
    assert reply.status == 202, reply.json
    return reply.json["conversation_id"]


def conversation(api, conversation_id):
    reply = api.get(f"/v1/hotels/h1/conversations/{conversation_id}", as_=AGENT)
    assert reply.status == 200, reply.json
    return reply.json


def listed(api, admin, query=""):
    reply = api.get(f"{BASE}{query}", as_=admin)
    assert reply.status == 200, reply.json
    return reply.json


@pytest.fixture
def missed(api, hotels):
    """Two guests asked for a gym, one for a helipad; an agent answered the first."""
    first = hand_in(api, GYM)
    assert conversation(api, first)["status"] == "open"
    reply = api.post(f"/v1/hotels/h1/conversations/{first}/messages", as_=AGENT,
                     body={"text": "Yes, on the 2nd floor, from 6:00 to 22:00."})
    assert reply.status == 201, reply.json
    hand_in(api, GYM_AGAIN)
    hand_in(api, HELIPAD)


def test_admins_see_the_groups_newest_first_with_the_agents_answer(api, admin, missed):
    page = listed(api, admin)

    assert page["next_cursor"] is None
    helipad, gym = page["items"]
    assert (helipad["question"], helipad["count"], helipad["language"], helipad["answer"]) == (HELIPAD, 1, "en", None)
    assert (gym["question"], gym["count"], gym["language"]) == (GYM_AGAIN, 2, "en")
    assert gym["answer"]["text"] == "Yes, on the 2nd floor, from 6:00 to 22:00." and gym["answer"]["agent"] == "Ana"
    assert gym["answer"]["at"].endswith("Z") and gym["last_asked_at"] < helipad["last_asked_at"]
    assert set(gym) == {"id", "language", "question", "count", "last_asked_at", "answer"}

    first = listed(api, admin, "?limit=1")
    second = listed(api, admin, f"?limit=1&cursor={first['next_cursor']}")
    assert [g["id"] for g in first["items"] + second["items"]] == [helipad["id"], gym["id"]]


def test_teaching_a_group_makes_the_bot_answer_the_next_guest(api, admin, missed):
    gym = next(g for g in listed(api, admin)["items"] if g["count"] == 2)

    reply = api.post(f"{BASE}/{gym['id']}/teach", as_=admin, body={"answers": {"en": "Yes: 2nd floor, 6:00-22:00.",
                                                                               "fr": "Oui : 2e étage."}})

    assert reply.status == 201, reply.json
    assert reply.json == {"group_id": gym["id"], "entry": {
        "id": f"missed-{gym['id']}", "topic": GYM_AGAIN, "questions": [GYM_AGAIN],
        "answers": {"en": "Yes: 2nd floor, 6:00-22:00.", "fr": "Oui : 2e étage."}}}
    assert gym["id"] not in {g["id"] for g in listed(api, admin)["items"]}
    bot = api.get("/v1/hotels/h1/bot", as_=admin).json
    assert [e["id"] for e in bot["entries"]] == [f"missed-{gym['id']}"]
    audit = api.get("/v1/hotels/h1/audit", as_=admin).json["items"]
    assert audit[0]["action"] == "bot_updated"

    asked = hand_in(api, GYM)  # the next guest, through the real pipeline and the default bot

    shown = conversation(api, asked)
    assert shown["status"] == "bot"
    messages = api.get(f"/v1/hotels/h1/conversations/{asked}/messages", as_=AGENT).json["items"]
    assert [m["text"] for m in messages] == ["Yes: 2nd floor, 6:00-22:00.", GYM]

    again = api.post(f"{BASE}/{gym['id']}/teach", as_=admin, body={"answers": {"en": "Other."}})
    assert again.status == 409, again.json


def test_the_admin_edits_topic_and_questions(api, admin, missed):
    helipad = listed(api, admin)["items"][0]

    reply = api.post(f"{BASE}/{helipad['id']}/teach", as_=admin, body={
        "answers": {"en": "No helipad, sorry."}, "topic": "Helipad", "questions": ["helipad?", "Can I land a jet?"]})

    assert reply.status == 201, reply.json
    assert reply.json["entry"]["topic"] == "Helipad" and reply.json["entry"]["questions"] == ["helipad?",
                                                                                               "Can I land a jet?"]


def test_dismissing_takes_a_group_off_the_list(api, admin, missed):
    helipad, gym = listed(api, admin)["items"]

    reply = api.call("DELETE", f"{BASE}/{helipad['id']}", as_=admin)

    assert reply.status == 204
    assert [g["id"] for g in listed(api, admin)["items"]] == [gym["id"]]
    assert api.call("DELETE", f"{BASE}/{helipad['id']}", as_=admin).status == 204  # already off: nothing changes
    entry = api.get("/v1/hotels/h1/audit", as_=admin).json["items"][0]
    assert (entry["action"], entry["target"]) == ("missed_question_dismissed",
                                                  {"type": "missed_question", "id": helipad["id"]})
    assert HELIPAD not in str(entry)


@pytest.mark.parametrize("who", ["agent", "partner", "other_admin"])
def test_only_the_hotels_admins_may_see_teach_or_dismiss(api, admin, missed, who):
    caller = {"agent": AGENT, "partner": PARTNER, "other_admin": OTHER_ADMIN}[who]
    group = listed(api, admin)["items"][0]

    assert api.get(BASE, as_=caller).status == 403
    assert api.post(f"{BASE}/{group['id']}/teach", as_=caller, body={"answers": {"en": "x"}}).status == 403
    assert api.call("DELETE", f"{BASE}/{group['id']}", as_=caller).status == 403

    assert listed(api, admin)["items"][0] == group
    assert api.get("/v1/hotels/h1/bot", as_=admin).json["entries"] == []


def test_an_unknown_group_and_another_hotels_are_404(api, admin, missed):
    from wiring.container import inbox

    inbox().receive(InboundMessage("h2", "webchat", "web-h2", "m-1", "Do you have a sauna?", datetime.now(UTC),
                                   GuestProfile("guest-h2", "Lou")))
    (theirs,) = inbox().missed_questions("h2", 10, None).items
    for unknown in ("en-0123456789abcdef", theirs.id):
        reply = api.post(f"{BASE}/{unknown}/teach", as_=admin, body={"answers": {"en": "x"}})
        assert reply.status == 404 and reply.json["message"]
        assert api.call("DELETE", f"{BASE}/{unknown}", as_=admin).status == 404
    assert inbox().missed_questions("h2", 10, None).items == [theirs]


@pytest.mark.parametrize("body", [
    {}, {"answers": {}}, {"answers": {"en": ""}}, {"answers": {"en": "   "}}, {"answers": {"english": "Yes"}},
    {"answers": {"en": "x" * 2001}}, {"answers": {"en": "Yes"}, "topic": ""}, {"answers": {"en": "Yes"}, "questions": []},
    {"answers": {"en": "Yes"}, "questions": ["q" * 501]}, {"answers": {"en": "Yes"}, "colour": "red"},
    {"answers": ["Yes"]},
])
def test_a_bad_body_is_422_and_nothing_is_taught(api, admin, missed, body):
    group = listed(api, admin)["items"][0]

    reply = api.post(f"{BASE}/{group['id']}/teach", as_=admin, body=body)

    assert reply.status == 422, reply.json
    assert reply.json["message"]
    assert listed(api, admin)["items"][0] == group and api.get("/v1/hotels/h1/bot", as_=admin).json["entries"] == []


@pytest.mark.parametrize("query", ["?limit=0", "?limit=101", "?cursor=not-one-of-ours"])
def test_a_bad_page_is_422(api, admin, missed, query):
    assert api.get(f"{BASE}{query}", as_=admin).status == 422


def test_a_malformed_group_id_is_422(api, admin, missed):
    assert api.call("DELETE", f"{BASE}/EN-xyz", as_=admin).status == 422


def test_the_openapi_document_describes_the_routes(api):
    paths = api.get("/v1/openapi.json", as_=None).json["paths"]
    routes = {("get", "/v1/hotels/{hotel_id}/missed-questions"): {"200", "401", "403", "422"},
              ("post", "/v1/hotels/{hotel_id}/missed-questions/{group_id}/teach"):
                  {"201", "400", "401", "403", "404", "409", "413", "415", "422"},
              ("delete", "/v1/hotels/{hotel_id}/missed-questions/{group_id}"): {"204", "401", "403", "404", "422"}}
    for (method, path), statuses in routes.items():
        operation = paths[path][method]
        assert set(operation["responses"]) == statuses, (method, path)
        assert operation["security"] == [{"cognito": []}]
        assert "admins only" in operation["summary"]
    listing = paths["/v1/hotels/{hotel_id}/missed-questions"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"hotel_id", "limit", "cursor"}
