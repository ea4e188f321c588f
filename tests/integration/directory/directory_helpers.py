"""Helpers for the directory tests: a moto user pool shaped like the console's, its users and groups,
and a counter of the Cognito requests a client sends."""

from __future__ import annotations

from collections import Counter

POOL_SCHEMA = [{"Name": "hotel_ids", "AttributeDataType": "String", "Mutable": True},
               {"Name": "role", "AttributeDataType": "String", "Mutable": True}]


def make_pool(cognito, name: str = "lobby-agents") -> str:
    return cognito.create_user_pool(PoolName=name, Schema=POOL_SCHEMA)["UserPool"]["Id"]


def add_user(cognito, pool_id: str, email: str, *, name: str | None = None, role: str | None = None,
             groups: tuple[str, ...] = ()) -> str:
    """A user with these attributes in these groups (created if missing); returns its ``sub``."""
    attributes = [{"Name": "email", "Value": email}]
    if name is not None:
        attributes.append({"Name": "name", "Value": name})
    if role is not None:
        attributes.append({"Name": "custom:role", "Value": role})
    user = cognito.admin_create_user(UserPoolId=pool_id, Username=email, UserAttributes=attributes,
                                     MessageAction="SUPPRESS")["User"]
    for group in groups:
        ensure_group(cognito, pool_id, group)
        cognito.admin_add_user_to_group(UserPoolId=pool_id, GroupName=group, Username=email)
    return {a["Name"]: a["Value"] for a in user["Attributes"]}["sub"]


def ensure_group(cognito, pool_id: str, group: str) -> None:
    try:
        cognito.create_group(UserPoolId=pool_id, GroupName=group)
    except cognito.exceptions.GroupExistsException:
        pass


class CognitoRequests:
    """Counts the requests a boto3 ``cognito-idp`` client sends, by operation (botocore's own hook)."""

    def __init__(self, client):
        self.calls: list[tuple[str, dict]] = []
        client.meta.events.register("before-parameter-build.cognito-idp", self._seen)

    def _seen(self, model, params, **_):
        self.calls.append((model.name, params))

    @property
    def counts(self) -> Counter:
        return Counter(name for name, _ in self.calls)

    def reset(self) -> None:
        self.calls.clear()


class Clock:
    """A monotonic clock the test moves (the cache's timer)."""

    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now
