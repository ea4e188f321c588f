"""A partner key's life on moto, through the admin command and the authorizer handler: issued with an id, used
(its last use written at most once a minute), revoked (refused from the next request), rotated (the new key
works at once, the old one never again); listed by id without the key or its hash; every action in the audit
log of each of the key's hotels, by the Operator who ran it."""

from __future__ import annotations

import getpass
import re
from datetime import UTC, datetime

import boto3
import pytest
from conversations_helpers import RequestCounter

from admin.partner_keys import issue_partner_key, list_partner_keys, revoke_partner_key, rotate_partner_key
from auth.keys import hash_api_key
from inbox.audit import KEY_CREATED, KEY_REVOKED, KEY_ROTATED
from inbox.model import Actor, ActorType
from inbox.ports import Hotel
from wiring import container

KEY_SHAPE = re.compile(r"lby_[A-Za-z0-9_-]{40}")
KEY_ID_SHAPE = re.compile(r"pk_[0-9a-f]{24}")
OPERATOR = Actor(ActorType.OPERATOR, "ops-anne", "ops-anne")


@pytest.fixture
def hotels(store, hotel) -> list[str]:
    store.put_hotel(Hotel("h-rivage", "Rivage"))
    return ["h-lumiere", "h-rivage"]


def authorizer_requests() -> RequestCounter:
    """The DynamoDB requests of the authorizer's store (the composition root's, as in Lambda)."""
    counter = RequestCounter()
    counter.attach(container.store())
    return counter


def test_a_used_key_records_its_last_use_once_a_minute_and_is_refused_once_revoked(store, hotels, authorize):
    issued = issue_partner_key(store, "acme", "Acme Channel Manager", hotels, actor=OPERATOR)
    assert store.partner_key(issued.key_id).last_used_at is None

    before = datetime.now(UTC)
    answer = authorize({"x-api-key": issued.key})
    assert answer["context"]["actor_id"] == "acme" and answer["context"]["hotel_ids"] == "h-lumiere,h-rivage"
    first_use = store.partner_key(issued.key_id).last_used_at
    assert first_use is not None and before <= first_use <= datetime.now(UTC)

    requests = authorizer_requests()
    authorize({"x-api-key": issued.key})  # within the minute, same warm process: no write at all
    assert requests.counts == {"GetItem": 1}
    container.reset()  # another warm process: it tries once, the store's condition keeps the first use
    requests = authorizer_requests()
    authorize({"x-api-key": issued.key})
    assert requests.counts == {"GetItem": 1, "UpdateItem": 1}
    assert store.partner_key(issued.key_id).last_used_at == first_use

    revoked = revoke_partner_key(store, issued.key_id, actor=OPERATOR)

    assert authorize.denies({"x-api-key": issued.key})  # the very next request
    assert store.find_partner_key(hash_api_key(issued.key)) is None
    (listed,) = list_partner_keys(store)
    assert listed.revoked_at == revoked.revoked_at and listed.last_used_at == first_use


def test_a_rotated_key_is_replaced_by_a_new_one_for_the_same_partner_and_hotels(store, hotels, authorize):
    old = issue_partner_key(store, "acme", "Acme Channel Manager", hotels, actor=OPERATOR)
    authorize({"x-api-key": old.key})

    new = rotate_partner_key(store, old.key_id, actor=OPERATOR)

    assert new.key != old.key and new.key_id != old.key_id and KEY_SHAPE.fullmatch(new.key)
    assert authorize.denies({"x-api-key": old.key})
    assert authorize({"x-api-key": new.key})["context"]["hotel_ids"] == "h-lumiere,h-rivage"
    was, now = list_partner_keys(store)
    assert (was.key_id, was.replaced_by, now.key_id, now.rotated_from) == (old.key_id, new.key_id, new.key_id,
                                                                         old.key_id)
    assert was.revoked_at is not None and was.rotated_at == was.revoked_at and now.revoked_at is None
    assert (now.partner_id, now.name, now.hotel_ids) == (was.partner_id, was.name, was.hotel_ids)


