// Lobby console: sign-in, the five-tab inbox, a conversation with its profile and activity, and the actions.
// Data from the API is only ever put in the page as text (dom.js's h() and textContent).

import { $, fill, h } from './dom.js';
import { LANGUAGES, has, lang, locale, setLang, t } from './i18n.js';
import * as auth from './auth.js';
import { ApiError, createApi } from './api.js';
import * as time from './time.js';
import * as files from './files.js';
import { channelStatus } from './channels.js';

const TABS = ['open', 'on_hold', 'closed', 'spam', 'all'];
const PAGE = 25;
const MAX_PAGE = 100;
const MESSAGE_PAGE = 50;
const ACTIVITY_PAGE = 20;
const REFRESH_MS = 4000;
const CHANNELS_REFRESH_MS = 60e3; // the header's channel health changes slowly: one call a minute
const HOTEL_KEY = 'lobby.hotel';
const NAMES_KEY = 'lobby.names';

// Which statuses allow which action (docs/api.md, "Transitions").
const ALLOWED = {
  reply: ['bot', 'open', 'on_hold', 'closed'],
  hold: ['open', 'on_hold'],
  close: ['bot', 'open', 'on_hold'],
  reopen: ['closed'],
  spam: ['bot', 'open', 'on_hold', 'closed'],
  'not-spam': ['spam'],
};
const CHANNELS = { expedia: 'Expedia', webchat: 'Web chat', whatsapp: 'WhatsApp', email: 'E-mail', sms: 'SMS' };

const app = document.getElementById('app');
let config = null;
let s = null; // the signed-in session; replaced (never mutated back) on sign-out, so late answers are dropped
let login = { messageKey: null, username: '' };

document.addEventListener('keydown', onShortcut);
document.addEventListener('visibilitychange', () => {
  if (!s) return;
  if (document.hidden) clearTimeout(s.timer);
  else tick();
});
// A file dropped beside the composer would make the browser open it, leaving the console (and the drafts).
for (const type of ['dragover', 'drop']) {
  document.addEventListener(type, (event) => {
    if (event.dataTransfer && [...event.dataTransfer.types].includes('Files')) event.preventDefault();
  });
}
document.addEventListener('click', (event) => {
  if (s && s.holdOpen && !event.target.closest('.hold-wrap')) toggleHold(false);
});

boot();

async function boot() {
  try {
    const response = await fetch(new URL('config.json', document.baseURI));
    config = await response.json();
    if (!config.api_url || !config.cognito_endpoint || !config.cognito_client_id) throw new Error('config');
  } catch {
    fill(app, h('p', { class: 'fatal', role: 'alert' }, t('configError')));
    return;
  }
  const token = auth.storedToken();
  const claims = token && auth.claimsOf(token);
  if (!token || !claims) {
    auth.signOut();
    renderLogin();
  } else if (auth.isExpired(claims)) {
    auth.signOut();
    renderLogin('sessionExpired');
  } else {
    startSession(token, claims);
  }
}

// ---------------------------------------------------------------------------------------------
// Sign-in

function languagePicker(onChange) {
  return h('label', { class: 'lang-picker' },
    h('span', { class: 'visually-hidden' }, t('language')),
    h('select', {
      id: 'lang', 'aria-label': t('language'),
      onchange: (event) => { setLang(event.target.value); onChange(); },
    }, Object.entries(LANGUAGES).map(([code, label]) =>
      h('option', { value: code, props: { selected: code === lang() } }, label))));
}

function renderLogin(messageKey = login.messageKey, messageText = null) {
  login.messageKey = messageKey;
  document.title = t('appName');
  const error = h('p', { class: 'form-error', id: 'login-error', role: 'alert' },
    messageText || (messageKey ? t(messageKey) : ''));
  const username = h('input', {
    id: 'username', name: 'username', type: 'text', inputmode: 'email', autocomplete: 'username',
    required: true, props: { value: login.username }, oninput: (e) => { login.username = e.target.value; },
  });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'sign-in' }, t('signIn'));
  const form = h('form', {
    class: 'login-card', 'aria-labelledby': 'login-title',
    onsubmit: async (event) => {
      event.preventDefault();
      submit.disabled = true;
      submit.textContent = t('signingIn');
      error.textContent = '';
      try {
        const token = await auth.signIn(config, username.value.trim(), password.value);
        login = { messageKey: null, username: '' };
        startSession(token, auth.claimsOf(token) || {});
      } catch (e) {
        const known = { NotAuthorizedException: 'badCredentials', UserNotFoundException: 'badCredentials',
          TooManyRequestsException: 'tooManyAttempts', LimitExceededException: 'tooManyAttempts',
          challenge: 'challenge', network: 'networkError' };
        login.messageKey = null;
        error.textContent = known[e.code] ? t(known[e.code]) : t('signInFailed', { code: e.code || '?' });
        submit.disabled = false;
        submit.textContent = t('signIn');
        password.select();
      }
    },
  },
  h('div', { class: 'login-top' }, h('span', { class: 'brand' }, t('appName')), languagePicker(() => renderLogin())),
  h('h1', { id: 'login-title' }, t('signInTitle')),
  error,
  h('label', { for: 'username' }, t('email')), username,
  h('label', { for: 'password' }, t('password')), password,
  submit);
  fill(app, h('main', { class: 'login' }, form));
  (login.username ? password : username).focus();
}

function onUnauthorized() {
  if (!s) return;
  endSession();
  renderLogin('sessionExpired');
}

function endSession() {
  if (s) clearTimeout(s.timer);
  s = null;
  auth.signOut();
}

// ---------------------------------------------------------------------------------------------
// Session and inbox data

function startSession(token, claims) {
  const hotels = auth.hotelsOf(claims);
  const saved = localStorage.getItem(HOTEL_KEY);
  s = {
    token, claims, hotels,
    api: createApi(config.api_url, token, onUnauthorized),
    hotel: hotels.includes(saved) ? saved : hotels[0],
    info: null, tz: time.browserTimeZone(),
    tab: 'open', counts: null,
    list: emptyList('open'),
    selected: null, conv: null, messages: null, activity: null, paneFor: null,
    names: loadNames(), drafts: {}, uploads: {}, channels: null, channelsAt: 0, messagesAt: 0,
    timer: null, listSeq: 0, busy: false, holdOpen: false, offline: false,
  };
  renderShell();
  if (s.hotel) loadHotel();
}

