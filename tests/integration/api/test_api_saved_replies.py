"""Saved replies through the API on moto: admins manage the library, agents list and render, partners neither;
a reply renders in the guest's language with Babel's dates; an unknown variable is refused when saved."""

from __future__ import annotations

import pytest
from lobby_env import PARTNER

from inbox.ports import Hotel

CHECKIN = {"title": "Check-in", "shortcut": "checkin",
           "texts": {"fr": "Bonjour {guest.first_name|Madame, Monsieur}, votre arrivée le {reservation.check_in} "
                           "est confirmée. {agent.name}, {hotel.name}",
                     "en": "Hello {guest.first_name}, see you on {reservation.check_in}."}}


@pytest.fixture
def guest(api, team, store):
    """A French guest with a booking, handed in by a partner (open: she asked for a person)."""
    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris"))
    store.put_hotel(Hotel("h2", "Hotel Aurora", "Europe/Berlin"))
    reply = api.post("/v1/hotels/h1/inbound", as_=PARTNER, body={
        "channel": "webchat", "external_conversation_id": "web-durand", "external_message_id": "m1",
        "sender": {"external_id": "durand", "name": "Camille Durand", "language": "fr",
                   "reservations": [{"reservation_id": "RES-778", "check_in": "2026-11-24",
                                     "check_out": "2026-11-27"}]},
        "text": "Bonjour, je voudrais parler à quelqu'un", "sent_at": "2026-11-20T09:00:00Z", "wants_human": True})
    assert reply.status == 202, reply.json
    return reply.json["conversation_id"]


def test_an_admin_saves_a_reply_and_an_agent_renders_it_in_french(api, team, guest):
    saved = api.put("/v1/hotels/h1/replies/r-checkin", body=CHECKIN, as_=team["camille"])
    assert saved.status == 200, saved.json
    assert saved.json == {"id": "r-checkin", **CHECKIN}

    listed = api.get("/v1/hotels/h1/replies", as_=team["ben"])
    assert listed.status == 200 and listed.json["items"] == [{"id": "r-checkin", **CHECKIN}]

    rendered = api.post(f"/v1/hotels/h1/conversations/{guest}/replies/r-checkin/render", as_=team["ben"])
    assert rendered.status == 200, rendered.json
    assert rendered.json == {"text": "Bonjour Camille, votre arrivée le 24 novembre 2026 est confirmée. "
                                     "Ben Martin, Hôtel Lumière", "language": "fr", "missing": []}


def test_a_missing_value_without_fallback_is_listed(api, team, store, hotels, opened):
    body = {"title": "Booking", "shortcut": "booking", "texts": {"en": "Your booking {reservation.id}."}}
    assert api.put("/v1/hotels/h1/replies/r-booking", body=body, as_=team["camille"]).status == 200
    rendered = api.post("/v1/hotels/h1/conversations/c1/replies/r-booking/render", as_=team["ana"]).json
    assert rendered == {"text": "Your booking .", "language": "en", "missing": ["reservation.id"]}


@pytest.mark.parametrize(("texts", "said"), [
    ({"fr": "Bonjour {guest.nickname}"}, "unknown variable {guest.nickname}"),
    ({"fr": "Bonjour {guest.name"}, "brace"),
])
def test_a_reply_that_cannot_render_is_refused_with_422(api, team, hotels, texts, said):
    reply = api.put("/v1/hotels/h1/replies/r1", body={"title": "Hi", "shortcut": "hi", "texts": texts},
                    as_=team["camille"])
    assert reply.status == 422, reply.json
    assert said in reply.json["message"]
    assert api.get("/v1/hotels/h1/replies", as_=team["camille"]).json["items"] == []


def test_the_shape_of_a_reply_is_checked(api, team, hotels):
    for body in ({"title": "", "shortcut": "x", "texts": {"fr": "a"}},
                 {"title": "T", "shortcut": "Not A Word", "texts": {"fr": "a"}},
                 {"title": "T", "shortcut": "t", "texts": {}},
                 {"title": "T", "shortcut": "t", "texts": {"french": "a"}},
                 {"title": "T", "shortcut": "t", "texts": {"fr": "a"}, "id": "r9"}):
        assert api.put("/v1/hotels/h1/replies/r1", body=body, as_=team["camille"]).status == 422, body


def test_a_taken_shortcut_is_refused(api, team, hotels):
    assert api.put("/v1/hotels/h1/replies/r1", body=CHECKIN, as_=team["camille"]).status == 200
    reply = api.put("/v1/hotels/h1/replies/r2", body=CHECKIN, as_=team["camille"])
    assert reply.status == 422 and "shortcut" in reply.json["message"]


def test_only_admins_write_and_partners_do_not_even_read(api, team, hotels, opened):
    assert api.put("/v1/hotels/h1/replies/r1", body=CHECKIN, as_=team["camille"]).status == 200
    for caller in (team["ben"], PARTNER):
        assert api.put("/v1/hotels/h1/replies/r1", body={**CHECKIN, "title": "Mine"}, as_=caller).status == 403
        assert api.call("DELETE", "/v1/hotels/h1/replies/r1", as_=caller).status == 403
    refused = api.put("/v1/hotels/h1/replies/r1", body=CHECKIN, as_=team["ben"])
    assert "admins" in refused.json["message"]
    assert api.get("/v1/hotels/h1/replies", as_=PARTNER).status == 403
    assert api.get("/v1/hotels/h1/replies", as_=team["ben"]).json["items"][0]["title"] == "Check-in"


def test_delete_then_404(api, team, hotels, opened):
    assert api.put("/v1/hotels/h1/replies/r1", body=CHECKIN, as_=team["camille"]).status == 200
    deleted = api.call("DELETE", "/v1/hotels/h1/replies/r1", as_=team["camille"])
    assert deleted.status == 204 and deleted.body is None
    assert api.call("DELETE", "/v1/hotels/h1/replies/r1", as_=team["camille"]).status == 404
    assert api.post("/v1/hotels/h1/conversations/c1/replies/r1/render", as_=team["ben"]).status == 404
    assert api.get("/v1/hotels/h1/replies", as_=team["ben"]).json["items"] == []


def test_another_hotels_replies_are_out_of_reach(api, team, hotels):
    assert api.put("/v1/hotels/h2/replies/r1", body=CHECKIN, as_=team["camille"]).status == 403
    assert api.get("/v1/hotels/h2/replies", as_=team["ben"]).status == 403
