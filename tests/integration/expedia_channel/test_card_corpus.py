"""The card corpus through every door Lobby has (a partner's inbound API, Expedia's guest and hotel messages
through the callback, the queue and the ingest, the backfill of past messages, an agent's reply delivered
to Expedia and echoed back, a note), into moto's table: then a Scan of the whole table finds no card
number of the corpus in any attribute of any item, each card message says ``redactions: ["card_number"]``
through the API with a ``redacted`` entry, and the false positives (look-alikes masked) are counted.
"""

from __future__ import annotations

import base64
import json
import re
from itertools import cycle

import boto3
import pytest
from channel_helpers import BUCKET
from lobby_env import AGENT, PARTNER, TABLE

from inbox.inbound import conversation_id_for
from tests.corpus.card_numbers import SAMPLES, Sample, all_cards, all_lookalikes, expected_false_positives
from tests.integration.api.api_harness import Api

PATHS = ("partner", "expedia_guest", "expedia_hotel", "reply", "note", "backfill")
FILE_CARD = "4012888888881881"  # in a partner file's name


def digits_only(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


def strings_of(value) -> list[str]:
    """Every string of a DynamoDB attribute value (low-level shape), keys of maps included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*strings_of(k), *strings_of(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings_of(v)]
    if isinstance(value, (bytes, bytearray)):
        return [bytes(value).decode("utf-8", "replace")]
    return [str(value)]


def scan_everything(region: str) -> list[dict]:
    client = boto3.client("dynamodb", region_name=region)
    return [item for page in client.get_paginator("scan").paginate(TableName=TABLE) for item in page["Items"]]


@pytest.fixture
def api(channel):
    from api.handler import handler

    return Api(handler, default_principal=AGENT)


def _messages(api: Api, conversation_id: str) -> list[dict]:
    reply = api.get(f"/v1/hotels/h1/conversations/{conversation_id}/messages?limit=100")
    assert reply.status == 200, reply.json
    return reply.json["items"]


def _activity(api: Api, conversation_id: str) -> list[dict]:
    reply = api.get(f"/v1/hotels/h1/conversations/{conversation_id}/activity?limit=100")
    assert reply.status == 200, reply.json
    return reply.json["items"]


def test_no_card_number_of_the_corpus_survives_anywhere_and_the_false_positives_are_counted(
        channel, api, region, record_property):
    from wiring.container import expedia_backfill

    routed = list(zip(SAMPLES, cycle(PATHS), strict=False))
    stored: list[tuple[Sample, str, str]] = []  # (sample, conversation id, message id)

    # Past messages first: Expedia's notifications of them are late, the backfill imports them.
    channel.hold_notifications()
    for n, (sample, _) in enumerate((s, p) for s, p in routed if p == "backfill"):
        channel.traveler_writes(f"thr-past-{n}", sample.text)
    assert expedia_backfill().run(channel.property_id).messages == len([p for _, p in routed if p == "backfill"])
    channel.held.clear()
    for n, (sample, _) in enumerate((s, p) for s, p in routed if p == "backfill"):
        cid = conversation_id_for("h1", "expedia", f"thr-past-{n}")
        (message,) = [m for m in _messages(api, cid) if m["sender"] == "guest"]
        stored.append((sample, cid, message["id"]))

    channel.connect()
    # A conversation the agents answer and write notes in (Expedia: the replies are delivered and echoed).
    channel.traveler_writes("thr-team", "I want to talk to a person")
    channel.run()
    team = conversation_id_for("h1", "expedia", "thr-team")
    replies = 0
    for n, (sample, path) in enumerate(routed):
        if path == "partner":
            body = {"channel": "whatsapp", "external_conversation_id": f"wa-{n}", "external_message_id": f"wamid.{n}",
                    "sender": {"external_id": f"+336000000{n:02d}", "name": "Inès"}, "text": sample.text,
                    "sent_at": "2026-11-24T09:15:02Z"}
            accepted = api.post("/v1/hotels/h1/inbound", body=body, as_=PARTNER)
            assert accepted.status == 202, accepted.json
            stored.append((sample, accepted.json["conversation_id"], accepted.json["message_id"]))
        elif path == "expedia_guest":
            channel.traveler_writes(f"thr-guest-{n}", sample.text)
            channel.run()
            cid = conversation_id_for("h1", "expedia", f"thr-guest-{n}")
            (message,) = [m for m in _messages(api, cid) if m["sender"] == "guest"]
            stored.append((sample, cid, message["id"]))
        elif path == "expedia_hotel":
            thread = f"thr-hotel-{n}"
            channel.traveler_writes(thread, "I want to talk to a person")
            channel.run()
            channel.standin.add_message(thread, {"propertyId": channel.property_id, "body": sample.text,
                                                 "fromRole": "SUPPLIER"})
            channel.run()
            cid = conversation_id_for("h1", "expedia", thread)
            (message,) = [m for m in _messages(api, cid) if m["direction"] == "outbound"]
            stored.append((sample, cid, message["id"]))
        elif path == "reply":
            sent = api.post(f"/v1/hotels/h1/conversations/{team}/messages", body={"text": sample.text})
            assert sent.status == 201, sent.json
            channel.run()  # delivered to Expedia, whose notification of it comes back as the hotel's message
            replies += 1
            stored.append((sample, team, sent.json["id"]))
        elif path == "note":
            note = api.post(f"/v1/hotels/h1/conversations/{team}/notes", body={"text": sample.text})
            assert note.status == 201, note.json
            stored.append((sample, team, note.json["id"]))

    # A partner's file whose name holds a card number.
    pdf = base64.b64encode(b"%PDF-1.4 card receipt").decode()
    filed = api.post("/v1/hotels/h1/inbound", as_=PARTNER, body={
        "channel": "whatsapp", "external_conversation_id": "wa-file", "external_message_id": "wamid.file",
        "sender": {"external_id": "+33600000999"}, "text": "",
        "attachments": [{"name": f"carte {FILE_CARD}.pdf", "content_type": "application/pdf", "base64": pdf}],
        "sent_at": "2026-11-24T09:16:00Z"})
    assert filed.status == 202, filed.json
    assert len(stored) == len(SAMPLES)

    # Our replies came back from Expedia masked as we sent them: each known as ours, none stored twice.
    outbound = [m for m in _messages(api, team) if m["direction"] == "outbound" and not m["internal"]]
    assert len(outbound) == replies and all(m["delivery"] == "delivered" for m in outbound)
    assert channel.dlq_bodies(channel.events_dlq) == [] and channel.dlq_bodies(channel.outbound_dlq) == []

    # 1. No card number of the corpus anywhere in the table: as typed, or as digits with the separators gone.
    items = scan_everything(region)
    texts = [s for item in items for s in strings_of(item)]
    cards = [typed for _, typed in all_cards()] + [FILE_CARD]
    survivors = [typed for typed in cards
                 if any(typed in t or digits_only(typed) in digits_only(t) for t in texts)]
    assert survivors == []
    # ... nor in the bucket's keys, nor in what the bot replied or Expedia was sent.
    keys = [o["Key"] for o in boto3.client("s3", region_name=region).list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    sent = json.dumps(channel.standin.sent, ensure_ascii=False)
    assert [c for c in cards if any(digits_only(c) in digits_only(k) for k in keys) or c in sent] == []

    # 2. Through the API: each message with a card says so, with its redacted entry; the others say nothing.
    false_positives: list[str] = []
    for sample, cid, message_id in stored:
        (message,) = [m for m in _messages(api, cid) if m["id"] == message_id]
        changed = [typed for _, typed in sample.lookalikes if typed not in message["text"]]
        false_positives += changed
        masked = len(sample.cards) + len(changed)
        assert message["redactions"] == (["card_number"] if masked else []), (sample.text, message)
        entries = [a for a in _activity(api, cid) if a["type"] == "redacted"
                   and a["details"]["message_id"] == message_id]
        if masked:
            (entry,) = entries
            assert entry["actor"]["type"] == "system" and entry["from_status"] == entry["to_status"]
            assert entry["details"] == {"message_id": message_id, "kinds": ["card_number"], "count": masked}
        else:
            assert entries == []
    (file_message,) = _messages(api, filed.json["conversation_id"])
    assert file_message["attachments"][0]["name"] == f"carte •••• {FILE_CARD[-4:]}.pdf"
    assert file_message["redactions"] == ["card_number"]
    # The previews follow the stored text.
    listed = api.get("/v1/hotels/h1/conversations?tab=all&limit=100").json["items"]
    assert [c["id"] for c in listed if any(digits_only(x) in digits_only(c["last_message_preview"])
                                           for x in cards)] == []

    # 3. The figures: every card found, the false positives exactly the labelled look-alikes.
    card_count = len(all_cards())
    assert sorted(false_positives) == sorted(expected_false_positives())
    figures = {"samples": len(SAMPLES), "cards": card_count, "cards_masked": card_count - len(survivors),
               "formats": len({f for f, _ in all_cards()}), "languages": len({s.lang for s in SAMPLES}),
               "lookalikes": len(all_lookalikes()), "false_positives": len(false_positives),
               "false_positive_kinds": sorted(k for s in SAMPLES for k, t in s.lookalikes if t in false_positives)}
    record_property("card_corpus", json.dumps(figures))
    print("card corpus:", json.dumps(figures))
    assert figures["cards_masked"] == card_count and figures["false_positives"] == 2