const emptyList = (tab) => ({ tab, items: [], next: null, loaded: false, loadingMore: false });

function loadNames() {
  try {
    return JSON.parse(sessionStorage.getItem(NAMES_KEY)) || {};
  } catch {
    return {};
  }
}

function rememberName(conversation) {
  const name = conversation.contact && conversation.contact.name;
  if (name && s.names[conversation.id] !== name) {
    s.names[conversation.id] = name;
    sessionStorage.setItem(NAMES_KEY, JSON.stringify(s.names));
  }
}

const guestName = (c) => c.contact_name || (c.contact && c.contact.name) || s.names[c.id] || t('guest');

async function loadHotel() {
  const session = s;
  const info = s.api.hotel(s.hotel).then((hotel) => {
    if (session !== s) return;
    s.info = hotel;
    if (hotel && hotel.timezone && time.validTimeZone(hotel.timezone)) s.tz = hotel.timezone;
  }, () => {}); // no hotel route (404) or no access: the browser's time zone, the hotel's id
  await Promise.all([info, refreshCounts(), loadList(), refreshChannels()]);
  if (session !== s) return;
  renderHeader();
  renderList(true);
  schedule();
}

async function refreshCounts() {
  const session = s;
  try {
    const inbox = await s.api.inbox(s.hotel);
    if (session !== s) return;
    s.counts = inbox.tabs;
    renderCounts();
  } catch (e) {
    if (session === s) handleBackgroundError(e);
  }
}

/** The channels' health for the header; a hotel without the route or the channel shows nothing. */
async function refreshChannels() {
  const session = s;
  const hotel = s.hotel;
  s.channelsAt = Date.now();
  try {
    const page = await s.api.channels(hotel);
    if (session !== s || hotel !== s.hotel) return;
    s.channels = page.items || [];
  } catch (e) {
    if (session !== s || !(e instanceof ApiError)) return;
    if (e.status !== 0) s.channels = null;
  }
  renderChannels();
}

/** The selected tab's first page: the one API call a tab switch costs. */
async function loadList() {
  const session = s;
  const seq = ++s.listSeq;
  const tab = s.tab;
  try {
    const page = await s.api.conversations(s.hotel, tab, PAGE);
    if (session !== s || seq !== s.listSeq) return;
    s.list = { tab, items: page.items, next: page.next_cursor, loaded: true, loadingMore: false };
    renderList(true);
  } catch (e) {
    if (session === s) handleBackgroundError(e);
  }
}

async function loadMore() {
  const session = s;
  const seq = s.listSeq;
  const list = s.list;
  if (!list.next || list.loadingMore) return;
  list.loadingMore = true;
  renderList(true);
  try {
    const page = await s.api.conversations(s.hotel, list.tab, PAGE, list.next);
    if (session !== s || seq !== s.listSeq) return;
    const known = new Set(list.items.map((c) => c.id));
    list.items = list.items.concat(page.items.filter((c) => !known.has(c.id)));
    list.next = page.next_cursor;
  } catch (e) {
    if (session === s) handleBackgroundError(e);
  } finally {
    list.loadingMore = false;
    if (session === s) renderList(true);
  }
}

/** Re-reads what the list shows (up to 100 rows) and keeps rows loaded beyond that. */
async function refreshList() {
  const session = s;
  const seq = s.listSeq;
  const list = s.list;
  const limit = Math.min(MAX_PAGE, Math.max(PAGE, list.items.length));
  const page = await s.api.conversations(s.hotel, list.tab, limit);
  if (session !== s || seq !== s.listSeq) return null;
  let items = page.items;
  let next = page.next_cursor;
  if (list.items.length > limit) {
    const fresh = new Set(items.map((c) => c.id));
    items = items.concat(list.items.slice(limit).filter((c) => !fresh.has(c.id)));
    next = list.next;
  }
  const changed = JSON.stringify(items) !== JSON.stringify(list.items) || next !== list.next || !list.loaded;
  s.list = { tab: list.tab, items, next, loaded: true, loadingMore: false };
  if (changed) renderList();
  return items;
}

function schedule() {
  if (!s) return;
  clearTimeout(s.timer);
  if (!document.hidden) s.timer = setTimeout(tick, REFRESH_MS);
}

/** Every few seconds: the counts, the visible list, and the open conversation when it changed. */
async function tick() {
  if (!s || !s.hotel) return;
  const session = s;
  clearTimeout(s.timer);
  try {
    const channels = Date.now() - s.channelsAt >= CHANNELS_REFRESH_MS ? refreshChannels() : null;
    const [inbox, items] = await Promise.all([s.api.inbox(s.hotel), refreshList(), channels]);
    if (session !== s) return;
    s.counts = inbox.tabs;
    renderCounts();
    if (items) await refreshSelected(items);
    setOffline(false);
  } catch (e) {
    if (session === s) handleBackgroundError(e);
  } finally {
    if (session === s) schedule();
  }
}

const conversationChanged = (a, b) =>
  a.status !== b.status || a.updated_at !== b.updated_at || a.last_message_at !== b.last_message_at
  || a.hold_until !== b.hold_until;

async function refreshSelected(items) {
  const conv = s.conv;
  if (!conv) return;
  let changed;
  const row = items.find((c) => c.id === conv.id);
  if (row) {
    changed = conversationChanged(row, conv);
  } else {
    const fresh = await s.api.conversation(s.hotel, conv.id);
    changed = conversationChanged(fresh, conv);
  }
  if (changed) await loadConversation(conv.id, { quiet: true });
  else if (s.messages && (s.messages.items.some((m) => m.delivery === 'pending') || linksAgeing())) await reloadMessages();
}

