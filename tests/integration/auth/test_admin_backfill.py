"""``admin connect-expedia`` imports the property's last 30 days from Expedia (the stand-in), once.

The threads were written before the hotel connected: their notifications went nowhere. Connecting
imports each thread's guest, messages and files through the ingest's idempotent path; running it
again changes nothing.
"""

from __future__ import annotations

import base64
import json

import boto3
import pytest

from inbox.inbound import conversation_id_for
from inbox.model import Direction, Sender
from inbox.ports import Hotel
from local.expedia.standin import ExpediaStandIn

PROPERTY = "12345678"
CREDENTIALS = {"client_id": "lobby-test", "client_secret": "s3cret", "callback_secret": "callback-s3cret"}
BUCKET = "lobby-attachments-test"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


@pytest.fixture
def standin():
    with ExpediaStandIn(callback_secret=CREDENTIALS["callback_secret"], client_id=CREDENTIALS["client_id"],
                        client_secret=CREDENTIALS["client_secret"], id_prefix="") as running:
        running.notify = lambda body, headers: 200  # Lobby was not connected yet: nothing reached it
        yield running


@pytest.fixture
def expedia_settings(configure, standin, region, table):
    secret = boto3.client("secretsmanager", region_name=region).create_secret(
        Name="lobby/expedia", SecretString=json.dumps(CREDENTIALS))["ARN"]
    boto3.client("s3", region_name=region).create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": region})
    # What the operator's shell holds (the stack's values); the table and region are the command's.
    return configure(expedia_secret_arn=secret, expedia_graphql_url=standin.graphql_url,
                     expedia_token_url=standin.token_url, expedia_files_url=standin.files_url,
                     expedia_backoff_seconds=0.01, attachments_bucket=BUCKET)


def write(standin, thread: str, body: str, role: str = "TRAVELER", **extra) -> str:
    spec = {"propertyId": PROPERTY, "body": body, "fromRole": role,
            "traveler": {"firstName": "Inès", "lastName": "Moreau"},
            "reservation": {"id": f"exp-{thread}", "checkInDate": "2026-12-01", "checkOutDate": "2026-12-04",
                            "adultCount": 2, "childCount": 1, "petCount": 0,
                            "alternativeIds": {"supplierId": f"R-{thread}"}}, **extra}
    return standin.add_message(thread, spec)["messageId"]


def snapshot(store, threads: list[str]) -> dict[str, list[tuple]]:
    """Each thread's messages as the inbox shows them."""
    shown = {}
    for thread in threads:
        page = store.list_messages("h1", conversation_id_for("h1", "expedia", thread), 100)
        shown[thread] = [(m.id, m.external_message_id, m.direction, m.sender, m.text,
                          tuple((a.name, a.key, a.available, a.unavailable_reason) for a in m.attachments)) for m in page.items]
    return shown


@pytest.fixture
def past_threads(standin) -> dict[str, list[str]]:
    threads = {"thr-b1": [], "thr-b2": [], "thr-b3": []}
    for thread, ids in threads.items():
        ids.append(write(standin, thread, f"Bonjour, une question sur {thread}"))
        ids.append(write(standin, thread, "Bien sûr, nous vous répondons.", role="SUPPLIER"))
        ids.append(write(standin, thread, "Merci !"))
    threads["thr-b1"].append(write(standin, "thr-b1", "", attachments=[
        {"name": "plan.png", "contentType": "image/png", "base64": base64.b64encode(PNG).decode()}]))
    return threads


def test_connecting_imports_the_last_30_days_and_a_second_run_changes_nothing(
        admin_cli, store, expedia_settings, past_threads, region):
    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris"))

    first = admin_cli("connect-expedia", "--hotel-id", "h1", "--property-id", PROPERTY)
    imported = snapshot(store, list(past_threads))
    second = admin_cli("connect-expedia", "--hotel-id", "h1", "--property-id", PROPERTY)

    assert first[0] == 0, first[2]
    assert "3 threads, 10 new messages, 0 already in Lobby" in first[1]
    for thread, ids in past_threads.items():
        assert sorted(m[1] for m in imported[thread]) == sorted(ids)  # every message, once
    messages = [m for ms in imported.values() for m in ms]
    assert sum(m[3] == Sender.GUEST and m[2] == Direction.INBOUND for m in messages) == 7
    assert sum(m[2] == Direction.OUTBOUND for m in messages) == 3  # the hotel's answers on Expedia
    (file,) = [a for m in imported["thr-b1"] for a in m[5]]
    assert file[0] == "plan.png" and file[2], file
    assert boto3.client("s3", region_name=region).get_object(Bucket=BUCKET, Key=file[1])["Body"].read() == PNG
    assert store.get_contact("h1", store.get_conversation(
        "h1", conversation_id_for("h1", "expedia", "thr-b1")).contact_id).reservations
    # Past messages were answered on Expedia then: the bot sent nothing now.
    assert all(m[3] != Sender.BOT for m in messages)

    assert second[0] == 0, second[2]
    assert "3 threads, 0 new messages, 10 already in Lobby" in second[1]
    assert snapshot(store, list(past_threads)) == imported


def test_connecting_without_backfill_imports_nothing(admin_cli, store, expedia_settings, past_threads):
    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris"))

    code, out, _ = admin_cli("connect-expedia", "--hotel-id", "h1", "--property-id", PROPERTY, "--no-backfill")

    assert code == 0 and "Imported" not in out
    assert store.hotel_for_expedia_property(PROPERTY) == "h1"
    assert store.list_tab("h1", "all", 10).items == []


def test_expedia_unreachable_leaves_the_property_connected_and_says_to_run_it_again(
        admin_cli, store, configure, expedia_settings, past_threads):
    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris"))
    configure(expedia_graphql_url="http://127.0.0.1:9/graphql", expedia_token_url="http://127.0.0.1:9/token",
              expedia_connect_timeout_seconds=0.2, expedia_backoff_seconds=0.0)

    code, _, err = admin_cli("connect-expedia", "--hotel-id", "h1", "--property-id", PROPERTY)

    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "running connect-expedia again imports what is missing" in err
    assert store.hotel_for_expedia_property(PROPERTY) == "h1"


def test_a_backfill_beyond_30_days_is_refused_before_anything_changes(admin_cli, store, expedia_settings):
    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris"))

    code, _, err = admin_cli("connect-expedia", "--hotel-id", "h1", "--property-id", PROPERTY, "--backfill-days", "31")

    assert code == 2 and "1 to 30 days" in err
    assert store.hotel_for_expedia_property(PROPERTY) is None
