"""The caller of the API, as the authorizer hands it to the API function.

API Gateway passes a Lambda authorizer's ``context`` to the integration as
``event["requestContext"]["authorizer"]``, and only flat values survive; so a principal
travels as five strings:

=============  ================================================================
``actor_type``  ``agent`` (a console user) or ``partner`` (an API key holder)
``actor_id``    the agent's Cognito ``sub`` or the partner's id
``actor_name``  the label shown in activity entries (``""`` when unknown)
``hotel_ids``   the hotels the caller may act on, comma-separated, sorted
``role``        an agent's role, ``admin`` or ``agent`` (from the claim ``custom:role``);
                ``""`` for partners. Missing (an authorizer answer cached before roles
                existed) reads as ``agent``: the least an agent may do.
=============  ================================================================

API Gateway adds keys of its own (``principalId``, ``integrationLatency``): they are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from inbox.model import Actor, ActorType

# The only kinds of actor that call the API with credentials.
CALLER_TYPES = frozenset({ActorType.AGENT, ActorType.PARTNER})
CONTEXT_KEYS = ("actor_type", "actor_id", "actor_name", "hotel_ids")  # required; ``role`` is optional
ADMIN, AGENT_ROLE = "admin", "agent"
ROLES = frozenset({ADMIN, AGENT_ROLE})


@dataclass(frozen=True)
class Principal:
    """An authenticated caller, the hotels it may act on and, for an agent, its role."""

    actor: Actor
    hotel_ids: frozenset[str]
    role: str | None = None  # an agent's custom:role (admin or agent; None means agent); None for partners

    def __post_init__(self) -> None:
        object.__setattr__(self, "hotel_ids", _hotel_set(self.hotel_ids))
        if self.actor.type not in CALLER_TYPES:
            raise ValueError(f"a caller is an agent or a partner, not {self.actor.type!r}")
        if self.actor.type is ActorType.PARTNER:
            if self.role is not None:
                raise ValueError("partners have no role")
        elif self.role is None:
            object.__setattr__(self, "role", AGENT_ROLE)
        elif self.role not in ROLES:
            raise ValueError(f"an agent's role is admin or agent, not {self.role!r}")
        if not isinstance(self.actor.id, str) or not self.actor.id:
            raise ValueError("a caller needs an id")
        if self.actor.name is not None and not isinstance(self.actor.name, str):
            raise ValueError("a caller's name is a string")

    def may_access(self, hotel_id: str | None) -> bool:
        """Whether the caller may act on this hotel."""
        return isinstance(hotel_id, str) and hotel_id in self.hotel_ids

    @property
    def is_admin(self) -> bool:
        """Whether the caller is one of the hotels' admins (never a partner)."""
        return self.role == ADMIN

    def to_context(self) -> dict[str, str]:
        """The authorizer context (strings only) that ``from_context`` reads back."""
        assert self.actor.id is not None  # __post_init__ refuses a caller without an id
        return {
            "actor_type": self.actor.type.value,
            "actor_id": self.actor.id,
            "actor_name": self.actor.name or "",
            "hotel_ids": ",".join(sorted(self.hotel_ids)),
            "role": self.role or "",
        }

    @classmethod
    def from_context(cls, ctx: Mapping[str, Any]) -> Principal:
        """The principal in an authorizer context; ``ValueError`` when it is malformed."""
        if not isinstance(ctx, Mapping):
            raise ValueError("the authorizer context is not an object")
        missing = [key for key in CONTEXT_KEYS if key not in ctx]
        if missing:
            raise ValueError(f"the authorizer context lacks {', '.join(missing)}")
        wrong = [key for key in CONTEXT_KEYS if not isinstance(ctx[key], str)]
        if wrong:
            raise ValueError(f"the authorizer context has non-string {', '.join(wrong)}")
        try:
            actor_type = ActorType(ctx["actor_type"])
        except ValueError:
            raise ValueError(f"unknown actor_type {ctx['actor_type']!r}") from None
        raw_hotels = ctx["hotel_ids"]
        hotels = raw_hotels.split(",") if raw_hotels else []
        role = ctx.get("role", "")
        if not isinstance(role, str):
            raise ValueError("the authorizer context has a non-string role")
        return cls(Actor(actor_type, ctx["actor_id"], ctx["actor_name"] or None), frozenset(hotels), role or None)


def _hotel_set(hotel_ids: Iterable[str]) -> frozenset[str]:
    if isinstance(hotel_ids, str):
        raise ValueError("hotel_ids is a collection of ids, not one string")
    hotels = frozenset(hotel_ids)
    for hotel_id in hotels:
        if not isinstance(hotel_id, str) or not hotel_id or "," in hotel_id or hotel_id != hotel_id.strip():
            raise ValueError(f"invalid hotel id {hotel_id!r}")
    return hotels