// Attachment links expire: the messages are read again (new links) before the reused ones lapse.
const linksAgeing = () => Date.now() - s.messagesAt > files.LINK_REUSE_MS
  && s.messages.items.some((m) => m.attachments && m.attachments.some((a) => a.url));

function handleBackgroundError(error) {
  if (!(error instanceof ApiError)) throw error;
  if (error.status === 401) return;
  if (error.status === 0) setOffline(true);
}

function setOffline(offline) {
  if (!s || s.offline === offline) return;
  s.offline = offline;
  const banner = $('#offline');
  if (banner) banner.hidden = !offline;
}

// ---------------------------------------------------------------------------------------------
// One conversation

async function openConversation(id) {
  if (!s) return;
  if (s.selected === id && s.conv) return;
  s.selected = id;
  s.conv = null;
  s.messages = null;
  s.activity = null;
  s.holdOpen = false;
  renderList();
  renderConversation();
  await loadConversation(id);
}

async function loadConversation(id, { quiet = false } = {}) {
  const session = s;
  try {
    const [conv, messages, activity] = await Promise.all([
      s.api.conversation(s.hotel, id),
      s.api.messages(s.hotel, id, MESSAGE_PAGE),
      s.api.activity(s.hotel, id, ACTIVITY_PAGE),
    ]);
    if (session !== s || s.selected !== id) return;
    s.conv = conv;
    s.messages = { items: messages.items, next: messages.next_cursor };
    s.messagesAt = Date.now();
    s.activity = { items: activity.items, next: activity.next_cursor };
    const hadName = s.names[id];
    rememberName(conv);
    renderConversation();
    if (!hadName && s.names[id]) renderList();
  } catch (e) {
    if (session !== s || s.selected !== id) return;
    if (e instanceof ApiError && e.status === 404) {
      s.selected = null;
      s.conv = null;
      renderConversation();
      notify(t('notFound'), 'error');
    } else if (!quiet) {
      handleBackgroundError(e);
    }
  }
}

async function reloadMessages() {
  const session = s;
  const id = s.conv.id;
  const page = await s.api.messages(s.hotel, id, Math.max(MESSAGE_PAGE, s.messages.items.length));
  if (session !== s || !s.conv || s.conv.id !== id) return;
  s.messages = { items: page.items, next: page.next_cursor };
  s.messagesAt = Date.now();
  renderMessages();
}

async function loadOlder(kind) {
  const session = s;
  const id = s.conv.id;
  const current = s[kind];
  if (!current.next) return;
  const page = kind === 'messages'
    ? await s.api.messages(s.hotel, id, MESSAGE_PAGE, current.next)
    : await s.api.activity(s.hotel, id, ACTIVITY_PAGE, current.next);
  if (session !== s || !s.conv || s.conv.id !== id) return;
  s[kind] = { items: current.items.concat(page.items), next: page.next_cursor };
  if (kind === 'messages') renderMessages({ keepScroll: true });
  else renderDetails();
}

const allowed = (action) => !!s.conv && ALLOWED[action].includes(s.conv.status) && !s.busy;

/** Runs one action; a refusal is explained, and either way the view is refreshed from the API. */
async function act(action, until) {
  if (!s || !s.conv || s.busy) return;
  const session = s;
  const id = s.conv.id;
  s.busy = true;
  s.holdOpen = false;
  renderConvHead();
  try {
    const result = action === 'hold'
      ? await s.api.hold(s.hotel, id, time.isoUtc(until))
      : await s.api.action(s.hotel, id, action);
    if (session !== s) return;
    if (s.conv && s.conv.id === id) s.conv = { ...s.conv, ...result };
    notify(t(`done_${action}`, { time: until ? time.longTime(until, locale(), s.tz) : '' }));
  } catch (e) {
    if (session !== s) return;
    explain(e);
  } finally {
    if (session === s) {
      s.busy = false;
      renderConvHead();
      await Promise.all([loadConversation(id, { quiet: true }), tick()]);
      keepFocus();
    }
  }
}

async function sendReply(textarea) {
  if (!s || !s.conv || s.busy) return;
  const text = textarea.value;
  const id = s.conv.id;
  const attached = s.uploads[id] || [];
  if (!text.trim() && !attached.length) return;
  const session = s;
  s.busy = true;
  renderConvHead();
  updateComposer(true);
  setComposerError('');
  try {
    if (!(await uploadAll(id, attached)) || session !== s) return; // a failed upload sends nothing
    await s.api.reply(s.hotel, id, text.trim() ? text : '', attached.map((f) => f.id));
    if (session !== s) return;
    if (s.drafts[id] === text || textarea.value === text) {
      textarea.value = '';
      delete s.drafts[id];
    }
    if (s.uploads[id] === attached) delete s.uploads[id];
    notify(t('done_reply'));
  } catch (e) {
    if (session !== s) return;
    // Refused with its files: they are uploaded again on the next try (a grant may have lapsed).
    for (const f of attached) Object.assign(f, { id: null, state: 'ready', progress: 0 });
    explain(e);
  } finally {
    if (session === s) {
      s.busy = false;
      renderConvHead();
      updateComposer(false);
      renderFiles();
      await Promise.all([loadConversation(id, { quiet: true }), tick()]);
    }
  }
}

/** Uploads the reply's files not yet uploaded, all at once, each with its progress; false if any failed. */
async function uploadAll(conversationId, attached) {
  const todo = attached.filter((f) => !f.id);
  if (!todo.length) return true;
  const session = s;
  for (const f of todo) Object.assign(f, { state: 'uploading', progress: 0, error: '' });
  renderFiles();
  await Promise.all(todo.map((f) => files.upload(s.api, s.hotel, conversationId, f, (fraction) => {
    f.progress = fraction;
    const bar = session === s && $(`#composer-files [data-key="${f.key}"] progress`);
    if (bar) bar.value = Math.round(fraction * 100);
  }).then((attachmentId) => {
    Object.assign(f, { id: attachmentId, state: 'uploaded', progress: 1 });
  }, (e) => {
    Object.assign(f, { state: 'failed', error: uploadError(e) });
  }).finally(() => { if (session === s) renderFiles(); })));
  const failed = todo.filter((f) => f.state === 'failed');
  if (failed.length && session === s) {
    setComposerError(failed.map((f) => t('uploadFailed', { name: f.name, reason: f.error })).join(' '));
  }
  return !failed.length;
}

