// The settings screen's audit log (admins only): GET /v1/hotels/{h}/audit, newest first, a page at a time
// ("more" follows next_cursor). Each entry: when, who, what, its target and the change. Text only.

import { fill, h } from './dom.js';
import { has, locale } from './i18n.js';
import * as time from './time.js';

export const AUDIT_PAGE = 20;

const enc = encodeURIComponent;

/** A value of `details` as a short text: null "—", a list "a, b", an object "k v, k v". */
function shown(value, t) {
  if (value === null || value === undefined || value === '') return t('unknown');
  if (Array.isArray(value)) return value.map((v) => shown(v, t)).join(', ') || t('unknown');
  if (typeof value === 'object') {
    return Object.entries(value).map(([k, v]) => `${fieldName(k, t)} ${shown(v, t)}`).join(', ') || t('unknown');
  }
  if (typeof value === 'boolean') return value ? t('audit_yes') : t('audit_no');
  return String(value);
}

function fieldName(key, t) {
  return has(`auditField_${key}`) ? t(`auditField_${key}`) : String(key).replace(/[_-]+/g, ' ');
}

/** The change an entry records: "Retention (days): 730 → 365 · …" from details {field: {from, to}, …}. */
export function changeSummary(details, t) {
  return Object.entries(details || {}).map(([key, value]) => {
    const label = fieldName(key, t);
    if (value && typeof value === 'object' && !Array.isArray(value) && ('from' in value || 'to' in value)) {
      return `${label}: ${shown(value.from, t)} → ${shown(value.to, t)}`;
    }
    return `${label}: ${shown(value, t)}`;
  }).join(' · ');
}

const label = (t, prefix, code) => (has(`${prefix}_${code}`) ? t(`${prefix}_${code}`)
  : String(code || '').replace(/[_-]+/g, ' ').replace(/^./, (c) => c.toUpperCase()));

/** renderAudit(container, { api, hotelId, t, tz }): the log's first page in `container`, then "more". */
export function renderAudit(container, { api, hotelId, t, tz }) {
  const path = `/hotels/${enc(hotelId)}/audit`;
  const status = h('p', { class: 'muted', id: 'audit-status' }, t('loading'));
  const list = h('ol', { class: 'audit-list', id: 'audit-list', 'aria-label': t('audit_title') });
  const error = h('p', { class: 'form-error', id: 'audit-error', role: 'alert' });
  const more = h('button', { type: 'button', class: 'ghost', id: 'audit-more', hidden: true, onclick: () => load() },
    t('audit_more'));
  const seen = new Set();
  let cursor = null;
  let loading = false;
  let seq = 0; // a reload drops the answer of a read still on its way

  function row(entry) {
    const actor = entry.actor || {};
    const target = entry.target || {};
    const change = changeSummary(entry.details, t);
    return h('li', { class: 'audit-entry', dataset: { id: entry.id, action: entry.action } },
      h('p', { class: 'audit-head' },
        h('time', { class: 'audit-when', datetime: entry.at }, time.longTime(entry.at, locale(), tz)),
        h('span', { class: 'audit-actor' }, actor.name || actor.id || label(t, 'actor', actor.type)),
        h('strong', { class: 'audit-action' }, label(t, 'audit', entry.action))),
      h('p', { class: 'audit-target muted' }, `${label(t, 'auditTarget', target.type)} ${target.id || ''}`.trim()),
      change && h('p', { class: 'audit-change' }, change));
  }

  async function load() {
    if (loading) return;
    loading = true;
    const mine = seq;
    more.disabled = true;
    error.textContent = '';
    try {
      const query = new URLSearchParams({ limit: String(AUDIT_PAGE) });
      if (cursor) query.set('cursor', cursor);
      const page = await api.get(`${path}?${query}`);
      if (mine !== seq) return;
      const fresh = ((page && page.items) || []).filter((entry) => !seen.has(entry.id));
      for (const entry of fresh) seen.add(entry.id);
      list.append(...fresh.map(row));
      cursor = (page && page.next_cursor) || null;
      status.textContent = seen.size ? '' : t('audit_empty');
      status.hidden = !!seen.size;
    } catch (e) {
      if (mine !== seq) return;
      status.hidden = true;
      error.textContent = t('set_loadFailed', {
        reason: e && e.status === 403 ? t('set_adminOnly') : (e && e.message) || '',
      });
    } finally {
      if (mine === seq) {
        loading = false;
        more.disabled = false;
        more.hidden = !cursor;
      }
    }
  }

  /** Reads the log again from its newest entry (after a change made on this screen). */
  function reload() {
    seq += 1;
    loading = false;
    cursor = null;
    seen.clear();
    fill(list);
    return load();
  }

  fill(container, status, list, error, h('div', { class: 'audit-bar' }, more));
  load();
  return { reload };
}
