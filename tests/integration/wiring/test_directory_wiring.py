"""The composition root builds the agent directory on the pool of the settings (USER_POOL_ID), only when
the inbox first needs the team, and hands it to the inbox."""

from __future__ import annotations

import boto3
import pytest

from directory.cognito import CognitoDirectory, group_name


@pytest.fixture
def pool(aws, region):
    cognito = boto3.client("cognito-idp", region_name=region)
    pool_id = cognito.create_user_pool(PoolName="lobby-agents", Schema=[
        {"Name": "role", "AttributeDataType": "String", "Mutable": True}])["UserPool"]["Id"]
    cognito.create_group(UserPoolId=pool_id, GroupName=group_name("h1"))
    cognito.admin_create_user(UserPoolId=pool_id, Username="ana@lumiere.example", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "ana@lumiere.example"},
                                              {"Name": "name", "Value": "Ana Lima"},
                                              {"Name": "custom:role", "Value": "admin"}])
    cognito.admin_add_user_to_group(UserPoolId=pool_id, GroupName=group_name("h1"), Username="ana@lumiere.example")
    return pool_id


def test_the_inbox_lists_the_agents_of_the_settings_user_pool(configure, pool, region, table):
    from wiring import container

    configure(aws_region=region, table_name=table, user_pool_id=pool)

    agents = container.inbox().agents("h1")

    assert [(a.name, a.email, a.role) for a in agents] == [("Ana Lima", "ana@lumiere.example", "admin")]
    assert isinstance(container.directory(), CognitoDirectory)


def test_the_cache_time_is_a_setting(configure, pool, region):
    from wiring import container

    settings = configure(aws_region=region, user_pool_id=pool, agents_cache_seconds="5")

    assert settings.agents_cache_seconds == 5.0
    assert container.directory()._cache.ttl == 5.0


def test_the_directory_is_built_only_when_the_team_is_needed(configure, region, table):
    """Routes that never list agents (and every other function) build no directory and no Cognito client."""
    from wiring import container

    configure(aws_region=region, table_name=table)  # no USER_POOL_ID: the directory would refuse to be built

    container.inbox()

    assert container.directory.cache_info().currsize == 0
    assert container.client.cache_info().currsize == 0


def test_without_a_user_pool_the_first_use_fails_naming_the_setting(configure, region, table):
    from wiring import container

    configure(aws_region=region, table_name=table)

    with pytest.raises(ValueError, match="user_pool_id"):
        container.inbox().agents("h1")