function uploadError(e) {
  if (e instanceof ApiError && e.status === 0) return t('apiUnreachable');
  return String(e.message || '').replace(/[.\s]+$/, '');
}

/** Files picked or dropped for the open conversation's reply: checked, then listed in the composer. */
function attachFiles(list) {
  if (!s || !s.conv || !ALLOWED.reply.includes(s.conv.status) || s.busy) return;
  const id = s.conv.id;
  const { files: kept, errors } = files.addFiles(s.uploads[id] || [], list);
  s.uploads[id] = kept;
  renderFiles();
  setComposerError(errors.join(' '));
}

function removeFile(key) {
  if (!s || !s.conv || s.busy) return;
  const id = s.conv.id;
  s.uploads[id] = (s.uploads[id] || []).filter((f) => f.key !== key);
  if (!s.uploads[id].length) delete s.uploads[id];
  renderFiles();
  setComposerError('');
  const next = $('#composer-files .remove-file') || $('#attach');
  if (next) next.focus();
}

function setComposerError(text) {
  const el = $('#composer-error');
  if (el) el.textContent = text;
}

function renderFiles() {
  const list = $('#composer-files');
  if (!list || !s || !s.conv) return;
  const attached = s.uploads[s.conv.id] || [];
  fill(list, files.fileChips(attached, { onRemove: removeFile, disabled: s.busy }));
  list.hidden = !attached.length;
}

function explain(error) {
  if (!(error instanceof ApiError)) throw error;
  if (error.status === 401) return;
  if (error.status === 409) {
    const status = error.body.status;
    notify(status ? t('refused', { status: t(`status_${status}`, null, status) }) : t('refusedRace'), 'error');
  } else if (error.status === 404) {
    notify(t('notFound'), 'error');
  } else if (error.status === 0) {
    notify(t('offline'), 'error');
  } else {
    notify(t('actionFailed', { message: error.message }), 'error');
  }
}

/** After an action, focus stays where it was; if its element went away, the messages take it (not the
 * reply box, so that the next shortcut key is not typed into it). */
function keepFocus() {
  const target = document.activeElement;
  if (target && target !== document.body && target.isConnected && !target.disabled) return;
  const messages = $('#messages');
  if (messages) messages.focus();
}

// ---------------------------------------------------------------------------------------------
// Rendering: the shell

function renderShell() {
  document.documentElement.lang = lang();
  const notice = h('div', { id: 'notice', class: 'notice', role: 'status', 'aria-live': 'polite', hidden: true });
  const offline = h('div', { id: 'offline', class: 'offline', role: 'alert', hidden: !s.offline }, t('offline'));
  const header = h('header', { class: 'top', id: 'top' });
  if (!s.hotel) {
    fill(app, header, h('main', { class: 'no-hotel' }, h('p', { role: 'alert' }, t('noHotel'))));
    renderHeader();
    return;
  }
  const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('inbox'), onkeydown: onTabKey },
    TABS.map((tab) => h('button', {
      type: 'button', role: 'tab', id: `tab-${tab}`, class: 'tab', 'aria-controls': 'tabpanel',
      'aria-selected': String(tab === s.tab), tabindex: tab === s.tab ? '0' : '-1', dataset: { tab },
      onclick: () => selectTab(tab),
    }, h('span', { class: 'tab-label' }, t(`tab_${tab}`)), h('span', { class: 'count', id: `count-${tab}` }, ''))));
  const listPanel = h('section', {
    id: 'tabpanel', class: 'list-panel', role: 'tabpanel', 'aria-labelledby': `tab-${s.tab}`, tabindex: '-1',
  });
  const pane = h('section', { id: 'pane', class: 'pane', 'aria-label': t('messages') });
  fill(app, header, offline, tablist, h('main', { class: 'workspace', id: 'workspace' }, listPanel, pane), notice);
  renderHeader();
  renderCounts();
  renderList(true);
  s.paneFor = undefined;
  renderConversation();
}

function renderHeader() {
  const header = $('#top');
  if (!header || !s) return;
  const name = s.claims.name || s.claims.email || s.claims['cognito:username'] || '';
  const hotelName = (id) => (s.info && s.info.id === id && s.info.name) || id;
  const hotelControl = s.hotels.length > 1
    ? h('label', { class: 'hotel-picker' }, h('span', { class: 'visually-hidden' }, t('hotel')),
      h('select', { id: 'hotel', 'aria-label': t('hotel'), onchange: (e) => switchHotel(e.target.value) },
        s.hotels.map((id) => h('option', { value: id, props: { selected: id === s.hotel } }, hotelName(id)))))
    : h('span', { class: 'hotel-name', id: 'hotel-name' }, s.hotel ? hotelName(s.hotel) : '');
  fill(header,
    h('span', { class: 'brand' }, t('appName')),
    hotelControl,
    s.hotel && h('span', { class: 'hotel-tz', id: 'hotel-tz', dataset: { timezone: s.tz } }, t('hotelTime', { tz: s.tz })),
    h('div', { class: 'channels', id: 'channels' }, s.hotel && channelStatus(s.channels, s.tz)),
    h('span', { class: 'spacer' }),
    languagePicker(() => { renderShell(); }),
    h('button', { type: 'button', class: 'icon', id: 'help-button', 'aria-label': t('help'), title: t('help'), onclick: showHelp }, '?'),
    name && h('span', { class: 'agent', id: 'agent-name' }, name),
    h('button', { type: 'button', class: 'ghost', id: 'sign-out', onclick: () => { endSession(); renderLogin(null); } }, t('signOut')));
}

function renderChannels() {
  const slot = $('#channels');
  if (slot && s) fill(slot, s.hotel && channelStatus(s.channels, s.tz));
}

