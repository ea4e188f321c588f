"""Lobby's admin operations: create hotels, console agents and partner API keys.

An agent's hotels live twice in the user pool, and every operation here keeps them in step: in
``custom:hotel_ids`` (the ID token's claim: what the agent may open) and as membership of each hotel's
group ``hotel.<hotel_id>`` (``directory.cognito.group_name``: whom the hotel's team lists, ``GET .../agents``).

Run them as ``python -m admin ...`` from the repository root (see ``admin.__main__``), or
call the functions below (the local stack and the tests do). They talk to whatever the
given store and clients point at, moto or AWS alike.
"""

from __future__ import annotations

import getpass
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The functions' code lives in ``functions/`` (Lambda's root): make it importable.
_FUNCTIONS = str(Path(__file__).resolve().parent.parent / "functions")
if _FUNCTIONS not in sys.path:
    sys.path.insert(0, _FUNCTIONS)

from auth.principal import AGENT_ROLE  # noqa: E402
from auth.principal import ROLES as principal_roles  # noqa: E402
from auth.tokens import HOTELS_CLAIM, ROLE_CLAIM  # noqa: E402
from directory.cognito import GROUP_PREFIX, group_name  # noqa: E402
from inbox.audit import (  # noqa: E402
    AGENT_CREATED,
    AGENT_HOTELS_CHANGED,
    ROLE_CHANGED,
    TARGET_AGENT,
    AuditTarget,
    change,
)
from inbox.ids import HOTEL_ID_PATTERN, HOTEL_ID_RULE, is_hotel_id  # noqa: E402
from inbox.model import Actor, ActorType  # noqa: E402
from inbox.ports import Hotel  # noqa: E402

DEFAULT_TIMEZONE = "Europe/Paris"
HOTELS_ATTRIBUTE = HOTELS_CLAIM  # the Cognito attribute is the ID token's claim
ROLE_ATTRIBUTE = ROLE_CLAIM  # what an agent may do in the console: "admin" (bot settings too) or "agent"
ROLES = tuple(sorted(principal_roles))
DEFAULT_ROLE = AGENT_ROLE
MAX_BACKFILL_DAYS = 30  # what connecting imports: the "last 30 days"
_PROPERTY_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # Expedia's are digits; the key needs no more than this

__all__ = ["ROLES", "AdminError", "connect_expedia", "create_agent", "create_hotel", "create_partner_key",
           "load_knowledge", "operator_actor", "parse_hotel_ids", "require_hotels", "set_agent_hotels",
           "set_reply_target", "set_retention", "set_role"]


class AdminError(Exception):
    """An admin request that cannot be carried out as asked."""


def check_hotel_id(hotel_id: str) -> str:
    """The hotel id trimmed, or ``AdminError`` unless it matches ``inbox.ids.HOTEL_ID_PATTERN``."""
    hotel_id = hotel_id.strip() if isinstance(hotel_id, str) else hotel_id
    if not is_hotel_id(hotel_id):
        raise AdminError(f"invalid hotel id {hotel_id!r}: use {HOTEL_ID_RULE} ({HOTEL_ID_PATTERN})")
    return hotel_id


def parse_hotel_ids(hotel_ids: str | Iterable[str]) -> list[str]:
    """``"h1, h2,,h1"`` (or a list) -> ``["h1", "h2"]``: trimmed, deduplicated, at least one, each valid."""
    parts = hotel_ids.split(",") if isinstance(hotel_ids, str) else list(hotel_ids)
    hotels = list(dict.fromkeys(check_hotel_id(part) for part in parts if part and part.strip()))
    if not hotels:
        raise AdminError("give at least one hotel id")
    return hotels


def require_hotels(store, hotel_ids: Iterable[str]) -> None:
    """``AdminError`` naming every one of these hotels that does not exist."""
    missing = [hotel for hotel in hotel_ids if store.get_hotel(hotel) is None]
    if missing:
        raise AdminError(f"no such hotel: {', '.join(missing)} (create it first with create-hotel)")


def create_hotel(store, hotel_id: str, name: str, timezone: str = DEFAULT_TIMEZONE,
                 expedia_property_id: str | None = None, *, bot_enabled: bool = True) -> Hotel:
    """Store a new hotel; refuses to overwrite one that exists."""
    hotel_id, name = check_hotel_id(hotel_id), name.strip()
    if not name:
        raise AdminError("a hotel needs a name")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise AdminError(f"unknown time zone {timezone!r} (use an IANA name such as Europe/Paris)") from None
    if store.get_hotel(hotel_id) is not None:
        raise AdminError(f"hotel {hotel_id} already exists")
    if expedia_property_id:  # refused before the hotel is stored
        expedia_property_id = _free_property(store, hotel_id, expedia_property_id)
    hotel = Hotel(id=hotel_id, name=name, timezone=timezone, bot_enabled=bot_enabled)
    store.put_hotel(hotel)
    if expedia_property_id:
        connect_expedia(store, hotel_id, expedia_property_id)
        hotel = store.get_hotel(hotel_id)
    return hotel


