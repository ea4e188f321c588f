"""Search through the API on moto: a guest found by name word prefix (case and accents aside), email, phone,
reservation id and thread id; one Query a lookup and one BatchGetItem, never a Scan; q of 1 or 500: 422."""

from __future__ import annotations

import pytest
from conversations_helpers import RequestCounter
from lobby_env import PARTNER

from inbox.ports import Hotel


def hand_in(api, n: int, name: str, **sender) -> str:
    reply = api.post("/v1/hotels/h1/inbound", as_=PARTNER, body={
        "channel": "whatsapp", "external_conversation_id": f"wa-thread-{n}", "external_message_id": f"m{n}",
        "sender": {"external_id": f"g{n}", "name": name, **sender}, "text": "Bonjour",
        "sent_at": f"2026-11-20T09:0{n}:00Z", "wants_human": True})
    assert reply.status == 202, reply.json
    return reply.json["conversation_id"]


@pytest.fixture
def guests(api, team, store):
    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris"))
    durand = hand_in(api, 1, "Camille Durand", email="Camille.Durand@example.fr", phone="+33 6 12 34 56 78",
                     reservations=[{"reservation_id": "RES-778", "check_in": "2026-11-24"}])
    muller = hand_in(api, 2, "Jürgen Müller", email="jm@example.de")
    return {"durand": durand, "muller": muller}


@pytest.mark.parametrize(("q", "who"), [
    ("durand", "durand"), ("CAM dur", "durand"), ("camille.durand@example.fr", "durand"),
    ("0612345678", "durand"), ("+33612345678", "durand"), ("res-778", "durand"), ("WA-THREAD-1", "durand"),
    ("muller", "muller"), ("Jür", "muller"), ("jurgen mül", "muller"),
])
def test_a_guest_is_found(api, team, guests, q, who):
    reply = api.get(f"/v1/hotels/h1/search?q={q.replace('+', '%2B').replace(' ', '%20')}", as_=team["ben"])
    assert reply.status == 200, reply.json
    assert [c["id"] for c in reply.json["items"]] == [guests[who]]
    assert "allowed_actions" in reply.json["items"][0]


def test_nothing_found_is_an_empty_list(api, team, guests):
    assert api.get("/v1/hotels/h1/search?q=zebra", as_=team["ben"]).json == {"items": []}


def test_partners_may_search(api, team, guests):
    reply = api.get("/v1/hotels/h1/search?q=durand", as_=PARTNER)
    assert reply.status == 200 and [c["id"] for c in reply.json["items"]] == [guests["durand"]]
    assert "note" not in reply.json["items"][0]["allowed_actions"]


@pytest.mark.parametrize("q", ["a", "x" * 500, "%20%20a%20%20", ""])
def test_a_query_too_short_or_too_long_is_422(api, team, guests, q):
    reply = api.get(f"/v1/hotels/h1/search?q={q}", as_=team["ben"])
    assert reply.status == 422, reply.json
    assert "q" in reply.json["message"]


def test_search_reads_one_query_a_lookup_and_one_batch(api, team, guests):
    from wiring.container import store as live_store

    counter = RequestCounter()
    counter.attach(live_store())
    api.get("/v1/hotels/h1/search?q=durand", as_=team["ben"])  # warms the hotel's settings
    counter.reset()
    assert api.get("/v1/hotels/h1/search?q=durand", as_=team["ben"]).status == 200
    assert counter.counts == {"Query": 1, "BatchGetItem": 1}
    counter.reset()
    assert api.get("/v1/hotels/h1/search?q=0612345678", as_=team["ben"]).status == 200
    assert counter.counts["Query"] <= 3 and counter.counts["BatchGetItem"] == 1 and "Scan" not in counter.counts
    counter.reset()
    assert api.get("/v1/hotels/h1/search?q=zebra", as_=team["ben"]).json["items"] == []
    assert counter.counts == {"Query": 1}
