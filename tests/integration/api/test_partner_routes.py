"""Partners hand in guest messages (POST .../inbound) and hotels manage their bot (GET/PUT .../bot)."""

from __future__ import annotations

import random
import string

import pytest
from lobby_env import AGENT, PARTNER

from bot.samples import sample_knowledge_base
from inbox.ports import Hotel

INBOUND = "/v1/hotels/h1/inbound"


def message(**overrides) -> dict:
    body = {
        "channel": "whatsapp", "external_conversation_id": "wa-+33612345678", "external_message_id": "wamid.001",
        "sender": {"external_id": "+33612345678", "name": "Inès", "phone": "+33612345678", "language": "fr"},
        "text": "Je voudrais parler à quelqu'un de la réception", "sent_at": "2026-11-24T09:15:02Z",
    }
    body.update(overrides)
    return body


@pytest.fixture
def lumiere(store):
    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris", knowledge=sample_knowledge_base()))


def test_a_partner_hands_in_a_message_and_gets_202_with_ids(api, lumiere):
    reply = api.post(INBOUND, body=message(), as_=PARTNER)
    assert reply.status == 202
    conversation = api.get(f"/v1/hotels/h1/conversations/{reply.json['conversation_id']}").json
    assert conversation["status"] == "open" and conversation["channel"] == "whatsapp"
    listed = api.get("/v1/hotels/h1/conversations?tab=open").json["items"][0]
    assert listed["contact_name"] == "Inès"  # the list shows who wrote without opening the conversation
    assert conversation["contact"]["phone"] == "+33612345678" and conversation["contact"]["language"] == "fr"
    (stored,) = api.get(f"/v1/hotels/h1/conversations/{reply.json['conversation_id']}/messages").json["items"]
    assert stored["id"] == reply.json["message_id"] and stored["sender"] == "guest"


def test_the_same_external_message_id_again_gives_the_same_ids_and_stores_nothing(api, lumiere):
    first = api.post(INBOUND, body=message(), as_=PARTNER)
    again = api.post(INBOUND, body=message(text="a different text, same id"), as_=PARTNER)
    assert again.status == 202 and again.json == first.json
    items = api.get(f"/v1/hotels/h1/conversations/{first.json['conversation_id']}/messages").json["items"]
    assert len(items) == 1
    assert api.get("/v1/hotels/h1/inbox").json["tabs"]["open"] == 1


def test_a_known_question_is_answered_by_the_bot(api, lumiere):
    reply = api.post(INBOUND, body=message(text="Is there parking at the hotel?", external_message_id="wamid.002",
                                           sender={"external_id": "+4479"}), as_=PARTNER)
    items = api.get(f"/v1/hotels/h1/conversations/{reply.json['conversation_id']}/messages").json["items"]
    assert [m["sender"] for m in items] == ["bot", "guest"] and "car park" in items[0]["text"]
    assert items[0]["delivery"] is None  # whatsapp is not delivered by Lobby: the partner reads replies


@pytest.mark.parametrize(("change", "field"), [
    ({"text": ""}, "text"),
    ({"text": "x" * 5001}, "text"),
    ({"sent_at": "yesterday"}, "sent_at"),
    ({"sent_at": "2026-11-24T09:15:02"}, "sent_at"),
    ({"channel": "Not A Channel!"}, "channel"),
    ({"channel": "expedia"}, "channel"),
    ({"sender": {"name": "no id"}}, "external_id"),
    ({"external_message_id": ""}, "external_message_id"),
    ({"surprise": 1}, "surprise"),
])
def test_invalid_messages_are_422_with_a_readable_message(api, lumiere, change, field):
    reply = api.post(INBOUND, body=message(**change), as_=PARTNER)
    assert reply.status == 422
    assert field in reply.json["message"]


def test_a_partner_key_for_other_hotels_gets_403(api, lumiere):
    assert api.post("/v1/hotels/h2/inbound", body=message(), as_=PARTNER).status == 403


