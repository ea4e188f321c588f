// The Reports screen (admins; loaded when first opened): GET /v1/hotels/{h}/reports?from=&to= for the last 7, 30
// or 90 days in the hotel's time zone, its figures, charts (charts.js) and the days table, exported as CSV.
// Numbers, dates and durations are written in the console's language; the CSV keeps plain ISO dates and numbers.

import { fill, h } from './dom.js';
import { addStrings, lang, locale } from './i18n.js';
import * as time from './time.js';
import { TIME_STEPS, barChart, lineChart } from './charts.js';

export const RANGES = [7, 30, 90];
let chosen = 30; // the range last chosen, kept when the screen is drawn again (another language)

const STRINGS = {
  en: {
    rep_title: 'Reports',
    rep_range: 'Period',
    rep_days: 'Last {n} days',
    rep_period: '{from} to {to} (hotel time, {tz})',
    rep_failed: 'The report could not be loaded: {reason}',
    rep_started: 'Conversations started',
    rep_automated: 'Answered by the bot alone',
    rep_automatedRate: '{rate} of those started',
    rep_handedOff: 'Handed to the team',
    rep_spam: 'Marked as spam',
    rep_messagesIn: 'Guest messages',
    rep_messagesOut: 'Replies sent',
    rep_firstReply: 'First reply by the team',
    rep_firstReplyDetail: 'median {p50}, 90% within {p90}, over {n}',
    rep_onHold: 'Time on hold',
    rep_onHoldDetail: '{total} in all, median {p50}, over {n}',
    rep_none: '—',
    rep_byChannel: 'By channel',
    rep_byReason: 'By reason',
    rep_chartStarted: 'Conversations started per day, by channel',
    rep_chartOutcome: 'Conversations per day: the bot alone or handed to the team',
    rep_chartReasons: 'Handoffs per day, by reason',
    rep_chartReply: 'First reply time per day (median and 90th percentile)',
    rep_chartDesc: 'From {from} to {to}; highest day {max}.',
    rep_p50: 'Median',
    rep_p90: '90th percentile',
    rep_table: 'Day by day',
    rep_date: 'Day',
    col_first_reply_count: 'First replies',
    col_first_reply_p50_seconds: 'First reply, median',
    col_first_reply_p90_seconds: 'First reply, 90th percentile',
    col_first_reply_mean_seconds: 'First reply, mean',
    col_on_hold_count: 'Holds ended',
    col_on_hold_total_seconds: 'Time on hold',
    col_on_hold_p50_seconds: 'Hold, median',
    col_on_hold_p90_seconds: 'Hold, 90th percentile',
    rep_csv: 'Download CSV',
    rep_csvDone: 'Downloaded as {file}.',
    rep_error: 'Percentiles are read from buckets: within ±{error} of the exact time.',
    reason_bot_unanswered: 'Bot could not answer',
    reason_human_requested: 'Guest asked for a person',
    reason_bot_disabled: 'Bot switched off',
  },
  fr: {
    rep_title: 'Rapports',
    rep_range: 'Période',
    rep_days: '{n} derniers jours',
    rep_period: 'Du {from} au {to} (heure de l’hôtel, {tz})',
    rep_failed: 'Le rapport n’a pas pu être chargé : {reason}',
    rep_started: 'Conversations commencées',
    rep_automated: 'Traitées par le chatbot seul',
    rep_automatedRate: '{rate} des conversations commencées',
    rep_handedOff: 'Transmises à l’équipe',
    rep_spam: 'Marquées comme spam',
    rep_messagesIn: 'Messages des clients',
    rep_messagesOut: 'Réponses envoyées',
    rep_firstReply: 'Première réponse de l’équipe',
    rep_firstReplyDetail: 'médiane {p50}, 90 % en moins de {p90}, sur {n}',
    rep_onHold: 'Temps en attente',
    rep_onHoldDetail: '{total} au total, médiane {p50}, sur {n}',
    rep_none: '—',
    rep_byChannel: 'Par canal',
    rep_byReason: 'Par motif',
    rep_chartStarted: 'Conversations commencées par jour, par canal',
    rep_chartOutcome: 'Conversations par jour : chatbot seul ou transmises à l’équipe',
    rep_chartReasons: 'Transferts par jour, par motif',
    rep_chartReply: 'Délai de première réponse par jour (médiane et 90e centile)',
    rep_chartDesc: 'Du {from} au {to} ; jour le plus haut : {max}.',
    rep_p50: 'Médiane',
    rep_p90: '90e centile',
    rep_table: 'Jour par jour',
    rep_date: 'Jour',
    col_first_reply_count: 'Premières réponses',
    col_first_reply_p50_seconds: 'Première réponse, médiane',
    col_first_reply_p90_seconds: 'Première réponse, 90e centile',
    col_first_reply_mean_seconds: 'Première réponse, moyenne',
    col_on_hold_count: 'Attentes terminées',
    col_on_hold_total_seconds: 'Temps en attente',
    col_on_hold_p50_seconds: 'Attente, médiane',
    col_on_hold_p90_seconds: 'Attente, 90e centile',
    rep_csv: 'Télécharger le CSV',
    rep_csvDone: 'Téléchargé sous {file}.',
    rep_error: 'Les centiles sont lus dans des tranches : à ±{error} près du temps exact.',
    reason_bot_unanswered: 'Le chatbot n’a pas su répondre',
    reason_human_requested: 'Le client a demandé une personne',
    reason_bot_disabled: 'Chatbot désactivé',
  },
};
addStrings(STRINGS);

