"""Lobby's admin operations: create hotels, console agents and partner API keys.

Run them as ``python -m admin ...`` from the repository root (see ``admin.__main__``), or
call the functions below (the local stack and the tests do). They talk to whatever the
given store and clients point at, moto or AWS alike.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The functions' code lives in ``functions/`` (Lambda's root): make it importable.
_FUNCTIONS = str(Path(__file__).resolve().parent.parent / "functions")
if _FUNCTIONS not in sys.path:
    sys.path.insert(0, _FUNCTIONS)

from auth.keys import hash_api_key, new_api_key  # noqa: E402
from inbox.ports import Hotel, PartnerKey  # noqa: E402

DEFAULT_TIMEZONE = "Europe/Paris"
HOTELS_ATTRIBUTE = "custom:hotel_ids"

__all__ = ["AdminError", "create_agent", "create_hotel", "create_partner_key", "parse_hotel_ids"]


class AdminError(Exception):
    """An admin request that cannot be carried out as asked."""


def parse_hotel_ids(hotel_ids: str | Iterable[str]) -> list[str]:
    """``"h1, h2,,h1"`` (or a list) -> ``["h1", "h2"]``: trimmed, deduplicated, at least one."""
    parts = hotel_ids.split(",") if isinstance(hotel_ids, str) else list(hotel_ids)
    hotels = list(dict.fromkeys(part.strip() for part in parts if part and part.strip()))
    if not hotels:
        raise AdminError("give at least one hotel id")
    if any("," in hotel for hotel in hotels):
        raise AdminError("a hotel id cannot contain a comma")
    return hotels


def create_hotel(store, hotel_id: str, name: str, timezone: str = DEFAULT_TIMEZONE,
                 expedia_property_id: str | None = None, *, bot_enabled: bool = True) -> Hotel:
    """Store a new hotel; refuses to overwrite one that exists."""
    hotel_id, name = hotel_id.strip(), name.strip()
    if not hotel_id or "," in hotel_id or not name:
        raise AdminError("a hotel needs an id (without commas) and a name")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise AdminError(f"unknown time zone {timezone!r} (use an IANA name such as Europe/Paris)") from None
    if store.get_hotel(hotel_id) is not None:
        raise AdminError(f"hotel {hotel_id} already exists")
    hotel = Hotel(id=hotel_id, name=name, timezone=timezone, bot_enabled=bot_enabled)
    store.put_hotel(hotel)
    if expedia_property_id:
        connect_expedia(store, hotel_id, expedia_property_id)
        hotel = store.get_hotel(hotel_id)
    return hotel


def connect_expedia(store, hotel_id: str, property_id: str) -> None:
    """Connect a hotel to its Expedia property: Expedia's notifications for it reach this hotel."""
    property_id = property_id.strip()
    if not property_id:
        raise AdminError("an Expedia property id is needed")
    if store.get_hotel(hotel_id) is None:
        raise AdminError(f"hotel {hotel_id} does not exist")
    owner = store.hotel_for_expedia_property(property_id)
    if owner not in (None, hotel_id):
        raise AdminError(f"Expedia property {property_id} already belongs to hotel {owner}")
    store.set_expedia_property(hotel_id, property_id)


def load_knowledge(store, hotel_id: str, path: str | None = None, *, enabled: bool = True) -> int:
    """Replace the hotel's bot knowledge base from a JSON file (the shape of ``GET /v1/hotels/{h}/bot``),
    or with the sample knowledge base when no file is given; returns the number of entries."""
    import json

    from inbox.bot import KnowledgeBase, KnowledgeEntry

    hotel = store.get_hotel(hotel_id)
    if hotel is None:
        raise AdminError(f"hotel {hotel_id} does not exist")
    if path is None:
        from bot.samples import sample_knowledge_base

        knowledge = sample_knowledge_base(hotel.name)
    else:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        enabled = data.get("enabled", enabled)
        knowledge = KnowledgeBase(
            default_language=data.get("default_language", "en"),
            trusted_domains=tuple(data.get("trusted_domains", ())),
            entries=tuple(KnowledgeEntry(e["id"], e["topic"], tuple(e["questions"]), dict(e["answers"]))
                          for e in data.get("entries", ())))
    store.set_bot(hotel_id, enabled, knowledge)
    return len(knowledge.entries)


def create_agent(cognito, user_pool_id: str, email: str, name: str, password: str,
                 hotel_ids: str | Iterable[str]) -> str:
    """Create a console agent in the user pool with a permanent password; returns its ``sub``.

    ``cognito`` is a boto3 ``cognito-idp`` client. No invitation is sent (the password is
    set here); the agent's hotels go into ``custom:hotel_ids``, which its ID tokens carry.
    """
    hotels = parse_hotel_ids(hotel_ids)
    response = cognito.admin_create_user(
        UserPoolId=user_pool_id,
        Username=email,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "name", "Value": name},
            {"Name": HOTELS_ATTRIBUTE, "Value": ",".join(hotels)},
        ],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(UserPoolId=user_pool_id, Username=email, Password=password, Permanent=True)
    attributes = {a["Name"]: a["Value"] for a in response["User"].get("Attributes", [])}
    return attributes.get("sub") or response["User"]["Username"]


def create_partner_key(store, partner_id: str, name: str, hotel_ids: str | Iterable[str], *,
                       apigateway=None, usage_plan_id: str | None = None) -> str:
    """Issue a partner key for these hotels and return it: it cannot be shown again, since
    only its hash is stored.

    With ``usage_plan_id`` (and ``apigateway``, a boto3 ``apigateway`` client) the key is
    also registered as an API Gateway API key in that usage plan, which is what makes the
    authorizer's ``usageIdentifierKey`` throttle the partner. API Gateway keeps that value.
    """
    partner_id, name = partner_id.strip(), name.strip()
    if not partner_id or not name:
        raise AdminError("a partner needs an id and a name")
    hotels = parse_hotel_ids(hotel_ids)
    if usage_plan_id and apigateway is None:
        raise AdminError("registering the key in a usage plan needs an API Gateway client")
    key = new_api_key()
    key_hash = hash_api_key(key)
    if usage_plan_id:
        # First, so that a failure leaves no key in Lobby that API Gateway would refuse.
        created = apigateway.create_api_key(
            name=f"lobby-partner-{partner_id}-{key_hash[:12]}", value=key, enabled=True,
            description=f"Lobby partner {name}",
        )
        apigateway.create_usage_plan_key(usagePlanId=usage_plan_id, keyId=created["id"], keyType="API_KEY")
    store.put_partner_key(key_hash, PartnerKey(partner_id=partner_id, name=name, hotel_ids=frozenset(hotels)))
    return key
