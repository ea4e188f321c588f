"""The console's mention completion (notes.js), saved-reply picker (replies.js) and settings screen
(settings.js) in Chromium.

The first tests drive each module alone on a blank page served from console/ (no stack: the agents,
the replies and the API are fakes the page holds); the last ones run the whole console on the local
stack: a note with a mention picked in the completion reaches the other agent's Mentions, unread; a
saved reply the admin makes in Settings renders in the composer with the guest's first name and the
check-in date in French; a saved reply with an unknown variable is refused with the API's 422, unsaved.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from console_helpers import DESKTOP, AgentApi, console_as, eventually
from notes_replies_helpers import FAKE_API, harness
from playwright.sync_api import expect
from stack_client import seeded_agent

pytest_plugins = ["console_plugin"]

FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                 "octobre", "novembre", "décembre")


def french_long_date(day: date) -> str:
    """"24 novembre 2026", as a French reader writes it (CLDR's long date in fr; "1er" is not used)."""
    return f"{day.day} {FRENCH_MONTHS[day.month - 1]} {day.year}"


@pytest.fixture
def blank(browser):
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(5_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    yield page
    context.close()
    assert not errors, errors


def value(page) -> str:
    return page.eval_on_selector("#composer", "el => el.value")


def caret(page) -> int:
    return page.eval_on_selector("#composer", "el => el.selectionStart")


# -- notes.js: @mention completion ----------------------------------------------------------------

MENTIONS = """
import { attachMentions } from './notes.js';
const area = document.createElement('textarea');
area.id = 'composer';
document.getElementById('root').append(area);
window.agents = [
  { id: 'ana', name: 'Ana Lima', email: 'ana@lumiere.example' },
  { id: 'anabel', name: 'Anabel Roux', email: 'anabel@lumiere.example' },
  { id: 'ben', name: 'Ben Martin', email: 'ben@lumiere.example' },
  { id: 'elodie', name: 'Élodie Dupré', email: 'elodie@lumiere.example' },
];
window.inputs = 0;
area.addEventListener('input', () => { window.inputs += 1; });
window.handle = attachMentions(area, () => window.agents);
"""


def shown(page, selector: str) -> list[str]:
    """The items' labels (a mention's name, a reply's title and shortcut)."""
    return page.eval_on_selector_all(f"{selector} li .completion-label", "labels => labels.map(l => l.textContent)")


def test_an_at_sign_lists_the_agents_whose_name_starts_so_accents_and_case_aside(blank):
    harness(blank, MENTIONS)
    composer = blank.locator("#composer")
    composer.click()
    composer.press_sequentially("Bonjour @ELO")
    expect(blank.locator("#mention-list li")).to_have_count(1)
    assert shown(blank, "#mention-list") == ["Élodie Dupré"]
    inputs = blank.evaluate("window.inputs")
    composer.press("Enter")
    assert value(blank) == "Bonjour @Élodie Dupré "
    assert caret(blank) == len("Bonjour @Élodie Dupré ")
    expect(blank.locator("#mention-list")).to_be_hidden()
    assert blank.evaluate("window.inputs") == inputs + 1, "the app hears of the insertion (its draft)"
    assert blank.evaluate("handle.mentions()") == ["elodie"]

    # Two agents start like "an": the arrows choose, Tab picks.
    composer.press_sequentially("et @an")
    expect(blank.locator("#mention-list li")).to_have_count(2)
    assert shown(blank, "#mention-list") == ["Ana Lima", "Anabel Roux"]
    expect(blank.locator("#mention-list li").first).to_have_attribute("aria-selected", "true")
    composer.press("ArrowDown")
    expect(blank.locator("#mention-list li").nth(1)).to_have_attribute("aria-selected", "true")
    composer.press("Tab")
    assert value(blank) == "Bonjour @Élodie Dupré et @Anabel Roux "
    assert sorted(blank.evaluate("handle.mentions()")) == ["anabel", "elodie"]

    # The full name's start (with its space) narrows to one; a click picks it.
    composer.press_sequentially("@ana l")
    expect(blank.locator("#mention-list li")).to_have_count(1)
    blank.locator("#mention-list li").first.click()
    assert value(blank).endswith("@Anabel Roux @Ana Lima ")
    expect(composer).to_be_focused()
    assert sorted(blank.evaluate("handle.mentions()")) == ["ana", "anabel", "elodie"]


def test_escape_closes_the_list_and_a_mention_taken_out_of_the_text_is_no_longer_one(blank):
    harness(blank, MENTIONS)
    composer = blank.locator("#composer")
    composer.click()
    composer.press_sequentially("@be")
    expect(blank.locator("#mention-list li")).to_have_count(1)
    composer.press("Escape")
    expect(blank.locator("#mention-list")).to_be_hidden()
    composer.press_sequentially("n")  # the same "@" stays closed
    expect(blank.locator("#mention-list")).to_be_hidden()
    assert value(blank) == "@ben"
    assert blank.evaluate("handle.mentions()") == [], "@ben is not Ben Martin's full name"

    composer.fill("")
    composer.press_sequentially("Voir avec @ben")
    expect(blank.locator("#mention-list li")).to_have_count(1)
    composer.press("Enter")
    assert blank.evaluate("handle.mentions()") == ["ben"]
    # Typed in full, without the list, is a mention too; removed from the text, it is not.
    composer.press_sequentially("et @Ana Lima.")
    assert sorted(blank.evaluate("handle.mentions()")) == ["ana", "ben"]
    composer.fill("Voir avec Ben Martin et @Ana Lima.")
    assert blank.evaluate("handle.mentions()") == ["ana"]


def test_no_list_for_an_email_address_a_stranger_or_when_no_agent_is_offered(blank):
    harness(blank, MENTIONS)
    composer = blank.locator("#composer")
    composer.click()
    composer.press_sequentially("écrire à guest@an")
    blank.wait_for_timeout(100)
    expect(blank.locator("#mention-list")).to_be_hidden()
    composer.press_sequentially(" @zoé")
    blank.wait_for_timeout(100)
    expect(blank.locator("#mention-list")).to_be_hidden()
    blank.evaluate("window.agents = []")  # the app offers nobody while replying to the guest
    composer.press_sequentially(" @a")
    blank.wait_for_timeout(100)
    expect(blank.locator("#mention-list")).to_be_hidden()
    blank.evaluate("window.agents = [{ id: 'x', name: 'Xavier <b>Roi</b>' }]")
    composer.press_sequentially(" @xa")
    expect(blank.locator("#mention-list li")).to_have_count(1)
    assert blank.locator("#mention-list li b").count() == 0, "a name is text, never markup"
    blank.evaluate("handle.destroy()")
    assert blank.locator("#mention-list").count() == 0


# -- replies.js: the saved-reply picker ---------------------------------------------------------

PICKER = """
import { attachReplyPicker } from './replies.js';
const area = document.createElement('textarea');
area.id = 'composer';
document.getElementById('root').append(area);
window.listed = 0;
window.rendered = [];
const items = [
  { id: 'r-checkin', title: 'Check-in', shortcut: 'checkin', texts: { fr: 'Bonjour {guest.first_name}', en: 'Hello' } },
  { id: 'r-parking', title: 'Parking', shortcut: 'parking', texts: { fr: 'Le parking…' } },
  { id: 'r-breakfast', title: 'Petit-déjeuner', shortcut: 'breakfast', texts: { fr: 'De 7 h à 10 h.' } },
];
const texts = {
  'r-checkin': { text: 'Bonjour Camille, nous vous attendons le 24 novembre 2026.', language: 'fr', missing: [] },
  'r-parking': { text: 'Bonjour , le parking est à 25 €.', language: 'fr', missing: ['guest.first_name'] },
  'r-breakfast': { text: 'Le petit-déjeuner est servi de 7 h à 10 h.', language: 'fr', missing: [] },
};
window.handle = attachReplyPicker(area, {
  list: async () => { window.listed += 1; return { items }; },
  render: async (id) => { window.rendered.push(id); await new Promise((r) => setTimeout(r, 50)); return texts[id]; },
});
"""


def test_slash_and_a_word_finds_a_saved_reply_and_puts_its_rendered_text_in_place(blank):
    harness(blank, PICKER)
    composer = blank.locator("#composer")
    composer.click()
    composer.press_sequentially("Merci ! /CHEC")
    expect(blank.locator("#reply-picker li")).to_have_count(1)
    assert "Check-in" in shown(blank, "#reply-picker")[0] and "/checkin" in shown(blank, "#reply-picker")[0]
    composer.press("Enter")
    expected = "Merci ! Bonjour Camille, nous vous attendons le 24 novembre 2026."
    expect(composer).to_have_value(expected)
    assert caret(blank) == len(expected)
    assert blank.evaluate("window.rendered") == ["r-checkin"]
    expect(blank.locator("#reply-picker")).to_be_hidden()
    expect(blank.locator("#reply-missing")).to_be_hidden()

    # A word of the title (accents aside) finds it too; the text goes where "/word" was, the caret after it.
    composer.fill("Pour demain  et le reste")
    composer.evaluate("el => el.setSelectionRange(12, 12)")
    composer.press_sequentially("/dej")
    expect(blank.locator("#reply-picker li")).to_have_count(1)
    blank.locator("#reply-picker li").first.click()
    inserted = "Le petit-déjeuner est servi de 7 h à 10 h."
    expect(composer).to_have_value(f"Pour demain {inserted} et le reste")
    assert caret(blank) == len(f"Pour demain {inserted}")
    assert blank.evaluate("window.listed") == 1, "the replies are asked once per picker"


def test_a_missing_variable_is_said_and_escape_closes_the_picker(blank):
    harness(blank, PICKER)
    composer = blank.locator("#composer")
    composer.click()
    composer.press_sequentially("/")
    expect(blank.locator("#reply-picker li")).to_have_count(3)  # "/" alone: every reply
    composer.press_sequentially("p")
    expect(blank.locator("#reply-picker li")).to_have_count(2)  # parking (shortcut), Petit-déjeuner (title)
    assert "Parking" in shown(blank, "#reply-picker")[0]
    composer.press("Enter")
    expect(composer).to_have_value("Bonjour , le parking est à 25 €.")
    expect(blank.locator("#reply-missing")).to_be_visible()
    expect(blank.locator("#reply-missing")).to_contain_text("{guest.first_name}")

    composer.press_sequentially(" /zzz")
    expect(blank.locator("#reply-picker")).to_be_visible()
    expect(blank.locator("#reply-picker li")).to_have_count(0)
    expect(blank.locator("#reply-picker")).to_contain_text("/zzz")
    composer.press("Escape")
    expect(blank.locator("#reply-picker")).to_be_hidden()
    composer.press_sequentially("z")
    expect(blank.locator("#reply-picker")).to_be_hidden()

    # Not at the start of a word: a fraction, a path, a link.
    composer.fill("")
    composer.press_sequentially("1/2 et/ou https://lumiere.example/p")
    blank.wait_for_timeout(100)
    expect(blank.locator("#reply-picker")).to_be_hidden()
    composer.fill("")  # sent or cleared: the hint about a text gone goes too
    composer.press_sequentially("x")
    expect(blank.locator("#reply-missing")).to_be_hidden()
    blank.evaluate("handle.destroy()")
    assert blank.locator("#reply-picker, #reply-missing").count() == 0


# -- settings.js: saved replies and the reply target -------------------------------------------

SETTINGS = """
import { api } from './fake_api.js';
import { renderSettings } from './settings.js';
import { t } from './i18n.js';
window.answers['GET /hotels/h1/replies'] = { items: [
  { id: 'r1', title: 'Check-in', shortcut: 'checkin', texts: { fr: 'Bonjour {guest.first_name}', en: 'Hello' } },
] };
window.answers['GET /hotels/h1'] = { id: 'h1', name: 'Hôtel Lumière', reply_target_minutes: 240 };
window.answers['GET /hotels/h1/agents'] = { items: [
  { id: 'a1', name: 'Camille Laurent', email: 'agent@lumiere.example', role: 'admin' },
  { id: 'a2', name: 'Ben Martin', email: 'ben@lumiere.example', role: 'agent' },
] };
window.answers['PUT *'] = (body, path) => {
  const unknown = /\\{(?!(guest\\.first_name|guest\\.name|reservation\\.id|reservation\\.check_in|reservation\\.check_out|hotel\\.name|agent\\.name)[|}])/;
  if (Object.values(body.texts).some((text) => unknown.test(text))) {
    return { __status: 422, message: 'unknown variable {guest.firstname}: use one of guest.first_name, …' };
  }
  return { id: path.split('/').pop(), ...body };
};
window.answers['DELETE /hotels/h1/replies/r1'] = null;
window.answers['PATCH /hotels/h1'] = (body) => ({ id: 'h1', name: 'Hôtel Lumière', ...body });
renderSettings(document.getElementById('root'), { api, hotelId: 'h1', t });
"""


def calls(page, method: str) -> list[dict]:
    return [c for c in page.evaluate("window.calls") if c["method"] == method]


def test_the_settings_screen_saves_a_reply_in_three_languages_with_its_variables(blank):
    harness(blank, SETTINGS, {"fake_api.js": FAKE_API})
    expect(blank.locator("#reply-list li")).to_have_count(1)
    expect(blank.locator("#team-list li")).to_have_count(2)
    expect(blank.locator("#target-value")).to_have_value("4")
    expect(blank.locator("#target-unit")).to_have_value("hours")
    form = blank.locator("form#reply-form")
    # fr and en by default; every variable offered as a chip; the fallback syntax explained.
    assert blank.eval_on_selector_all("#reply-form textarea", "els => els.map(e => e.dataset.language)") == ["fr", "en"]
    chips = blank.eval_on_selector_all("#reply-form .chip", "els => els.map(e => e.dataset.variable)")
    assert chips == ["guest.first_name", "guest.name", "reservation.id", "reservation.check_in",
                     "reservation.check_out", "hotel.name", "agent.name"]
    expect(form.locator(".fallback-help")).to_contain_text("{guest.first_name|Madame, Monsieur}")

    form.locator("#reply-title").fill("Parking")
    form.locator("#reply-shortcut").fill("parking")
    form.locator("#reply-text-fr").fill("Bonjour ")
    form.locator('.chip[data-variable="guest.first_name"]').click()  # at the caret of the text last in focus
    form.locator("#reply-text-fr").press_sequentially(", le parking est à 25 €.")
    form.locator("#reply-text-en").fill("Hello {guest.first_name|there}, parking is €25.")
    form.locator("#reply-new-language").fill("pt-br")
    form.locator("#reply-add-language").click()
    expect(form.locator("#reply-text-pt-BR")).to_be_focused()
    form.locator("#reply-text-pt-BR").fill("Olá {guest.first_name}, o estacionamento custa 25 €.")
    form.locator("#reply-new-language").fill("xx-y")
    form.locator("#reply-add-language").click()
    expect(form.locator("#reply-language-error")).to_contain_text("xx-y")
    form.locator("#reply-save").click()

    expect(blank.locator("#reply-list li")).to_have_count(2)
    (put,) = calls(blank, "PUT")
    reply_id = put["path"].removeprefix("/hotels/h1/replies/")
    assert len(str(uuid.UUID(reply_id))) == 36, "an id made in the browser"
    assert put["body"] == {"title": "Parking", "shortcut": "parking", "texts": {
        "fr": "Bonjour {guest.first_name}, le parking est à 25 €.",
        "en": "Hello {guest.first_name|there}, parking is €25.",
        "pt-BR": "Olá {guest.first_name}, o estacionamento custa 25 €."}}
    expect(blank.locator(f'#reply-list li[data-reply-id="{reply_id}"]')).to_contain_text("/parking")
    expect(form.locator("#reply-title")).to_have_value("")  # ready for the next one

    # Editing keeps the id; deleting asks once more, inline (no dialog), then calls DELETE.
    blank.locator('#reply-list li[data-reply-id="r1"] .reply-edit').click()
    expect(form.locator("#reply-title")).to_have_value("Check-in")
    expect(form.locator("#reply-text-en")).to_have_value("Hello")
    form.locator("#reply-title").fill("Arrivée")
    form.locator("#reply-save").click()
    expect(blank.locator('#reply-list li[data-reply-id="r1"]')).to_contain_text("Arrivée")
    assert calls(blank, "PUT")[-1]["path"] == "/hotels/h1/replies/r1"
    blank.locator('#reply-list li[data-reply-id="r1"] .reply-delete').click()
    assert not calls(blank, "DELETE")
    blank.locator('#reply-list li[data-reply-id="r1"] .reply-delete-yes').click()
    expect(blank.locator('#reply-list li[data-reply-id="r1"]')).to_have_count(0)
    assert [c["path"] for c in calls(blank, "DELETE")] == ["/hotels/h1/replies/r1"]


def test_the_apis_422_is_said_in_the_form_and_nothing_is_listed(blank):
    harness(blank, SETTINGS, {"fake_api.js": FAKE_API})
    expect(blank.locator("#reply-list li")).to_have_count(1)
    form = blank.locator("form#reply-form")
    form.locator("#reply-title").fill("Typo")
    form.locator("#reply-shortcut").fill("typo")
    form.locator("#reply-text-fr").fill("Bonjour {guest.firstname}")
    form.locator("#reply-save").click()
    expect(form.locator("#reply-error")).to_contain_text("unknown variable {guest.firstname}")
    expect(blank.locator("#reply-list li")).to_have_count(1)
    expect(form.locator("#reply-title")).to_have_value("Typo")  # kept, to be fixed
    assert calls(blank, "PUT")[0]["body"]["texts"] == {"fr": "Bonjour {guest.firstname}"}  # the empty en left out


def test_the_reply_target_is_saved_in_minutes_or_hours_or_cleared(blank):
    harness(blank, SETTINGS, {"fake_api.js": FAKE_API})
    expect(blank.locator("#target-value")).to_have_value("4")
    blank.fill("#target-value", "90")
    blank.select_option("#target-unit", "minutes")
    blank.click("#target-save")
    expect(blank.locator("#target-status")).to_contain_text("90 minutes")
    blank.fill("#target-value", "3")
    blank.click("#target-save")
    expect(blank.locator("#target-error")).not_to_be_empty()
    blank.select_option("#target-unit", "hours")
    blank.click("#target-save")
    expect(blank.locator("#target-status")).to_contain_text("3 hours")
    blank.uncheck("#target-on")
    blank.click("#target-save")
    expect(blank.locator("#target-status")).not_to_be_empty()
    assert [c["body"] for c in calls(blank, "PATCH")] == [
        {"reply_target_minutes": 90}, {"reply_target_minutes": 180}, {"reply_target_minutes": None}]
    assert {c["path"] for c in calls(blank, "PATCH")} == {"/hotels/h1"}


# -- the whole console on the local stack --------------------------------------------------------
# The machine running these may be busy: waits on the stack's answers get more time than the default.
SLOW = 20_000


def patient(console) -> None:
    console.page.context.set_default_timeout(30_000)

def open_in_console(console, conversation: dict) -> None:
    console.open_conversation(conversation)
    console.page.wait_for_selector("#composer")


def test_a_note_with_a_mention_picked_in_the_completion_reaches_the_other_agents_mentions(
        page, browser, local_stack):
    patient(page)
    ana = seeded_agent(local_stack, "ana")
    api = AgentApi(local_stack, "camille")
    guest = api.new_guest_conversation("Camille Durand", "fr")
    page.sign_in_as("camille")
    open_in_console(page, guest)
    page.click('button[data-mode="note"]')
    composer = page.locator("#composer")
    expect(composer).to_be_focused()
    composer.press_sequentially("Peux-tu rappeler la cliente ? @ana")
    expect(page.locator("#mention-list li")).to_have_count(1, timeout=SLOW)  # once the agents are known
    expect(page.locator("#mention-list li").first).to_contain_text("Ana Lima")
    composer.press("Enter")
    expect(composer).to_have_value("Peux-tu rappeler la cliente ? @Ana Lima ")
    composer.press_sequentially("merci")
    composer.press("Control+Enter")
    note = page.locator("#messages .note", has_text="Peux-tu rappeler la cliente ?")
    expect(note).to_be_visible(timeout=SLOW)
    expect(composer).to_have_value("")

    notes = [m for m in api.messages(guest["id"]) if m.get("internal")]
    assert len(notes) == 1 and notes[0]["mentions"] == [ana["id"]], notes
    assert notes[0]["text"] == "Peux-tu rappeler la cliente ? @Ana Lima merci"
    assert notes[0]["delivery"] is None

    with console_as(browser, local_stack, "ana") as other:
        patient(other)
        other.click('button[data-view="mentions"]')
        row = other.row(guest["id"])
        expect(row).to_be_visible(timeout=SLOW)
        expect(row.locator(".unread-dot")).to_be_visible()
        assert guest["id"] in [c["id"] for c in AgentApi(local_stack, "ana").get("/mentions")["items"]]


def fill_reply_form(page, title: str, shortcut: str, fr: str, en: str | None = None) -> None:
    form = page.locator("form#reply-form")
    form.locator("#reply-title").fill(title)
    form.locator("#reply-shortcut").fill(shortcut)
    form.locator("#reply-text-fr").fill(fr)
    form.locator("#reply-text-en").fill(en or "")
    form.locator("#reply-save").click()


def open_settings(page) -> None:
    page.click('button[data-view="settings"]')
    page.wait_for_selector("form#reply-form")
    page.wait_for_selector("#reply-list li")  # the seeded library (checkin, parking, merci) is listed


def test_a_saved_reply_made_in_settings_renders_in_the_composer_in_french(page, local_stack):
    patient(page)
    api = AgentApi(local_stack, "camille")
    tag = uuid.uuid4().hex[:6]
    shortcut = f"arrivee-{tag}"
    title = f"Arrivée {tag}"
    page.sign_in_as("camille")
    open_settings(page)
    fill_reply_form(page, title, shortcut,
                    "Bonjour {guest.first_name|Madame, Monsieur}, nous vous attendons le {reservation.check_in}.",
                    "Hello {guest.first_name|there}, see you on {reservation.check_in}.")
    expect(page.locator("#reply-list li", has_text=title)).to_be_visible(timeout=SLOW)
    expect(page.locator("#reply-error")).to_be_empty()
    (saved,) = [r for r in api.get("/replies")["items"] if r["shortcut"] == shortcut]
    assert saved["title"] == title and set(saved["texts"]) == {"fr", "en"}
    assert any(call.startswith(f"PUT /v1/hotels/{api.hotel_id}/replies/{saved['id']}") for call in page.api_calls)

    check_in = date.today() + timedelta(days=40)
    guest = api.new_guest_conversation("Camille Durand", "fr", reservation_id=f"R-{tag}", check_in=check_in)
    page.click('button[data-view="settings"]')  # leaves the settings screen
    open_in_console(page, guest)
    composer = page.locator("#composer")
    composer.click()
    composer.press_sequentially(f"/arrivee-{tag[:3]}")
    option = page.locator("#reply-picker li", has_text=title)
    expect(option).to_have_count(1, timeout=SLOW)
    composer.press("Enter")
    expected = f"Bonjour Camille, nous vous attendons le {french_long_date(check_in)}."
    expect(composer).to_have_value(expected, timeout=SLOW)
    assert composer.evaluate("el => el.selectionStart") == len(expected)
    render = f"POST /v1/hotels/{api.hotel_id}/conversations/{guest['id']}/replies/{saved['id']}/render"
    assert render in page.api_calls, page.api_calls
    # Still a draft to edit: nothing was sent.
    assert [m for m in api.messages(guest["id"]) if m["sender"] == "agent"] == []

    # The "/" shortcut (outside the text) opens the picker on every reply, the new one among them.
    composer.fill("")
    page.locator("#messages").focus()
    page.keyboard.press("/")
    expect(composer).to_be_focused()
    expect(page.locator("#reply-picker li", has_text=title)).to_have_count(1, timeout=SLOW)
    assert page.locator("#reply-picker li").count() >= 4  # with the seeded checkin, parking and merci
    composer.press("Escape")
    expect(page.locator("#reply-picker")).to_be_hidden()
    expect(composer).to_have_value("/")


def test_a_saved_reply_with_an_unknown_variable_shows_the_422_and_is_not_saved(page, local_stack):
    patient(page)
    api = AgentApi(local_stack, "camille")
    tag = uuid.uuid4().hex[:6]
    page.sign_in_as("camille")
    open_settings(page)
    before = len(api.get("/replies")["items"])
    fill_reply_form(page, f"Coquille {tag}", f"coquille-{tag}", "Bonjour {guest.firstname}, à bientôt.")
    error = page.locator("#reply-error")
    expect(error).to_contain_text("guest.firstname", timeout=SLOW)
    assert any(call.startswith(f"PUT /v1/hotels/{api.hotel_id}/replies/") for call in page.api_calls)
    expect(page.locator("#reply-list li", has_text=f"Coquille {tag}")).to_have_count(0)
    replies = api.get("/replies")["items"]
    assert len(replies) == before and not [r for r in replies if r["shortcut"] == f"coquille-{tag}"]
    eventually(lambda: not page.errors, 1, message="no page error")