const CHANNELS = { expedia: 'Expedia', webchat: 'Web chat', whatsapp: 'WhatsApp', email: 'E-mail', sms: 'SMS', partner: 'Partner' };

// -- dates and numbers ---------------------------------------------------------------------------------

/** "YYYY-MM-DD" of `date` on the hotel's wall clock. */
export function isoDay(date, tz) {
  const p = time.partsIn(date, tz);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** "YYYY-MM-DD" `days` after (or before) the day `iso`. */
export function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The last `days` days up to today in the hotel's time zone: { from, to }. */
export function rangeOf(days, tz, now = new Date()) {
  const to = isoDay(now, tz);
  return { from: addDays(to, 1 - days), to };
}

const dayFormat = (options) => new Intl.DateTimeFormat(locale(), { timeZone: 'UTC', ...options });
const shortDay = (iso) => dayFormat({ day: 'numeric', month: 'short' }).format(new Date(`${iso}T00:00:00Z`));
const longDay = (iso) => dayFormat({ day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(`${iso}T00:00:00Z`));
const number = (n) => new Intl.NumberFormat(locale()).format(n);
const percent = (x) => new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(x);

/** 42 s, 3.5 min, 2.1 h, 1.5 d: one unit, at most one decimal, in the console's language. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return null;
  const [value, unit] = seconds < 60 ? [seconds, 'second'] : seconds < 3600 ? [seconds / 60, 'minute']
    : seconds < 86400 ? [seconds / 3600, 'hour'] : [seconds / 86400, 'day'];
  return new Intl.NumberFormat(locale(), { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 })
    .format(value);
}

const channelName = (key) => CHANNELS[key] || key;
const reasonName = (t, key) => t(`reason_${key}`, null, String(key).replace(/_/g, ' '));

// -- the CSV ---------------------------------------------------------------------------------------------

const column = (name) => String(name).toLowerCase().replace(/[^a-z0-9_]+/g, '_');
const keysOf = (days, field) => [...new Set(days.flatMap((d) => Object.keys(d[field] || {})))].sort();
const cell = (v) => (v === null || v === undefined ? '' : String(v));

/** The days table: [header, ...rows], machine-readable (ISO dates, plain numbers, seconds). */
export function daysTable(report) {
  const days = report.days || [];
  const channels = keysOf(days, 'conversations_started');
  const reasons = keysOf(days, 'handed_off');
  const header = ['date', 'conversations_started', ...channels.map((c) => `started_${column(c)}`), 'fully_automated',
    'handed_off', ...reasons.map((r) => `handed_off_${column(r)}`), 'marked_spam', 'messages_in', 'messages_out',
    'first_reply_count', 'first_reply_p50_seconds', 'first_reply_p90_seconds', 'first_reply_mean_seconds',
    'on_hold_count', 'on_hold_total_seconds', 'on_hold_p50_seconds', 'on_hold_p90_seconds'];
  const rows = days.map((d) => {
    const reply = d.first_reply || {};
    const hold = d.on_hold || {};
    return [d.date, d.conversations_started_total ?? 0,
      ...channels.map((c) => (d.conversations_started || {})[c] ?? 0), d.fully_automated ?? 0, d.handed_off_total ?? 0,
      ...reasons.map((r) => (d.handed_off || {})[r] ?? 0), d.marked_spam ?? 0, d.messages_in ?? 0, d.messages_out ?? 0,
      reply.count ?? 0, reply.p50_seconds, reply.p90_seconds, reply.mean_seconds,
      hold.count ?? 0, hold.total_seconds ?? 0, hold.p50_seconds, hold.p90_seconds].map(cell);
  });
  return [header, ...rows];
}

export const toCsv = (table) => `${table.map((row) => row.map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v))
  .join(',')).join('\r\n')}\r\n`;

export const csvFileName = (report) =>
  `lobby-report-${String(report.hotel_id).replace(/[^\w-]+/g, '-').slice(0, 64)}-${report.from}-${report.to}.csv`;

function download(text, fileName) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = h('a', { href: url, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60e3);
}

// -- the screen ------------------------------------------------------------------------------------------

let styled = false;
function loadStyles() {
  if (styled) return;
  styled = true;
  document.head.append(h('link', { rel: 'stylesheet', href: new URL('./settings.css', import.meta.url).href }));
}

/** renderReports(container, { api, hotelId, t, tz }): the range picker, then the report of the range chosen. */
export function renderReports(container, { api, hotelId, t, tz }) {
  loadStyles();
  let seq = 0;
  let report = null;
  const picker = h('div', { class: 'report-ranges', role: 'group', 'aria-label': t('rep_range') },
    RANGES.map((n) => h('button', {
      type: 'button', class: 'range', id: `range-${n}`, dataset: { days: String(n) }, onclick: () => load(n),
    }, t('rep_days', { n }))));
  const period = h('p', { class: 'muted report-period', id: 'report-period' });
  const csv = h('button', { type: 'button', id: 'report-csv', disabled: true, onclick: exportCsv }, t('rep_csv'));
  const status = h('p', { class: 'settings-notice', id: 'report-status', role: 'status' });
  const error = h('p', { class: 'form-error', id: 'report-error', role: 'alert' });
  const body = h('div', { class: 'report-body', id: 'report-body', 'aria-busy': 'true' }, h('p', { class: 'placeholder' }, t('loading')));

  function exportCsv() {
    if (!report) return;
    const fileName = csvFileName(report);
    download(toCsv(daysTable(report)), fileName);
    status.textContent = t('rep_csvDone', { file: fileName });
  }

  async function load(days) {
    chosen = days;
    for (const button of picker.querySelectorAll('button')) button.setAttribute('aria-pressed', String(button.dataset.days === String(days)));
    const mine = (seq += 1);
    const { from, to } = rangeOf(days, tz);
    error.textContent = status.textContent = '';
    csv.disabled = true;
    body.setAttribute('aria-busy', 'true');
    try {
      const answer = await api.get(`/hotels/${encodeURIComponent(hotelId)}/reports?from=${from}&to=${to}`);
      if (mine !== seq) return;
      report = answer;
      paint();
      csv.disabled = false;
    } catch (e) {
      if (mine !== seq) return;
      report = null;
      fill(body);
      error.textContent = t('rep_failed', { reason: e && e.status === 403 ? t('set_adminOnly') : (e && e.message) || '' });
    } finally {
      if (mine === seq) body.setAttribute('aria-busy', 'false');
    }
  }

  function paint() {
    const r = report;
    period.textContent = t('rep_period', { from: longDay(r.from), to: longDay(r.to), tz: r.timezone || tz });
    fill(body, figures(r.totals || {}, t), charts(r, t), table(r, t),
      h('p', { class: 'hint', id: 'report-error-note' }, t('rep_error', { error: percent(r.percentile_error ?? 0) })));
    body.dataset.from = r.from;
    body.dataset.to = r.to;
    body.dataset.lang = lang();
  }

  fill(container, h('div', { class: 'settings-screen report-screen', id: 'report-screen' },
    h('div', { class: 'report-bar' }, picker, csv),
    period, status, error, body));
  load(chosen);
  return { reload: () => load(chosen) };
}

function figure(key, label, value, display, detail) {
  return h('div', { class: 'figure', dataset: { figure: key } },
    h('dt', {}, label),
    h('dd', { class: 'figure-value', dataset: { value: value === null || value === undefined ? '' : String(value) } }, display),
    detail && h('dd', { class: 'figure-detail muted' }, detail));
}

function breakdown(id, title, entries) {
  if (!entries.length) return null;
  return h('div', { class: 'breakdown', id },
    h('h4', {}, title),
    h('ul', {}, entries.map(([key, label, n]) => h('li', { dataset: { key, value: String(n) } },
      h('span', { class: 'bd-label' }, label), ' ', h('strong', { class: 'bd-value' }, number(n))))));
}

function figures(totals, t) {
  const started = totals.conversations_started_total ?? 0;
  const automated = totals.fully_automated ?? 0;
  const reply = totals.first_reply || {};
  const hold = totals.on_hold || {};
  const none = t('rep_none');
  const sorted = (o) => Object.entries(o || {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return h('section', { class: 'report-figures', 'aria-label': t('rep_title') },
    h('dl', { class: 'figures', id: 'report-figures' },
      figure('conversations_started_total', t('rep_started'), started, number(started)),
      figure('fully_automated', t('rep_automated'), automated, number(automated),
        started ? t('rep_automatedRate', { rate: percent(automated / started) }) : null),
      figure('handed_off_total', t('rep_handedOff'), totals.handed_off_total ?? 0, number(totals.handed_off_total ?? 0)),
      figure('marked_spam', t('rep_spam'), totals.marked_spam ?? 0, number(totals.marked_spam ?? 0)),
      figure('messages_in', t('rep_messagesIn'), totals.messages_in ?? 0, number(totals.messages_in ?? 0)),
      figure('messages_out', t('rep_messagesOut'), totals.messages_out ?? 0, number(totals.messages_out ?? 0)),
      figure('first_reply', t('rep_firstReply'), reply.p50_seconds, duration(reply.p50_seconds) ?? none,
        reply.count ? t('rep_firstReplyDetail', { p50: duration(reply.p50_seconds), p90: duration(reply.p90_seconds), n: number(reply.count) }) : null),
      figure('on_hold', t('rep_onHold'), hold.total_seconds ?? 0, hold.count ? duration(hold.total_seconds) : none,
        hold.count ? t('rep_onHoldDetail', { total: duration(hold.total_seconds), p50: duration(hold.p50_seconds), n: number(hold.count) }) : null)),
    h('div', { class: 'breakdowns' },
      breakdown('report-channels', t('rep_byChannel'), sorted(totals.conversations_started).map(([k, n]) => [k, channelName(k), n])),
      breakdown('report-reasons', t('rep_byReason'), sorted(totals.handed_off).map(([k, n]) => [k, reasonName(t, k), n]))));
}

function charts(r, t) {
  const days = r.days || [];
  const labels = days.map((d) => shortDay(d.date));
  const desc = (max) => t('rep_chartDesc', { from: longDay(r.from), to: longDay(r.to), max });
  const most = (values) => number(Math.max(0, ...values));
  const channels = keysOf(days, 'conversations_started');
  const reasons = keysOf(days, 'handed_off');
  const started = days.map((d) => d.conversations_started_total ?? 0);
  const handed = days.map((d) => d.handed_off_total ?? 0);
  const automated = days.map((d) => d.fully_automated ?? 0);
  const p50 = days.map((d) => (d.first_reply || {}).p50_seconds ?? null);
  const p90 = days.map((d) => (d.first_reply || {}).p90_seconds ?? null);
  const seconds = (v) => duration(v) ?? '';
  return h('section', { class: 'report-charts' },
    barChart({
      id: 'chart-started', title: t('rep_chartStarted'), desc: desc(most(started)), labels, format: number,
      series: channels.map((c) => ({ key: c, label: channelName(c), values: days.map((d) => (d.conversations_started || {})[c] ?? 0) })),
    }),
    barChart({
      id: 'chart-outcome', title: t('rep_chartOutcome'), desc: desc(most(automated.map((a, i) => a + handed[i]))), labels, format: number,
      series: [{ key: 'fully_automated', label: t('rep_automated'), values: automated },
        { key: 'handed_off', label: t('rep_handedOff'), values: handed }],
    }),
    barChart({
      id: 'chart-reasons', title: t('rep_chartReasons'), desc: desc(most(handed)), labels, format: number,
      series: reasons.map((k) => ({ key: k, label: reasonName(t, k), values: days.map((d) => (d.handed_off || {})[k] ?? 0) })),
    }),
    lineChart({
      id: 'chart-reply', title: t('rep_chartReply'), desc: desc(duration(Math.max(0, ...p90.filter((v) => v !== null)))), labels, format: seconds, steps: TIME_STEPS,
      series: [{ key: 'p50', label: t('rep_p50'), values: p50 }, { key: 'p90', label: t('rep_p90'), values: p90 }],
    }));
}

/** A column's heading in the console's language (the CSV keeps the names). */
function heading(t, name, channels, reasons) {
  const labels = { date: t('rep_date'), conversations_started: t('rep_started'), fully_automated: t('rep_automated'),
    handed_off: t('rep_handedOff'), marked_spam: t('rep_spam'), messages_in: t('rep_messagesIn'), messages_out: t('rep_messagesOut') };
  if (labels[name]) return labels[name];
  const channel = channels.find((c) => name === `started_${column(c)}`);
  if (channel) return channelName(channel);
  const reason = reasons.find((k) => name === `handed_off_${column(k)}`);
  if (reason) return reasonName(t, reason);
  return t(`col_${name}`, null, name.replace(/_/g, ' '));
}

function table(r, t) {
  const [header, ...rows] = daysTable(r);
  const days = r.days || [];
  const channels = keysOf(days, 'conversations_started');
  const reasons = keysOf(days, 'handed_off');
  const shown = (v, name) => {
    if (v === '') return '';
    if (name.endsWith('_seconds')) return duration(Number(v));
    return number(Number(v));
  };
  return h('details', { class: 'report-table', id: 'report-table', open: true },
    h('summary', {}, t('rep_table')),
    h('div', { class: 'table-scroll' },
      h('table', { id: 'report-days' },
        h('thead', {}, h('tr', {}, header.map((name, i) => h('th', { scope: 'col', dataset: { column: name } },
          heading(t, name, channels, reasons))))),
        h('tbody', {}, rows.map((row, k) => h('tr', { dataset: { date: days[k].date } },
          row.map((v, i) => (i === 0 ? h('th', { scope: 'row' }, shortDay(v))
            : h('td', { dataset: { column: header[i], value: v } }, shown(v, header[i]))))))))));
}
