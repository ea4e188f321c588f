// The admins' settings screen (loaded when first opened): the hotel's saved replies (list, form with one
// text per language and the variables, save with PUT, delete with DELETE, the API's 422 said inline),
// the hotel's reply target and how long it keeps its guests' data (PATCH /v1/hotels/{h}), the team
// (GET .../agents), the missed questions (missed.js) and the audit log (guest_data.js, GET .../audit). Data is text only.

import { fill, h } from './dom.js';
import { locale } from './i18n.js';
import { renderAudit } from './guest_data.js'; // with the retention's words
import { renderMissed } from './missed.js';

export const VARIABLES = ['guest.first_name', 'guest.name', 'reservation.id', 'reservation.check_in',
  'reservation.check_out', 'hotel.name', 'agent.name'];
const DEFAULT_LANGUAGES = ['fr', 'en'];
const LANGUAGE = /^[a-z]{2}(-[A-Z]{2})?$/;
const TARGET_MIN = 5;
const TARGET_MAX = 7 * 24 * 60;
const RETENTION_DEFAULT = 730; // inbox/retention.py's; its bounds are the API's to say (422)

let styled = false;
function loadStyles() {
  if (styled) return;
  styled = true;
  document.head.append(h('link', { rel: 'stylesheet', href: new URL('./settings.css', import.meta.url).href }));
}

