// Guest data, loaded on demand (admins): Settings' audit log (GET /v1/hotels/{h}/audit, "More" for next_cursor), the
// profile's Export data (GET .../contacts/{id}/export, a JSON file through a Blob link) and Erase guest (a confirmation,
// POST .../erase: 202 and a receipt), and these screens' words (retention's too). Data is text only.

import { fill, h } from './dom.js';
import { addStrings, has, locale } from './i18n.js';
import * as time from './time.js';

const STRINGS = {
  en: {
    set_retention: 'Guest data retention',
    set_retentionLabel: 'Keep guest data for',
    unit_days: 'days',
    set_retentionHint: '30 to 3,650 days, then a conversation and its files are deleted. Applies to what is written from now on.',
    set_retentionSave: 'Save the retention',
    set_retentionSaved: 'Guest data is kept {days} days.',
    set_retentionWhole: 'Enter a whole number of days.',
    audit_title: 'Audit log',
    audit_more: 'More',
    audit_empty: 'No admin action yet.',
    audit_hotel_updated: 'Hotel settings changed',
    audit_bot_updated: 'Bot changed',
    audit_reply_saved: 'Saved reply saved',
    audit_reply_deleted: 'Saved reply deleted',
    audit_agent_created: 'Agent created',
    audit_agent_hotels_changed: 'Agent’s hotels changed',
    audit_role_changed: 'Role changed',
    audit_key_created: 'Partner key created',
    audit_key_revoked: 'Partner key revoked',
    audit_key_rotated: 'Partner key rotated',
    audit_exported: 'Guest data exported',
    audit_erased: 'Guest data erased',
    audit_missed_question_dismissed: 'Missed question dismissed',
    auditTarget_hotel: 'Hotel',
    auditTarget_reply: 'Saved reply',
    auditTarget_key: 'Partner key',
    auditTarget_contact: 'Guest',
    auditField_retention_days: 'Retention (days)',
    auditField_reply_target_minutes: 'Reply target (minutes)',
    gd_title: 'Guest data',
    gd_export: 'Export data',
    gd_exported: 'Downloaded as {file}.',
    gd_erase: 'Erase guest',
    gd_eraseTitle: 'Erase this guest?',
    gd_eraseText: 'Everything about {name} goes: profile, conversations, messages, notes, activity, files. This cannot be undone; the audit log keeps counts only.',
    gd_eraseYes: 'Yes, erase everything',
    gd_failed: 'Not done: {reason}',
    gd_receiptTitle: 'Guest erased',
    gd_receiptText: 'Guest {id}, {time}. Removed:',
    gd_item_contact: 'Profile',
    gd_item_conversations: 'Conversations',
    gd_item_messages: 'Messages',
    gd_item_activity: 'Activity entries',
    gd_item_files: 'Files',
    gd_item_other: 'Other items',
  },
  fr: {
    set_retention: 'Conservation des données des clients',
    set_retentionLabel: 'Garder les données des clients',
    unit_days: 'jours',
    set_retentionHint: 'De 30 à 3 650 jours, puis une conversation et ses fichiers sont supprimés. Vaut pour ce qui est écrit désormais.',
    set_retentionSave: 'Enregistrer la durée',
    set_retentionSaved: 'Les données des clients sont gardées {days} jours.',
    set_retentionWhole: 'Indiquez un nombre entier de jours.',
    audit_title: 'Journal d’audit',
    audit_more: 'Plus',
    audit_empty: 'Aucune action d’administration.',
    audit_hotel_updated: 'Réglages de l’hôtel modifiés',
    audit_bot_updated: 'Chatbot modifié',
    audit_reply_saved: 'Réponse enregistrée sauvegardée',
    audit_reply_deleted: 'Réponse enregistrée supprimée',
    audit_agent_created: 'Agent créé',
    audit_agent_hotels_changed: 'Hôtels de l’agent modifiés',
    audit_role_changed: 'Rôle modifié',
    audit_key_created: 'Clé partenaire créée',
    audit_key_revoked: 'Clé partenaire révoquée',
    audit_key_rotated: 'Clé partenaire renouvelée',
    audit_exported: 'Données du client exportées',
    audit_erased: 'Données du client effacées',
    audit_missed_question_dismissed: 'Question manquée écartée',
    auditTarget_hotel: 'Hôtel',
    auditTarget_reply: 'Réponse enregistrée',
    auditTarget_key: 'Clé partenaire',
    auditTarget_contact: 'Client',
    auditField_retention_days: 'Conservation (jours)',
    auditField_reply_target_minutes: 'Délai de réponse (minutes)',
    gd_title: 'Données du client',
    gd_export: 'Exporter les données',
    gd_exported: 'Téléchargé sous {file}.',
    gd_erase: 'Effacer le client',
    gd_eraseTitle: 'Effacer ce client ?',
    gd_eraseText: 'Tout sur {name} disparaît : profil, conversations, messages, notes, activité, fichiers. C’est définitif ; le journal d’audit ne garde que des totaux.',
    gd_eraseYes: 'Oui, tout effacer',
    gd_failed: 'Non effectué : {reason}',
    gd_receiptTitle: 'Client effacé',
    gd_receiptText: 'Client {id}, {time}. Supprimé :',
    gd_item_contact: 'Profil',
    gd_item_conversations: 'Conversations',
    gd_item_messages: 'Messages',
    gd_item_activity: 'Entrées d’activité',
    gd_item_files: 'Fichiers',
    gd_item_other: 'Autres éléments',
  },
};
addStrings(STRINGS);
const failure = (t, e) => t('gd_failed', { reason: e && e.status === 403 ? t('set_adminOnly') : (e && e.message) || '' });

