"""``python -m admin`` refuses what it cannot do cleanly: odd hotel ids, bad knowledge-base files,
hotels that do not exist; it moves an Expedia property atomically and writes an agent's role.
Refusals end with one line on stderr and exit status 2, and change nothing."""

from __future__ import annotations

import json
import os
import random
import string
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from auth_helpers import PASSWORD
from hypothesis import given
from hypothesis import strategies as st

from admin import AdminError, check_hotel_id
from inbox.errors import Conflict
from inbox.ids import HOTEL_ID_PATTERN
from inbox.ports import Hotel

REPO = Path(__file__).resolve().parents[3]
ODD_IDS = ["", "h1/x", "h1#CONV#x", "h 1", "H1", "-h1", "_h1", "h1,h2", "hôtel", "h1.x", "a" * 64, "h1\n2"]


def refused(result: tuple[int, str, str], *words: str) -> bool:
    """Exit status 2 with one clear line on stderr (no traceback) that says all these words."""
    code, _, err = result
    lines = err.strip().splitlines()
    return code == 2 and len(lines) == 1 and lines[0].startswith("error: ") and all(w in lines[0] for w in words)


def items(table: str, region: str) -> list[dict]:
    return boto3.client("dynamodb", region_name=region).scan(TableName=table)["Items"]


# --- (a) hotel ids ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("hotel_id", ODD_IDS)
def test_a_hotel_id_with_a_key_delimiter_a_space_or_an_odd_character_is_refused_and_nothing_stored(
        admin_cli, table, region, hotel_id):
    assert refused(admin_cli("create-hotel", f"--hotel-id={hotel_id}", "--name", "Odd"), "invalid hotel id",
                   HOTEL_ID_PATTERN)
    assert items(table, region) == []


@pytest.mark.parametrize("hotel_id", ["h1", "lumiere", "h-lumiere", "hotel_42", "0", "a" * 63])
def test_a_plain_hotel_id_is_accepted(admin_cli, store, hotel_id):
    assert admin_cli("create-hotel", "--hotel-id", hotel_id, "--name", "Plain")[0] == 0
    assert store.get_hotel(hotel_id).name == "Plain"


@given(st.text(max_size=80))
def test_no_hotel_id_the_command_accepts_can_hold_a_delimiter_space_or_upper_case(text):
    try:
        accepted = check_hotel_id(text)
    except AdminError:
        return
    assert 1 <= len(accepted) <= 63 and set(accepted) <= set(string.ascii_lowercase + string.digits + "-_")
    assert accepted[0] not in "-_"


def test_agents_and_partner_keys_for_odd_hotel_ids_are_refused(admin_cli, cognito, pool, table, region):
    key = admin_cli("create-partner-key", "--partner-id", "acme", "--name", "Acme", "--hotel-ids", "h1,h1#CONV#x")
    agent = admin_cli("create-agent", "--user-pool-id", pool.id, "--email", "zoe@rivage.example", "--name", "Zoé",
                  "--password", PASSWORD, "--hotel-ids", "h 1")

    assert refused(key, "invalid hotel id 'h1#CONV#x'") and refused(agent, "invalid hotel id 'h 1'")
    assert items(table, region) == []
    assert cognito.list_users(UserPoolId=pool.id)["Users"] == []


# --- (b) set-bot --file ----------------------------------------------------------------------------------


@pytest.fixture
def lumiere(admin_cli, store) -> Hotel:
    assert admin_cli("create-hotel", "--hotel-id", "h1", "--name", "Lumière")[0] == 0
    assert admin_cli("set-bot", "--hotel-id", "h1")[0] == 0  # the sample knowledge base
    return store.get_hotel("h1")


ENTRY = {"id": "wifi", "topic": "wifi", "questions": ["wifi password?"], "answers": {"en": "It is LUMIERE."}}