/** A new saved reply's id, made in the browser (the PUT names it). */
export function newReplyId() {
  if (globalThis.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** "pt-br" -> "pt-BR", " DE " -> "de"; null when it is not a language code. */
export function languageCode(input) {
  const [base, region, ...rest] = String(input || '').trim().split(/[-_]/);
  if (rest.length || !base) return null;
  const code = region ? `${base.toLowerCase()}-${region.toUpperCase()}` : base.toLowerCase();
  return LANGUAGE.test(code) ? code : null;
}

function languageName(code) {
  try {
    const name = new Intl.DisplayNames([locale()], { type: 'language' }).of(code);
    return name && name !== code ? `${name[0].toUpperCase()}${name.slice(1)} (${code})` : code;
  } catch {
    return code;
  }
}

const enc = encodeURIComponent;
const byTitle = (a, b) => String(a.title).localeCompare(String(b.title), locale(), { sensitivity: 'base' });

/** renderSettings(container, { api, hotelId, t, tz }): builds the screen in `container` and loads its data
(`tz`: the hotel's time zone, for the audit log's times). */
export function renderSettings(container, { api, hotelId, t, tz }) {
  loadStyles();
  const hotelPath = `/hotels/${enc(hotelId)}`;
  const reason = (e) => (e && e.status === 403 ? t('set_adminOnly') : (e && e.message) || '');
  let replies = [];
  let editing = null; // the reply in the form, null for a new one
  let confirming = null; // the id whose delete awaits its confirmation

  // -- saved replies: the list ------------------------------------------------------------------
  const listStatus = h('p', { class: 'muted', id: 'reply-list-status' }, t('loading'));
  const list = h('ul', { class: 'reply-list', id: 'reply-list', 'aria-label': t('set_replies') });
  const notice = h('p', { class: 'settings-notice', id: 'settings-notice', role: 'status' });

  function say(text) {
    notice.textContent = text;
  }

  function paintList() {
    replies.sort(byTitle);
    listStatus.textContent = replies.length ? '' : t('set_repliesEmpty');
    listStatus.hidden = !!replies.length;
    fill(list, replies.map((reply) => {
      const languages = Object.keys(reply.texts || {});
      const actions = confirming === reply.id
        ? [h('span', { class: 'confirm-text' }, t('set_confirmDelete', { title: reply.title })),
          h('button', { type: 'button', class: 'danger reply-delete-yes', onclick: () => remove(reply) }, t('set_deleteYes')),
          h('button', { type: 'button', class: 'ghost', onclick: () => { confirming = null; paintList(); } }, t('cancel'))]
        : [h('button', { type: 'button', class: 'reply-edit', onclick: () => edit(reply) }, t('set_edit')),
          h('button', { type: 'button', class: 'ghost reply-delete', onclick: () => { confirming = reply.id; paintList(); } },
            t('set_delete'))];
      return h('li', { class: `reply-row${editing && editing.id === reply.id ? ' editing' : ''}`, dataset: { replyId: reply.id } },
        h('div', { class: 'reply-summary' },
          h('span', { class: 'reply-title' }, reply.title),
          h('code', { class: 'reply-shortcut' }, `/${reply.shortcut}`),
          h('span', { class: 'reply-languages' }, languages.map((code) => h('span', { class: 'badge lang' }, code)))),
        h('p', { class: 'reply-preview' }, (reply.texts && (reply.texts.fr ?? reply.texts.en ?? reply.texts[languages[0]])) || ''),
        h('div', { class: 'reply-actions' }, actions));
    }));
  }

  // -- saved replies: the form ------------------------------------------------------------------
  const heading = h('h4', { id: 'reply-form-title' });
  const title = h('input', { id: 'reply-title', name: 'title', required: true, maxlength: '100', autocomplete: 'off' });
  const shortcut = h('input', {
    id: 'reply-shortcut', name: 'shortcut', required: true, maxlength: '32', autocomplete: 'off',
    spellcheck: 'false', 'aria-describedby': 'reply-shortcut-hint',
  });
  const texts = h('div', { class: 'reply-texts', id: 'reply-texts' });
  const newLanguage = h('input', {
    id: 'reply-new-language', class: 'new-language', size: '8', maxlength: '5', autocomplete: 'off',
    'aria-label': t('set_languageCode'), placeholder: 'de, es, pt-BR',
    onkeydown: (e) => { if (e.key === 'Enter') { e.preventDefault(); addLanguageFromInput(); } },
  });
  const languageError = h('p', { class: 'form-error', id: 'reply-language-error', role: 'alert' });
  const error = h('p', { class: 'form-error', id: 'reply-error', role: 'alert' });
  const save = h('button', { type: 'submit', class: 'primary', id: 'reply-save' }, t('set_save'));
  let lastText = null; // the text field the variable chips write into

  function textField(code, value = '') {
    const area = h('textarea', {
      id: `reply-text-${code}`, name: `text-${code}`, rows: '4', maxlength: '5000', dataset: { language: code },
      props: { value }, onfocus: (e) => { lastText = e.target; },
    });
    const row = h('div', { class: 'reply-text', dataset: { language: code } },
      h('div', { class: 'reply-text-head' },
        h('label', { for: area.id }, languageName(code)),
        h('button', {
          type: 'button', class: 'ghost remove-language', 'aria-label': t('set_removeLanguage', { language: languageName(code) }),
          title: t('set_removeLanguage', { language: languageName(code) }),
          onclick: () => {
            if (lastText === area) lastText = null;
            row.remove();
          },
        }, '×')),
      area);
    return row;
  }

  function languages() {
    return [...texts.querySelectorAll('textarea[data-language]')].map((el) => el.dataset.language);
  }

  function addLanguageFromInput() {
    languageError.textContent = '';
    const code = languageCode(newLanguage.value);
    if (!code) {
      languageError.textContent = t('set_languageInvalid', { code: newLanguage.value.trim() });
      return;
    }
    if (languages().includes(code)) {
      languageError.textContent = t('set_languageTaken');
      return;
    }
    const row = textField(code);
    texts.append(row);
    newLanguage.value = '';
    row.querySelector('textarea').focus();
  }

  function insertVariable(name) {
    const area = (lastText && lastText.isConnected) ? lastText : texts.querySelector('textarea');
    if (!area) return;
    const start = area.selectionStart ?? area.value.length;
    const end = area.selectionEnd ?? start;
    area.focus();
    area.setRangeText(`{${name}}`, start, end, 'end');
    area.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function resetForm(reply = null) {
    editing = reply;
    heading.textContent = reply ? t('set_editing', { title: reply.title }) : t('set_new');
    title.value = reply ? reply.title : '';
    shortcut.value = reply ? reply.shortcut : '';
    const own = reply ? Object.entries(reply.texts || {}) : DEFAULT_LANGUAGES.map((code) => [code, '']);
    fill(texts, own.map(([code, value]) => textField(code, value)));
    lastText = null;
    error.textContent = '';
    languageError.textContent = '';
    newLanguage.value = '';
    cancel.hidden = !reply;
    paintList();
  }

  function edit(reply) {
    confirming = null;
    resetForm(reply);
    say('');
    title.focus();
  }

  async function submit(event) {
    event.preventDefault();
    if (save.disabled) return;
    error.textContent = '';
    const body = { title: title.value.trim(), shortcut: shortcut.value.trim(), texts: {} };
    for (const area of texts.querySelectorAll('textarea[data-language]')) {
      if (area.value.trim()) body.texts[area.dataset.language] = area.value;
    }
    const id = editing ? editing.id : newReplyId();
    save.disabled = true;
    save.textContent = t('set_saving');
    try {
      const saved = await api.put(`${hotelPath}/replies/${enc(id)}`, body);
      const reply = { id, ...body, ...(saved && typeof saved === 'object' ? saved : {}) };
      replies = [...replies.filter((r) => r.id !== reply.id), reply];
      resetForm(null);
      say(t('set_saved', { title: reply.title }));
    } catch (e) {
      error.textContent = reason(e); // the API's 422 says what to fix (an unknown variable, a shortcut…)
    } finally {
      save.disabled = false;
      save.textContent = t('set_save');
    }
  }

  async function remove(reply) {
    try {
      await api.del(`${hotelPath}/replies/${enc(reply.id)}`);
    } catch (e) {
      if (!e || e.status !== 404) {
        confirming = null;
        paintList();
        say(reason(e));
        return;
      }
    }
    confirming = null;
    replies = replies.filter((r) => r.id !== reply.id);
    if (editing && editing.id === reply.id) resetForm(null);
    else paintList();
    say(t('set_deleted', { title: reply.title }));
  }

  const cancel = h('button', { type: 'button', class: 'ghost', id: 'reply-cancel', hidden: true, onclick: () => resetForm(null) },
    t('cancel'));
  const form = h('form', { id: 'reply-form', class: 'reply-form', 'aria-labelledby': 'reply-form-title', onsubmit: submit },
    heading,
    h('div', { class: 'field-row' },
      h('label', { class: 'field' }, h('span', {}, t('set_title')), title),
      h('label', { class: 'field field-shortcut' }, h('span', {}, t('set_shortcut')),
        h('span', { class: 'shortcut-input' }, h('span', { class: 'slash', 'aria-hidden': 'true' }, '/'), shortcut))),
    h('p', { class: 'hint', id: 'reply-shortcut-hint' }, t('set_shortcutHint')),
    h('fieldset', { class: 'texts' },
      h('legend', {}, t('set_texts')),
      h('p', { class: 'hint' }, t('set_textsHint')),
      texts,
      h('div', { class: 'add-language' },
        newLanguage,
        h('button', { type: 'button', id: 'reply-add-language', onclick: addLanguageFromInput }, '+ ', t('set_addLanguage'))),
      languageError),
    h('div', { class: 'variables', role: 'group', 'aria-labelledby': 'reply-variables-title' },
      h('p', { class: 'variables-title', id: 'reply-variables-title' }, t('set_variables')),
      h('div', { class: 'chips' }, VARIABLES.map((name) => h('button', {
        type: 'button', class: 'chip', dataset: { variable: name }, title: t(`var_${name.replace('.', '_')}`),
        onclick: () => insertVariable(name),
      }, h('code', {}, `{${name}}`), h('span', { class: 'chip-label' }, t(`var_${name.replace('.', '_')}`))))),
      h('p', { class: 'hint fallback-help' }, t('set_fallbackHelp', { example: '{guest.first_name|Madame, Monsieur}' }))),
    error,
    h('div', { class: 'form-bar' }, cancel, save));

  // -- the reply target -------------------------------------------------------------------------
  const targetOn = h('input', { type: 'checkbox', id: 'target-on', onchange: () => paintTarget() });
  const targetValue = h('input', {
    type: 'number', id: 'target-value', min: '1', step: '1', inputmode: 'numeric', 'aria-label': t('set_targetValue'),
  });
  const targetUnit = h('select', { id: 'target-unit', 'aria-label': t('set_targetUnit') },
    h('option', { value: 'minutes' }, t('unit_minutes')), h('option', { value: 'hours' }, t('unit_hours')));
  const targetError = h('p', { class: 'form-error', id: 'target-error', role: 'alert' });
  const targetStatus = h('p', { class: 'settings-notice', id: 'target-status', role: 'status' });
  const targetSave = h('button', { type: 'submit', class: 'primary', id: 'target-save' }, t('set_targetSave'));

  function paintTarget() {
    targetValue.disabled = !targetOn.checked;
    targetUnit.disabled = !targetOn.checked;
  }

  function showTarget(minutes) {
    const set = Number.isInteger(minutes) && minutes > 0;
    targetOn.checked = set;
    if (set && minutes % 60 === 0) {
      targetValue.value = String(minutes / 60);
      targetUnit.value = 'hours';
    } else {
      targetValue.value = set ? String(minutes) : '';
      targetUnit.value = 'minutes';
    }
    paintTarget();
  }

  const spoken = (minutes) => (minutes % 60 === 0
    ? `${minutes / 60} ${t('unit_hours')}` : `${minutes} ${t('unit_minutes')}`);

  async function saveTarget(event) {
    event.preventDefault();
    targetError.textContent = '';
    targetStatus.textContent = '';
    let minutes = null;
    if (targetOn.checked) {
      const n = Number(targetValue.value);
      minutes = Math.round(n * (targetUnit.value === 'hours' ? 60 : 1));
      if (!Number.isFinite(n) || n <= 0 || minutes < TARGET_MIN || minutes > TARGET_MAX) {
        targetError.textContent = t('set_targetRange');
        return;
      }
    }
    targetSave.disabled = true;
    try {
      const hotel = await api.patch(hotelPath, { reply_target_minutes: minutes });
      const now = hotel && 'reply_target_minutes' in hotel ? hotel.reply_target_minutes : minutes;
      showTarget(now);
      targetStatus.textContent = now ? t('set_targetSaved', { time: spoken(now) }) : t('set_targetCleared');
      audit.reload();
    } catch (e) {
      targetError.textContent = reason(e);
    } finally {
      targetSave.disabled = false;
    }
  }

  const targetForm = h('form', { id: 'target-form', class: 'target-form', onsubmit: saveTarget },
    h('div', { class: 'target-row' },
      h('label', { class: 'check' }, targetOn, h('span', {}, t('set_targetOn'))),
      targetValue, targetUnit, targetSave),
    targetError, targetStatus);

  // -- how long the guests' data is kept ---------------------------------------------------------
  const retentionValue = h('input', {
    type: 'number', id: 'retention-days', name: 'retention_days', min: '30', max: '3650', step: '1',
    inputmode: 'numeric', 'aria-describedby': 'retention-hint',
  });
  const retentionError = h('p', { class: 'form-error', id: 'retention-error', role: 'alert' });
  const retentionStatus = h('p', { class: 'settings-notice', id: 'retention-status', role: 'status' });
  const retentionSave = h('button', { type: 'submit', class: 'primary', id: 'retention-save' }, t('set_retentionSave'));

  async function saveRetention(event) {
    event.preventDefault();
    retentionError.textContent = '';
    retentionStatus.textContent = '';
    const days = Number(retentionValue.value);
    if (!retentionValue.value || !Number.isInteger(days)) {
      retentionError.textContent = t('set_retentionWhole');
      return;
    }
    retentionSave.disabled = true;
    try {
      // Out of range goes to the API as typed: its 422 says the bounds (one place for them).
      const hotel = await api.patch(hotelPath, { retention_days: days });
      retentionValue.value = String(hotel.retention_days ?? days);
      retentionStatus.textContent = t('set_retentionSaved', { days: retentionValue.value });
      audit.reload();
    } catch (e) {
      retentionError.textContent = reason(e);
    } finally {
      retentionSave.disabled = false;
    }
  }

  // novalidate: the browser's own range bubble would hide the API's answer.
  const retentionForm = h('form', { id: 'retention-form', class: 'target-form', novalidate: true, onsubmit: saveRetention },
    h('div', { class: 'target-row' },
      h('label', { class: 'check', for: 'retention-days' }, t('set_retentionLabel')),
      retentionValue, h('span', {}, t('unit_days')), retentionSave),
    h('p', { class: 'hint', id: 'retention-hint' }, t('set_retentionHint')),
    retentionError, retentionStatus);

  // -- the audit log ------------------------------------------------------------------------------
  const auditBox = h('div', { class: 'audit', id: 'audit' });

  // -- the questions the bot missed (missed.js) ----------------------------------------------------
  const missedBox = h('div', { class: 'missed', id: 'missed' });

  // -- the team ---------------------------------------------------------------------------------
  const team = h('ul', { class: 'team-list', id: 'team-list', 'aria-label': t('set_team') },
    h('li', { class: 'muted' }, t('loading')));

  fill(container, h('div', { class: 'settings-screen' },
    notice,
    h('section', { class: 'settings-section', id: 'settings-replies', 'aria-labelledby': 'settings-replies-title' },
      h('h3', { id: 'settings-replies-title' }, t('set_replies')),
      h('p', { class: 'muted' }, t('set_repliesIntro')),
      listStatus, list, form),
    h('section', { class: 'settings-section', id: 'settings-missed', 'aria-labelledby': 'settings-missed-title' },
      h('h3', { id: 'settings-missed-title' }, t('mq_title')),
      missedBox),
    h('section', { class: 'settings-section', id: 'settings-target', 'aria-labelledby': 'settings-target-title' },
      h('h3', { id: 'settings-target-title' }, t('set_target')),
      h('p', { class: 'muted' }, t('set_targetIntro')),
      targetForm),
    h('section', { class: 'settings-section', id: 'settings-retention', 'aria-labelledby': 'settings-retention-title' },
      h('h3', { id: 'settings-retention-title' }, t('set_retention')),
      retentionForm),
    h('section', { class: 'settings-section', id: 'settings-team', 'aria-labelledby': 'settings-team-title' },
      h('h3', { id: 'settings-team-title' }, t('set_team')),
      h('p', { class: 'muted' }, t('set_teamIntro')),
      team),
    h('section', { class: 'settings-section', id: 'settings-audit', 'aria-labelledby': 'settings-audit-title' },
      h('h3', { id: 'settings-audit-title' }, t('audit_title')),
      auditBox)));
  resetForm(null);
  showTarget(null);
  const audit = renderAudit(auditBox, { api, hotelId, t, tz });
  renderMissed(missedBox, { api, hotelId, t, tz, onTaught: () => audit.reload() });

  // -- loading ----------------------------------------------------------------------------------
  api.get(`${hotelPath}/replies`).then((page) => {
    replies = [...((page && page.items) || [])];
    paintList();
  }, (e) => {
    listStatus.hidden = false;
    listStatus.textContent = t('set_loadFailed', { reason: reason(e) });
  });
  api.get(hotelPath).then((hotel) => {
    showTarget(hotel ? hotel.reply_target_minutes : null);
    retentionValue.value = String((hotel && hotel.retention_days) ?? RETENTION_DEFAULT);
  }, (e) => {
    targetError.textContent = t('set_loadFailed', { reason: reason(e) });
  });
  api.get(`${hotelPath}/agents`).then((page) => {
    const agents = [...((page && page.items) || [])].sort((a, b) => String(a.name).localeCompare(String(b.name), locale()));
    fill(team, agents.map((a) => h('li', { class: 'team-member', dataset: { agentId: a.id } },
      h('span', { class: 'member-name' }, a.name || a.email || a.id),
      a.email && h('span', { class: 'muted member-email' }, a.email),
      h('span', { class: `pill role role-${a.role === 'admin' ? 'admin' : 'agent'}` }, t(`role_${a.role === 'admin' ? 'admin' : 'agent'}`)))));
  }, (e) => {
    fill(team, h('li', { class: 'form-error' }, t('set_loadFailed', { reason: reason(e) })));
  });
}
