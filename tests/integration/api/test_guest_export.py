"""Export a guest through the API (moto): their profile, every conversation with every message (notes too) and
activity entry, each file by a link that fetches it; one ``exported`` audit entry with counts only."""

from __future__ import annotations

import pytest
import requests
from guest_data_helpers import GUEST, guest_with_history
from sample_files import PDF, PNG

from inbox.audit import EXPORTED


@pytest.fixture
def history(api, hotels, bucket, team):
    return guest_with_history(api, team)


def everything(api, path: str, as_) -> list[dict]:
    items, cursor = [], None
    while True:
        reply = api.get(f"{path}?limit=100" + (f"&cursor={cursor}" if cursor else ""), as_=as_)
        assert reply.status == 200, reply.json
        items += reply.json["items"]
        cursor = reply.json["next_cursor"]
        if not cursor:
            return items


def test_an_export_holds_every_message_and_activity_and_links_that_fetch_the_files(api, history, team, store):
    admin = team["camille"]
    reply = api.get(f"/v1/hotels/h1/contacts/{history.contact_id}/export", as_=admin)
    assert reply.status == 200, reply.json
    export = reply.json
    assert export["contact"]["id"] == history.contact_id
    assert (export["contact"]["name"], export["contact"]["email"]) == (GUEST["name"], GUEST["email"])
    assert export["contact"]["reservations"][0]["reservation_id"] == "RES-QX-778"
    assert [c["conversation"]["id"] for c in export["conversations"]] == history.conversations
    for exported in export["conversations"]:
        base = f"/v1/hotels/h1/conversations/{exported['conversation']['id']}"
        messages, activity = everything(api, f"{base}/messages", admin), everything(api, f"{base}/activity", admin)
        assert [m["id"] for m in exported["messages"]] == [m["id"] for m in reversed(messages)]  # oldest first
        assert [a["id"] for a in exported["activity"]] == [a["id"] for a in reversed(activity)]
    first = export["conversations"][0]
    assert sum(m["internal"] for m in first["messages"]) == history.notes
    files = {a["name"]: a for m in first["messages"] for a in m["attachments"]}
    assert set(files) == {"passeport.png", "formulaire.pdf"}
    for name, data in (("passeport.png", PNG), ("formulaire.pdf", PDF)):
        fetched = requests.get(files[name]["url"], timeout=10)
        assert fetched.status_code == 200 and fetched.content == data
    (entry,) = [e for e in store.list_audit("h1", 50).items if e.action == EXPORTED]
    messages = sum(len(c["messages"]) for c in export["conversations"])
    activity = sum(len(c["activity"]) for c in export["conversations"])
    assert (entry.target.type, entry.target.id) == ("contact", history.contact_id)
    assert dict(entry.details) == {"conversations": 3, "messages": messages, "activity": activity, "files": 2}


def test_only_the_hotels_admins_may_export_and_an_unknown_contact_is_404(api, history, team):
    assert api.get(f"/v1/hotels/h1/contacts/{history.contact_id}/export", as_=team["ana"]).status == 403
    assert api.get("/v1/hotels/h1/contacts/ct_nobody/export", as_=team["camille"]).status == 404