def _free_property(store, hotel_id: str, property_id: str) -> str:
    """The property id trimmed, refused when odd or connected to another hotel."""
    property_id = property_id.strip()
    if not _PROPERTY_ID.fullmatch(property_id):
        raise AdminError(f"invalid Expedia property id {property_id!r}: use 1 to 64 letters, digits, '-' or '_'")
    owner = store.hotel_for_expedia_property(property_id)
    if owner not in (None, hotel_id):
        raise AdminError(f"Expedia property {property_id} already belongs to hotel {owner}")
    return property_id


def connect_expedia(store, hotel_id: str, property_id: str, *, backfill=None, days: int = 30):
    """Connect a hotel to its Expedia property: Expedia's notifications for it reach this hotel, and no
    longer those of the property it had before (one transaction). A property of another hotel is refused.

    With ``backfill`` (an ``expedia.backfill.ExpediaBackfill``), the property's threads of the last ``days``
    are then imported through the ingest's idempotent path (so running it again changes nothing); returns
    what it imported (``Backfilled``), or None without one."""
    from inbox.errors import Conflict

    hotel_id = check_hotel_id(hotel_id)
    if store.get_hotel(hotel_id) is None:
        raise AdminError(f"hotel {hotel_id} does not exist")
    property_id = _free_property(store, hotel_id, property_id)
    if not 1 <= days <= MAX_BACKFILL_DAYS:
        raise AdminError(f"the backfill reaches back 1 to {MAX_BACKFILL_DAYS} days, not {days}")
    try:
        store.set_expedia_property(hotel_id, property_id)
    except Conflict as error:  # another admin got there between the check and the write
        raise AdminError(str(error)) from None
    if backfill is None:
        return None
    from datetime import UTC, datetime, timedelta

    until = datetime.now(UTC)
    return backfill.run(property_id, since=until - timedelta(days=days), until=until)


def load_knowledge(store, hotel_id: str, path: str | None = None, *, enabled: bool = True,
                   actor: Actor | None = None, audit=None) -> int:
    """Replace the hotel's bot knowledge base from a JSON file (the shape of ``GET /v1/hotels/{h}/bot``),
    or with the sample knowledge base when no file is given; returns the number of entries. It goes through
    the inbox's use case, as ``PUT /v1/hotels/{h}/bot`` does, with its audit entry (``bot_updated``; ``actor``
    by default the OS user; ``audit`` an ``Inbox``, by default one on ``store``)."""
    hotel_id = check_hotel_id(hotel_id)
    read = _read_knowledge(path) if path is not None else None  # a bad file is refused before any call to AWS
    hotel = store.get_hotel(hotel_id)
    if hotel is None:
        raise AdminError(f"hotel {hotel_id} does not exist")
    if read is None:
        from bot.samples import sample_knowledge_base

        knowledge = sample_knowledge_base(hotel.name)
    else:
        file_enabled, knowledge = read
        enabled = enabled and file_enabled  # --off wins over the file
    # TooLarge (a DomainError) when it cannot be stored
    _admin_actions(store, audit).update_bot(hotel_id, actor or operator_actor(), enabled, knowledge)
    return len(knowledge.entries)


