"""What an erase costs in requests (moto; counted from botocore's events on the function's own clients), for a
guest with 3 conversations and 200 messages. The formula (``store.guest_data``), C conversations, each with
I_c items that hold its id (its partition: itself, messages, activity, uploads; its guards, search entries and
mentions) and F_c files:

    DynamoDB = 1 GetItem (the contact) + sum_c [Q_c Query (1 a MB of partition) + 1 TransactWriteItems
               + ceil((I_c - 1) / 25) BatchWriteItem] + 1 DeleteItem (the contact) + 1 PutItem (the audit entry)
    S3       = sum_c [max(1, ceil(F_c / 1000)) ListObjectsV2 + ceil(F_c / 1000) DeleteObjects]
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from conversations_helpers import RequestCounter
from guest_data_helpers import GUEST, files_under, held_anywhere
from sample_files import PNG

from inbox.inbound import GuestProfile, InboundMessage
from store import keys

MESSAGES = (67, 67, 66)  # 200 guest messages in 3 conversations


class S3Calls:
    """The S3 operations the function's client sends (presigning sends none)."""

    def __init__(self):
        from wiring.container import s3_client

        self.names: list[str] = []
        s3_client().meta.events.register("before-call.s3", lambda model, **_: self.names.append(model.name))


@pytest.fixture
def guest(api, hotels, bucket, team):
    """The guest's 200 messages through the pipeline partners' hand-ins take (the first with a file)."""
    from wiring.container import inbox

    service = inbox()
    profile = GuestProfile(GUEST["external_id"], GUEST["name"], GUEST["email"], GUEST["phone"], GUEST["language"])
    start = datetime.now(UTC) - timedelta(hours=5)
    ids = []
    for c, count in enumerate(MESSAGES):
        thread = f"wc-cost-{c}"
        for n in range(count):
            files = ()
            if c == 0 and n == 0:
                files = (service.keep_channel_file("h1", _conversation_id(thread), "f-1", "passeport.png",
                                                   "image/png", PNG),)
            received = service.receive(InboundMessage("h1", "webchat", thread, f"{thread}-{n}", f"message {n}",
                                                      start + timedelta(minutes=c * 100 + n), profile,
                                                      wants_human=n == 0, attachments=files))
            assert not received.duplicate
        ids.append(received.conversation_id)
    return ids


def _conversation_id(thread: str) -> str:
    from inbox.inbound import conversation_id_for

    return conversation_id_for("h1", "webchat", thread)


def test_an_erase_of_3_conversations_and_200_messages_costs_what_the_formula_says(api, guest, team, table, region,
                                                                                  capsys):
    from wiring.container import store

    contact_id = api.get(f"/v1/hotels/h1/conversations/{guest[0]}", as_=team["camille"]).json["contact_id"]
    held = held_anywhere(table, region, guest)["table"]
    items = {c: sum(c in i["pk"]["S"] or c in i["sk"]["S"] or i.get("conversation_id", {}).get("S") == c
                    for i in held) for c in guest}
    files = {c: len(files_under(region, "h1", c)) for c in guest}
    assert sum(1 for i in held if i["sk"]["S"].startswith(keys.MESSAGE_PREFIX)) == 200 and sum(files.values()) == 1
    dynamodb, s3 = RequestCounter(), S3Calls()
    dynamodb.attach(store())

    reply = api.post(f"/v1/hotels/h1/contacts/{contact_id}/erase", as_=team["camille"])

    assert reply.status == 202, reply.json
    assert reply.json["receipt"]["items"]["messages"] == 200
    expected = {"GetItem": 1, "Query": len(guest), "TransactWriteItems": len(guest),
                "BatchWriteItem": sum(math.ceil((n - 1) / 25) for n in items.values()), "DeleteItem": 1, "PutItem": 1}
    assert dict(dynamodb.counts) == expected
    expected_s3 = ["ListObjectsV2"] * len(guest) + ["DeleteObjects"] * sum(1 for n in files.values() if n)
    assert sorted(s3.names) == sorted(expected_s3)
    # What those requests did: nothing of the conversations left but the audit log's entry, and no file.
    left = held_anywhere(table, region, guest)
    assert all(i["pk"]["S"] == keys.audit_pk("h1") for where in left.values() for i in where), left
    assert all(files_under(region, "h1", c) == [] for c in guest)
    with capsys.disabled():
        print(f"\nerase of 3 conversations and 200 messages: {sum(expected.values())} DynamoDB requests {expected}, "
              f"{len(s3.names)} S3 requests; items per conversation {list(items.values())}")