@pytest.mark.parametrize(("content", "words"), [
    (None, ["cannot read", "No such file or directory"]),
    ("{\"entries\": [", ["is not JSON", "line 1"]),
    ("\udcff", ["is not UTF-8 text"]),
    ("[1, 2]", ["must hold a JSON object"]),
    (json.dumps({"entries": [{**ENTRY, "answers": {}}]}), ["not a valid knowledge base", "entries.0.answers"]),
    (json.dumps({"entries": [{**ENTRY, "id": "wi fi"}]}), ["not a valid knowledge base", "entries.0.id"]),
    (json.dumps({"entries": [ENTRY], "default_language": "english"}), ["default_language"]),
    (json.dumps({"entries": [ENTRY], "surprise": True}), ["surprise"]),
    (json.dumps({"entries": [ENTRY] * 201}), ["entries"]),
])
def test_set_bot_with_a_missing_malformed_or_invalid_file_ends_in_one_line_and_keeps_the_knowledge_base(
        admin_cli, store, lumiere, tmp_path, content, words):
    path = tmp_path / "bot.json"
    if content is not None:
        path.write_bytes(content.encode("utf-8", "surrogateescape"))

    assert refused(admin_cli("set-bot", "--hotel-id", "h1", "--file", str(path)), *words)
    assert store.get_hotel("h1").knowledge == lumiere.knowledge


def test_set_bot_with_a_knowledge_base_too_large_for_the_table_is_refused_and_keeps_the_old_one(
        admin_cli, store, lumiere, tmp_path):
    rng = random.Random(10)
    noise = lambda n: "".join(rng.choice(string.ascii_letters + " ") for _ in range(n))  # noqa: E731  (incompressible)
    entries = [{"id": f"e{n}", "topic": noise(20), "questions": [noise(200)],
                "answers": {lang: noise(2000) for lang in ("en", "fr", "de", "es", "it", "pt")}} for n in range(200)]
    path = tmp_path / "bot.json"
    path.write_text(json.dumps({"entries": entries}))

    assert refused(admin_cli("set-bot", "--hotel-id", "h1", "--file", str(path)), "KB")
    assert store.get_hotel("h1").knowledge == lumiere.knowledge


def test_set_bot_off_wins_over_the_file_and_the_file_may_switch_it_off(admin_cli, store, lumiere, tmp_path):
    path = tmp_path / "bot.json"
    path.write_text(json.dumps({"enabled": True, "entries": [ENTRY]}))
    assert admin_cli("set-bot", "--hotel-id", "h1", "--file", str(path), "--off")[0] == 0
    assert store.get_hotel("h1").bot_enabled is False

    path.write_text(json.dumps({"enabled": False, "entries": [ENTRY]}))
    code, out, _ = admin_cli("set-bot", "--hotel-id", "h1", "--file", str(path))
    assert code == 0 and "bot off" in out and store.get_hotel("h1").bot_enabled is False


def test_set_bot_with_a_missing_file_run_as_a_module_prints_no_traceback(tmp_path):
    shown = subprocess.run([sys.executable, "-m", "admin", "--region", "eu-west-1", "set-bot", "--hotel-id", "h1",
                            "--file", str(tmp_path / "nope.json")], cwd=REPO, capture_output=True, text=True,
                           env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, timeout=120)

    assert shown.returncode == 2
    assert shown.stderr.strip().splitlines() == [f"error: cannot read {tmp_path / 'nope.json'}: No such file or directory"]


# --- (c) hotels that do not exist ------------------------------------------------------------------------


def test_create_agent_for_a_hotel_that_does_not_exist_is_refused_and_creates_no_user(admin_cli, cognito, pool, lumiere):
    result = admin_cli("create-agent", "--user-pool-id", pool.id, "--email", "zoe@rivage.example", "--name", "Zoé",
                   "--password", PASSWORD, "--hotel-ids", "h1,h-ghost")

    assert refused(result, "no such hotel: h-ghost")
    assert cognito.list_users(UserPoolId=pool.id)["Users"] == []


def test_create_partner_key_for_a_hotel_that_does_not_exist_is_refused_and_issues_no_key(
        admin_cli, lumiere, table, region):
    apigateway = boto3.client("apigateway", region_name=region)
    plan = apigateway.create_usage_plan(name="lobby-partners")["id"]

    result = admin_cli("create-partner-key", "--partner-id", "acme", "--name", "Acme", "--hotel-ids", "h-ghost, h1",
                   "--usage-plan-id", plan)

    assert refused(result, "no such hotel: h-ghost") and "lby_" not in result[1]
    assert not [i for i in items(table, region) if i["pk"]["S"].startswith("PARTNERKEY#")]
    assert apigateway.get_api_keys()["items"] == []


# --- (d) connect-expedia ---------------------------------------------------------------------------------


