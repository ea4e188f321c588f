"""The demo hotel's team as the local stack seeds it (``local.demo_data.TEAM``, ``REPLIES``): three logins
with their roles, all in the hotel's Cognito group, listed by the API; the saved replies and the reply
target; the French guest whose booking the replies render; and the e2e helpers other tests build on
(``StackClient.as_agent(who=...)``, ``guest_conversation``, ``hold``, ``ConsolePage.sign_in_as``,
``console_as``)."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime, timedelta

import pytest
from console_helpers import console_as
from playwright.sync_api import expect
from stack_client import StackAws, StackClient, guest_conversation, new_id, seeded_agent

pytest_plugins = ["console_plugin"]

GROUP_PREFIX = "hotel."  # directory.cognito.group_name
SEEDED_REPLIES = {"checkin", "parking", "merci"}


def claims_of(token: str) -> dict:
    """The ID token's claims (the API verifies the signature; here only what it says)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def team(local_stack) -> list[dict]:
    return local_stack["demo"]["agents"]


@pytest.fixture(scope="module")
def ben(local_stack) -> StackClient:
    return StackClient.as_agent(local_stack, who="ben")


@pytest.fixture(scope="module")
def admin(local_stack) -> StackClient:
    return StackClient.as_agent(local_stack)  # the demo agent, the hotel's admin


# -- the team ---------------------------------------------------------------------------------

def test_the_demo_team_is_in_stack_json_with_distinct_logins_and_the_demo_agent_first_as_admin(local_stack, team):
    with open(f"{local_stack['state_dir']}/stack.json", encoding="utf-8") as f:
        written = json.load(f)["demo"]
    assert written["agents"] == team
    assert len(team) >= 3
    assert {"key", "email", "password", "name", "role", "id"} <= set(team[0])
    assert len({a["email"] for a in team}) == len({a["id"] for a in team}) == len({a["key"] for a in team}) == len(team)
    first = team[0]
    assert (first["email"], first["password"], first["role"]) == (written["agent_username"],
                                                                  written["agent_password"], "admin")
    assert {a["role"] for a in team[1:]} == {"agent"}
    assert seeded_agent(local_stack, "ben")["name"] == "Ben Martin"
    assert seeded_agent(local_stack, "Ben Martin") == seeded_agent(local_stack, "BEN@lumiere.example")
    with pytest.raises(KeyError):
        seeded_agent(local_stack, "nobody")


def test_every_seeded_agent_signs_in_with_its_own_identity_and_role(local_stack, team):
    hotel = local_stack["demo"]["hotel_id"]
    for member in team:
        client = StackClient.as_agent(local_stack, who=member["key"])
        claims = claims_of(client.token)
        assert (claims["sub"], claims["email"], claims["custom:role"]) == (member["id"], member["email"],
                                                                           member["role"])
        assert hotel in claims["custom:hotel_ids"].split(",")
        assert client.get(f"/hotels/{hotel}/inbox").status_code == 200


def test_every_seeded_agent_is_a_member_of_the_hotels_cognito_group(local_stack, team):
    cognito = StackAws(local_stack).client("cognito-idp")
    users = cognito.list_users_in_group(UserPoolId=local_stack["cognito_user_pool_id"],
                                        GroupName=f"{GROUP_PREFIX}{local_stack['demo']['hotel_id']}",
                                        Limit=60)["Users"]
    members = {next(a["Value"] for a in u["Attributes"] if a["Name"] == "sub") for u in users}
    assert {a["id"] for a in team} <= members  # other tests may add colleagues to the demo hotel


def test_the_api_lists_the_seeded_agents_with_names_and_roles(local_stack, ben, team):
    response = ben.get(f"/hotels/{ben.hotel}/agents")
    assert response.status_code == 200, response.text
    listed = {a["id"]: (a["name"], a["email"], a["role"]) for a in response.json()["items"]}
    seeded = {a["id"]: (a["name"], a["email"], a["role"]) for a in team}
    assert {agent: listed.get(agent) for agent in seeded} == seeded  # other tests may add colleagues


def test_make_run_prints_every_seeded_login(local_stack, team):
    with open(f"{local_stack['state_dir']}/run.log", encoding="utf-8") as f:
        banner = f.read()
    assert local_stack["console_url"] in banner
    for member in team:
        line = next((line for line in banner.splitlines() if member["email"] in line), "")
        assert member["password"] in line and member["role"] in line and member["name"] in line, banner


# -- saved replies, reply target, the French guest ---------------------------------------------

