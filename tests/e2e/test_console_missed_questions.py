"""Missed questions in the console (issue 15), in Chromium against the local stack: a guest asks what the bot cannot
answer (handed in by the demo partner), an agent answers; the admin sees the group in Settings with the agent's
reply, teaches it in one step (the reply prefilled and edited, a French answer added) and the next guest asking the
same question gets the bot's answer. Guest and agent text shows as text, never as markup; a group can be
dismissed; an agent sees no list.

The bot's hotel settings are cached for 30 s in the process that runs the pipeline: the next guest writes once that
long has passed since the teaching (the bot then reads the knowledge base again).
"""

from __future__ import annotations

import time
import uuid

import pytest
from console_helpers import NO_WEBSOCKET, AgentApi, eventually
from playwright.sync_api import expect
from stack_client import guest_conversation

pytest_plugins = ["console_plugin"]

SLOW = 15_000  # ms: one API round trip on a loaded machine, plus the module's first import
BOT_CACHE_SECONDS = 30  # inbox.service.Inbox.HOTEL_CACHE_SECONDS
QUESTION = "Do you rent bicycles to ride along the river?"
HOSTILE_QUESTION = "<img src=x onerror=alert(1)> Do you rent kayaks for the lake?"
HOSTILE_ANSWER = "<script>alert(2)</script><b>No</b> kayaks, sorry."


@pytest.fixture(scope="module")
def admin(local_stack) -> AgentApi:
    api = AgentApi(local_stack, "camille")
    assert api.me["role"] == "admin"
    return api


@pytest.fixture(scope="module")
def ben(local_stack) -> AgentApi:
    api = AgentApi(local_stack, "ben")
    assert api.me["role"] == "agent"
    return api


def _unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:5]}"


def _missed(admin: AgentApi) -> list[dict]:
    return admin.get("/missed-questions", limit=100)["items"]


def _group_of(admin: AgentApi, question: str) -> dict | None:
    return next((g for g in _missed(admin) if g["question"] == question), None)


def _unanswered(admin: AgentApi, question: str, name: str) -> dict:
    """A guest asks ``question`` (English, not asking for a person): the bot hands it off, unanswered."""
    conversation = guest_conversation(admin.stack, _unique(name), "en", text=question, wants_human=False)
    reasons = [a["reason"] for a in admin.activity(conversation["id"]) if a["type"] == "handed_off"]
    assert reasons == ["bot_unanswered"], reasons
    return conversation


def _agent_answers(agent: AgentApi, conversation_id: str, text: str) -> None:
    sent = agent.post(f"/conversations/{conversation_id}/messages", {"text": text})
    assert sent.status_code == 201, sent.text


def _open_settings(page) -> None:
    page.click('button[data-view="settings"]')
    page.wait_for_selector("#missed-list", timeout=SLOW)


