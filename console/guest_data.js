// The guest profile's admin tools (loaded for admins only): "Export data" (GET /v1/hotels/{h}/contacts/{id}/export,
// downloaded as a JSON file through a Blob link) and "Erase guest" (a confirmation dialog, then POST .../erase:
// 202 with a receipt). Guest data is only ever text.

import { fill, h } from './dom.js';
import { locale } from './i18n.js';
import * as time from './time.js';

const ITEMS = ['contact', 'conversations', 'messages', 'activity', 'files', 'other'];
const enc = encodeURIComponent;
const failure = (t, e) => t('gd_failed', { reason: e && e.status === 403 ? t('set_adminOnly') : (e && e.message) || '' });

/** A file name for the export: "guest-<contact id>-<yyyy-mm-dd>.json", only safe characters. */
export function exportFileName(contactId, now = new Date()) {
  const id = String(contactId).replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 64) || 'guest';
  return `guest-${id}-${now.toISOString().slice(0, 10)}.json`;
}

/** Hands `data` to the browser as a download (a Blob link clicked once, then released). */
function download(data, fileName) {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60e3);
}

/** The erase's receipt, as the pane shows it once the guest is gone. */
export function receiptView(receipt, { t, tz }) {
  const items = (receipt && receipt.items) || {};
  const known = ITEMS.filter((k) => k in items);
  const extra = Object.keys(items).filter((k) => !ITEMS.includes(k));
  return h('section', { class: 'erase-receipt', id: 'erase-receipt', role: 'status', 'aria-labelledby': 'erase-receipt-title' },
    h('h2', { id: 'erase-receipt-title' }, t('gd_receiptTitle')),
    h('p', {}, t('gd_receiptText', {
      id: receipt.contact_id || '', time: receipt.erased_at ? time.longTime(receipt.erased_at, locale(), tz) : '',
    })),
    h('dl', { class: 'receipt-items' }, [...known, ...extra].map((k) => [
      h('dt', {}, t(`gd_item_${k}`, null, k)),
      h('dd', { dataset: { item: k } }, String(items[k])),
    ])));
}

/**
 * renderGuestData(container, { api, hotelId, contactId, guestName, t, tz, onErased }): the two buttons in
 * `container`. `onErased(receipt)` runs after the API's 202 (the caller drops the guest's conversations).
 */
export function renderGuestData(container, { api, hotelId, contactId, guestName, t, tz, onErased }) {
  const path = `/hotels/${enc(hotelId)}/contacts/${enc(contactId)}`;
  const status = h('p', { class: 'gd-status', id: 'guest-data-status', role: 'status' });
  const error = h('p', { class: 'form-error', id: 'guest-data-error', role: 'alert' });

  const exportButton = h('button', { type: 'button', id: 'export-guest', onclick: exportData }, t('gd_export'));
  const eraseButton = h('button', { type: 'button', class: 'danger-outline', id: 'erase-guest', onclick: confirmErase },
    t('gd_erase'));

  async function exportData() {
    status.textContent = '';
    error.textContent = '';
    exportButton.disabled = true;
    exportButton.textContent = t('gd_exporting');
    try {
      const data = await api.get(`${path}/export`);
      const fileName = exportFileName(contactId);
      download(data, fileName);
      status.textContent = t('gd_exported', { file: fileName });
    } catch (e) {
      error.textContent = failure(t, e);
    } finally {
      exportButton.disabled = false;
      exportButton.textContent = t('gd_export');
    }
  }

  function confirmErase() {
    status.textContent = '';
    error.textContent = '';
    const old = document.getElementById('erase-dialog');
    if (old) old.remove();
    const dialogError = h('p', { class: 'form-error', id: 'erase-dialog-error', role: 'alert' });
    const yes = h('button', { type: 'button', class: 'danger', id: 'erase-confirm' }, t('gd_eraseYes'));
    const no = h('button', { type: 'button', class: 'ghost', id: 'erase-cancel', onclick: () => dialog.close() }, t('cancel'));
    const dialog = h('dialog', { id: 'erase-dialog', class: 'help erase-dialog', 'aria-labelledby': 'erase-dialog-title' },
      h('h2', { id: 'erase-dialog-title' }, t('gd_eraseTitle')),
      h('p', {}, t('gd_eraseText', { name: guestName || t('guest') })),
      dialogError,
      h('div', { class: 'form-bar' }, no, yes));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      no.disabled = true;
      yes.textContent = t('gd_erasing');
      dialogError.textContent = '';
      try {
        const answer = await api.post(`${path}/erase`);
        dialog.close();
        onErased((answer && answer.receipt) || answer || { contact_id: contactId, items: {} });
      } catch (e) {
        dialogError.textContent = failure(t, e);
        yes.disabled = false;
        no.disabled = false;
        yes.textContent = t('gd_eraseYes');
      }
    });
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
    no.focus(); // the safe choice first
  }

  fill(container,
    h('h4', {}, t('gd_title')),
    h('div', { class: 'gd-actions' }, exportButton, eraseButton),
    status, error);
}
