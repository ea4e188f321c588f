"""The audit log through the API on moto: an admin's bot and saved-reply changes (and an operator's admin command)
appear newest first with who, what, the target and the change; pages of one Query follow their cursor; only the
hotel's admins read it; a cursor it did not give is refused; no guest's personal data is in it."""

from __future__ import annotations

import json

import pytest
from conversations_helpers import RequestCounter
from lobby_env import AGENT, PARTNER

from admin import load_knowledge
from auth.principal import Principal
from inbox.model import Actor, ActorType
from wiring import container

ADMIN_ACTOR = {"type": "agent", "id": "agent-adele", "name": "Adèle"}
ENTRY = {"id": "wifi", "topic": "wifi", "questions": ["What is the wifi password?"],
         "answers": {"en": "The code is on your key card.", "fr": "Le code est sur votre carte."}}
REPLY = {"title": "Check-in", "shortcut": "checkin", "texts": {"en": "Hello {guest.first_name}, welcome."}}
GUEST = {"external_id": "durand", "name": "Camille Durand", "email": "camille.durand@example.fr",
         "phone": "+33 6 12 34 56 78"}
GUEST_TEXT = "Bonjour, ma chambre 214 est froide"


@pytest.fixture
def guest_wrote(api, hotels):
    reply = api.post("/v1/hotels/h1/inbound", as_=PARTNER, body={
        "channel": "webchat", "external_conversation_id": "web-durand", "external_message_id": "m1",
        "sender": GUEST, "text": GUEST_TEXT, "sent_at": "2026-11-20T09:00:00Z", "wants_human": True})
    assert reply.status == 202, reply.json


def bot_body(enabled: bool, entries: list) -> dict:
    return {"enabled": enabled, "default_language": "en", "trusted_domains": [], "entries": entries}


def audit(api, as_, query: str = "") -> dict:
    reply = api.get(f"/v1/hotels/h1/audit{query}", as_=as_)
    assert reply.status == 200, reply.json
    return reply.json


def test_admin_actions_appear_newest_first_with_who_what_and_the_change(api, admin, hotels, guest_wrote):
    assert api.put("/v1/hotels/h1/bot", body=bot_body(False, [ENTRY]), as_=admin).status == 200
    assert api.put("/v1/hotels/h1/replies/r-checkin", body=REPLY, as_=admin).status == 200
    assert api.put("/v1/hotels/h1/replies/r-checkin", body={**REPLY, "title": "Arrival"}, as_=admin).status == 200
    assert api.call("DELETE", "/v1/hotels/h1/replies/r-checkin", as_=admin).status == 204

    page = audit(api, admin)

    assert page["next_cursor"] is None
    items = page["items"]
    assert [(e["action"], e["target"]) for e in items] == [
        ("reply_deleted", {"type": "reply", "id": "r-checkin"}),
        ("reply_saved", {"type": "reply", "id": "r-checkin"}),
        ("reply_saved", {"type": "reply", "id": "r-checkin"}),
        ("bot_updated", {"type": "bot", "id": "h1"}),
    ]
    assert all(e["actor"] == ADMIN_ACTOR for e in items)
    assert [e["at"] for e in items] == sorted((e["at"] for e in items), reverse=True)
    assert all(e["at"].endswith("Z") and e["id"] for e in items) and len({e["id"] for e in items}) == 4
    deleted, renamed, created, bot = (e["details"] for e in items)
    assert bot == {"enabled": {"from": True, "to": False},
                   "entries": {"from": 0, "to": 1, "added": 1, "removed": 0, "changed": 0}}
    assert created == {"title": "Check-in", "shortcut": "checkin", "languages": ["en"], "created": True}
    assert renamed == {"title": "Arrival", "shortcut": "checkin", "languages": ["en"], "changed": ["title"]}
    assert deleted == {"title": "Arrival", "shortcut": "checkin"}
    text = json.dumps(page, ensure_ascii=False)
    for personal in (GUEST["name"], "Durand", GUEST["email"], GUEST["phone"], GUEST_TEXT, "durand"):
        assert personal not in text
    assert ENTRY["answers"]["en"] not in text  # the change, not the knowledge base


def test_an_operators_admin_command_is_there_too(api, admin, hotels, store):
    operator = Actor(ActorType.OPERATOR, "ops-anne", "ops-anne")
    load_knowledge(store, "h1", actor=operator)  # python -m admin set-bot: the same use case

    (entry,) = audit(api, admin)["items"]

    assert entry["actor"] == {"type": "operator", "id": "ops-anne", "name": "ops-anne"}
    assert entry["action"] == "bot_updated" and entry["target"] == {"type": "bot", "id": "h1"}
    assert entry["details"]["entries"]["from"] == 0 and entry["details"]["entries"]["to"] > 0


def test_pages_follow_the_cursor_one_query_each(api, admin, hotels):
    for n in range(5):
        assert api.put(f"/v1/hotels/h1/replies/r{n}", body={**REPLY, "shortcut": f"s{n}"}, as_=admin).status == 200
    everything = [e["id"] for e in audit(api, admin)["items"]]
    requests = RequestCounter()
    requests.attach(container.store())

    seen, cursor, pages = [], None, 0
    while True:
        requests.reset()
        page = audit(api, admin, f"?limit=2&cursor={cursor}" if cursor else "?limit=2")
        assert requests.counts == {"Query": 1}
        seen += [e["id"] for e in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert pages == 3 and seen == everything and len(everything) == 5
    assert [e["target"]["id"] for e in audit(api, admin)["items"]] == [f"r{n}" for n in reversed(range(5))]


@pytest.mark.parametrize("caller", ["agent", "partner", "admin_of_h2"])
def test_only_the_hotels_admins_read_it(api, admin, hotels, caller):
    api.put("/v1/hotels/h1/replies/r1", body=REPLY, as_=admin)
    other_admin = Principal(Actor(ActorType.AGENT, "agent-hugo", "Hugo"), frozenset({"h2"}), role="admin")
    who = {"agent": AGENT, "partner": PARTNER, "admin_of_h2": other_admin}[caller]

    reply = api.get("/v1/hotels/h1/audit", as_=who)

    assert reply.status == 403 and "message" in reply.json
    assert "r1" not in json.dumps(reply.json)


def test_a_cursor_it_did_not_give_or_a_bad_limit_is_refused(api, admin, hotels):
    admin_of_both = Principal(admin.actor, frozenset({"h1", "h2"}), role="admin")
    for n in range(2):
        api.put(f"/v1/hotels/h2/replies/r{n}", body={**REPLY, "shortcut": f"s{n}"}, as_=admin_of_both)
    h2_cursor = api.get("/v1/hotels/h2/audit?limit=1", as_=admin_of_both).json["next_cursor"]
    assert h2_cursor

    for query in ("?cursor=not-a-cursor", f"?cursor={h2_cursor}", "?limit=0", "?limit=101", "?limit=two"):
        reply = api.get(f"/v1/hotels/h1/audit{query}", as_=admin)
        assert reply.status == 422, (query, reply.json)
        assert reply.json["message"]


def test_the_route_is_documented_with_its_errors(api):
    document = api.get("/v1/openapi.json", as_=None).json
    operation = document["paths"]["/v1/hotels/{hotel_id}/audit"]["get"]
    assert {"200", "401", "403", "422"} <= set(operation["responses"])
    assert {p["name"] for p in operation["parameters"]} >= {"hotel_id", "limit", "cursor"}
