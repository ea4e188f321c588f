"""``CognitoDirectory``: a hotel's agents are the members of the user pool group ``hotel.<hotel_id>``.

One ``ListUsersInGroup`` request a page of 60 users (Cognito's maximum), and the answer kept for
``ttl_seconds`` (60) per hotel in the warm process (``cachetools.TTLCache``): the console asks for the
agents on every load and assignment, the group changes when an admin runs ``python -m admin``. A
group that does not exist (a hotel without agents yet) is an empty list, cached the same way.

Each member becomes an ``Agent``: ``id`` its ``sub`` (the ID token's subject, what assignments and
mentions name), ``name`` its ``name`` attribute (else its email), ``role`` from ``custom:role``
(``admin`` or ``agent``; missing or unknown is ``agent``, as ``auth.tokens.role_from_claim`` reads the
claim: a mistyped role never grants more). A disabled user cannot sign in, so it is nobody's
colleague: it is left out. Agents are sorted by name (case-insensitive), then id.

The admin command (``admin.create_agent``) keeps the groups in step with ``custom:hotel_ids``;
``group_name`` is the one place the group's name is spelled.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from cachetools import TTLCache

from inbox.model import Agent, Role

GROUP_PREFIX = "hotel."
ROLE_ATTRIBUTE = "custom:role"  # auth.tokens.ROLE_CLAIM (not imported: it would load PyJWT)
PAGE_SIZE = 60  # ListUsersInGroup's maximum Limit
CACHE_SECONDS = 60.0
MAX_CACHED_HOTELS = 1024  # a warm process serves a hotel group's few hotels; this only bounds memory
MISSING_GROUP = "ResourceNotFoundException"


def group_name(hotel_id: str) -> str:
    """The user pool group of a hotel's agents."""
    return f"{GROUP_PREFIX}{hotel_id}"


def role_of(value: object) -> Role:
    """``custom:role`` as a ``Role``: ``agent`` when missing or unknown (least privilege)."""
    return Role(value) if isinstance(value, str) and value in Role.__members__.values() else Role.AGENT


def agent_of(user: Mapping[str, Any]) -> Agent | None:
    """One ``ListUsersInGroup`` user as an ``Agent``; None for a disabled user."""
    if user.get("Enabled") is False:
        return None
    attributes = {a["Name"]: a.get("Value", "") for a in user.get("Attributes", ())}
    email = attributes.get("email") or None
    agent_id = attributes.get("sub") or user["Username"]
    name = attributes.get("name", "").strip() or email or user["Username"]
    return Agent(id=agent_id, name=name, email=email, role=role_of(attributes.get(ROLE_ATTRIBUTE)))


class CognitoDirectory:
    """Implements ``inbox.ports.AgentDirectory`` on a boto3 ``cognito-idp`` client."""

    def __init__(self, client: Any, user_pool_id: str, *, ttl_seconds: float = CACHE_SECONDS,
                 max_hotels: int = MAX_CACHED_HOTELS, timer: Callable[[], float] = time.monotonic):
        if not user_pool_id:
            raise ValueError("the agents' user pool id (setting user_pool_id) is empty")
        self._client = client
        self._user_pool_id = user_pool_id
        self._cache: TTLCache[str, tuple[Agent, ...]] = TTLCache(maxsize=max_hotels, ttl=ttl_seconds, timer=timer)
        self._lock = threading.Lock()  # cachetools' caches are not thread-safe (the local stack serves threads)

    def agents(self, hotel_id: str) -> list[Agent]:
        with self._lock:
            cached = self._cache.get(hotel_id)
        if cached is None:
            cached = tuple(sorted(self._members(hotel_id), key=lambda agent: (agent.name.casefold(), agent.id)))
            with self._lock:
                self._cache[hotel_id] = cached
        return list(cached)

    def forget(self, hotel_id: str | None = None) -> None:
        """Drop the cached list of one hotel (or of all): the next call asks Cognito again."""
        with self._lock:
            if hotel_id is None:
                self._cache.clear()
            else:
                self._cache.pop(hotel_id, None)

    def _group_missing(self, error: Any) -> bool:
        """The group does not exist, rather than the pool: Cognito answers ResourceNotFoundException for
        both, and only the pool's message names the pool (a wrong pool id must fail, not list nobody)."""
        details = error.response.get("Error", {})
        return details.get("Code") == MISSING_GROUP and self._user_pool_id not in str(details.get("Message", ""))

    def _members(self, hotel_id: str) -> list[Agent]:
        from botocore.exceptions import ClientError

        request: dict[str, Any] = {"UserPoolId": self._user_pool_id, "GroupName": group_name(hotel_id),
                                   "Limit": PAGE_SIZE}
        found: list[Agent] = []
        while True:
            try:
                page = self._client.list_users_in_group(**request)
            except ClientError as error:
                if self._group_missing(error):
                    return []  # no group yet: no agents
                raise
            found.extend(agent for agent in map(agent_of, page.get("Users", ())) if agent is not None)
            token = page.get("NextToken")
            if not token:
                return found
            request["NextToken"] = token
