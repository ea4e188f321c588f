"""API fixtures: a client for the real handler, and conversations to call it on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from api_harness import Api
from conversations_helpers import GUEST, open_one
from lobby_env import AGENT
from sample_files import BUCKET

from auth.principal import Principal
from inbox.model import Actor, ActorType
from inbox.ports import Hotel


@pytest.fixture
def api(api_settings) -> Api:
    from api.handler import handler

    return Api(handler, default_principal=AGENT)


@pytest.fixture
def admin() -> Principal:
    """An agent of h1 whose ID token says custom:role admin."""
    return Principal(Actor(ActorType.AGENT, "agent-adele", "Adèle"), frozenset({"h1"}), role="admin")


@pytest.fixture
def hotels(store):
    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris"))
    store.put_hotel(Hotel("h2", "Hotel Aurora", "Europe/Berlin"))


@pytest.fixture
def opened(store, hotels, now):
    """An open webchat conversation in h1."""
    return open_one(store, "h1", "c1", now - timedelta(minutes=5))


@pytest.fixture
def expedia_conversation(store, hotels, now):
    """An open Expedia conversation in h1 (a channel that delivers replies)."""
    from inbox.bot import HandOff, HandoffReason
    from inbox.machine import GuestMessage, apply, start_conversation

    start = start_conversation(conversation_id="cx", hotel_id="h1", channel="expedia", at=now - timedelta(minutes=9),
                               actor=GUEST, external_conversation_id="thr-42")
    c = store.commit(None, start.conversation, [start.activity])
    handoff = apply(c, GuestMessage("human please", now - timedelta(minutes=8), HandOff(HandoffReason.HUMAN_REQUESTED)))
    return store.commit(c, handoff.conversation, [handoff.activity])


@pytest.fixture
def elsewhere(store, hotels, now):
    """A conversation of another hotel (h2)."""
    return open_one(store, "h2", "c-h2", now - timedelta(minutes=3))



@pytest.fixture
def bucket(api_settings, monkeypatch, region):
    """The attachments bucket, and the functions' setting naming it."""
    import boto3

    from wiring import container

    boto3.client("s3", region_name=region).create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": region})
    monkeypatch.setenv("ATTACHMENTS_BUCKET", BUCKET)
    container.reset()
    return BUCKET


@pytest.fixture
def team(api_settings, monkeypatch, region):
    """The hotels' agents in moto's user pool (groups hotel.h1, hotel.h2), and the API reading them."""
    from api_team_helpers import make_team

    from wiring import container

    made = make_team(region)
    monkeypatch.setenv("USER_POOL_ID", made.pool_id)
    container.reset()
    return made
