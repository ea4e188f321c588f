"""The agents' user pool and the console's app client."""

from __future__ import annotations

from auth.principal import ROLES
from infra import names


def test_agents_sign_in_with_email_and_only_administrators_create_them(cfn):
    _, pool = cfn.one("AWS::Cognito::UserPool", UserPoolName=names.USER_POOL)
    properties = pool["Properties"]
    assert properties["UsernameAttributes"] == ["email"]
    assert properties["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True


def test_hotel_ids_is_a_mutable_custom_string_attribute(cfn):
    _, pool = cfn.one("AWS::Cognito::UserPool", UserPoolName=names.USER_POOL)
    (attribute,) = [a for a in pool["Properties"]["Schema"] if a["Name"] == "hotel_ids"]
    assert attribute["AttributeDataType"] == "String"
    assert attribute["Mutable"] is True


def test_password_policy_is_strong_and_totp_mfa_is_offered(cfn):
    _, pool = cfn.one("AWS::Cognito::UserPool", UserPoolName=names.USER_POOL)
    properties = pool["Properties"]
    policy = properties["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 12
    assert all(policy[k] for k in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"))
    assert properties["MfaConfiguration"] == "OPTIONAL"
    assert properties["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]


def test_threat_protection_is_enforced_on_the_plus_plan(cfn):
    _, pool = cfn.one("AWS::Cognito::UserPool", UserPoolName=names.USER_POOL)
    assert pool["Properties"]["UserPoolTier"] == "PLUS"
    assert pool["Properties"]["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}


def test_user_pool_is_kept_when_the_stack_goes(template):
    template.has_resource("AWS::Cognito::UserPool", {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"})


def test_console_client_has_no_secret_and_signs_in_with_password_or_srp(cfn):
    _, client = cfn.one("AWS::Cognito::UserPoolClient", ClientName=names.CONSOLE_CLIENT)
    properties = client["Properties"]
    assert properties["GenerateSecret"] is False
    assert set(properties["ExplicitAuthFlows"]) == {
        "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
    assert properties["AllowedOAuthFlowsUserPoolClient"] is False


def test_console_id_tokens_last_one_hour(cfn):
    _, client = cfn.one("AWS::Cognito::UserPoolClient", ClientName=names.CONSOLE_CLIENT)
    properties = client["Properties"]
    assert (properties["IdTokenValidity"], properties["TokenValidityUnits"]["IdToken"]) == (60, "minutes")


def test_role_is_a_mutable_custom_string_attribute_long_enough_for_every_role(cfn):
    _, pool = cfn.one("AWS::Cognito::UserPool", UserPoolName=names.USER_POOL)
    (attribute,) = [a for a in pool["Properties"]["Schema"] if a["Name"] == "role"]
    assert attribute["AttributeDataType"] == "String" and attribute["Mutable"] is True  # admins change roles
    assert int(attribute["StringAttributeConstraints"]["MaxLength"]) >= max(len(r) for r in ROLES)
    assert ROLES == {"admin", "agent"}


def test_console_reads_hotel_ids_role_name_and_email_but_writes_only_the_name(cfn):
    _, client = cfn.one("AWS::Cognito::UserPoolClient", ClientName=names.CONSOLE_CLIENT)
    properties = client["Properties"]
    assert {"custom:hotel_ids", "custom:role", "name", "email"} <= set(properties["ReadAttributes"])
    # An agent must not grant herself hotels or a role through UpdateUserAttributes.
    assert properties["WriteAttributes"] == ["name"]


def test_the_local_pool_and_console_client_have_the_stacks_attributes_and_limits(cfn):
    from local.resources import console_client_arguments, user_pool_arguments

    _, client = cfn.one("AWS::Cognito::UserPoolClient", ClientName=names.CONSOLE_CLIENT)
    local_client = console_client_arguments("local-pool")
    assert sorted(local_client["ReadAttributes"]) == sorted(client["Properties"]["ReadAttributes"])
    assert sorted(local_client["WriteAttributes"]) == sorted(client["Properties"]["WriteAttributes"])

    _, pool = cfn.one("AWS::Cognito::UserPool", UserPoolName=names.USER_POOL)
    custom = {a["Name"]: a for a in pool["Properties"]["Schema"] if a["Name"] in ("hotel_ids", "role")}
    local_custom = {a["Name"]: a for a in user_pool_arguments()["Schema"] if a["Name"] in custom}
    for name, attribute in custom.items():
        assert local_custom[name]["Mutable"] == attribute["Mutable"]
        assert (int(local_custom[name]["StringAttributeConstraints"]["MaxLength"])
                == int(attribute["StringAttributeConstraints"]["MaxLength"]))
    assert user_pool_arguments()["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