def test_the_commands_name_keys_by_id_and_never_show_a_key_or_its_hash_again(admin_cli, store, hotels, table, region,
                                                                            authorize):
    code, out, _ = admin_cli("create-partner-key", "--partner-id", "acme", "--name", "Acme",
                             "--hotel-ids", "h-lumiere,h-rivage")
    assert code == 0
    (key,) = KEY_SHAPE.findall(out)
    (key_id,) = KEY_ID_SHAPE.findall(out)
    authorize({"x-api-key": key})
    code, out, _ = admin_cli("rotate-partner-key", "--key-id", key_id)
    assert code == 0
    (new_key,) = KEY_SHAPE.findall(out)
    new_id = next(i for i in KEY_ID_SHAPE.findall(out) if i != key_id)

    code, listed, _ = admin_cli("list-partner-keys")
    code_acme, listed_acme, _ = admin_cli("list-partner-keys", "--partner-id", "acme")
    _, listed_other, _ = admin_cli("list-partner-keys", "--partner-id", "other")

    assert code == code_acme == 0 and listed_acme == listed
    lines = listed.splitlines()
    assert [KEY_ID_SHAPE.match(line).group() for line in lines] == [key_id, new_id]
    assert "revoked" in lines[0] and f"replaced by {new_id}" in lines[0] and "last used never" not in lines[0]
    assert "active" in lines[1] and "last used never" in lines[1] and "h-lumiere,h-rivage" in lines[1]
    for secret in (key, new_key, hash_api_key(key), hash_api_key(new_key)):
        assert secret not in listed
    assert listed_other.strip() == "No keys of partner other."
    items = boto3.client("dynamodb", region_name=region).scan(TableName=table)["Items"]
    assert key not in repr(items) and new_key not in repr(items)


def test_revoking_twice_an_unknown_or_a_malformed_id_is_refused_as_asked(admin_cli, store, hotels):
    issued = issue_partner_key(store, "acme", "Acme", hotels)
    assert admin_cli("revoke-partner-key", "--key-id", issued.key_id)[0] == 0

    again = admin_cli("revoke-partner-key", "--key-id", issued.key_id)
    rotate_revoked = admin_cli("rotate-partner-key", "--key-id", issued.key_id)
    unknown = admin_cli("revoke-partner-key", "--key-id", "pk_" + "0" * 24)
    malformed = admin_cli("revoke-partner-key", "--key-id", issued.key)

    assert again[0] == rotate_revoked[0] == 2 and "revoked" in again[2] and "revoked" in rotate_revoked[2]
    assert unknown[0] == 2 and "no partner key" in unknown[2]
    assert malformed[0] == 2 and "not its id" in malformed[2] and issued.key not in malformed[2]
    assert len(list_partner_keys(store)) == 1  # no key issued by the refused rotation


def test_each_action_is_in_the_audit_log_of_each_of_the_keys_hotels(admin_cli, store, hotels):
    code, out, _ = admin_cli("create-partner-key", "--partner-id", "acme", "--name", "Acme",
                             "--hotel-ids", "h-lumiere,h-rivage")
    (key_id,) = KEY_ID_SHAPE.findall(out)
    admin_cli("rotate-partner-key", "--key-id", key_id)
    (new_id,) = [r.key_id for r in list_partner_keys(store) if r.key_id != key_id]
    admin_cli("revoke-partner-key", "--key-id", new_id)

    operator = Actor(ActorType.OPERATOR, getpass.getuser(), getpass.getuser())
    for hotel_id in hotels:
        entries = store.list_audit(hotel_id, 10).items  # newest first
        assert [(e.action, e.target.type, e.target.id) for e in entries] == [
            (KEY_REVOKED, "partner_key", new_id), (KEY_ROTATED, "partner_key", key_id),
            (KEY_CREATED, "partner_key", key_id)]
        assert {e.actor for e in entries} == {operator}
        assert entries[2].details == {"partner_id": "acme", "name": "Acme", "hotels": hotels}
        assert entries[1].details == {"partner_id": "acme", "name": "Acme", "new_key_id": new_id}
        assert "lby_" not in repr(entries)


def test_a_key_metered_by_a_usage_plan_moves_there_too_when_rotated_and_leaves_it_when_revoked(
        admin_cli, store, hotels, region):
    apigateway = boto3.client("apigateway", region_name=region)
    plan = apigateway.create_usage_plan(name="lobby-partners")["id"]
    code, out, _ = admin_cli("create-partner-key", "--partner-id", "acme", "--name", "Acme",
                             "--hotel-ids", "h-lumiere", "--usage-plan-id", plan)
    (key_id,) = KEY_ID_SHAPE.findall(out)

    code, out, _ = admin_cli("rotate-partner-key", "--key-id", key_id)  # the old key's plan

    assert code == 0
    (new_key,) = KEY_SHAPE.findall(out)
    assert [k["value"] for k in apigateway.get_usage_plan_keys(usagePlanId=plan)["items"]] == [new_key]
    assert [k["value"] for k in apigateway.get_api_keys(includeValues=True)["items"]] == [new_key]

    (new_id,) = [r.key_id for r in list_partner_keys(store) if r.key_id != key_id]
    assert admin_cli("revoke-partner-key", "--key-id", new_id)[0] == 0
    assert apigateway.get_api_keys()["items"] == []
    assert apigateway.get_usage_plan_keys(usagePlanId=plan)["items"] == []
