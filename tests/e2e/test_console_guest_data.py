"""Guest data in the console (issue 14), in Chromium against the local stack: the admin's retention setting
(the API's 422 said inline, a good value kept after a reload) and the audit log in Settings (newest first,
"More" for the next page); a guest's data exported as a JSON download and erased (the confirmation, the
receipt, the conversations gone from the tabs, the counts right); an agent sees none of it; a message whose
card number Lobby masked carries its badge and the conversation's `redacted` activity its label.

Every test makes its own guests (the demo partner hands them in), so the tests do not depend on one another.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from console_helpers import AgentApi, eventually
from playwright.sync_api import expect
from stack_client import in_seconds

pytest_plugins = ["console_plugin"]

SLOW = 15_000  # ms: one API round trip on a loaded machine, plus the module's first import
CARD = "4970 1012 3456 7893"  # passes the Luhn check


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


def _open_settings(page) -> None:
    page.click('button[data-view="settings"]')
    page.wait_for_selector("#retention-days")


def _audit_ids(page) -> list[str]:
    return page.eval_on_selector_all("#audit-list .audit-entry", "rows => rows.map(r => r.dataset.id)")


def _patch(api: AgentApi, body: dict) -> dict:
    response = api.client.patch(api.base, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _same_guest_again(api: AgentApi, first: dict, text: str) -> str:
    """A second conversation of the guest of ``first`` (same partner guest id, another thread); its id."""
    thread = f"webchat-e2e-{uuid.uuid4().hex[:10]}"
    contact = first["contact"]
    handed_in = api.inbound({
        "channel": "webchat", "external_conversation_id": thread, "external_message_id": f"{thread}-m1",
        "sender": {"external_id": contact["external_id"], "name": contact["name"], "language": "fr"},
        "text": text, "sent_at": in_seconds(-2), "wants_human": True})
    assert handed_in.status_code == 202, handed_in.text
    return handed_in.json()["conversation_id"]


# -- settings: retention and the audit log -----------------------------------------------------------


def test_an_admin_sets_the_retention_and_the_audit_log_shows_the_change(page, admin):
    before = admin.get("")["retention_days"]
    wanted = 365 if before != 365 else 400
    page.sign_in_as("camille")
    _open_settings(page)
    field = page.locator("#retention-days")
    expect(field).to_have_value(str(before), timeout=SLOW)  # GET /v1/hotels/{h}'s (730 unless changed)

    # Out of range: the API's 422, said beside the field; nothing changes.
    field.fill("20")
    page.click("#retention-save")
    error = page.locator("#retention-error")
    expect(error).to_contain_text("retention_days", timeout=SLOW)
    assert f"PATCH /v1/hotels/{admin.hotel_id}" in page.api_calls
    assert admin.get("")["retention_days"] == before
    expect(page.locator("#retention-status")).to_be_empty()

    field.fill(str(wanted))
    page.click("#retention-save")
    expect(page.locator("#retention-status")).to_contain_text(str(wanted), timeout=SLOW)
    expect(error).to_be_empty()
    assert admin.get("")["retention_days"] == wanted

    # The change's entry heads the log: who, what, the target and the change (from -> to).
    newest = page.locator("#audit-list .audit-entry").first
    expect(newest).to_have_attribute("data-action", "hotel_updated", timeout=SLOW)
    expect(newest.locator(".audit-actor")).to_have_text("Camille Laurent")
    expect(newest.locator(".audit-action")).to_have_text("Hotel settings changed")
    expect(newest.locator(".audit-change")).to_contain_text(f"Retention (days): {before} → {wanted}")
    expect(newest.locator(".audit-target")).to_contain_text(admin.hotel_id)
    (entry,) = [e for e in admin.get("/audit")["items"] if e["id"] == newest.get_attribute("data-id")]
    assert entry["action"] == "hotel_updated" and entry["actor"]["id"] == admin.me["id"], entry

    # Kept: after a reload the field shows the new value.
    page.reload()
    page.wait_for_list()
    _open_settings(page)
    expect(field).to_have_value(str(wanted), timeout=SLOW)
    _patch(admin, {"retention_days": before})  # the demo hotel as it was
    assert page.errors == [] and page.dialogs == []


def test_the_audit_log_lists_newest_first_and_more_reads_the_next_page(page, admin):
    target = admin.get("")["reply_target_minutes"]
    for n in range(21):  # more than one page of the console's (20): reply targets 100..120 minutes
        _patch(admin, {"reply_target_minutes": 100 + n})
    _patch(admin, {"reply_target_minutes": target})
    first_page = admin.get("/audit", limit=20)
    assert first_page["next_cursor"], "22 entries at least: a second page"

    page.sign_in_as("camille")
    _open_settings(page)
    rows = page.locator("#audit-list .audit-entry")
    expect(rows).to_have_count(20, timeout=SLOW)
    assert _audit_ids(page) == [e["id"] for e in first_page["items"]]
    expect(rows.first.locator(".audit-change")).to_contain_text(f"Reply target (minutes): 120 → {target}")
    whens = page.eval_on_selector_all("#audit-list .audit-when", "ts => ts.map(t => t.getAttribute('datetime'))")
    assert whens == sorted(whens, reverse=True)

    page.click("#audit-more")
    expect(rows).not_to_have_count(20, timeout=SLOW)
    shown = _audit_ids(page)
    assert len(shown) == len(set(shown)) > 20
    second = admin.get("/audit", limit=20, cursor=first_page["next_cursor"])["items"]
    assert shown[20:20 + len(second)] == [e["id"] for e in second]
    assert any(c.startswith(f"GET /v1/hotels/{admin.hotel_id}/audit?") and "cursor=" in c for c in page.api_calls)


# -- the guest profile: export and erase --------------------------------------------------------------


def test_an_admin_exports_a_guest_as_a_json_file(page, admin):
    name = _unique("Margaux Lefèvre")
    text = f"Bonjour, pouvez-vous me rappeler ? ({uuid.uuid4().hex[:6]})"
    conversation = admin.new_guest_conversation(name, "fr", text=text)
    contact_id = conversation["contact_id"]
    assert contact_id and conversation["contact"]["id"] == contact_id
    page.sign_in_as("camille")
    page.open_conversation(conversation)
    button = page.locator("#export-guest")
    expect(button).to_be_visible(timeout=SLOW)
    with page.expect_download() as downloading:
        button.click()
    download = downloading.value
    assert download.suggested_filename.startswith(f"guest-{contact_id}") and download.suggested_filename.endswith(".json")
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["contact"]["id"] == contact_id and data["contact"]["name"] == name, data["contact"]
    (exported,) = [c for c in data["conversations"] if c["conversation"]["id"] == conversation["id"]]
    assert text in [m["text"] for m in exported["messages"]], exported["messages"]
    expect(page.locator("#guest-data-status")).to_contain_text(download.suggested_filename)
    assert f"GET /v1/hotels/{admin.hotel_id}/contacts/{contact_id}/export" in page.api_calls

    # The export is in the audit log, by the contact's id only.
    entry = next(e for e in admin.get("/audit")["items"] if e["action"] == "exported")
    assert entry["target"] == {"type": "contact", "id": contact_id}, entry
    assert name not in json.dumps(entry) and text not in json.dumps(entry)
    assert page.errors == [] and page.dialogs == []


def test_an_admin_erases_a_guest_the_receipt_shows_and_the_conversations_leave_the_tabs(page, admin):
    name = _unique("Théo Garnier")
    first = admin.new_guest_conversation(name, "fr")
    second_id = _same_guest_again(admin, first, "Et une autre question, s'il vous plaît : une personne ?")
    contact_id = first["contact_id"]
    second = eventually(lambda: admin.conversation(second_id), 20, message="the guest's second conversation")
    assert second["contact_id"] == contact_id
    eventually(lambda: admin.conversation(second_id)["status"] == "open", 20, message="the second one in Open")

    page.sign_in_as("camille")
    page.open_conversation(first)
    expect(page.row(second_id)).to_be_visible(timeout=SLOW)

    # Cancel: nothing is erased.
    page.click("#erase-guest")
    dialog = page.locator("dialog#erase-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(name)
    page.click("#erase-cancel")
    expect(dialog).to_have_count(0)
    assert admin.conversation(first["id"])["id"] == first["id"]
    assert not any(c.endswith("/erase") for c in page.api_calls)

    counts_before = admin.counts()
    page.click("#erase-guest")
    page.click("#erase-confirm")
    receipt = page.locator("#erase-receipt")
    expect(receipt).to_be_visible(timeout=SLOW)
    expect(receipt).to_contain_text(contact_id)
    expect(receipt.locator('dd[data-item="conversations"]')).to_have_text("2")
    messages = int(receipt.locator('dd[data-item="messages"]').inner_text())
    assert messages >= 2
    assert f"POST /v1/hotels/{admin.hotel_id}/contacts/{contact_id}/erase" in page.api_calls

    # Both conversations are gone from the tabs and from the API; the counts are the API's, two fewer in Open.
    expect(page.row(first["id"])).to_have_count(0)
    expect(page.row(second_id)).to_have_count(0)
    for cid in (first["id"], second_id):
        assert admin.client.get(f"{admin.base}/conversations/{cid}").status_code == 404
    assert admin.counts()["open"] == counts_before["open"] - 2
    eventually(lambda: page.counts() == admin.counts(), 10, message="the console's counts are GET /inbox's")
    page.select_tab("all")
    expect(page.row(first["id"])).to_have_count(0)
    expect(page.row(second_id)).to_have_count(0)

    # One audit entry, with the contact id and counts, no name.
    entry = next(e for e in admin.get("/audit")["items"] if e["action"] == "erased")
    assert entry["target"] == {"type": "contact", "id": contact_id} and name not in json.dumps(entry), entry
    assert page.errors == [] and page.dialogs == []


def test_an_agent_sees_no_export_erase_nor_audit_log(page, admin, ben):
    conversation = admin.new_guest_conversation(_unique("Lina Faure"), "fr")
    page.sign_in_as("ben")
    page.open_conversation(conversation)
    expect(page.locator("#profile-name")).to_have_text(conversation["contact"]["name"], timeout=SLOW)
    page.wait_for_timeout(500)  # long enough for a lazily loaded module to have filled its slot
    expect(page.locator("#guest-data")).to_have_count(0)
    expect(page.locator("#export-guest")).to_have_count(0)
    expect(page.locator("#erase-guest")).to_have_count(0)
    expect(page.locator('button[data-view="settings"]')).to_have_count(0)
    expect(page.locator("#audit-list")).to_have_count(0)
    assert not any("/audit" in c or "/contacts/" in c for c in page.api_calls)
    # The API refuses them anyway.
    contact = f"{ben.base}/contacts/{conversation['contact_id']}"
    assert ben.client.get(f"{ben.base}/audit").status_code == 403
    assert ben.client.get(f"{contact}/export").status_code == 403
    assert ben.client.post(f"{contact}/erase").status_code == 403
    assert admin.conversation(conversation["id"])["id"] == conversation["id"]


# -- card numbers -------------------------------------------------------------------------------------


def test_a_masked_card_number_shows_its_badge_and_the_redacted_activity(page, admin):
    conversation = admin.new_guest_conversation(
        _unique("Noémie Blanc"), "fr", text=f"Bonjour, ma carte est la {CARD}, pouvez-vous garantir ma chambre ?")
    stored = [m for m in admin.messages(conversation["id"]) if m["sender"] == "guest"]
    assert [m["redactions"] for m in stored] == [["card_number"]], stored
    assert "•••• 7893" in stored[0]["text"] and CARD not in stored[0]["text"]

    page.sign_in_as("camille")
    page.open_conversation(conversation)
    message = page.locator("#messages .message.from-guest").filter(has_text="ma carte est la")
    expect(message).to_have_count(1)
    expect(message.locator(".text")).to_contain_text("•••• 7893")
    expect(message.locator(".badge.redacted")).to_have_text("card number masked")
    event = page.locator('#timeline li[data-type="redacted"]')
    expect(event).to_have_count(1)
    expect(event.locator(".what strong")).to_have_text("Card number masked")
    body = page.inner_text("body")
    assert CARD not in body and CARD.replace(" ", "") not in body

    page.select_option("#lang", "fr")
    expect(message.locator(".badge.redacted")).to_have_text("carte masquée")
    expect(event.locator(".what strong")).to_have_text("Numéro de carte masqué")
    assert page.errors == [] and page.dialogs == []