// -- the audit log ------------------------------------------------------------------------------------

const AUDIT_PAGE = 20;

const word = (t, prefix, code) => (has(`${prefix}_${code}`) ? t(`${prefix}_${code}`)
  : String(code ?? '').replace(/[_-]+/g, ' ').replace(/^./, (c) => c.toUpperCase()));
const field = (t, key) => (has(`auditField_${key}`) ? t(`auditField_${key}`) : word(t, 'gd_item', key));

/** null "—", a list "a, b", an object "k v, k v". */
function shown(t, value) {
  if (value === null || value === undefined || value === '') return t('unknown');
  if (Array.isArray(value)) return value.map((v) => shown(t, v)).join(', ') || t('unknown');
  if (typeof value === 'object') return Object.entries(value).map(([k, v]) => `${field(t, k)} ${shown(t, v)}`).join(', ');
  return String(value);
}

/** "Retention (days): 730 → 365 · …" from details {field: {from, to}, …}, else "Field: value". */
function changeSummary(details, t) {
  return Object.entries(details || {}).map(([key, v]) => (v && typeof v === 'object' && ('from' in v || 'to' in v)
    ? `${field(t, key)}: ${shown(t, v.from)} → ${shown(t, v.to)}` : `${field(t, key)}: ${shown(t, v)}`)).join(' · ');
}

