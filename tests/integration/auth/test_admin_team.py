"""``python -m admin`` and the hotels' teams: an agent's hotels are its ``custom:hotel_ids`` and its groups
``hotel.<h>`` (what the agent directory lists), written together by create-agent and set-agent-hotels;
set-role writes ``custom:role``; set-reply-target the hotel's reply clock."""

from __future__ import annotations

import pytest
from auth_helpers import PASSWORD

from admin import AdminError, create_agent, set_agent_hotels
from directory.cognito import CognitoDirectory
from store.dynamo import DynamoStore


def groups_of(cognito, pool_id: str, email: str) -> set[str]:
    return {g["GroupName"] for g in cognito.admin_list_groups_for_user(UserPoolId=pool_id, Username=email)["Groups"]}


def attribute(cognito, pool_id: str, email: str, name: str) -> str | None:
    user = cognito.admin_get_user(UserPoolId=pool_id, Username=email)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}.get(name)


def test_create_agent_puts_the_agent_in_each_hotels_group_creating_it(admin_cli, cognito, pool, hotels):
    cognito.create_group(UserPoolId=pool.id, GroupName="hotel.h1")  # h1 has agents already; h2 none

    code, _, err = admin_cli("create-agent", "--user-pool-id", pool.id, "--email", "ana@lumiere.example",
                       "--name", "Ana Lima", "--password", PASSWORD, "--hotel-ids", "h1,h2", "--role", "admin")

    assert code == 0, err
    assert groups_of(cognito, pool.id, "ana@lumiere.example") == {"hotel.h1", "hotel.h2"}
    assert attribute(cognito, pool.id, "ana@lumiere.example", "custom:hotel_ids") == "h1,h2"


def test_the_directory_lists_an_agent_the_command_created_with_its_role(cognito, pool, store, hotels):
    sub = create_agent(cognito, pool.id, "ana@lumiere.example", "Ana Lima", PASSWORD, "h1", store=store,
                       role="admin")
    create_agent(cognito, pool.id, "ben@lumiere.example", "Ben Martin", PASSWORD, "h1,h2", store=store)

    directory = CognitoDirectory(cognito, pool.id)

    assert [(a.id, a.name, a.email, a.role) for a in directory.agents("h1")][0] == (
        sub, "Ana Lima", "ana@lumiere.example", "admin")
    assert [a.name for a in directory.agents("h1")] == ["Ana Lima", "Ben Martin"]
    assert [(a.name, a.role) for a in directory.agents("h2")] == [("Ben Martin", "agent")]
    assert directory.agents("h3") == []


def test_a_refused_agent_is_in_no_group(admin_cli, cognito, pool, hotels):
    admin_cli("create-agent", "--user-pool-id", pool.id, "--email", "ana@lumiere.example", "--name", "Ana",
        "--password", PASSWORD, "--hotel-ids", "h1")

    code, _, err = admin_cli("create-agent", "--user-pool-id", pool.id, "--email", "ana@lumiere.example", "--name", "Ana",
                       "--password", PASSWORD, "--hotel-ids", "h2")  # she exists already

    assert code == 1 and "error:" in err
    assert groups_of(cognito, pool.id, "ana@lumiere.example") == {"hotel.h1"}


def test_set_agent_hotels_moves_the_attribute_and_the_groups_together(admin_cli, cognito, pool, hotels, store):
    create_agent(cognito, pool.id, "ana@lumiere.example", "Ana", PASSWORD, "h1,h2", store=store)
    directory = CognitoDirectory(cognito, pool.id, ttl_seconds=0)

    code, out, err = admin_cli("set-agent-hotels", "--user-pool-id", pool.id, "--email", "ana@lumiere.example",
                         "--hotel-ids", "h2, h3")

    assert code == 0, err
    assert "joined: h3; left: h1" in out
    assert attribute(cognito, pool.id, "ana@lumiere.example", "custom:hotel_ids") == "h2,h3"
    assert groups_of(cognito, pool.id, "ana@lumiere.example") == {"hotel.h2", "hotel.h3"}
    assert [directory.agents(h) != [] for h in ("h1", "h2", "h3")] == [False, True, True]


def test_set_agent_hotels_repairs_groups_the_attribute_does_not_name(cognito, pool, hotels, store):
    """Groups are the truth of the team lists: one joined by hand is left when it is not among the hotels."""
    create_agent(cognito, pool.id, "ana@lumiere.example", "Ana", PASSWORD, "h1", store=store)
    cognito.create_group(UserPoolId=pool.id, GroupName="hotel.h3")
    cognito.create_group(UserPoolId=pool.id, GroupName="night-shift")  # not a hotel's: untouched
    for group in ("hotel.h3", "night-shift"):
        cognito.admin_add_user_to_group(UserPoolId=pool.id, GroupName=group, Username="ana@lumiere.example")

    assert set_agent_hotels(cognito, pool.id, "ana@lumiere.example", "h1", store=store) == ([], ["h3"])

    assert groups_of(cognito, pool.id, "ana@lumiere.example") == {"hotel.h1", "night-shift"}