def test_an_admin_teaches_a_missed_question_and_the_next_guest_gets_the_bots_answer(page, admin, ben):
    asked = _unanswered(admin, QUESTION, "Olivia Brown")
    agent_text = "Yes, we lend bicycles at the front desk from 8 am to 8 pm."
    _agent_answers(ben, asked["id"], agent_text)
    group = eventually(lambda: (g := _group_of(admin, QUESTION)) and g["answer"] and g, 20,
                       message="the group with the agent's answer")
    assert group["language"] == "en" and group["count"] == 1, group
    assert group["answer"]["text"] == agent_text, group

    page.page.add_init_script(NO_WEBSOCKET)
    page.sign_in_as("camille")
    _open_settings(page)
    row = page.locator(f'#missed-list .missed-row[data-group-id="{group["id"]}"]')
    expect(row).to_have_count(1, timeout=SLOW)
    expect(row.locator(".missed-question")).to_have_text(QUESTION)
    expect(row.locator(".missed-language")).to_have_text("en")
    expect(row.locator(".missed-count")).to_have_text("Asked once")
    expect(row.locator(".missed-answer")).to_have_text(agent_text)
    expect(row.locator(".missed-agent")).to_contain_text(ben.me["name"])
    # Newest first, as the API lists them.
    shown = page.eval_on_selector_all("#missed-list .missed-row", "rows => rows.map(r => r.dataset.groupId)")
    assert shown == [g["id"] for g in admin.get("/missed-questions", limit=20)["items"]]

    # Teach: the agent's reply is the starting answer; edited, and a French answer beside it.
    row.locator(".missed-teach").click()
    english = row.locator('.teach-form textarea[data-language="en"]')
    expect(english).to_have_value(agent_text)
    taught_en = f"{agent_text} Helmets are included."
    english.fill(taught_en)
    row.locator('.teach-add-language[data-language="fr"]').click()
    taught_fr = "Oui, nous prêtons des vélos à la réception de 8 h à 20 h, casques compris."
    row.locator('.teach-form textarea[data-language="fr"]').fill(taught_fr)
    row.locator(".teach-save").click()
    expect(page.locator("#missed-notice")).to_contain_text(QUESTION, timeout=SLOW)
    taught_at = time.monotonic()
    expect(row).to_have_count(0)
    assert f"POST /v1/hotels/{admin.hotel_id}/missed-questions/{group['id']}/teach" in page.api_calls

    # The knowledge base holds the entry; the group has left the list.
    (entry,) = [e for e in admin.get("/bot")["entries"] if e["id"] == f"missed-{group['id']}"]
    assert entry["answers"] == {"en": taught_en, "fr": taught_fr}, entry
    assert QUESTION in entry["questions"], entry
    assert _group_of(admin, QUESTION) is None
    expect(page.locator("#audit-list .audit-entry").first).to_have_attribute("data-action", "bot_updated", timeout=SLOW)

    # The next guest asking the same question, once the bot's 30 s cache has run out, gets the taught answer.
    time.sleep(max(0.0, BOT_CACHE_SECONDS + 1 - (time.monotonic() - taught_at)))
    nxt = guest_conversation(admin.stack, _unique("Noah Wilson"), "en", text=QUESTION, wants_human=False, status=None)

    def bot_answered() -> list[dict]:
        return [m for m in admin.messages(nxt["id"]) if m["sender"] == "bot"]

    (answer,) = eventually(bot_answered, 20, message="the bot's answer to the next guest")
    assert answer["text"] == taught_en, answer
    conversation = admin.conversation(nxt["id"])
    assert conversation["status"] == "bot" and conversation["automated"] is True, conversation
    assert not [a for a in admin.activity(nxt["id"]) if a["type"] == "handed_off"]
    assert _group_of(admin, QUESTION) is None  # answered: not missed again
    assert page.errors == [] and page.dialogs == []


def test_guest_and_agent_text_show_as_text_and_a_group_can_be_dismissed(page, admin, ben):
    asked = _unanswered(admin, HOSTILE_QUESTION, "Mallory Smith")
    _agent_answers(ben, asked["id"], HOSTILE_ANSWER)
    group = eventually(lambda: (g := _group_of(admin, HOSTILE_QUESTION)) and g["answer"] and g, 20,
                       message="the hostile group with its answer")

    page.sign_in_as("camille")
    _open_settings(page)
    row = page.locator(f'#missed-list .missed-row[data-group-id="{group["id"]}"]')
    expect(row.locator(".missed-question")).to_have_text(HOSTILE_QUESTION, timeout=SLOW)
    expect(row.locator(".missed-answer")).to_have_text(HOSTILE_ANSWER)
    assert row.locator("img, script, b").count() == 0
    assert page.locator("#settings img, #settings script").count() == 0
    row.locator(".missed-teach").click()
    expect(row.locator('.teach-form textarea[data-language="en"]')).to_have_value(HOSTILE_ANSWER)
    expect(row.locator(".teach-question")).to_have_value(HOSTILE_QUESTION)

    row.locator(".missed-dismiss").click()
    expect(row).to_have_count(0, timeout=SLOW)
    assert f"DELETE /v1/hotels/{admin.hotel_id}/missed-questions/{group['id']}" in page.api_calls
    assert _group_of(admin, HOSTILE_QUESTION) is None
    assert not [e for e in admin.get("/bot")["entries"] if e["id"] == f"missed-{group['id']}"]
    page.reload()
    page.wait_for_list()
    _open_settings(page)
    expect(page.locator("#missed-status")).not_to_have_text("Loading…", timeout=SLOW)
    expect(page.locator(f'#missed-list .missed-row[data-group-id="{group["id"]}"]')).to_have_count(0)
    assert page.errors == [] and page.dialogs == []  # no alert() ran


def test_an_agent_sees_no_missed_questions(page, admin, ben):
    page.sign_in_as("ben")
    expect(page.locator('button[data-view="settings"]')).to_have_count(0)
    expect(page.locator("#missed-list")).to_have_count(0)
    assert ben.client.get(f"{ben.base}/missed-questions").status_code == 403
    assert not any("/missed-questions" in c for c in page.api_calls)
