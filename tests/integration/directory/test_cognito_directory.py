"""``CognitoDirectory`` on moto's Cognito: a hotel's agents are the members of its group ``hotel.<h>``,
read with one ListUsersInGroup a page of 60, kept 60 s per hotel (a cached call sends nothing)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from directory_helpers import add_user, ensure_group
from hypothesis import given
from hypothesis import strategies as st

from auth.tokens import ROLE_CLAIM, role_from_claim
from directory.cognito import CACHE_SECONDS, PAGE_SIZE, ROLE_ATTRIBUTE, CognitoDirectory, group_name, role_of
from inbox.model import Agent, Role


def test_the_agents_are_the_members_of_the_hotels_group_sorted_by_name(cognito, pool_id, cognito_requests):
    zoe = add_user(cognito, pool_id, "zoe@lumiere.example", name="Zoé Petit", role="agent", groups=("hotel.h1",))
    ana = add_user(cognito, pool_id, "ana@lumiere.example", name="ana Lima", role="admin", groups=("hotel.h1",))
    bruno = add_user(cognito, pool_id, "bruno@lumiere.example", name="Bruno", groups=("hotel.h1", "hotel.h2"))
    add_user(cognito, pool_id, "carla@rivage.example", name="Carla", groups=("hotel.h2",))  # another hotel's
    add_user(cognito, pool_id, "dan@nowhere.example", name="Dan")  # in no group
    cognito_requests.reset()

    agents = CognitoDirectory(cognito, pool_id).agents("h1")

    assert agents == [
        Agent(id=ana, name="ana Lima", email="ana@lumiere.example", role=Role.ADMIN),
        Agent(id=bruno, name="Bruno", email="bruno@lumiere.example", role=Role.AGENT),
        Agent(id=zoe, name="Zoé Petit", email="zoe@lumiere.example", role=Role.AGENT),
    ]
    assert cognito_requests.counts == {"ListUsersInGroup": 1}
    assert cognito_requests.calls[0][1] == {"UserPoolId": pool_id, "GroupName": "hotel.h1", "Limit": PAGE_SIZE}


def test_the_id_is_the_sub_and_a_user_without_a_name_is_named_by_its_email(cognito, pool_id):
    sub = add_user(cognito, pool_id, "night@lumiere.example", groups=("hotel.h1",))
    blank = add_user(cognito, pool_id, "blank@lumiere.example", name="  ", groups=("hotel.h1",))

    agents = CognitoDirectory(cognito, pool_id).agents("h1")

    assert [(a.id, a.name, a.email) for a in agents] == [
        (blank, "blank@lumiere.example", "blank@lumiere.example"),
        (sub, "night@lumiere.example", "night@lumiere.example")]
    user = cognito.admin_get_user(UserPoolId=pool_id, Username="night@lumiere.example")
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["sub"] == sub != user["Username"]


@pytest.mark.parametrize(("stored", "role"), [("admin", Role.ADMIN), ("agent", Role.AGENT), (None, Role.AGENT),
                                              ("owner", Role.AGENT), ("Admin", Role.AGENT), ("", Role.AGENT)])
def test_the_role_comes_from_custom_role_and_anything_else_is_agent(cognito, pool_id, stored, role):
    add_user(cognito, pool_id, "ana@lumiere.example", name="Ana", role=stored, groups=("hotel.h1",))

    assert [a.role for a in CognitoDirectory(cognito, pool_id).agents("h1")] == [role]


@given(st.one_of(st.none(), st.integers(), st.text(max_size=8), st.sampled_from(["admin", "agent", "ADMIN"])))
def test_the_role_reads_as_the_authorizer_reads_the_claim(value):
    assert role_of(value) == role_from_claim(value)


def test_the_role_attribute_is_the_tokens_claim():
    assert ROLE_ATTRIBUTE == ROLE_CLAIM


def test_a_disabled_user_is_not_an_agent(cognito, pool_id):
    add_user(cognito, pool_id, "ana@lumiere.example", name="Ana", groups=("hotel.h1",))
    add_user(cognito, pool_id, "gone@lumiere.example", name="Gone", groups=("hotel.h1",))
    cognito.admin_disable_user(UserPoolId=pool_id, Username="gone@lumiere.example")

    assert [a.name for a in CognitoDirectory(cognito, pool_id).agents("h1")] == ["Ana"]


def test_a_hotel_without_a_group_has_no_agents_and_the_answer_is_cached(cognito, pool_id, cognito_requests):
    directory = CognitoDirectory(cognito, pool_id)

    assert directory.agents("h-new") == []
    assert directory.agents("h-new") == []

    assert cognito_requests.counts == {"ListUsersInGroup": 1}


def test_an_empty_group_has_no_agents(cognito, pool_id):
    ensure_group(cognito, pool_id, group_name("h1"))

    assert CognitoDirectory(cognito, pool_id).agents("h1") == []


def test_a_pool_that_does_not_exist_fails_rather_than_listing_nobody(cognito, pool_id):
    directory = CognitoDirectory(cognito, "eu-west-1_Nope00000")

    with pytest.raises(ClientError, match="does not exist"):
        directory.agents("h1")


def test_an_empty_pool_id_is_refused_when_built():
    with pytest.raises(ValueError, match="user_pool_id"):
        CognitoDirectory(object(), "")


def test_a_large_group_is_read_page_by_page(cognito, pool_id, cognito_requests):
    ensure_group(cognito, pool_id, "hotel.h1")
    for n in range(2 * PAGE_SIZE + 5):
        add_user(cognito, pool_id, f"agent{n:03}@lumiere.example", name=f"Agent {n:03}", groups=("hotel.h1",))
    cognito_requests.reset()

    agents = CognitoDirectory(cognito, pool_id).agents("h1")

    assert [a.name for a in agents] == [f"Agent {n:03}" for n in range(2 * PAGE_SIZE + 5)]
    assert len({a.id for a in agents}) == len(agents)
    assert cognito_requests.counts == {"ListUsersInGroup": 3}
    tokens = [params.get("NextToken") for _, params in cognito_requests.calls]
    assert tokens[0] is None and all(tokens[1:]) and len(set(tokens)) == 3


def test_a_second_call_within_a_minute_sends_no_request_and_a_later_one_sees_changes(
        cognito, pool_id, cognito_requests, clock):
    add_user(cognito, pool_id, "ana@lumiere.example", name="Ana", groups=("hotel.h1",))
    directory = CognitoDirectory(cognito, pool_id, timer=clock)
    cognito_requests.reset()

    first = directory.agents("h1")
    add_user(cognito, pool_id, "bruno@lumiere.example", name="Bruno", groups=("hotel.h1",))
    cognito_requests.reset()
    clock.now += CACHE_SECONDS - 1
    assert directory.agents("h1") == first  # the cached list, not yet Bruno
    assert cognito_requests.calls == []

    clock.now += 1
    assert [a.name for a in directory.agents("h1")] == ["Ana", "Bruno"]
    assert cognito_requests.counts == {"ListUsersInGroup": 1}


def test_each_hotel_has_its_own_cached_list(cognito, pool_id, cognito_requests):
    add_user(cognito, pool_id, "ana@lumiere.example", name="Ana", groups=("hotel.h1",))
    add_user(cognito, pool_id, "carla@rivage.example", name="Carla", groups=("hotel.h2",))
    directory = CognitoDirectory(cognito, pool_id)
    cognito_requests.reset()

    assert [a.name for a in directory.agents("h1")] == ["Ana"]
    assert [a.name for a in directory.agents("h2")] == ["Carla"]
    assert [a.name for a in directory.agents("h1")] == ["Ana"]

    assert [params["GroupName"] for _, params in cognito_requests.calls] == ["hotel.h1", "hotel.h2"]


def test_a_caller_changing_its_list_does_not_change_the_cached_one(cognito, pool_id, cognito_requests):
    add_user(cognito, pool_id, "ana@lumiere.example", name="Ana", groups=("hotel.h1",))
    directory = CognitoDirectory(cognito, pool_id)

    directory.agents("h1").clear()

    assert [a.name for a in directory.agents("h1")] == ["Ana"]


def test_forget_makes_the_next_call_ask_cognito_again(cognito, pool_id, cognito_requests):
    directory = CognitoDirectory(cognito, pool_id)
    directory.agents("h1")
    add_user(cognito, pool_id, "ana@lumiere.example", name="Ana", groups=("hotel.h1",))
    cognito_requests.reset()

    directory.forget("h1")

    assert [a.name for a in directory.agents("h1")] == ["Ana"]
    assert cognito_requests.counts == {"ListUsersInGroup": 1}


def test_an_error_is_not_cached(cognito, pool_id, cognito_requests, monkeypatch):
    add_user(cognito, pool_id, "ana@lumiere.example", name="Ana", groups=("hotel.h1",))
    directory = CognitoDirectory(cognito, pool_id)
    real = cognito.list_users_in_group
    calls = []

    def throttled_once(**request):
        calls.append(request)
        if len(calls) == 1:
            raise ClientError({"Error": {"Code": "TooManyRequestsException", "Message": "Rate exceeded"}},
                              "ListUsersInGroup")
        return real(**request)

    monkeypatch.setattr(cognito, "list_users_in_group", throttled_once)

    with pytest.raises(ClientError, match="Rate exceeded"):
        directory.agents("h1")
    assert [a.name for a in directory.agents("h1")] == ["Ana"]