def test_an_unknown_hotel_is_404(api):
    partner_of_h3 = PARTNER  # h3 is in the key's list but no such hotel exists
    assert api.post("/v1/hotels/h3/inbound", body=message(), as_=partner_of_h3).status == 404


def test_the_bot_settings_round_trip_and_switch_the_bot_off(api, lumiere, admin):
    settings = api.get("/v1/hotels/h1/bot").json
    assert settings["enabled"] is True and len(settings["entries"]) >= 12
    settings["enabled"] = False
    assert api.call("PUT", "/v1/hotels/h1/bot", body=settings, as_=admin).json["enabled"] is False
    from wiring.container import inbox

    inbox()._hotels.clear()  # the switch reaches warm functions within 30 s; this one now
    reply = api.post(INBOUND, body=message(text="Is there parking at the hotel?", external_message_id="wamid.9"),
                     as_=PARTNER)
    entry = api.get(f"/v1/hotels/h1/conversations/{reply.json['conversation_id']}/activity").json["items"][0]
    assert entry["reason"] == "bot_disabled"


def test_bad_bot_settings_are_422_and_another_hotel_403(api, lumiere, admin):
    assert api.call("PUT", "/v1/hotels/h1/bot", body={"enabled": "maybe"}, as_=admin).status == 422
    assert api.call("PUT", "/v1/hotels/h1/bot", body={"enabled": True, "entries": [{"id": "x"}]},
                    as_=admin).status == 422
    assert api.get("/v1/hotels/h2/bot", as_=AGENT).status == 403
    assert api.call("PUT", "/v1/hotels/h2/bot", body={"enabled": False}, as_=admin).status == 403


@pytest.mark.parametrize("caller", ["partner", "agent"])
def test_only_admins_may_replace_the_bot_so_a_partner_key_cannot_wipe_the_knowledge_base(api, lumiere, caller):
    before = api.get("/v1/hotels/h1/bot").json

    reply = api.call("PUT", "/v1/hotels/h1/bot", body={"enabled": False}, as_=PARTNER if caller == "partner" else AGENT)

    assert reply.status == 403 and "admins" in reply.json["message"]
    assert api.get("/v1/hotels/h1/bot").json == before  # switch and knowledge base untouched


def test_an_admin_may_replace_the_bot(api, lumiere, admin):
    reply = api.call("PUT", "/v1/hotels/h1/bot", body={"enabled": True, "entries": []}, as_=admin)

    assert reply.status == 200 and reply.json["entries"] == []
    assert api.get("/v1/hotels/h1/bot").json["entries"] == []


def test_the_knowledge_base_the_store_cannot_keep_is_413_with_its_message(api, lumiere, admin):
    # Within the route's 1 MiB but beyond what the hotel item can hold once compressed:
    # random letters barely compress (about 4.7 bits a character), so ~800 KB stays ~470 KB.
    rng = random.Random(10)

    def words() -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(2000))

    entries = [{"id": f"e{i}", "topic": "t", "questions": ["q"], "answers": {"en": words(), "fr": words()}}
               for i in range(200)]
    before = api.get("/v1/hotels/h1/bot").json

    reply = api.call("PUT", "/v1/hotels/h1/bot", body={"enabled": True, "entries": entries}, as_=admin)

    assert reply.status == 413 and "at most 350 KB" in reply.json["message"]
    assert api.get("/v1/hotels/h1/bot").json == before  # nothing half-written


def test_the_hotel_profile_gives_its_time_zone(api, lumiere):
    reply = api.get("/v1/hotels/h1")
    assert reply.status == 200
    assert reply.json == {"id": "h1", "name": "Hôtel Lumière", "timezone": "Europe/Paris", "bot_enabled": True,
                          "expedia_property_id": None, "reply_target_minutes": None, "retention_days": 730}
    assert api.get("/v1/hotels/h2").status == 403
