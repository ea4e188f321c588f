"""The principal is the contract between the authorizer and the API function: what the
authorizer puts in its context must come back out as the same caller and hotels."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auth.principal import Principal
from inbox.model import Actor, ActorType

ANA = Actor(ActorType.AGENT, "5f1c-sub", "Ana Martin")
ACME = Actor(ActorType.PARTNER, "acme", "Acme Channel Manager")


def context(**overrides) -> dict:
    ctx = {"actor_type": "agent", "actor_id": "5f1c-sub", "actor_name": "Ana Martin", "hotel_ids": "h-lumiere,h-rivage"}
    ctx.update(overrides)
    return {k: v for k, v in ctx.items() if v is not ...}


def test_context_holds_only_strings_under_the_five_agreed_keys():
    ctx = Principal(ANA, frozenset({"h-rivage", "h-lumiere"}), role="admin").to_context()

    assert ctx == {"actor_type": "agent", "actor_id": "5f1c-sub", "actor_name": "Ana Martin",
                   "hotel_ids": "h-lumiere,h-rivage", "role": "admin"}
    assert Principal(ACME, frozenset({"h-lumiere"})).to_context()["role"] == ""


@pytest.mark.parametrize("principal", [
    Principal(ANA, frozenset({"h-lumiere", "h-rivage"})),
    Principal(ANA, frozenset({"h-lumiere"}), role="admin"),
    Principal(ACME, frozenset({"h-lumiere"})),
    Principal(Actor(ActorType.AGENT, "sub-2", None), frozenset()),
    Principal(Actor(ActorType.PARTNER, "p:1", "Ünïcode & Co, Ltd"), frozenset({"h 1", "h/2"})),
])
def test_context_round_trip_gives_back_the_same_caller(principal):
    assert Principal.from_context(principal.to_context()) == principal


_hotel_id = st.text(st.characters(blacklist_characters=",", blacklist_categories=("Cs",)), min_size=1).map(str.strip) \
    .filter(bool)


@given(
    actor_type=st.sampled_from([ActorType.AGENT, ActorType.PARTNER]),
    actor_id=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1),
    name=st.none() | st.text(st.characters(blacklist_categories=("Cs",)), min_size=1),
    hotels=st.frozensets(_hotel_id, max_size=6),
    role=st.sampled_from([None, "admin", "agent"]),
)
def test_any_principal_survives_the_round_trip(actor_type, actor_id, name, hotels, role):
    principal = Principal(Actor(actor_type, actor_id, name), hotels, role if actor_type is ActorType.AGENT else None)

    ctx = principal.to_context()

    assert all(isinstance(v, str) for v in ctx.values())
    assert Principal.from_context(ctx) == principal


def test_keys_api_gateway_adds_to_the_context_are_ignored():
    ctx = context(principalId="agent:5f1c-sub", integrationLatency=12)

    assert Principal.from_context(ctx) == Principal(ANA, frozenset({"h-lumiere", "h-rivage"}))


def test_an_empty_name_in_the_context_means_no_name():
    assert Principal.from_context(context(actor_name="")).actor.name is None


@pytest.mark.parametrize("ctx", [
    None,
    "actor_type=agent",
    {},
    context(actor_type=...),
    context(actor_id=...),
    context(actor_name=...),
    context(hotel_ids=...),
    context(actor_type="robot"),
    context(actor_type="system"),  # only agents and partners call the API
    context(actor_type="guest"),
    context(actor_id=""),
    context(hotel_ids=["h-lumiere"]),
    context(hotel_ids="h-lumiere,,h-rivage"),
    context(hotel_ids="h-lumiere,"),
    context(hotel_ids=" h-lumiere"),
    context(actor_id=42),
    context(role="root"),
    context(role=1),
    context(actor_type="partner", role="admin"),  # a partner key never carries a role
], ids=repr)
def test_a_malformed_context_is_refused(ctx):
    with pytest.raises(ValueError):
        Principal.from_context(ctx)


def test_may_access_exactly_the_listed_hotels():
    principal = Principal(ACME, frozenset({"h-lumiere", "h-rivage"}))

    assert principal.may_access("h-lumiere")
    assert principal.may_access("h-rivage")
    assert not principal.may_access("h-other")
    assert not principal.may_access("h-lumiere,h-rivage")
    assert not principal.may_access("H-LUMIERE")
    assert not principal.may_access("")
    assert not principal.may_access(None)


def test_a_caller_without_hotels_may_access_none():
    principal = Principal.from_context(context(hotel_ids=""))

    assert principal.hotel_ids == frozenset()
    assert not principal.may_access("h-lumiere")


@pytest.mark.parametrize("hotel_ids", [frozenset({"a,b"}), frozenset({""}), frozenset({" h"}), "h-lumiere"])
def test_a_principal_that_could_not_travel_in_a_context_cannot_be_built(hotel_ids):
    with pytest.raises(ValueError):
        Principal(ANA, hotel_ids)


def test_an_agent_without_a_role_is_an_agent_and_not_an_admin():
    assert Principal(ANA, frozenset()).role == "agent"
    assert Principal.from_context(context()).role == "agent"  # an answer cached before roles existed
    assert Principal.from_context(context(role="")).role == "agent"
    assert not Principal.from_context(context()).is_admin


def test_only_an_agent_with_role_admin_is_admin():
    assert Principal.from_context(context(role="admin")).is_admin
    assert not Principal.from_context(context(role="agent")).is_admin
    partner = Principal.from_context(context(actor_type="partner", role=""))
    assert partner.role is None and not partner.is_admin


@pytest.mark.parametrize(("actor", "role"), [(ANA, "root"), (ANA, "Admin"), (ACME, "admin"), (ACME, "agent")])
def test_a_role_that_could_not_be_true_cannot_be_built(actor, role):
    with pytest.raises(ValueError):
        Principal(actor, frozenset({"h-lumiere"}), role)