def test_the_seeded_saved_replies_list_in_french_and_english(ben):
    response = ben.get(f"/hotels/{ben.hotel}/replies")
    assert response.status_code == 200, response.text
    replies = {r["shortcut"]: r for r in response.json()["items"]}
    assert SEEDED_REPLIES <= set(replies)
    assert all({"fr", "en"} <= set(replies[s]["texts"]) for s in SEEDED_REPLIES)
    assert replies["checkin"]["texts"]["fr"].startswith(
        "Bonjour {guest.first_name|Madame, Monsieur}, nous vous attendons le {reservation.check_in}.")


def test_the_french_guest_has_a_profile_with_a_booking_and_a_reply_clock(local_stack, ben):
    french = local_stack["demo"]["french_guest"]
    conversation = ben.conversation(french["conversation_id"])
    contact = conversation["contact"]
    assert (contact["name"], contact["language"]) == ("Camille Durand", "fr")
    [booking] = contact["reservations"]
    assert date.fromisoformat(booking["check_in"]) >= date.today()
    assert conversation["status"] == "open"
    waiting = parse_time(conversation["waiting_since"])
    minutes = local_stack["demo"]["reply_target_minutes"]
    assert parse_time(conversation["reply_due_at"]) == waiting + timedelta(minutes=minutes)


def test_the_checkin_reply_renders_the_french_guests_first_name_and_check_in_date(local_stack, ben):
    from babel.dates import format_date

    french = local_stack["demo"]["french_guest"]
    booking = ben.conversation(french["conversation_id"])["contact"]["reservations"][0]
    response = ben.post(f"/hotels/{ben.hotel}/conversations/{french['conversation_id']}/replies/checkin/render")
    assert response.status_code == 200, response.text
    rendered = response.json()
    day = format_date(date.fromisoformat(booking["check_in"]), format="long", locale="fr")
    assert rendered["language"] == "fr"
    assert rendered["text"].startswith(f"Bonjour Camille, nous vous attendons le {day}.")


# -- the helpers other tests use -----------------------------------------------------------------

def test_guest_conversation_hands_in_a_fresh_guest_with_a_booking_and_hold_puts_it_on_hold(local_stack, ben):
    reservation = new_id("R").upper()
    check_in = date.today() + timedelta(days=9)
    guest = guest_conversation(local_stack, "Élodie Marchand", "fr", reservation_id=reservation, check_in=check_in)
    assert guest["status"] == "open" and guest["check_in"] == check_in.isoformat()
    contact = guest["contact"]
    assert (contact["name"], contact["language"]) == ("Élodie Marchand", "fr")
    assert [(r["reservation_id"], r["check_in"], r["check_out"]) for r in contact["reservations"]] == [
        (reservation, check_in.isoformat(), (check_in + timedelta(days=2)).isoformat())]
    other = guest_conversation(local_stack, "Élodie Marchand", "fr", reservation_id=reservation, check_in=check_in)
    assert other["id"] != guest["id"]  # each call is a conversation of its own

    held = ben.hold(guest["id"], seconds=3600)
    assert held["status"] == "on_hold" and held["hold_until"]
    assert ben.status_of(guest["id"]) == "on_hold"


def test_two_seeded_agents_sign_in_to_the_console_in_two_browser_contexts(browser, page, local_stack):
    camille = page.sign_in_as()
    assert camille["role"] == "admin"
    with console_as(browser, local_stack, "ben") as ben:
        assert ben.agent["name"] == "Ben Martin"
        expect(ben.locator('[role="tab"][aria-selected="true"]')).to_have_count(1)
        tokens = {claims_of(p.evaluate("sessionStorage.getItem('lobby.idToken')"))["sub"] for p in (page, ben)}
        assert tokens == {camille["id"], ben.agent["id"]}
        assert not ben.errors and not page.errors


def test_the_demo_has_conversations_assigned_to_the_team_and_a_mention(local_stack, ben):
    from inbox.inbound import conversation_id_for

    hotel = local_stack["demo"]["hotel_id"]
    noah, aisha = (conversation_id_for(hotel, "expedia", thread) for thread in ("thr-demo-09", "thr-demo-29"))
    assert ben.conversation(noah)["assignee"] == {"id": ben.agent["id"], "name": "Ben Martin"}
    counts = ben.get(f"/hotels/{hotel}/inbox").json()
    assert counts["mine"]["open"] >= 1 and counts["unassigned"]["open"] >= 1, counts
    mentions = ben.get(f"/hotels/{hotel}/mentions")
    assert mentions.status_code == 200, mentions.text
    assert aisha in [c["id"] for c in mentions.json()["items"]]
    [note] = [m for m in ben.messages(aisha) if m.get("internal")]
    assert note["mentions"] == [ben.agent["id"]] and note["delivery"] is None
