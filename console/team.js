// The team inbox's parts of the list: whose conversations (All / Mine / Unassigned), the assignee, the
// unread marker and the reply clock's countdown. Everything from the API is set as text.

import { h } from './dom.js';
import { t } from './i18n.js';

export const FILTERS = ['all', 'mine', 'unassigned'];
/** The API's `assignee` parameter for a filter (none for "all"). */
export const ASSIGNEE_PARAM = { all: undefined, mine: 'me', unassigned: 'none' };
/** Where GET /inbox keeps the counts a filter shows. */
const COUNTS_KEY = { all: 'tabs', mine: 'mine', unassigned: 'unassigned' };

const MINUTE = 60e3;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
export const DUE_SOON_MS = HOUR;
export const DUE_TICK_MS = 30e3;

/** The count a tab shows under a filter (GET /inbox: tabs, mine, unassigned), or null when unknown. */
export function countFor(inbox, filter, tab) {
  const counts = inbox && inbox[COUNTS_KEY[filter] || 'tabs'];
  if (!counts) return null;
  return counts[tab] ?? 0;
}

/** "3 h 12", "42 min", "2 d 3 h" (j in French) for a duration in ms (>= 0). */
export function duration(ms) {
  const minutes = Math.floor(ms / MINUTE);
  if (ms >= DAY) return t('durDays', { d: Math.floor(ms / DAY), h: Math.floor((ms % DAY) / HOUR) });
  if (ms >= HOUR) return t('durHours', { h: Math.floor(ms / HOUR), m: String(minutes % 60).padStart(2, '0') });
  return t('durMinutes', { m: minutes });
}

/** The reply clock at `now`: { text, state: "due" | "due-soon" | "overdue" } or null without a due time. */
export function dueState(dueAt, now = Date.now()) {
  const due = Date.parse(dueAt || '');
  if (!Number.isFinite(due)) return null;
  const left = due - now;
  if (left <= 0) return { text: t('overdue', { time: duration(-left) }), state: 'overdue' };
  return { text: t('dueIn', { time: duration(left) }), state: left <= DUE_SOON_MS ? 'due-soon' : 'due' };
}

const CLOCKED = new Set(['open', 'on_hold', 'bot']);

/** The `.due` element of a row (updated in place by refreshDue), or null. */
export function dueBadge(conversation, dueTitle) {
  if (!conversation.reply_due_at || !CLOCKED.has(conversation.status)) return null;
  const el = h('span', { class: 'due', dataset: { due: conversation.reply_due_at }, title: dueTitle });
  paintDue(el);
  return el;
}

function paintDue(el, now = Date.now()) {
  const state = dueState(el.dataset.due, now);
  if (!state) return;
  el.textContent = state.text;
  el.classList.toggle('due-soon', state.state === 'due-soon');
  el.classList.toggle('overdue', state.state === 'overdue');
}

/** Every countdown on the page, from the clock alone (no API call). */
export function refreshDue(root = document, now = Date.now()) {
  for (const el of root.querySelectorAll('.due[data-due]')) paintDue(el, now);
}

/** The row's team marks: the assignee's name and the unread dot. */
export function rowMarks(conversation, myId) {
  const assignee = conversation.assignee;
  return [
    conversation.unread && h('span', { class: 'unread-dot', role: 'img', 'aria-label': t('unread'), title: t('unread') }),
    assignee && h('span', { class: `assignee${assignee.id === myId ? ' assignee-me' : ''}`, dataset: { agentId: assignee.id } },
      assignee.id === myId ? t('assigneeYou', { name: assignee.name || '' }) : (assignee.name || assignee.id)),
  ];
}

/** All / Mine / Unassigned, then Mentions. */
export function filterBar({ filter, view, onFilter, onMentions }) {
  return h('div', { class: 'filters', role: 'group', 'aria-label': t('assigneeFilter') },
    FILTERS.map((name) => h('button', {
      type: 'button', class: 'filter', dataset: { assignee: name },
      'aria-pressed': String(view === 'tab' && filter === name),
      onclick: () => onFilter(name),
    }, t(`filter_${name}`))),
    h('button', {
      type: 'button', class: 'filter filter-mentions', dataset: { view: 'mentions' },
      'aria-pressed': String(view === 'mentions'), onclick: onMentions,
    }, '@ ', t('mentions')));
}

/** The pane's assignee picker: nobody or one of the hotel's agents (the current one kept if unknown). */
export function assigneeSelect(conversation, agents, { disabled, onChange }) {
  const current = conversation.assignee;
  const list = [...(agents || [])];
  if (current && !list.some((a) => a.id === current.id)) list.push(current);
  return h('label', { class: 'assignee-picker' },
    h('span', { class: 'assignee-label' }, t('assignee')),
    h('select', { id: 'assignee', disabled, onchange: (e) => onChange(e.target.value) },
      h('option', { value: '', props: { selected: !current } }, t('nobody')),
      list.map((a) => h('option', { value: a.id, props: { selected: !!current && current.id === a.id } }, a.name || a.email || a.id))));
}