def test_connecting_a_hotel_to_a_new_property_stops_the_old_property_reaching_it(admin_cli, store):
    admin_cli("create-hotel", "--hotel-id", "h1", "--name", "Lumière", "--expedia-property-id", "111")

    assert admin_cli("connect-expedia", "--hotel-id", "h1", "--property-id", "222", "--no-backfill")[0] == 0

    assert store.hotel_for_expedia_property("111") is None
    assert store.hotel_for_expedia_property("222") == "h1"
    assert store.get_hotel("h1").expedia_property_id == "222"
    admin_cli("create-hotel", "--hotel-id", "h2", "--name", "Aurora")
    assert admin_cli("connect-expedia", "--hotel-id", "h2", "--property-id", "111", "--no-backfill")[0] == 0  # free again
    assert store.hotel_for_expedia_property("111") == "h2"


def test_a_new_hotel_with_a_property_of_another_hotel_is_not_created(admin_cli, store):
    admin_cli("create-hotel", "--hotel-id", "h1", "--name", "Lumière", "--expedia-property-id", "111")

    assert refused(admin_cli("create-hotel", "--hotel-id", "h2", "--name", "Aurora", "--expedia-property-id", "111"),
                   "already belongs to hotel h1")
    assert store.get_hotel("h2") is None and store.hotel_for_expedia_property("111") == "h1"


def test_a_property_of_another_hotel_is_refused_and_both_hotels_keep_theirs(admin_cli, store):
    admin_cli("create-hotel", "--hotel-id", "h1", "--name", "Lumière", "--expedia-property-id", "111")
    admin_cli("create-hotel", "--hotel-id", "h2", "--name", "Aurora", "--expedia-property-id", "222")

    assert refused(admin_cli("connect-expedia", "--hotel-id", "h2", "--property-id", "111"), "already belongs to hotel h1")

    assert (store.hotel_for_expedia_property("111"), store.hotel_for_expedia_property("222")) == ("h1", "h2")
    assert (store.get_hotel("h1").expedia_property_id, store.get_hotel("h2").expedia_property_id) == ("111", "222")


def test_the_store_refuses_a_property_of_another_hotel_in_the_same_transaction(store):
    """Two admins at once: the check before the write is not enough, the write's condition refuses it."""
    store.put_hotel(Hotel("h1", "Lumière"))
    store.put_hotel(Hotel("h2", "Aurora"))
    store.set_expedia_property("h1", "111")
    store.set_expedia_property("h2", "222")

    with pytest.raises(Conflict, match="connected to another hotel"):
        store.set_expedia_property("h2", "111")

    assert (store.hotel_for_expedia_property("111"), store.hotel_for_expedia_property("222")) == ("h1", "h2")
    assert store.get_hotel("h2").expedia_property_id == "222"


@pytest.mark.parametrize("property_id", ["", "12 34", "12#34", "x" * 65])
def test_an_odd_property_id_is_refused(admin_cli, store, lumiere, property_id):
    assert refused(admin_cli("connect-expedia", "--hotel-id", "h1", "--property-id", property_id),
                   "invalid Expedia property id")
    assert store.get_hotel("h1").expedia_property_id is None


# --- (e) roles -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("argv", "role"), [(["--role", "admin"], "admin"), (["--role", "agent"], "agent"), ([], "agent")])
def test_create_agent_writes_the_role_into_cognito(admin_cli, cognito, pool, lumiere, argv, role):
    code, out, _ = admin_cli("create-agent", "--user-pool-id", pool.id, "--email", "zoe@lumiere.example", "--name", "Zoé",
                         "--password", PASSWORD, "--hotel-ids", "h1", *argv)

    assert code == 0 and f"Created {role}" in out
    user = cognito.admin_get_user(UserPoolId=pool.id, Username="zoe@lumiere.example")
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["custom:role"] == role


def test_an_unknown_role_is_refused_by_the_parser(admin_cli, cognito, pool, lumiere, capsys):
    with pytest.raises(SystemExit) as exit_:
        admin_cli("create-agent", "--user-pool-id", pool.id, "--email", "zoe@lumiere.example", "--name", "Zoé",
              "--password", PASSWORD, "--hotel-ids", "h1", "--role", "owner")

    assert exit_.value.code == 2 and "invalid choice: 'owner'" in capsys.readouterr().err
    assert cognito.list_users(UserPoolId=pool.id)["Users"] == []