function switchHotel(hotel) {
  localStorage.setItem(HOTEL_KEY, hotel);
  clearTimeout(s.timer);
  Object.assign(s, {
    hotel, info: null, tz: time.browserTimeZone(), counts: null, list: emptyList(s.tab), channels: null,
    selected: null, conv: null, messages: null, activity: null, listSeq: s.listSeq + 1,
  });
  renderShell();
  loadHotel();
}

function renderCounts() {
  if (!s || !s.hotel) return;
  for (const tab of TABS) {
    const el = $(`#count-${tab}`);
    if (el) el.textContent = s.counts ? String(s.counts[tab] ?? 0) : '';
  }
  const open = s.counts ? s.counts.open : 0;
  document.title = open ? `(${open}) ${t('appName')}` : t('appName');
}

function selectTab(tab, focus = false) {
  if (!s || !TABS.includes(tab)) return;
  for (const el of document.querySelectorAll('[role="tab"]')) {
    const selected = el.dataset.tab === tab;
    el.setAttribute('aria-selected', String(selected));
    el.tabIndex = selected ? 0 : -1;
    if (selected && focus) el.focus();
  }
  if (tab === s.tab) return;
  s.tab = tab;
  s.list = emptyList(tab);
  $('#tabpanel').setAttribute('aria-labelledby', `tab-${tab}`);
  renderList(true);
  loadList();
  schedule(); // the next refresh comes a full period later: the switch itself costs one call
}

function onTabKey(event) {
  const index = TABS.indexOf(s.tab);
  const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: TABS.length - 1 };
  if (!(event.key in moves)) return;
  event.preventDefault();
  selectTab(TABS[(moves[event.key] + TABS.length) % TABS.length], true);
}

// ---------------------------------------------------------------------------------------------
// Rendering: the list

function renderList(force = false) {
  const panel = $('#tabpanel');
  if (!panel || !s) return;
  const focusedId = document.activeElement && document.activeElement.closest
    && document.activeElement.closest('.conv-item') && document.activeElement.dataset.id;
  const scroller = $('.conv-list', panel);
  const scroll = scroller ? scroller.scrollTop : 0;
  const { items, loaded, next, loadingMore } = s.list;
  let body;
  if (!loaded) body = h('p', { class: 'placeholder' }, t('loading'));
  else if (!items.length) body = h('p', { class: 'placeholder empty' }, t(`empty_${s.list.tab}`));
  else {
    body = h('ul', { class: 'conv-list', 'aria-label': t('conversations') }, items.map(listRow),
      next && h('li', { class: 'more' }, h('button', {
        type: 'button', id: 'load-more', class: 'ghost', disabled: loadingMore, onclick: loadMore,
      }, loadingMore ? t('loading') : t('loadMore'))));
  }
  fill(panel, body);
  const newScroller = $('.conv-list', panel);
  if (newScroller && !force) newScroller.scrollTop = scroll;
  if (focusedId) {
    const again = panel.querySelector(`.conv-item[data-id="${CSS.escape(focusedId)}"]`);
    if (again) again.focus();
  }
  app.classList.toggle('has-conversation', !!s.selected);
}

function listRow(c) {
  const when = c.last_message_at;
  return h('li', {},
    h('button', {
      type: 'button', class: `conv-item status-${c.status}`, dataset: { id: c.id },
      'aria-current': c.id === s.selected ? 'true' : null,
      onclick: () => openConversation(c.id),
    },
    h('span', { class: 'ci-top' },
      h('span', { class: 'ci-name' }, guestName(c)),
      channelBadge(c.channel),
      h('time', { class: 'ci-time', datetime: when, title: time.longTime(when, locale(), s.tz) },
        time.shortTime(when, locale(), s.tz))),
    h('span', { class: 'ci-preview' }, c.last_message_preview || t('noPreview')),
    (c.status === 'on_hold' && c.hold_until) && h('span', { class: 'ci-hold' },
      h('time', { datetime: c.hold_until }, t('wakesAt', { time: time.longTime(c.hold_until, locale(), s.tz) }))),
    s.list.tab === 'all' && statusPill(c.status)));
}

function channelBadge(channel) {
  const label = CHANNELS[channel] || (channel ? channel[0].toUpperCase() + channel.slice(1) : '');
  return h('span', { class: `badge channel channel-${/^[a-z0-9_-]+$/.test(channel || '') ? channel : 'other'}` }, label);
}

const statusPill = (status) => h('span', { class: `pill status-${status}` }, t(`status_${status}`, null, status));

// ---------------------------------------------------------------------------------------------
// Rendering: the conversation pane

function renderConversation() {
  const pane = $('#pane');
  if (!pane || !s) return;
  app.classList.toggle('has-conversation', !!s.selected);
  if (!s.selected) {
    s.paneFor = null;
    fill(pane, h('p', { class: 'placeholder pick' }, t('pickConversation')));
    return;
  }
  if (s.paneFor !== s.selected) {
    // Built once per conversation: later refreshes update the parts and leave the draft alone.
    s.paneFor = s.selected;
    const textarea = h('textarea', {
      id: 'reply-text', rows: '3', 'aria-label': t('reply'), placeholder: t('replyPlaceholder'),
      props: { value: s.drafts[s.selected] || '' },
      oninput: (e) => { s.drafts[s.paneFor] = e.target.value; },
      onkeydown: (e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          sendReply(e.target);
        }
      },
    });
    const picker = h('input', {
      type: 'file', id: 'attach-input', class: 'visually-hidden', multiple: true, accept: files.ACCEPT,
      tabindex: '-1', 'aria-hidden': 'true',
      onchange: (e) => { attachFiles([...e.target.files]); e.target.value = ''; },
    });
    const composer = h('form', {
      class: 'composer', id: 'composer', 'aria-label': t('reply'),
      onsubmit: (e) => { e.preventDefault(); sendReply(textarea); },
      ondragover: (e) => {
        if (![...e.dataTransfer.types].includes('Files') || $('#attach').disabled) return;
        e.preventDefault();
        e.currentTarget.classList.add('dragging');
      },
      ondragleave: (e) => {
        if (!e.currentTarget.contains(e.relatedTarget)) e.currentTarget.classList.remove('dragging');
      },
      ondrop: (e) => {
        e.currentTarget.classList.remove('dragging');
        if (!e.dataTransfer.files.length) return;
        e.preventDefault();
        attachFiles([...e.dataTransfer.files]);
      },
    },
    h('p', { class: 'composer-note', id: 'composer-note' }),
    textarea,
    h('ul', { class: 'composer-files', id: 'composer-files', 'aria-label': t('replyFiles'), hidden: true }),
    h('p', { class: 'form-error', id: 'composer-error', role: 'alert' }),
    h('p', { class: 'drop-hint', 'aria-hidden': 'true' }, t('dropHere')),
    h('div', { class: 'composer-bar' },
      h('span', { class: 'composer-tools' },
        picker,
        h('button', {
          type: 'button', class: 'ghost attach', id: 'attach', title: t('attachHint'),
          onclick: () => picker.click(),
        }, '+ ', t('attach')),
        h('span', { class: 'hint' }, t('replyHint'))),
      h('button', { type: 'submit', class: 'primary', id: 'send' }, t('send'))));
    fill(pane,
      h('div', { class: 'conv-head', id: 'conv-head' }),
      h('div', { class: 'conv-body' },
        h('section', { class: 'thread', 'aria-label': t('messages') },
          h('div', { class: 'messages', id: 'messages', tabindex: '0', 'aria-label': t('messages') }),
          composer),
        h('aside', { class: 'details', id: 'details' })));
  }
  renderConvHead();
  renderMessages({ first: true });
  renderDetails();
  updateComposer(false);
  renderFiles();
}

