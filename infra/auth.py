"""The auth construct: the console agents' Cognito user pool and the console's app client.

Agents sign in with their email; administrators create them (no self sign-up) and set
`custom:hotel_ids`, the comma-separated hotels an agent works for, and `custom:role` (admin or
agent). The console client reads both claims but can write neither (`names.CONSOLE_*_ATTRIBUTES`):
an agent must never grant herself a hotel or a role.

Feature plan: Plus, with threat protection enforced. It is billed per monthly active user
with no free tier (about two cents a user at list price), so a hotel's handful of agents
costs cents a month, while compromised-credential detection and adaptive authentication
protect accounts that read guests' personal data. That is why cdk-nag's COG8 is met rather
than acknowledged.

Token lifetimes (the console client's settings, `names.CONSOLE_*_TOKEN_VALIDITY_*`): ID and access
tokens last 60 minutes; the refresh token lasts `names.CONSOLE_REFRESH_TOKEN_VALIDITY_DAYS` (30) days.
The console renews its ID token with the refresh token (`REFRESH_TOKEN_AUTH`) before it expires, for REST
calls and the WebSocket alike, so an agent stays signed in for a whole shift and is signed out only when the
refresh token is refused (expired, revoked by a sign-out: token revocation is on) or she signs out. 30 days
lets an agent come back after a weekend or a week off without typing her password; a shorter lifetime signs
agents out sooner (change the setting and deploy: Cognito applies it to refresh tokens issued afterwards;
its range is 1 hour to 10 years). A stolen refresh token is worth at most that long, unless revoked.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import Duration, Stack
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from infra import names

# Cognito's names of the console client's auth flows (infra/names.py) -> CDK's AuthFlow flags.
# CDK adds ALLOW_REFRESH_TOKEN_AUTH by itself whenever it writes any flow.
_CDK_AUTH_FLOWS = {
    "ALLOW_USER_PASSWORD_AUTH": "user_password",
    "ALLOW_USER_SRP_AUTH": "user_srp",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH": "admin_user_password",
    "ALLOW_CUSTOM_AUTH": "custom",
    "ALLOW_USER_AUTH": "user",
}
_REFRESH_FLOW = "ALLOW_REFRESH_TOKEN_AUTH"
# Cognito's names of standard attributes -> CDK's StandardAttributesMask flags.
_CDK_STANDARD_ATTRIBUTES = {"email": "email", "email_verified": "email_verified", "name": "fullname"}


def console_auth_flows() -> cognito.AuthFlow:
    """``names.CONSOLE_AUTH_FLOWS`` as CDK's flags (a flow CDK cannot write fails loudly)."""
    if _REFRESH_FLOW not in names.CONSOLE_AUTH_FLOWS:
        raise ValueError(f"CDK always allows refresh tokens: keep {_REFRESH_FLOW} in names.CONSOLE_AUTH_FLOWS")
    return cognito.AuthFlow(**{_CDK_AUTH_FLOWS[flow]: True for flow in names.CONSOLE_AUTH_FLOWS
                               if flow != _REFRESH_FLOW})


def client_attributes(attributes: tuple[str, ...]) -> cognito.ClientAttributes:
    """Cognito attribute names (``names.CONSOLE_READ_ATTRIBUTES``...) as CDK's ClientAttributes."""
    custom = [name.removeprefix("custom:") for name in attributes if name.startswith("custom:")]
    standard = {_CDK_STANDARD_ATTRIBUTES[name]: True for name in attributes if not name.startswith("custom:")}
    mask = cognito.ClientAttributes().with_standard_attributes(**standard)
    return mask.with_custom_attributes(*custom) if custom else mask


class Auth(Construct):
    def __init__(self, scope: Construct, id: str):
        super().__init__(scope, id)
        self.user_pool = cognito.UserPool(
            self, "Agents",
            user_pool_name=names.USER_POOL,
            sign_in_aliases=cognito.SignInAliases(**{names.SIGN_IN_ATTRIBUTE: True}),
            sign_in_case_sensitive=names.SIGN_IN_CASE_SENSITIVE,
            self_sign_up_enabled=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True),
                fullname=cognito.StandardAttribute(required=False, mutable=True),
            ),
            custom_attributes={
                names.HOTEL_IDS_ATTRIBUTE: cognito.StringAttribute(
                    min_len=0, max_len=names.HOTEL_IDS_MAX_LENGTH, mutable=True),
                names.ROLE_ATTRIBUTE: cognito.StringAttribute(min_len=0, max_len=names.ROLE_MAX_LENGTH, mutable=True),
            },
            password_policy=cognito.PasswordPolicy(
                min_length=names.PASSWORD_MIN_LENGTH,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(names.TEMPORARY_PASSWORD_VALIDITY_DAYS),
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            deletion_protection=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        cdk.Validations.of(self.user_pool).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-COG2",
            reason="MFA is optional (TOTP offered to every agent) because front desks often share one device "
                   "between shifts; Plus threat protection in full-function mode asks risky sign-ins for a "
                   "second factor or blocks them, which covers the accounts that have no TOTP yet.",
        ))

        self.console_client = self.user_pool.add_client(
            "Console",
            user_pool_client_name=names.CONSOLE_CLIENT,
            generate_secret=False,  # a browser app cannot keep a secret
            disable_o_auth=True,  # the console signs in with the auth flows below, no hosted UI or redirects
            auth_flows=console_auth_flows(),
            id_token_validity=Duration.minutes(names.CONSOLE_ID_TOKEN_VALIDITY_MINUTES),
            access_token_validity=Duration.minutes(names.CONSOLE_ACCESS_TOKEN_VALIDITY_MINUTES),
            refresh_token_validity=Duration.days(names.CONSOLE_REFRESH_TOKEN_VALIDITY_DAYS),
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            read_attributes=client_attributes(names.CONSOLE_READ_ATTRIBUTES),
            write_attributes=client_attributes(names.CONSOLE_WRITE_ATTRIBUTES),
        )

    @property
    def issuer(self) -> str:
        """The `iss` of the pool's tokens."""
        stack = Stack.of(self)
        return f"https://cognito-idp.{stack.region}.{stack.url_suffix}/{self.user_pool.user_pool_id}"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/.well-known/jwks.json"