def test_set_agent_hotels_refuses_a_hotel_that_does_not_exist_and_changes_nothing(admin_cli, cognito, pool, hotels, store):
    create_agent(cognito, pool.id, "ana@lumiere.example", "Ana", PASSWORD, "h1", store=store)

    code, _, err = admin_cli("set-agent-hotels", "--user-pool-id", pool.id, "--email", "ana@lumiere.example",
                       "--hotel-ids", "h2,h-ghost")

    assert code == 2 and "no such hotel: h-ghost" in err
    assert attribute(cognito, pool.id, "ana@lumiere.example", "custom:hotel_ids") == "h1"
    assert groups_of(cognito, pool.id, "ana@lumiere.example") == {"hotel.h1"}


def test_set_agent_hotels_of_an_unknown_user_is_refused_by_cognito_before_any_change(admin_cli, cognito, pool, hotels):
    code, _, err = admin_cli("set-agent-hotels", "--user-pool-id", pool.id, "--email", "nobody@lumiere.example",
                       "--hotel-ids", "h1")

    assert code == 1 and "error:" in err
    assert cognito.list_groups(UserPoolId=pool.id)["Groups"] == []


@pytest.mark.parametrize(("before", "after"), [("agent", "admin"), ("admin", "agent")])
def test_set_role_writes_custom_role(admin_cli, cognito, pool, hotels, store, before, after):
    create_agent(cognito, pool.id, "ana@lumiere.example", "Ana", PASSWORD, "h1", store=store, role=before)

    code, out, err = admin_cli("set-role", "--user-pool-id", pool.id, "--email", "ana@lumiere.example", "--role", after)

    assert code == 0, err
    assert f"now {after}" in out
    assert attribute(cognito, pool.id, "ana@lumiere.example", "custom:role") == after
    assert [a.role for a in CognitoDirectory(cognito, pool.id).agents("h1")] == [after]


def test_set_role_refuses_an_unknown_role(admin_cli, cognito, pool, hotels, store, capsys):
    create_agent(cognito, pool.id, "ana@lumiere.example", "Ana", PASSWORD, "h1", store=store)

    with pytest.raises(SystemExit) as exit_:
        admin_cli("set-role", "--user-pool-id", pool.id, "--email", "ana@lumiere.example", "--role", "owner")

    assert exit_.value.code == 2
    assert attribute(cognito, pool.id, "ana@lumiere.example", "custom:role") == "agent"


def test_a_function_caller_gets_admin_error_for_an_unknown_role(cognito, pool):
    from admin import set_role

    with pytest.raises(AdminError, match="unknown role 'owner'"):
        set_role(cognito, pool.id, "ana@lumiere.example", "owner")


needs_reply_target = pytest.mark.skipif(not hasattr(DynamoStore, "set_reply_target"),
                                        reason="the store's set_reply_target is not in this tree yet")


@needs_reply_target
def test_set_reply_target_sets_and_clears_the_hotels_reply_target(admin_cli, store, hotels):
    code, out, err = admin_cli("set-reply-target", "--hotel-id", "h1", "--minutes", "240")
    assert code == 0, err
    assert "reply target 240 minutes" in out
    assert store.get_hotel("h1").reply_target_minutes == 240

    assert admin_cli("set-reply-target", "--hotel-id", "h1", "--none")[0] == 0
    assert store.get_hotel("h1").reply_target_minutes is None


@pytest.mark.parametrize("minutes", ["4", "10081", "0", "-5"])
def test_set_reply_target_out_of_range_is_refused_before_any_write(admin_cli, store, hotels, minutes):
    code, _, err = admin_cli("set-reply-target", "--hotel-id", "h1", "--minutes", minutes)

    assert code == 2 and "5 to 10080 minutes" in err
    assert store.get_hotel("h1").reply_target_minutes is None


def test_set_reply_target_of_a_hotel_that_does_not_exist_is_refused(admin_cli, table):
    code, _, err = admin_cli("set-reply-target", "--hotel-id", "h-ghost", "--minutes", "60")

    assert code == 2 and "hotel h-ghost does not exist" in err


def test_set_reply_target_needs_minutes_or_none(admin_cli, table):
    with pytest.raises(SystemExit) as exit_:
        admin_cli("set-reply-target", "--hotel-id", "h1")
    assert exit_.value.code == 2