function renderConvHead() {
  const head = $('#conv-head');
  if (!head || !s) return;
  const conv = s.conv;
  if (!conv) {
    fill(head, h('button', { type: 'button', class: 'ghost back', onclick: closePane }, '← ', t('back')),
      h('p', { class: 'placeholder' }, t('loading')));
    return;
  }
  const active = document.activeElement && head.contains(document.activeElement) ? document.activeElement : null;
  const focusedAction = active && (active.id ? `#${CSS.escape(active.id)}` : active.dataset.action && `[data-action="${active.dataset.action}"]`);
  const button = (action, label, extra = {}) => h('button', {
    type: 'button', class: `action action-${action}`, dataset: { action }, disabled: !allowed(action),
    onclick: () => act(action), ...extra,
  }, label);
  const holdButton = h('button', {
    type: 'button', class: 'action action-hold', id: 'hold-button', dataset: { action: 'hold' },
    'aria-haspopup': 'dialog', 'aria-expanded': String(s.holdOpen), 'aria-controls': 'hold-menu',
    disabled: !allowed('hold'), onclick: () => toggleHold(!s.holdOpen),
  }, t('hold'), ' ▾');
  fill(head,
    h('button', { type: 'button', class: 'ghost back', onclick: closePane }, '← ', t('back')),
    h('div', { class: 'conv-title' },
      h('h2', { id: 'conv-title' }, guestName(conv)),
      channelBadge(conv.channel),
      h('span', { class: `pill status-${conv.status}`, id: 'conv-status', dataset: { status: conv.status } },
        t(`status_${conv.status}`, null, conv.status))),
    conv.status === 'on_hold' && conv.hold_until && h('p', { class: 'hold-info', id: 'hold-info' },
      h('time', { datetime: conv.hold_until }, t('onHoldUntil', { time: time.longTime(conv.hold_until, locale(), s.tz) }))),
    h('div', { class: 'actions', role: 'toolbar', 'aria-label': t('actions'), onkeydown: onToolbarKey },
      h('div', { class: 'hold-wrap' }, holdButton, s.holdOpen && holdMenu()),
      button('close', t('close'), { 'aria-keyshortcuts': 'c' }),
      button('reopen', t('reopen')),
      button('spam', t('spam')),
      button('not-spam', t('notSpam'))));
  if (focusedAction) {
    const again = head.querySelector(focusedAction);
    if (again && !again.disabled) again.focus();
  }
}

function onToolbarKey(event) {
  if (!['ArrowRight', 'ArrowLeft'].includes(event.key) || event.target.closest('#hold-menu')) return;
  const buttons = [...event.currentTarget.querySelectorAll(':scope > .hold-wrap > button, :scope > button')]
    .filter((b) => !b.disabled);
  const index = buttons.indexOf(event.target);
  if (index < 0) return;
  event.preventDefault();
  buttons[(index + (event.key === 'ArrowRight' ? 1 : -1) + buttons.length) % buttons.length].focus();
}

function closePane() {
  s.selected = null;
  s.conv = null;
  renderConversation();
  renderList();
  const first = $('.conv-item');
  if (first) first.focus();
}

function toggleHold(open) {
  if (!s || !s.conv) return;
  if (open && !allowed('hold')) return;
  if (open && !s.holdOpen) s.holdCustom = '';
  s.holdOpen = open;
  renderConvHead();
  if (open) {
    const first = $('#hold-menu button:not([disabled])');
    if (first) first.focus();
  } else {
    const button = $('#hold-button');
    if (button && !button.disabled) button.focus();
  }
}