def _read_knowledge(path: str):
    """``(enabled, KnowledgeBase)`` from the file, checked as ``PUT /v1/hotels/{h}/bot`` checks its body."""
    import json

    from pydantic import ValidationError

    from api.schemas import BotSettings
    from inbox.bot import KnowledgeBase, KnowledgeEntry

    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as error:
        raise AdminError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise AdminError(f"{path} is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise AdminError(f"{path} is not JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    if not isinstance(data, dict):
        raise AdminError(f"{path} must hold a JSON object shaped like GET /v1/hotels/{{h}}/bot")
    try:
        settings = BotSettings.model_validate({"enabled": True, **data})
    except ValidationError as error:
        problems = [f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in error.errors()]
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise AdminError(f"{path} is not a valid knowledge base: {'; '.join(problems[:3])}{more}") from None
    knowledge = KnowledgeBase(
        default_language=settings.default_language, trusted_domains=tuple(settings.trusted_domains),
        entries=tuple(KnowledgeEntry(e.id, e.topic, tuple(e.questions), dict(e.answers)) for e in settings.entries))
    return settings.enabled, knowledge


def create_agent(cognito, user_pool_id: str, email: str, name: str, password: str,
                 hotel_ids: str | Iterable[str], *, store=None, role: str = DEFAULT_ROLE,
                 actor: Actor | None = None, audit=None) -> str:
    """Create a console agent in the user pool with a permanent password; returns its ``sub``.

    ``cognito`` is a boto3 ``cognito-idp`` client. No invitation is sent (the password is
    set here); the agent's hotels go into ``custom:hotel_ids`` and its role (``admin`` or
    ``agent``) into ``custom:role``, which its ID tokens carry. With ``store`` (the command
    always gives it), hotels that do not exist are refused before anything is created, and
    each hotel's audit log gets an ``agent_created`` entry (target the agent's sub; details its
    role and hotels, never its email or name).
    """
    hotels = parse_hotel_ids(hotel_ids)
    _check_role(role)
    if store is not None:
        require_hotels(store, hotels)
    for hotel in hotels:  # before the user: a pool that refuses groups leaves no agent half made
        _ensure_group(cognito, user_pool_id, hotel)
    response = cognito.admin_create_user(
        UserPoolId=user_pool_id,
        Username=email,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "name", "Value": name},
            {"Name": HOTELS_ATTRIBUTE, "Value": ",".join(hotels)},
            {"Name": ROLE_ATTRIBUTE, "Value": role},
        ],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(UserPoolId=user_pool_id, Username=email, Password=password, Permanent=True)
    for hotel in hotels:
        cognito.admin_add_user_to_group(UserPoolId=user_pool_id, GroupName=group_name(hotel), Username=email)
    attributes = {a["Name"]: a["Value"] for a in response["User"].get("Attributes", [])}
    sub: str = attributes.get("sub") or response["User"]["Username"]
    _record_agent_action(store, audit, actor, hotels, AGENT_CREATED, sub, {"role": role, "hotels": hotels})
    return sub


def set_agent_hotels(cognito, user_pool_id: str, email: str, hotel_ids: str | Iterable[str], *,
                     store=None, actor: Actor | None = None, audit=None) -> tuple[list[str], list[str]]:
    """Make these the agent's hotels: ``custom:hotel_ids`` and the groups ``hotel.<h>`` (joined, created if
    missing; left for every other hotel, whatever the attribute said before). Returns ``(joined, left)``.
    With ``store``, every hotel the agent worked for or now works for gets an ``agent_hotels_changed`` entry
    (target the agent's sub; details the hotels ``{"from", "to"}``).

    The agent's ID tokens carry the old claim until they expire (an hour); the team lists change within
    the directory's cache time (a minute)."""
    hotels = parse_hotel_ids(hotel_ids)
    if store is not None:
        require_hotels(store, hotels)
    current = _hotel_groups(cognito, user_pool_id, email)  # also refuses an unknown user, before any change
    joined = [hotel for hotel in hotels if hotel not in current]
    left = [hotel for hotel in current if hotel not in hotels]
    for hotel in joined:
        _ensure_group(cognito, user_pool_id, hotel)
    cognito.admin_update_user_attributes(UserPoolId=user_pool_id, Username=email,
                                         UserAttributes=[{"Name": HOTELS_ATTRIBUTE, "Value": ",".join(hotels)}])
    for hotel in joined:
        cognito.admin_add_user_to_group(UserPoolId=user_pool_id, GroupName=group_name(hotel), Username=email)
    for hotel in left:
        cognito.admin_remove_user_from_group(UserPoolId=user_pool_id, GroupName=group_name(hotel), Username=email)
    if store is not None or audit is not None:
        sub = _user_attributes(cognito, user_pool_id, email).get("sub", email)
        _record_agent_action(store, audit, actor, [*current, *joined], AGENT_HOTELS_CHANGED, sub,
                             {"hotels": change(sorted(current), sorted(hotels))})
    return joined, left


def set_role(cognito, user_pool_id: str, email: str, role: str, *, store=None, actor: Actor | None = None,
             audit=None) -> None:
    """Write the agent's ``custom:role`` (``admin`` or ``agent``). Its ID tokens carry the old role until they
    expire (an hour: signing in again shows the new one); the team lists show it within a minute. With
    ``store`` (the command gives it), each of the agent's hotels gets a ``role_changed`` entry (target the
    agent's sub; details the role ``{"from", "to"}``)."""
    _check_role(role)
    attributes = _user_attributes(cognito, user_pool_id, email)  # also refuses an unknown user, before any change
    cognito.admin_update_user_attributes(UserPoolId=user_pool_id, Username=email,
                                         UserAttributes=[{"Name": ROLE_ATTRIBUTE, "Value": role}])
    hotels = [h for h in attributes.get(HOTELS_ATTRIBUTE, "").split(",") if h.strip()]
    _record_agent_action(store, audit, actor, hotels, ROLE_CHANGED, attributes.get("sub", email),
                         {"role": change(attributes.get(ROLE_ATTRIBUTE) or DEFAULT_ROLE, role)})


