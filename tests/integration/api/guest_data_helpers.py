"""A guest with a history, as the API builds it (partner hand-ins, agents' replies, files, notes), and the
proofs an erase needs: what the table, each of its indexes and the bucket still hold of them, and a recount."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import boto3
from attachment_helpers import uploaded
from lobby_env import PARTNER
from sample_files import BUCKET, PDF, PNG

from inbox.attachments import conversation_prefix
from store.schema import TAB_INDEXES, TEAM_INDEXES

INBOUND = "/v1/hotels/h1/inbound"
GUEST = {"external_id": "guest-quintessa", "name": "Élodie Quintessa", "email": "elodie.quintessa@mail.example",
         "phone": "+33 6 12 34 56 78", "language": "fr",
         "reservations": [{"reservation_id": "RES-QX-778", "check_in": "2026-12-01", "check_out": "2026-12-04"}]}
OTHER = {"external_id": "guest-paul", "name": "Paul Autre", "email": "paul@other.example", "language": "en"}
# What must be gone of the guest: their words, name, email, phone and reservation, wherever they were written.
PERSONAL = ("quintessa", "lodie", "mail.example", "612345678", "12 34 56 78", "res-qx-778", "passeport", "chambre 12")
TABS = ("open", "on_hold", "closed", "spam", "all")


def at(minutes: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=2) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def hand_in(api, thread: str, n: int, text: str, *, sender=None, files=(), wants_human=False, minutes=0.0) -> dict:
    body = {"channel": "webchat", "external_conversation_id": thread, "external_message_id": f"{thread}-m{n}",
            "sender": sender or GUEST, "text": text, "sent_at": at(minutes), "wants_human": wants_human,
            "attachments": [{"name": name, "content_type": kind, "base64": base64.b64encode(data).decode()}
                            for name, kind, data in files]}
    reply = api.post(INBOUND, body=body, as_=PARTNER)
    assert reply.status == 202, reply.json
    return reply.json


@dataclass
class History:
    contact_id: str
    conversations: list[str]
    other: str  # another guest's conversation, which must keep everything
    notes: int = 0
    files: list[str] = field(default_factory=list)


def guest_with_history(api, team) -> History:
    """Three conversations of the guest: the first assigned to Ben, answered with a file, with a note that
    mentions Ana and a guest's PNG; the second held; the third closed. Another guest writes once."""
    admin, ben, ana = team["camille"], team["ben"], team["ana"]
    threads = ["wc-q-1", "wc-q-2", "wc-q-3"]
    ids = [hand_in(api, t, 1, "Bonjour, je voudrais parler à quelqu'un", wants_human=True, minutes=i)["conversation_id"]
           for i, t in enumerate(threads)]
    hand_in(api, threads[0], 2, "Voici mon passeport, chambre 12", files=[("passeport.png", "image/png", PNG)],
            minutes=5)
    first = ids[0]
    base = f"/v1/hotels/h1/conversations/{first}"
    assert api.post(f"{base}/assign", body={"agent_id": team.id("ben")}, as_=admin).status == 200
    file_id = uploaded(api, first, PDF, "application/pdf", "formulaire.pdf", as_=ben)
    assert api.post(f"{base}/messages", body={"text": "Voici le formulaire", "attachment_ids": [file_id]},
                    as_=ben).status == 201
    assert api.post(f"{base}/notes", body={"text": "@Ana Lima peux-tu vérifier le passeport ?"},
                    as_=ben).status == 201
    until = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert api.post(f"/v1/hotels/h1/conversations/{ids[1]}/hold", body={"until": until}, as_=ana).status == 200
    assert api.post(f"/v1/hotels/h1/conversations/{ids[2]}/close", as_=ana).status == 200
    other = hand_in(api, "wc-paul", 1, "Is breakfast included?", sender=OTHER, wants_human=True,
                    minutes=9)["conversation_id"]
    contact_id = api.get(base, as_=admin).json["contact_id"]
    return History(contact_id, ids, other, notes=1)


def scan_all(table: str, region: str, index: str | None = None) -> list[dict]:
    """Every item of the table, or of one index (a test-only Scan), paged."""
    client = boto3.client("dynamodb", region_name=region)
    items, start = [], None
    while True:
        page = client.scan(TableName=table, **({"IndexName": index} if index else {}),
                           **({"ExclusiveStartKey": start} if start else {}))
        items += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def index_names() -> list[str]:
    return [i.name for i in (*TAB_INDEXES.values(), *TEAM_INDEXES)]


def holding(items: list[dict], needles) -> list[dict]:
    """The items that hold any of ``needles`` anywhere (keys, attributes), case-insensitively."""
    wanted = [n.lower() for n in needles]
    return [i for i in items if any(n in json.dumps(i, ensure_ascii=False, default=repr).lower() for n in wanted)]


def held_anywhere(table: str, region: str, needles) -> dict[str, list[dict]]:
    """What the table and each of its indexes hold of ``needles`` (only the places holding something)."""
    found = {"table": holding(scan_all(table, region), needles)}
    for name in index_names():
        found[name] = holding(scan_all(table, region, name), needles)
    return {where: items for where, items in found.items() if items}


def files_under(region: str, hotel_id: str, conversation_id: str) -> list[str]:
    listed = boto3.client("s3", region_name=region).list_objects_v2(
        Bucket=BUCKET, Prefix=conversation_prefix(hotel_id, conversation_id))
    return [o["Key"] for o in listed.get("Contents", [])]


def recount(api, as_) -> dict:
    """The inbox's counts worked out again from the tab lists themselves (everyone's, the caller's, nobody's)."""
    def listed(tab: str, assignee: str | None = None) -> int:
        n, cursor = 0, None
        while True:
            query = f"tab={tab}&limit=100" + (f"&assignee={assignee}" if assignee else "") + (
                f"&cursor={cursor}" if cursor else "")
            reply = api.get(f"/v1/hotels/h1/conversations?{query}", as_=as_)
            assert reply.status == 200, reply.json
            n += len(reply.json["items"])
            cursor = reply.json["next_cursor"]
            if not cursor:
                return n

    return {"tabs": {t: listed(t) for t in TABS}, "mine": {t: listed(t, "me") for t in TABS},
            "unassigned": {t: listed(t, "none") for t in TABS}}