function holdMenu() {
  const now = new Date();
  const tz = s.tz;
  const when = (date) => time.longTime(date, locale(), tz);
  const presets = [
    ['hold-1h', t('holdIn1h'), time.inHours(1, now)],
    ['hold-4h', t('holdIn4h'), time.inHours(4, now)],
    ['hold-tomorrow', t('holdTomorrow'), time.tomorrowAtNine(tz, now)],
  ];
  const reservation = nextReservation(s.conv.contact, now);
  if (reservation) presets.push(['hold-checkin', t('holdCheckIn'), time.dayAtNine(reservation.check_in, tz)]);
  const error = h('p', { class: 'form-error', role: 'alert', id: 'hold-error' });
  const input = h('input', {
    type: 'datetime-local', id: 'hold-custom', step: '1', required: true,
    min: time.toLocalInput(now, tz), max: time.toLocalInput(new Date(now.getTime() + time.MAX_HOLD_MS), tz),
    props: { value: s.holdCustom || '' }, oninput: (e) => { s.holdCustom = e.target.value; },
  });
  return h('div', {
    class: 'hold-menu', id: 'hold-menu', role: 'dialog', 'aria-label': t('holdTitle'),
    onkeydown: (e) => {
      if (e.key === 'Escape') { e.stopPropagation(); toggleHold(false); }
    },
  },
  h('p', { class: 'menu-title' }, t('holdTitle')),
  h('ul', { class: 'presets' }, presets.map(([id, label, date]) => h('li', {},
    h('button', {
      type: 'button', id, class: 'preset', disabled: !time.holdable(date),
      onclick: () => act('hold', date),
    }, h('span', {}, label), h('span', { class: 'preset-time' }, date ? when(date) : ''))))),
  h('form', {
    class: 'custom', onsubmit: (e) => {
      e.preventDefault();
      const date = time.fromLocalInput(input.value, tz);
      if (!time.holdable(date)) {
        error.textContent = t('holdInvalid');
        return;
      }
      act('hold', date);
    },
  },
  h('label', { for: 'hold-custom' }, t('holdCustom')), input, error,
  h('div', { class: 'menu-bar' },
    h('button', { type: 'button', class: 'ghost', onclick: () => toggleHold(false) }, t('cancel')),
    h('button', { type: 'submit', class: 'primary', id: 'hold-submit' }, t('holdSubmit')))));
}

/** The reservation whose check-in is the nearest one still to come (or today). */
function nextReservation(contact, now) {
  const today = time.toLocalInput(now, s.tz).slice(0, 10);
  const upcoming = ((contact && contact.reservations) || [])
    .filter((r) => r.check_in && r.check_in >= today)
    .sort((a, b) => a.check_in.localeCompare(b.check_in));
  return upcoming[0] || null;
}

function renderMessages({ first = false, keepScroll = false } = {}) {
  const box = $('#messages');
  if (!box || !s) return;
  if (!s.messages) {
    fill(box, h('p', { class: 'placeholder' }, t('loading')));
    return;
  }
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const fromBottom = box.scrollHeight - box.scrollTop;
  const previousCount = Number(box.dataset.count || 0);
  const items = [...s.messages.items].reverse(); // the API gives newest first
  fill(box,
    s.messages.next && h('button', { type: 'button', class: 'ghost earlier', onclick: () => loadOlder('messages') }, t('earlier')),
    items.length ? h('ol', { class: 'message-list' }, items.map(messageRow)) : h('p', { class: 'placeholder' }, t('noMessages')));
  box.dataset.count = String(items.length);
  if (keepScroll) box.scrollTop = box.scrollHeight - fromBottom;
  else if (first || nearBottom || items.length !== previousCount) box.scrollTop = box.scrollHeight;
}

function messageRow(m) {
  const mine = m.sender === 'agent' && m.agent_id && m.agent_id === s.claims.sub;
  const who = mine ? t('you') : t(`sender_${m.sender}`, null, m.sender);
  const attachments = files.attachmentList(m.attachments);
  return h('li', { class: `message from-${m.sender} ${m.direction}`, dataset: { id: m.id } },
    h('div', { class: 'bubble' },
      h('p', { class: 'meta' },
        h('span', { class: 'who' }, who),
        h('time', { datetime: m.sent_at, title: time.longTime(m.sent_at, locale(), s.tz) }, time.shortTime(m.sent_at, locale(), s.tz))),
      (m.text || !attachments) && h('p', { class: 'text' }, m.text),
      attachments,
      m.direction === 'outbound' && m.delivery && h('p', { class: `delivery delivery-${m.delivery}`, dataset: { delivery: m.delivery } },
        t(`delivery_${m.delivery}`),
        m.delivery === 'failed' && m.delivery_error ? `: ${deliveryReason(m.delivery_error)}` : '')));
}

/** A delivery failure's reason: a known code ("code" or "code: detail") in the agent's language, else as written. */
function deliveryReason(reason) {
  const [, code, detail] = /^([a-z_]+)(?::\s*(.*))?$/s.exec(reason) || [];
  if (!code || !has(`deliveryReason_${code}`)) return reason;
  return detail ? `${t(`deliveryReason_${code}`)} (${detail})` : t(`deliveryReason_${code}`);
}

function updateComposer(sending) {
  const textarea = $('#reply-text');
  if (!textarea || !s) return;
  const note = $('#composer-note');
  const send = $('#send');
  const conv = s.conv;
  const can = !!conv && ALLOWED.reply.includes(conv.status);
  textarea.disabled = !can || sending;
  send.disabled = !can || sending;
  $('#attach').disabled = !can || sending;
  send.textContent = sending ? t('sending') : t('send');
  let text = '';
  if (conv && conv.status === 'spam') text = t('replySpam');
  else if (conv && conv.bot_enabled) text = t('botHandles');
  note.textContent = text;
  note.hidden = !text;
}

function renderDetails() {
  const aside = $('#details');
  if (!aside || !s) return;
  if (!s.conv) {
    fill(aside);
    return;
  }
  const c = s.conv.contact || {};
  const unknown = t('unknown');
  const row = (label, value, id) => [h('dt', {}, label), h('dd', { id }, value || unknown)];
  const reservations = c.reservations || [];
  fill(aside,
    h('section', { class: 'profile', 'aria-labelledby': 'profile-title' },
      h('h3', { id: 'profile-title' }, t('profile')),
      h('dl', {},
        row(t('name'), c.name, 'profile-name'),
        row(t('email'), c.email, 'profile-email'),
        row(t('phone'), c.phone, 'profile-phone'),
        row(t('lang'), c.language && languageName(c.language), 'profile-language'),
        row(t('channel'), CHANNELS[s.conv.channel] || s.conv.channel, 'profile-channel')),
      h('h4', {}, t('reservations')),
      reservations.length
        ? h('ul', { class: 'reservations', id: 'reservations' }, reservations.map(reservationRow))
        : h('p', { class: 'muted' }, t('noReservation'))),
    h('section', { class: 'activity', 'aria-labelledby': 'activity-title' },
      h('h3', { id: 'activity-title' }, t('activity')),
      s.activity && s.activity.items.length
        ? h('ol', { class: 'timeline', id: 'timeline' }, s.activity.items.map(activityRow))
        : h('p', { class: 'muted' }, s.activity ? t('noActivity') : t('loading')),
      s.activity && s.activity.next && h('button', { type: 'button', class: 'ghost', onclick: () => loadOlder('activity') }, t('moreActivity'))));
}

