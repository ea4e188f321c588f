"""Expedia's GraphQL answer is the truth: a notification that names another property than the
one Expedia gives for its thread or message fails alone (reason logged, DLQ after its receives),
and so does a time from Expedia that cannot be a real message's. Nothing of it reaches the table,
and the hotel's tabs still list."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from channel_helpers import notification
from lobby_env import AGENT

from inbox.errors import NotFound
from inbox.inbound import contact_id_for, conversation_id_for
from inbox.model import Status
from inbox.ports import Hotel
from local.lambda_runtime import LambdaContext, sqs_event
from tests.integration.api.api_harness import Api

PROPERTY_B = "87654321"
QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:lobby-expedia-events"
B_GUEST = {"firstName": "Bruno", "lastName": "Secret"}
B_RESERVATION = {"id": "exp-secret", "checkInDate": "2026-12-10", "checkOutDate": "2026-12-12", "adultCount": 1,
                 "childCount": 0, "petCount": 0, "alternativeIds": {"supplierId": "R-SECRET-B"}}
B_TEXT = "The door code of my room is 4321"


@pytest.fixture
def hotel_b(channel):
    """A second hotel on Expedia property B, with a guest writing in thread thr-b."""
    channel.store.put_hotel(Hotel("h2", "Hotel Aurora", "Europe/Berlin"))
    channel.store.set_expedia_property("h2", PROPERTY_B)
    channel.hold_notifications()
    written = channel.standin.add_message("thr-b", {"propertyId": PROPERTY_B, "body": B_TEXT, "fromRole": "TRAVELER",
                                                    "traveler": B_GUEST, "reservation": B_RESERVATION})
    genuine = [body.decode() for body, _ in channel.held]
    channel.held.clear()
    return written["messageId"], genuine


def ingest(bodies: list[str]) -> dict:
    """One batch through the real ingest handler, as Lambda hands it over."""
    from expedia_ingest.handler import handler

    messages = [{"MessageId": f"m{i}", "ReceiptHandle": f"r{i}", "Body": body, "MD5OfBody": "x",
                 "Attributes": {"ApproximateReceiveCount": "1"}} for i, body in enumerate(bodies)]
    return handler(sqs_event(messages, QUEUE_ARN, "eu-west-1"), LambdaContext())


def failed(response: dict) -> list[int]:
    return sorted(int(f["itemIdentifier"][1:]) for f in response["batchItemFailures"])


def reasons(lobby_logs) -> dict:
    return {r.get("notification_id"): r["reason"] for r in lobby_logs() if r["message"] == "notification failed"}


def a_guest_writes_to_hotel_a(channel, thread: str, text: str = "I want to talk to a person") -> list[str]:
    channel.hold_notifications()
    channel.traveler_writes(thread, text)
    bodies = [body.decode() for body, _ in channel.held]
    channel.held.clear()
    return bodies


def tabs_of_hotel_a() -> dict:
    """What an agent of hotel A sees in the Open and All tabs (each must answer 200)."""
    from api.handler import handler

    api, seen = Api(handler, default_principal=AGENT), {}
    for tab in ("open", "all"):
        reply = api.get(f"/v1/hotels/h1/conversations?tab={tab}")
        assert reply.status == 200, (tab, reply.body)
        seen[tab] = reply.body["items"]
    return seen


def nothing_of_b_in_hotel_a(channel) -> None:
    with pytest.raises(NotFound):
        channel.store.get_conversation("h1", conversation_id_for("h1", "expedia", "thr-b"))
    assert channel.store.get_contact("h1", contact_id_for("expedia", "thr-b")) is None
    for items in tabs_of_hotel_a().values():
        assert all(item["contact_name"] != "Bruno Secret" and "4321" not in item["last_message_preview"]
                   for item in items), items


def test_a_notification_naming_hotel_a_with_a_thread_of_property_b_puts_nothing_of_b_in_as_inbox(
        channel, hotel_b, lobby_logs):
    b_message, _ = hotel_b
    own = a_guest_writes_to_hotel_a(channel, "thr-a")
    forged = [
        notification("MessageThreadCreated", "ntf-forged-thread", channel.property_id, "thr-b", None).decode(),
        notification("MessageReceived", "ntf-forged-message", channel.property_id, "thr-b", b_message).decode(),
        # hotel A's own thread, with a message Expedia keeps in B's thread
        notification("MessageReceived", "ntf-forged-mixed", channel.property_id, "thr-a", b_message).decode(),
    ]

    response = ingest(own + forged)

    assert failed(response) == [len(own), len(own) + 1, len(own) + 2]
    why = reasons(lobby_logs)
    assert "Expedia gives thread thr-b to property 87654321" in why["ntf-forged-thread"]
    assert f"Expedia gives message {b_message} in thread thr-b of property 87654321" in why["ntf-forged-message"]
    assert "names property 12345678 and thread thr-a" in why["ntf-forged-mixed"]
    assert all(reason.startswith("NotWhereExpediaSays") for reason in why.values())
    nothing_of_b_in_hotel_a(channel)
    a_thread = channel.conversation_of("thr-a")
    assert a_thread.status is Status.OPEN  # the valid records of the batch are kept
    assert all("4321" not in m.text for m in channel.messages_of("thr-a"))


def test_forged_notifications_reach_the_dlq_after_their_receives_and_b_still_gets_its_own(channel, hotel_b):
    b_message, genuine = hotel_b
    forged = [
        notification("MessageThreadCreated", "ntf-forged-thread", channel.property_id, "thr-b", None).decode(),
        notification("MessageReceived", "ntf-forged-message", channel.property_id, "thr-b", b_message).decode(),
    ]
    for body in [forged[0], *genuine, forged[1]]:
        channel.sqs.send_message(QueueUrl=channel.events.queue_url, MessageBody=body)

    channel.events.drain()

    assert sorted(channel.dlq_bodies(channel.events_dlq)) == sorted(forged)
    nothing_of_b_in_hotel_a(channel)
    in_b = channel.store.get_conversation("h2", conversation_id_for("h2", "expedia", "thr-b"))
    assert channel.store.get_contact("h2", in_b.contact_id).name == "Bruno Secret"


@pytest.mark.parametrize(("created", "why"), [
    ("0091-01-20T17:51:29Z", "creationDateTime 0091-01-20T17:51:29.000Z: sent_at lies before 2000-01-01"),
    ("2100-01-20T17:51:29Z", "creationDateTime 2100-01-20T17:51:29.000Z: sent_at lies more than a day in the future"),
    ("91-01-20T17:51:29Z", "RFC 3339 with a four-digit year"),
    ("2026-11-24T09:15:02", "RFC 3339 with a four-digit year, seconds and a zone"),
    ("2026-02-30T09:15:02Z", "not a real time"),
])
def test_a_notification_time_that_cannot_be_real_fails_alone_and_the_hotels_tabs_still_list(
        channel, lobby_logs, created, why):
    earlier = a_guest_writes_to_hotel_a(channel, "thr-earlier")
    ingest(earlier)
    bodies = a_guest_writes_to_hotel_a(channel, "thr-odd-time")
    message_id = next(b for b in bodies if '"MessageReceived"' in b).split('"messageId":"')[1].split('"')[0]
    odd = notification("MessageReceived", "ntf-odd-time", channel.property_id, "thr-odd-time", message_id,
                       created=created).decode()

    response = ingest([odd, *earlier])

    assert failed(response) == [0]
    assert why in reasons(lobby_logs)["ntf-odd-time"]
    with pytest.raises(NotFound):
        channel.store.get_conversation("h1", conversation_id_for("h1", "expedia", "thr-odd-time"))
    assert [item["external_conversation_id"] for item in tabs_of_hotel_a()["open"]] == ["thr-earlier"]


def test_a_message_time_in_2100_fails_alone_and_the_conversation_and_tabs_still_read(channel, expedia_clock,
                                                                                     lobby_logs):
    from api.handler import handler

    ingest(a_guest_writes_to_hotel_a(channel, "thr-late"))
    expedia_clock.at = datetime(2100, 1, 20, 17, 51, 29, tzinfo=UTC)  # Expedia stamps this message in 2100
    channel.hold_notifications()
    late = channel.traveler_writes("thr-late", "Is breakfast included?")["messageId"]
    expedia_clock.at = None
    channel.held.clear()  # its own notification, stamped 2100 too, is not the point here
    late_notification = notification("MessageReceived", "ntf-late", channel.property_id, "thr-late", late).decode()
    other = a_guest_writes_to_hotel_a(channel, "thr-other", "What time is check-in?")

    response = ingest([late_notification, *other])

    assert failed(response) == [0]
    assert channel.conversation_of("thr-other").status is Status.BOT
    assert (f"message {late}'s creationDateTimeUtc 2100-01-20T17:51:29.000Z: sent_at lies more than a day "
            "in the future") in reasons(lobby_logs)["ntf-late"]
    conversation = channel.conversation_of("thr-late")
    assert conversation.last_message_at.year < 2100
    assert [m.external_message_id for m in channel.messages_of("thr-late")].count(late) == 0
    messages = Api(handler, default_principal=AGENT).get(f"/v1/hotels/h1/conversations/{conversation.id}/messages")
    assert messages.status == 200 and messages.body["items"]
    tabs = tabs_of_hotel_a()
    assert [item["id"] for item in tabs["open"]] == [conversation.id]
    assert {item["external_conversation_id"] for item in tabs["all"]} == {"thr-late", "thr-other"}