/** The first page in `container`, then "More"; returns { reload }. */
export function renderAudit(container, { api, hotelId, t, tz }) {
  const path = `/hotels/${encodeURIComponent(hotelId)}/audit`;
  const status = h('p', { class: 'muted', id: 'audit-status' }, t('loading'));
  const list = h('ol', { class: 'audit-list', id: 'audit-list', 'aria-label': t('audit_title') });
  const error = h('p', { class: 'form-error', id: 'audit-error', role: 'alert' });
  const more = h('button', { type: 'button', class: 'ghost', id: 'audit-more', hidden: true, onclick: () => load() },
    t('audit_more'));
  const seen = new Set();
  let cursor = null;
  let loading = false;
  let seq = 0; // a reload drops the answer of a read still on its way

  const row = ({ id, at, action, actor = {}, target = {}, details }) => {
    const change = changeSummary(details, t);
    return h('li', { class: 'audit-entry', dataset: { id, action } },
      h('p', { class: 'audit-head' },
        h('time', { class: 'audit-when', datetime: at }, time.longTime(at, locale(), tz)),
        h('span', { class: 'audit-actor' }, actor.name || actor.id || word(t, 'actor', actor.type)),
        h('strong', { class: 'audit-action' }, word(t, 'audit', action))),
      h('p', { class: 'audit-target muted' }, `${word(t, 'auditTarget', target.type)} ${target.id || ''}`),
      change && h('p', { class: 'audit-change' }, change));
  };

  async function load() {
    if (loading) return;
    loading = true;
    const mine = seq;
    more.disabled = true;
    error.textContent = '';
    try {
      const page = await api.get(`${path}?limit=${AUDIT_PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (mine !== seq) return;
      const fresh = (page.items || []).filter((entry) => !seen.has(entry.id));
      fresh.forEach((entry) => seen.add(entry.id));
      list.append(...fresh.map(row));
      cursor = page.next_cursor || null;
      status.textContent = seen.size ? '' : t('audit_empty');
    } catch (e) {
      if (mine !== seq) return;
      status.textContent = '';
      error.textContent = failure(t, e);
    } finally {
      if (mine === seq) {
        loading = false;
        more.disabled = false;
        more.hidden = !cursor;
      }
    }
  }

  function reload() {
    seq += 1;
    loading = false;
    cursor = null;
    seen.clear();
    fill(list);
    return load();
  }

  fill(container, status, list, error, more);
  load();
  return { reload };
}

// -- export and erase --------------------------------------------------------------------------------

const ITEMS = ['contact', 'conversations', 'messages', 'activity', 'files', 'other'];

/** "guest-<contact id>-<yyyy-mm-dd>.json", safe characters only. */
export const exportFileName = (contactId, now = new Date()) =>
  `guest-${String(contactId).replace(/[^\w-]+/g, '-').slice(0, 64)}-${now.toISOString().slice(0, 10)}.json`;

function download(data, fileName) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const link = h('a', { href: url, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60e3);
}

/** The erase's receipt, for the pane once the guest is gone: its id, time and what went, counted. */
export function receiptView(receipt, { t, tz }) {
  const items = receipt.items || {};
  const keys = [...ITEMS.filter((k) => k in items), ...Object.keys(items).filter((k) => !ITEMS.includes(k))];
  return h('section', { class: 'erase-receipt', id: 'erase-receipt', role: 'status' },
    h('h2', {}, t('gd_receiptTitle')),
    h('p', {}, t('gd_receiptText', { id: receipt.contact_id || '', time: time.longTime(receipt.erased_at, locale(), tz) })),
    h('dl', { class: 'receipt-items' },
      keys.map((k) => [h('dt', {}, t(`gd_item_${k}`, null, k)), h('dd', { dataset: { item: k } }, String(items[k]))])));
}

/** The two buttons in `container`; `onErased(receipt)` after the API's 202 (the caller drops the guest's conversations). */
export function renderGuestData(container, { api, hotelId, contactId, guestName, t, onErased }) {
  const path = `/hotels/${encodeURIComponent(hotelId)}/contacts/${encodeURIComponent(contactId)}`;
  const status = h('p', { class: 'gd-status', id: 'guest-data-status', role: 'status' });
  const error = h('p', { class: 'form-error', id: 'guest-data-error', role: 'alert' });
  const exportButton = h('button', { type: 'button', id: 'export-guest', onclick: exportData }, t('gd_export'));

  async function exportData() {
    status.textContent = error.textContent = '';
    exportButton.disabled = true;
    try {
      const fileName = exportFileName(contactId);
      download(await api.get(`${path}/export`), fileName);
      status.textContent = t('gd_exported', { file: fileName });
    } catch (e) {
      error.textContent = failure(t, e);
    } finally {
      exportButton.disabled = false;
    }
  }

  function confirmErase() {
    status.textContent = error.textContent = '';
    const problem = h('p', { class: 'form-error', id: 'erase-dialog-error', role: 'alert' });
    const no = h('button', { type: 'button', class: 'ghost', id: 'erase-cancel', onclick: () => dialog.close() }, t('cancel'));
    const yes = h('button', { type: 'button', class: 'danger', id: 'erase-confirm', onclick: erase }, t('gd_eraseYes'));
    const dialog = h('dialog', { id: 'erase-dialog', class: 'help erase-dialog', 'aria-labelledby': 'erase-title' },
      h('h2', { id: 'erase-title' }, t('gd_eraseTitle')),
      h('p', {}, t('gd_eraseText', { name: guestName || t('guest') })),
      problem, h('div', { class: 'form-bar' }, no, yes));

    async function erase() {
      yes.disabled = no.disabled = true;
      problem.textContent = '';
      try {
        const answer = await api.post(`${path}/erase`);
        dialog.close();
        onErased(answer.receipt || { contact_id: contactId, items: {} });
      } catch (e) {
        problem.textContent = failure(t, e);
        yes.disabled = no.disabled = false;
      }
    }

    const old = document.getElementById('erase-dialog');
    if (old) old.remove();
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
    no.focus(); // the safe choice first
  }

  fill(container, h('h4', {}, t('gd_title')),
    h('div', { class: 'gd-actions' }, exportButton,
      h('button', { type: 'button', class: 'danger-outline', id: 'erase-guest', onclick: confirmErase }, t('gd_erase'))),
    status, error);
}