function languageName(code) {
  try {
    const name = new Intl.DisplayNames([locale()], { type: 'language' }).of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

function reservationRow(r) {
  const n = time.nights(r.check_in, r.check_out);
  const parts = [];
  if (n) parts.push(n === 1 ? t('night1') : t('nightsN', { n }));
  if (r.room) parts.push(`${t('room')} ${r.room}`);
  if (r.guests) parts.push(r.guests === 1 ? t('guests1') : t('guestsN', { n: r.guests }));
  return h('li', { class: 'reservation' },
    h('p', { class: 'res-id' }, t('reservation', { id: r.reservation_id })),
    (r.check_in || r.check_out) && h('p', { class: 'res-dates' }, t('stay', {
      from: time.calendarDate(r.check_in, locale()) || '?', to: time.calendarDate(r.check_out, locale()) || '?',
    })),
    parts.length > 0 && h('p', { class: 'muted' }, parts.join(' · ')));
}

function activityRow(a) {
  const actor = a.actor || {};
  const who = actor.name || t(`actor_${actor.type}`, null, actor.type || '');
  const what = has(`act_${a.type}`) ? t(`act_${a.type}`) : humanize(a.type);
  const statuses = a.from_status && a.from_status !== a.to_status
    ? `${t(`status_${a.from_status}`, null, a.from_status)} → ${t(`status_${a.to_status}`, null, a.to_status)}`
    : (a.to_status ? t(`status_${a.to_status}`, null, a.to_status) : '');
  const why = [];
  if (a.reason) why.push(has(`reason_${a.reason}`) ? t(`reason_${a.reason}`) : humanize(a.reason));
  // Details the agent can use; the rest (language, triggers…) is the bot's bookkeeping.
  const details = a.details || {};
  if (typeof details.until === 'string') why.push(t('detail_until', { time: time.longTime(details.until, locale(), s.tz) }));
  if (details.words) why.push(t('detail_words', { words: [].concat(details.words).join(', ') }));
  return h('li', { class: `event event-${/^[a-z_]+$/.test(a.type) ? a.type : 'other'}`, dataset: { type: a.type } },
    h('p', { class: 'what' }, h('strong', {}, what), statuses && h('span', { class: 'transition' }, statuses)),
    h('p', { class: 'who-when' },
      h('span', { class: `actor actor-${actor.type}` }, who),
      ' · ',
      h('time', { datetime: a.at }, time.longTime(a.at, locale(), s.tz))),
    why.length > 0 && h('p', { class: 'why' }, t('why', { reason: why.join(' · ') })));
}

const humanize = (code) => String(code || '').replace(/[_-]+/g, ' ').replace(/^./, (c) => c.toUpperCase());

// ---------------------------------------------------------------------------------------------
// Notices, help and shortcuts

let noticeTimer = null;
function notify(text, kind = 'info') {
  const el = $('#notice');
  if (!el) return;
  clearTimeout(noticeTimer);
  el.className = `notice notice-${kind}`;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  fill(el, h('span', { class: 'notice-text' }, text),
    h('button', { type: 'button', class: 'icon', 'aria-label': t('dismiss'), onclick: () => { el.hidden = true; } }, '×'));
  el.hidden = false;
  noticeTimer = setTimeout(() => { el.hidden = true; }, kind === 'error' ? 12000 : 5000);
}

function showHelp() {
  let dialog = $('#help');
  if (dialog) dialog.remove();
  const key = (...keys) => h('span', { class: 'keys' }, keys.map((k) => h('kbd', {}, k)));
  const rows = [
    [key('r'), t('sc_reply')], [key('Ctrl', 'Enter'), t('sc_send')], [key('c'), t('sc_close')],
    [key('h'), t('sc_hold')], [key('j', 'k'), t('sc_nav')], [key('1', '…', '5'), t('sc_tabs')],
    [key('←', '→'), t('sc_tabkeys')], [key('?'), t('sc_help')], [key('Esc'), t('sc_escape')],
  ];
  dialog = h('dialog', { id: 'help', class: 'help', 'aria-labelledby': 'help-title' },
    h('h2', { id: 'help-title' }, t('shortcuts')),
    h('dl', {}, rows.map(([keys, label]) => [h('dt', {}, keys), h('dd', {}, label)])),
    h('form', { method: 'dialog' }, h('button', { class: 'primary', value: 'close' }, t('dismiss'))));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

function onShortcut(event) {
  if (!s || !s.hotel || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  if ($('#help')) return; // the dialog handles its own keys
  const target = event.target;
  if (target.closest && target.closest('input, textarea, select, [contenteditable="true"]')) return;
  const key = event.key;
  if (key === '?') {
    event.preventDefault();
    showHelp();
  } else if (key === 'Escape' && s.holdOpen) {
    toggleHold(false);
  } else if (/^[1-5]$/.test(key)) {
    selectTab(TABS[Number(key) - 1], true);
  } else if (key === 'j' || key === 'k') {
    const items = s.list.items;
    if (!items.length) return;
    const index = items.findIndex((c) => c.id === s.selected);
    const next = index < 0 ? 0 : Math.min(items.length - 1, Math.max(0, index + (key === 'j' ? 1 : -1)));
    openConversation(items[next].id).then(() => {});
    const row = $(`.conv-item[data-id="${CSS.escape(items[next].id)}"]`);
    if (row) row.focus();
  } else if (key === 'r') {
    const reply = $('#reply-text');
    if (reply && !reply.disabled) {
      event.preventDefault();
      reply.focus();
    }
  } else if (key === 'c') {
    if (allowed('close')) act('close');
  } else if (key === 'h') {
    if (allowed('hold')) {
      event.preventDefault();
      toggleHold(true);
    }
  }
}