def _user_attributes(cognito, user_pool_id: str, email: str) -> dict[str, str]:
    user = cognito.admin_get_user(UserPoolId=user_pool_id, Username=email)
    return {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}


def _admin_actions(store, audit):
    """The inbox's use cases that record admin actions: ``audit`` (an ``Inbox``), else one on ``store``."""
    if audit is not None:
        return audit
    from inbox.service import Inbox

    return Inbox(store, audit=store)


def _record_agent_action(store, audit, actor: Actor | None, hotels: Iterable[str], action: str, sub: str,
                         details: dict) -> None:
    """One audit entry in each of these hotels about the agent ``sub`` (nothing without a store or an inbox)."""
    if store is None and audit is None:
        return
    actions, who = _admin_actions(store, audit), actor or operator_actor()
    for hotel in dict.fromkeys(hotels):
        actions.record_admin_action(hotel, who, action, AuditTarget(TARGET_AGENT, sub), details)


def operator_actor() -> Actor:
    """Who runs an admin command, as its audit entries name them: an Operator, by OS user name."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment nor in the password database
        name = "unknown"
    return Actor(ActorType.OPERATOR, name, name)


def _hotel_settings(store):
    """The inbox's hotel settings use case on ``store`` (its audit log too): the API's path, here."""
    from inbox.service import Inbox

    return Inbox(store, audit=store)


def set_reply_target(store, hotel_id: str, minutes: int | None, *, actor: Actor | None = None) -> None:
    """The hotel's reply target in minutes (what ``reply_due_at`` counts from a guest's first unanswered
    message on channels without a clock of their own), or None for none; ``PATCH /v1/hotels/{h}`` does the same,
    and so does the audit entry (``hotel_updated``, the operator ``actor``, by default the OS user)."""
    from inbox.team import MAX_REPLY_TARGET, MIN_REPLY_TARGET

    hotel_id = check_hotel_id(hotel_id)
    if minutes is not None and not MIN_REPLY_TARGET <= minutes <= MAX_REPLY_TARGET:
        raise AdminError(f"the reply target is {MIN_REPLY_TARGET} to {MAX_REPLY_TARGET} minutes, not {minutes}")
    if store.get_hotel(hotel_id) is None:
        raise AdminError(f"hotel {hotel_id} does not exist")
    _hotel_settings(store).update_hotel_settings(hotel_id, actor or operator_actor(), reply_target_minutes=minutes)


def set_retention(store, hotel_id: str, days: int, *, actor: Actor | None = None) -> Hotel:
    """How many days the hotel keeps its guests' data (30 to 3,650; ``PATCH /v1/hotels/{h}``'s
    ``retention_days``), with its audit entry (the operator ``actor``, by default the OS user). Items written
    from now on expire by it."""
    from inbox.retention import check_retention_days

    hotel_id = check_hotel_id(hotel_id)
    try:
        check_retention_days(days)
    except ValueError as error:
        raise AdminError(f"{error}, not {days}") from None
    if store.get_hotel(hotel_id) is None:
        raise AdminError(f"hotel {hotel_id} does not exist")
    hotel: Hotel = _hotel_settings(store).update_hotel_settings(hotel_id, actor or operator_actor(),
                                                                retention_days=days)
    return hotel


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AdminError(f"unknown role {role!r}: one of {', '.join(ROLES)}")


def _ensure_group(cognito, user_pool_id: str, hotel_id: str) -> None:
    """The hotel's group, created when missing (a hotel's first agent)."""
    try:
        cognito.create_group(UserPoolId=user_pool_id, GroupName=group_name(hotel_id),
                             Description=f"Lobby agents of hotel {hotel_id}")
    except cognito.exceptions.GroupExistsException:
        pass


def _hotel_groups(cognito, user_pool_id: str, email: str) -> list[str]:
    """The hotels whose groups the user is in (every page of AdminListGroupsForUser)."""
    hotels: list[str] = []
    request = {"UserPoolId": user_pool_id, "Username": email, "Limit": 60}
    while True:
        page = cognito.admin_list_groups_for_user(**request)
        hotels += [g["GroupName"].removeprefix(GROUP_PREFIX) for g in page.get("Groups", [])
                   if g["GroupName"].startswith(GROUP_PREFIX)]
        if not page.get("NextToken"):
            return hotels
        request["NextToken"] = page["NextToken"]


# Partner keys live in admin.partner_keys (issue, list, revoke, rotate); the one that returns the key is kept here.
from admin.partner_keys import create_partner_key  # noqa: E402
