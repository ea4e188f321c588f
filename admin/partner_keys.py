"""Partner API keys: issue, list, revoke and rotate them, by key id (the key itself is shown once, when issued).

A key has an id (``pk_...``) that names it in these commands and in the audit log; only its SHA-256 is stored
(``store.partner_keys``). Revoking marks both of its items in one transaction: the authorizer reads the hash
item consistently and the API caches no authorizer answer (``infra/api.py``: ``results_cache_ttl`` 0 s), so
the key is refused from the next request. Rotating issues a new key for the same partner, name and hotels
and revokes the old one, in the same transaction. A key metered by an API Gateway usage plan has its API
Gateway key created with it and deleted when it is revoked or rotated out.

Each action writes one audit entry in each hotel of the key (``key_created``, ``key_revoked``,
``key_rotated``; target ``{"type": "partner_key", "id": <key id>}``; the actor an Operator, the OS user).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from admin import AdminError, operator_actor, parse_hotel_ids, require_hotels
from auth.keys import (
    PartnerKeyRecord,
    hash_api_key,
    looks_like_api_key,
    looks_like_key_id,
    new_api_key,
    new_key_id,
)
from inbox.audit import KEY_CREATED, KEY_REVOKED, KEY_ROTATED, TARGET_PARTNER_KEY, AuditTarget
from inbox.errors import Conflict, NotFound
from inbox.model import Actor

__all__ = ["IssuedKey", "create_partner_key", "describe", "issue_partner_key", "list_partner_keys",
           "revoke_partner_key", "rotate_partner_key"]


@dataclass(frozen=True)
class IssuedKey:
    """A key just issued: show ``key`` once (only its hash is stored); ``record.key_id`` names it from now on."""

    key: str
    record: PartnerKeyRecord

    @property
    def key_id(self) -> str:
        return self.record.key_id


def issue_partner_key(store, partner_id: str, name: str, hotel_ids: str | Iterable[str], *, apigateway=None,
                      usage_plan_id: str | None = None, actor: Actor | None = None, audit=None) -> IssuedKey:
    """Issue a partner key for these hotels (each must exist).

    With ``usage_plan_id`` (and ``apigateway``, a boto3 ``apigateway`` client) the key is also created as an
    API Gateway API key in that usage plan, first, so that a failure leaves no key in Lobby that API Gateway
    would refuse. The audit entries name ``actor`` (by default the OS user, an Operator)."""
    partner_id, name = partner_id.strip(), name.strip()
    if not partner_id or not name:
        raise AdminError("a partner needs an id and a name")
    hotels = parse_hotel_ids(hotel_ids)
    require_hotels(store, hotels)
    if usage_plan_id and apigateway is None:
        raise AdminError("registering the key in a usage plan needs an API Gateway client")
    issued = _new_key(partner_id, name, frozenset(hotels), usage_plan_id, apigateway)
    try:
        store.add_partner_key(issued.record)
    except Exception:
        _delete_usage_key(apigateway, issued.record.usage_key_id, issued.record.usage_plan_id)
        raise
    _record(store, audit, actor, issued.record, KEY_CREATED,
            {"partner_id": partner_id, "name": name, "hotels": sorted(hotels)})
    return issued


def create_partner_key(store, partner_id: str, name: str, hotel_ids: str | Iterable[str], *, apigateway=None,
                       usage_plan_id: str | None = None, actor: Actor | None = None, audit=None) -> str:
    """``issue_partner_key``, returning only the key (shown once: it cannot be shown again)."""
    return issue_partner_key(store, partner_id, name, hotel_ids, apigateway=apigateway, usage_plan_id=usage_plan_id,
                             actor=actor, audit=audit).key


def list_partner_keys(store, partner_id: str | None = None) -> list[PartnerKeyRecord]:
    """Every partner key (or one partner's), oldest first, with when each was last used; never a key."""
    return list(store.partner_keys(partner_id.strip() if partner_id else None))


def revoke_partner_key(store, key_id: str, *, apigateway=None, actor: Actor | None = None,
                       audit=None) -> PartnerKeyRecord:
    """Revoke the key: refused from the next request on. Its API Gateway key, if it has one, is deleted too
    (after Lobby refuses the key, so a failure there never leaves the key working). Returns it as revoked."""
    record = _live_key(store, key_id, apigateway)
    now = _now()
    try:
        store.revoke_partner_key(record.key_id, record.key_hash, now)
    except (NotFound, Conflict) as error:  # revoked (or gone) between the read and the write
        raise AdminError(str(error)) from None
    _delete_usage_key(apigateway, record.usage_key_id, record.usage_plan_id)
    _record(store, audit, actor, record, KEY_REVOKED, {"partner_id": record.partner_id, "name": record.name})
    return replace(record, revoked_at=now)


def rotate_partner_key(store, key_id: str, *, apigateway=None, usage_plan_id: str | None = None,
                       actor: Actor | None = None, audit=None) -> IssuedKey:
    """Issue a new key for the key's partner, name and hotels and revoke the old one (one transaction): the new
    key works at once, the old one is refused from the next request. The new key is metered in ``usage_plan_id``,
    else in the old key's usage plan if it had one (its API Gateway key created, the old one's deleted)."""
    old = _live_key(store, key_id, apigateway)
    plan = usage_plan_id or old.usage_plan_id
    if plan and apigateway is None:
        raise AdminError("registering the key in a usage plan needs an API Gateway client")
    issued = _new_key(old.partner_id, old.name, old.hotel_ids, plan, apigateway, rotated_from=old.key_id)
    now = _now()
    try:
        store.revoke_partner_key(old.key_id, old.key_hash, now, replaced_by=issued.record)
    except (NotFound, Conflict) as error:
        _delete_usage_key(apigateway, issued.record.usage_key_id, issued.record.usage_plan_id)
        raise AdminError(str(error)) from None
    except Exception:
        _delete_usage_key(apigateway, issued.record.usage_key_id, issued.record.usage_plan_id)
        raise
    _delete_usage_key(apigateway, old.usage_key_id, old.usage_plan_id)
    _record(store, audit, actor, old, KEY_ROTATED,
            {"partner_id": old.partner_id, "name": old.name, "new_key_id": issued.key_id})
    return issued


def describe(record: PartnerKeyRecord) -> str:
    """One line of ``list-partner-keys``: the id, partner, name, hotels, when created, last used and revoked."""
    def when(moment: datetime | None) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else "never"

    state = "active" if record.revoked_at is None else f"revoked {when(record.revoked_at)}"
    if record.replaced_by:
        state += f" (rotated: replaced by {record.replaced_by})"
    if record.rotated_from:
        state += f" (replaces {record.rotated_from})"
    return (f"{record.key_id}  partner {record.partner_id} ({record.name})  hotels {','.join(sorted(record.hotel_ids))}"
            f"  created {when(record.created_at)}  last used {when(record.last_used_at)}  {state}")


# --- helpers -------------------------------------------------------------------------------------------


def _now() -> datetime:
    """Now, to the millisecond the table keeps (so what these functions return is what is stored)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _live_key(store, key_id: str, apigateway) -> PartnerKeyRecord:
    key_id = key_id.strip() if isinstance(key_id, str) else key_id
    if not looks_like_key_id(key_id):  # not echoed: it may be the key itself, pasted by mistake
        what = "that is a partner key, not its id" if looks_like_api_key(key_id) else "invalid key id"
        raise AdminError(f"{what}: a key id is pk_ and 24 hex digits (see list-partner-keys)")
    record: PartnerKeyRecord | None = store.partner_key(key_id)
    if record is None:
        raise AdminError(f"no partner key {key_id} (see list-partner-keys)")
    if record.revoked_at is not None:
        raise AdminError(f"partner key {key_id} was revoked on {record.revoked_at:%Y-%m-%d %H:%M} UTC already")
    if record.usage_key_id and apigateway is None:
        raise AdminError(f"partner key {key_id} is metered by API Gateway (key {record.usage_key_id}): "
                         "deleting it there needs an API Gateway client")
    return record


def _new_key(partner_id: str, name: str, hotels: frozenset[str], usage_plan_id: str | None, apigateway,
             *, rotated_from: str | None = None) -> IssuedKey:
    key, key_id = new_api_key(), new_key_id()
    usage_key_id = None
    if usage_plan_id:
        created = apigateway.create_api_key(name=f"lobby-partner-{partner_id}-{key_id}", value=key, enabled=True,
                                            description=f"Lobby partner {name} (key {key_id})")
        usage_key_id = created["id"]
        try:
            apigateway.create_usage_plan_key(usagePlanId=usage_plan_id, keyId=usage_key_id, keyType="API_KEY")
        except Exception:
            _delete_usage_key(apigateway, usage_key_id, None)
            raise
    record = PartnerKeyRecord(key_id=key_id, partner_id=partner_id, name=name, hotel_ids=hotels,
                              key_hash=hash_api_key(key), created_at=_now(), rotated_from=rotated_from,
                              usage_key_id=usage_key_id, usage_plan_id=usage_plan_id or None)
    return IssuedKey(key, record)


def _delete_usage_key(apigateway, usage_key_id: str | None, usage_plan_id: str | None) -> None:
    """The key's API Gateway key out of its usage plan, then deleted (either already gone is fine)."""
    if not usage_key_id or apigateway is None:
        return
    steps = [lambda: apigateway.delete_api_key(apiKey=usage_key_id)]
    if usage_plan_id:
        steps.insert(0, lambda: apigateway.delete_usage_plan_key(usagePlanId=usage_plan_id, keyId=usage_key_id))
    for step in steps:
        try:
            step()
        except apigateway.exceptions.NotFoundException:
            pass


def _record(store, audit, actor: Actor | None, record: PartnerKeyRecord, action: str, details: dict[str, Any]) -> None:
    """One audit entry in each hotel of the key, through the inbox's use case (``audit``: an ``Inbox``; by default
    one on ``store``, whose audit log it is)."""
    if audit is None:
        from inbox.service import Inbox

        audit = Inbox(store, audit=store)
    who = actor or operator_actor()
    for hotel_id in sorted(record.hotel_ids):
        audit.record_admin_action(hotel_id, who, action, AuditTarget(TARGET_PARTNER_KEY, record.key_id), details)
