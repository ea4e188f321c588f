// Lobby console: sign-in, the five-tab inbox, a conversation with its profile and activity, and the actions.
// Data from the API is only ever put in the page as text (dom.js's h() and textContent).

import { $, fill, h } from './dom.js';
import { LANGUAGES, has, lang, locale, setLang, t } from './i18n.js';
import * as auth from './auth.js';
import { ApiError, createApi } from './api.js';
import * as time from './time.js';
import * as files from './files.js';
import { channelStatus } from './channels.js';
import * as team from './team.js';

const TABS = ['open', 'on_hold', 'closed', 'spam', 'all'];
const PAGE = 25;
const MAX_PAGE = 100;
const MESSAGE_PAGE = 50;
const ACTIVITY_PAGE = 20;
const REFRESH_MS = 4000;
const CHANNELS_REFRESH_MS = 60e3; // the header's channel health changes slowly: one call a minute
const HOTEL_KEY = 'lobby.hotel';
const NAMES_KEY = 'lobby.names';

// What a conversation allows comes from the API (its `allowed_actions`); these are only the routes.
const ACTION_PATHS = { not_spam: 'not-spam' };
const SORTS = ['newest', 'waiting'];
const CHANNELS = { expedia: 'Expedia', webchat: 'Web chat', whatsapp: 'WhatsApp', email: 'E-mail', sms: 'SMS' };

const app = document.getElementById('app');
let config = null;
let s = null; // the signed-in session; replaced (never mutated back) on sign-out, so late answers are dropped
let login = { messageKey: null, username: '' };

document.addEventListener('keydown', onShortcut);
document.addEventListener('visibilitychange', () => {
  if (!s) return;
  if (document.hidden) clearTimeout(s.timer);
  else if (!live() || s.behind) tick();
  else if (Date.now() - s.channelsAt >= CHANNELS_REFRESH_MS) refreshChannels(); // not pushed: on coming back
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

// The reply clocks count down from the clock alone: no API call.
setInterval(() => { if (s) team.refreshDue(); }, team.DUE_TICK_MS);

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
  } else if (auth.isExpired(claims) && !auth.hasRefreshToken()) {
    auth.signOut();
    renderLogin('sessionExpired');
  } else if (auth.isExpired(claims)) {
    // Back after the ID token lapsed (a reload, a laptop woken up): the refresh token may still be good.
    auth.renew(config).then(
      (renewed) => startSession(renewed, auth.claimsOf(renewed) || {}),
      (e) => {
        // Refused: signed out. Cognito out of reach: the tokens stay, so a reload once online carries on.
        if (auth.isRefusal(e)) auth.signOut();
        renderLogin(auth.isRefusal(e) ? 'sessionExpired' : 'networkError');
      });
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
  if (s) {
    clearTimeout(s.timer);
    stopRealtime();
    destroyHelpers();
  }
  s = null;
  auth.signOut();
  if (alerts) alerts.stop();
}

// ---------------------------------------------------------------------------------------------
// Session and inbox data

function startSession(token, claims) {
  const hotels = auth.hotelsOf(claims);
  const saved = localStorage.getItem(HOTEL_KEY);
  s = {
    token, claims, hotels,
    // Each call sends the latest token; on a 401 one renewal and one retry (a refused refresh token: null).
    api: createApi(config.api_url, auth.currentToken, onUnauthorized,
      () => auth.renew(config).catch((e) => { if (auth.isRefusal(e)) return null; throw e; })),
    hotel: hotels.includes(saved) ? saved : hotels[0],
    info: null, tz: time.browserTimeZone(),
    tab: 'open', counts: null, inbox: null,
    // The list: a tab's (with its assignee filter and, on Open, its order), the Mentions, or a search's results.
    view: 'tab', filter: 'all', sort: 'newest', query: '',
    list: null,
    selected: null, conv: null, messages: null, activity: null, paneFor: null,
    names: loadNames(), drafts: {}, uploads: {}, channels: null, channelsAt: 0, messagesAt: 0,
    timer: null, listSeq: 0, busy: false, holdOpen: false, offline: false,
    agents: null, modes: {}, resumed: {}, helpers: [], settings: false,
    admin: String(claims['custom:role'] || '') === 'admin',
  };
  s.list = emptyList();
  keepSignedIn();
  startNotify();
  renderShell();
  startRealtime();
  if (s.hotel) loadHotel();
}

/** The ID token renewed before it expires, for the whole shift; a refused refresh token ends the session. */
function keepSignedIn() {
  const session = s;
  auth.keepFresh(config, {
    onRenewed: (token) => {
      if (session !== s) return;
      s.token = token;
      s.claims = auth.claimsOf(token) || s.claims;
    },
    onRefused: () => { if (session === s) onUnauthorized(); },
  });
}

// notify.js (as `alerts`: app.js's notify() is its toast), loaded once signed in like realtime.js: the sign-in
// page needs neither, and the first load stays small.
let alerts = null;

/** Notifications and the sound, fed by the real-time events; the header's Alerts control once loaded. */
function startNotify() {
  const session = s;
  loadModule('notify').then((module) => {
    if (!module || session !== s) return; // a missing module: no alerts, the console works as before
    alerts = module;
    beginAlerts(session);
    const slot = $('#prefs-slot');
    if (slot) fill(slot, alerts.prefsControl());
    renderTitle();
  });
}

function beginAlerts(session) {
  alerts.start({
    nameOf: (c) => (session === s ? guestName(c) : t('guest')),
    myId,
    hotel: () => (session === s ? s.hotel : null),
    known: (id) => (session !== s ? null : (s.conv && s.conv.id === id && s.conv) || s.list.items.find((c) => c.id === id) || null),
    showing: (id) => session === s && s.selected === id && !document.hidden && document.hasFocus(),
    open: (id) => { if (session === s) openConversation(id); },
  });
}

/** An empty list of what the session shows now (the view, tab, filter, order or query). */
const emptyList = () => ({
  kind: s.view, tab: s.tab, filter: s.filter, sort: s.sort, q: s.query,
  items: [], next: null, loaded: false, loadingMore: false, error: '',
});

/** One page of a list: the tab's (filtered, ordered), the Mentions', or the search's results (one page). */
function fetchList(list, limit, cursor) {
  if (list.kind === 'mentions') return s.api.mentions(s.hotel, cursor);
  if (list.kind === 'search') {
    return s.api.search(s.hotel, list.q).then((page) => ({ items: page.items || [], next_cursor: null }));
  }
  return s.api.conversations(s.hotel, list.tab, limit, cursor, {
    assignee: team.ASSIGNEE_PARAM[list.filter],
    sort: list.tab === 'open' && list.sort === 'waiting' ? 'waiting' : undefined,
  });
}

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
  await Promise.all([info, refreshCounts(), loadList(), refreshChannels(), loadAgents()]);
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
    s.inbox = inbox;
    s.counts = inbox.tabs;
    renderCounts();
  } catch (e) {
    if (session === s) handleBackgroundError(e);
  }
}

/** The hotel's agents, for the assignee picker and the mentions' completion (once per hotel). */
async function loadAgents() {
  const session = s;
  const hotel = s.hotel;
  try {
    const page = await s.api.agents(hotel);
    if (session !== s || hotel !== s.hotel) return;
    s.agents = page.items || [];
    if (s.conv) renderConvHead();
  } catch (e) {
    if (session === s && e instanceof ApiError && e.status !== 0) s.agents = [];
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

/** The selected list's first page: the one API call a tab (or filter) switch costs. */
async function loadList() {
  const session = s;
  const seq = ++s.listSeq;
  const list = emptyList();
  try {
    const page = await fetchList(list, PAGE);
    if (session !== s || seq !== s.listSeq) return;
    s.list = { ...list, items: page.items || [], next: page.next_cursor || null, loaded: true };
    renderList(true);
  } catch (e) {
    if (session !== s || seq !== s.listSeq) return;
    if (e instanceof ApiError && (e.status === 400 || e.status === 422)) {
      // A search too short or too long: the API's own words, in place of the results.
      s.list = { ...list, loaded: true, error: e.message };
      renderList(true);
      return;
    }
    handleBackgroundError(e);
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
    const page = await fetchList(list, PAGE, list.next);
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
  if (list.error) return list.items;
  const limit = list.kind === 'tab' ? Math.min(MAX_PAGE, Math.max(PAGE, list.items.length)) : PAGE;
  const page = await fetchList(list, limit);
  if (session !== s || seq !== s.listSeq) return null;
  let items = page.items || [];
  let next = page.next_cursor || null;
  if (list.items.length > limit) {
    const fresh = new Set(items.map((c) => c.id));
    items = items.concat(list.items.slice(limit).filter((c) => !fresh.has(c.id)));
    next = list.next;
  }
  const changed = JSON.stringify(items) !== JSON.stringify(list.items) || next !== list.next || !list.loaded;
  s.list = { ...list, items, next, loaded: true, loadingMore: false };
  if (changed) renderList();
  return items;
}

function schedule() {
  if (!s) return;
  clearTimeout(s.timer);
  s.timer = null;
  // Polling only while the socket is down: live, the events bring the changes.
  if (!document.hidden && !live()) s.timer = setTimeout(tick, REFRESH_MS);
}

/** Every few seconds: the counts, the visible list, and the open conversation when it changed. */
async function tick() {
  if (!s || !s.hotel) return;
  const session = s;
  clearTimeout(s.timer);
  s.timer = null;
  s.behind = false;
  try {
    const channels = Date.now() - s.channelsAt >= CHANNELS_REFRESH_MS ? refreshChannels() : null;
    const [inbox, items] = await Promise.all([s.api.inbox(s.hotel), refreshList(), channels]);
    if (session !== s) return;
    s.inbox = inbox;
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

const assigneeId = (c) => (c.assignee ? c.assignee.id : null);
const conversationChanged = (a, b) =>
  a.status !== b.status || a.updated_at !== b.updated_at || a.last_message_at !== b.last_message_at
  || a.hold_until !== b.hold_until || assigneeId(a) !== assigneeId(b)
  || String(a.allowed_actions) !== String(b.allowed_actions);

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
// Real time: the socket's events applied to the counts, the list and the open conversation with no API
// call; polling (tick) only while the socket is down; presence on the open conversation.

const LINKS_CHECK_MS = 60e3;
// realtime.js and presence.js, loaded once signed in (the sign-in page does not need them).
let realtime = null;
let presenceUi = null;

function live() {
  return !!s && !!s.rt && s.rt.state() === 'open';
}

function startRealtime() {
  const session = s;
  Promise.all([loadModule('realtime'), loadModule('presence')]).then(([socketModule, presenceModule]) => {
    if (session !== s || !socketModule || !presenceModule) return; // a module missing: the console polls
    realtime = socketModule;
    presenceUi = presenceModule;
    s.presence = presenceUi.createPresence({
      send: (message) => !!session.rt && session.rt.send(message),
      onChange: (id) => { if (session === s && id === s.selected) showPresence(); },
      me: myId,
    });
    s.presence.view(s.hotel, s.selected); // a conversation opened while the modules loaded
    if (!config.realtime_url) return; // no socket configured: the console polls, as before
    app.dataset.realtime = 'connecting';
    s.rt = realtime.connect({
      url: config.realtime_url,
      token: () => (typeof auth.currentToken === 'function' && auth.currentToken()) || session.token,
      onEvent: (event) => { if (session === s) realtimeEvent(event); },
      onState: (state) => { if (session === s) realtimeState(state); },
    });
    // Attachment links lapse: while live nothing re-reads the messages, so an open conversation with files does.
    s.linksTimer = setInterval(() => {
      if (session === s && live() && s.conv && s.messages && linksAgeing()) reloadMessages().catch(() => {});
    }, LINKS_CHECK_MS);
  });
}

function stopRealtime() {
  if (s.presence) s.presence.stop();
  if (s.rt) s.rt.close();
  clearInterval(s.linksTimer);
  delete app.dataset.realtime;
}

/** "open": one catch-up refresh of what is shown (what changed while down), then "live"; "down": polling. */
async function realtimeState(state) {
  app.dataset.realtime = state;
  if (state === 'down') {
    if (!s.timer) schedule(); // a retry does not push back a refresh already due
    return;
  }
  if (state !== 'open') return;
  clearTimeout(s.timer);
  s.timer = null;
  s.presence.resend();
  if (!s.hotel) return;
  if (document.hidden) {
    s.behind = true; // caught up when the console is in view again
    return;
  }
  const session = s;
  await tick();
  if (session === s && live()) app.dataset.realtime = 'live';
}

/** One event from the socket, applied to this hotel's view; then handed to the subscribers
 * (realtime.subscribe: notifications…) with the conversation as known before it. */
function realtimeEvent(event) {
  const here = event.hotel_id === s.hotel;
  let previous = null;
  if (here && event.type === 'conversation' && event.conversation && typeof event.conversation.id === 'string') {
    previous = applyConversation(event.conversation);
  } else if (here && event.type === 'message' && event.message && typeof event.message.id === 'string') {
    applyMessage(event.conversation_id, event.message);
  } else if (here && event.type === 'counts' && event.tabs && typeof event.tabs === 'object') {
    s.inbox = { ...(s.inbox || {}), tabs: event.tabs,
      ...(event.mine && { mine: event.mine }), ...(event.unassigned && { unassigned: event.unassigned }) };
    s.counts = event.tabs;
    renderCounts();
  } else if (here && event.type === 'presence') {
    s.presence.receive(event);
  }
  realtime.publish(event, { here, previous, me: myId() });
}

function applyConversation(c) {
  const previous = (s.conv && s.conv.id === c.id && s.conv) || s.list.items.find((x) => x.id === c.id) || null;
  if (s.list.loaded && !s.list.error) {
    const items = realtime.placeConversation(s.list, c, myId());
    if (items) {
      s.list = { ...s.list, items };
      renderList();
    }
  }
  if (s.conv && s.conv.id === c.id) {
    const before = s.conv;
    s.conv = { ...before, ...c };
    renderConvHead();
    updateComposer(s.busy);
    // The timeline is not pushed: read again when the conversation moved (not for a message).
    if (before.status !== c.status || assigneeId(before) !== assigneeId(c) || before.hold_until !== c.hold_until) {
      reloadActivity(c.id);
    }
    if (c.unread) markRead(c.id);
  }
  return previous;
}

function applyMessage(conversationId, message) {
  if (!s.conv || s.conv.id !== conversationId || !s.messages) return;
  const items = realtime.placeMessage(s.messages.items, message, !!s.messages.next);
  if (!items) return;
  s.messages = { ...s.messages, items };
  renderMessages();
}

async function reloadActivity(id) {
  const session = s;
  try {
    const page = await s.api.activity(s.hotel, id, ACTIVITY_PAGE);
    if (session !== s || !s.conv || s.conv.id !== id) return;
    s.activity = { items: page.items, next: page.next_cursor };
    renderDetails();
  } catch (e) {
    if (session === s) handleBackgroundError(e);
  }
}

function showPresence() {
  if (s && s.presence && presenceUi) presenceUi.renderPresence($('#presence'), s.selected ? s.presence.on(s.selected) : []);
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
  s.receipt = null;
  if (s.settings) {
    s.settings = false;
    renderHeader();
  }
  renderList();
  renderConversation();
  await loadConversation(id, { opening: true });
}

/** Marks it read for this agent (opening it, or a guest message or note arriving while it is open). */
async function markRead(id) {
  const session = s;
  const known = (c) => { if (c.id === id) c.unread = false; };
  s.list.items.forEach(known);
  if (s.conv && s.conv.id === id) s.conv.unread = false;
  renderList();
  try {
    await s.api.read(s.hotel, id);
  } catch (e) {
    if (session === s) handleBackgroundError(e);
  }
}

async function loadConversation(id, { quiet = false, opening = false } = {}) {
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
    if (opening || conv.unread) markRead(id);
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

/** Whether the open conversation allows `action` now: the server's `allowed_actions`, nothing else. */
const permits = (action) => !!s && !!s.conv && Array.isArray(s.conv.allowed_actions) && s.conv.allowed_actions.includes(action);
const allowed = (action) => permits(action) && !s.busy;
const myId = () => (s && s.claims.sub) || '';

/** Runs one action; a refusal is explained, and either way the view is refreshed from the API. */
async function act(action, until) {
  if (!s || !s.conv || s.busy) return;
  const session = s;
  const id = s.conv.id;
  s.busy = true;
  s.holdOpen = false;
  renderConvHead();
  try {
    const path = ACTION_PATHS[action] || action;
    const result = action === 'hold'
      ? await s.api.hold(s.hotel, id, time.isoUtc(until))
      : await s.api.action(s.hotel, id, path);
    if (session !== s) return;
    if (s.conv && s.conv.id === id) s.conv = { ...s.conv, ...result };
    notify(t(`done_${path}`, { time: until ? time.longTime(until, locale(), s.tz) : '' }));
  } catch (e) {
    if (session !== s) return;
    explain(e);
  } finally {
    await settle(session, id);
  }
}

/** After an action (done or refused): the pane and the counts read again, focus kept where it was. */
async function settle(session, id) {
  if (session !== s) return;
  s.busy = false;
  renderConvHead();
  await Promise.all([loadConversation(id, { quiet: true }), tick()]);
  keepFocus();
}

/** Assigns the open conversation (null: nobody); a lost race says who has it now, and the view reloads. */
async function assign(agentId) {
  if (!s || !s.conv || s.busy || !permits('assign')) return;
  const id = s.conv.id;
  if ((assigneeId(s.conv) || '') === (agentId || '')) return;
  const session = s;
  s.busy = true;
  renderConvHead();
  try {
    const result = await s.api.assign(s.hotel, id, agentId || null);
    if (session !== s) return;
    if (s.conv && s.conv.id === id) s.conv = { ...s.conv, ...result };
    const now = result && result.assignee;
    notify(now ? t('done_assign', { name: now.id === myId() ? t('you') : now.name || now.id }) : t('done_unassign'));
  } catch (e) {
    if (session !== s) return;
    if (e instanceof ApiError && e.status === 409 && 'assignee' in e.body) {
      const now = e.body.assignee;
      notify(now ? t('takenBy', { name: now.name || now.id }) : t('takenByNobody'), 'error');
    } else {
      explain(e);
    }
  } finally {
    await settle(session, id);
  }
}

const mode = (id) => (s.modes[id] === 'note' ? 'note' : 'reply');

/** Reply or internal note: the composer's mode for the open conversation. */
function setMode(next, focus = false) {
  if (!s || !s.conv) return;
  s.modes[s.conv.id] = next;
  updateComposer(false);
  const textarea = $('#composer');
  if (focus && textarea && !textarea.disabled) textarea.focus();
}

/** "Start replying brings it back": the first keystroke of a reply on a held conversation resumes it
 * (once per hold); the reply itself is sent as before. */
async function resumeOnTyping(id) {
  if (!s || !s.conv || s.conv.id !== id || s.conv.status !== 'on_hold' || !permits('resume')) return;
  if (mode(id) !== 'reply') return;
  const key = `${id}|${s.conv.hold_until || ''}`;
  if (s.resumed[key]) return;
  s.resumed[key] = true;
  const session = s;
  try {
    const result = await s.api.resume(s.hotel, id);
    if (session !== s) return;
    if (s.conv && s.conv.id === id) {
      s.conv = { ...s.conv, ...result };
      renderConvHead();
      updateComposer(s.busy);
    }
  } catch (e) {
    if (session !== s) return;
    if (!(e instanceof ApiError)) throw e;
    if (e.status === 0) delete s.resumed[key]; // not reached: the next keystroke tries again
    else if (e.status !== 401 && e.status !== 409) explain(e); // 409: no longer on hold; the refresh shows why
  }
  if (session === s) await Promise.all([loadConversation(id, { quiet: true }), tick()]);
}

function composerInput(event) {
  if (!s || !s.paneFor) return;
  const id = s.paneFor;
  s.drafts[id] = event.target.value;
  if (s.presence) s.presence.typing();
  resumeOnTyping(id);
}

async function sendNote(textarea) {
  const text = textarea.value;
  const id = s.conv.id;
  if (!text.trim() || !permits('note')) return;
  const session = s;
  const completer = s.helpers.find((x) => x.kind === 'mentions');
  const mentions = completer && typeof completer.handle.mentions === 'function' ? completer.handle.mentions() || [] : [];
  s.busy = true;
  renderConvHead();
  updateComposer(true);
  setComposerError('');
  try {
    await s.api.note(s.hotel, id, text, [...new Set(mentions)]);
    if (session !== s) return;
    if (s.drafts[id] === text || textarea.value === text) {
      textarea.value = '';
      delete s.drafts[id];
    }
    notify(t('done_note'));
  } catch (e) {
    if (session !== s) return;
    if (e instanceof ApiError && (e.status === 400 || e.status === 422)) setComposerError(e.message);
    else explain(e);
  } finally {
    if (session === s) {
      s.busy = false;
      renderConvHead();
      updateComposer(false);
      await Promise.all([loadConversation(id, { quiet: true }), tick()]);
    }
  }
}

async function sendReply(textarea) {
  if (!s || !s.conv || s.busy) return;
  if (mode(s.conv.id) === 'note') {
    await sendNote(textarea);
    return;
  }
  if (!permits('reply')) return;
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
  if (!s || !s.conv || !permits('reply') || mode(s.conv.id) === 'note' || s.busy) return;
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
  }, h('div', { class: 'list-tools', id: 'list-tools' }), h('div', { class: 'list-body', id: 'list-body' }));
  const pane = h('section', { id: 'pane', class: 'pane', 'aria-label': t('messages') });
  fill(app, header, offline, tablist, h('main', { class: 'workspace', id: 'workspace' }, listPanel, pane), notice);
  renderHeader();
  renderTools();
  renderCounts();
  renderList(true);
  s.paneFor = undefined;
  renderConversation();
}

/** Above the list: the search box, whose conversations (All / Mine / Unassigned, Mentions), Open's order. */
function renderTools() {
  const tools = $('#list-tools');
  if (!tools || !s) return;
  const search = h('input', {
    type: 'search', id: 'search', class: 'search', 'aria-label': t('search'), placeholder: t('searchPlaceholder'),
    autocomplete: 'off', spellcheck: 'false', maxlength: '500', props: { value: s.query },
    onkeydown: (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        runSearch(e.target.value);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        e.target.value = '';
        if (s.view === 'search') showTab();
      }
    },
    oninput: (e) => { if (!e.target.value && s.view === 'search') showTab(); },
  });
  const sort = s.view === 'tab' && s.tab === 'open' && h('label', { class: 'sort-picker' },
    h('span', { class: 'sort-label' }, t('sort')),
    h('select', { id: 'sort', onchange: (e) => setSort(e.target.value) },
      SORTS.map((value) => h('option', { value, props: { selected: value === s.sort } }, t(`sort_${value}`)))));
  const focused = document.activeElement && tools.contains(document.activeElement) && document.activeElement;
  const focusKey = focused && (focused.id ? `#${focused.id}` : focused.dataset.assignee
    ? `[data-assignee="${focused.dataset.assignee}"]` : focused.dataset.view && `[data-view="${focused.dataset.view}"]`);
  fill(tools,
    h('form', { class: 'search-form', role: 'search', onsubmit: (e) => e.preventDefault() }, search),
    h('div', { class: 'list-filters' },
      team.filterBar({ filter: s.filter, view: s.view, onFilter: setFilter, onMentions: showMentions }),
      sort));
  if (focusKey) {
    const again = tools.querySelector(focusKey);
    if (again) again.focus();
  }
}

/** Shows another list (its first page is the one call this costs) and restarts the refresh period. */
function switchList(changes) {
  Object.assign(s, changes);
  s.list = emptyList();
  $('#tabpanel').setAttribute('aria-labelledby', `tab-${s.tab}`);
  renderTools();
  renderCounts();
  renderList(true);
  loadList();
  schedule();
}

function setFilter(filter) {
  if (!s || (filter === s.filter && s.view === 'tab')) return;
  switchList({ view: 'tab', filter, query: '' });
}

function setSort(sort) {
  if (!s || !SORTS.includes(sort) || sort === s.sort) return;
  switchList({ sort });
}

function showMentions() {
  if (!s) return;
  if (s.view === 'mentions') switchList({ view: 'tab' });
  else switchList({ view: 'mentions', query: '' });
}

/** Back from the Mentions or a search to the tab's list. */
function showTab() {
  if (!s || s.view === 'tab') return;
  switchList({ view: 'tab', query: '' });
}

function runSearch(value) {
  if (!s) return;
  const q = value.trim();
  if (!q) {
    showTab();
    return;
  }
  switchList({ view: 'search', query: q });
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
    s.admin && s.hotel && h('button', {
      type: 'button', class: 'ghost screen-button', id: 'reports-button', dataset: { view: 'reports' },
      'aria-pressed': String(s.settings === 'reports'), onclick: () => showSettings('reports'),
    }, t('reports')),
    s.admin && s.hotel && h('button', {
      type: 'button', class: 'ghost screen-button', id: 'settings-button', dataset: { view: 'settings' },
      'aria-pressed': String(s.settings === 'settings'), onclick: () => showSettings('settings'),
    }, t('settings')),
    h('span', { id: 'prefs-slot' }, alerts && alerts.prefsControl()),
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
    hotel, info: null, tz: time.browserTimeZone(), counts: null, inbox: null, channels: null, agents: null,
    selected: null, conv: null, messages: null, activity: null, listSeq: s.listSeq + 1,
    view: s.view === 'search' ? 'tab' : s.view, query: '', settings: false, receipt: null, guestData: null,
  });
  s.list = emptyList();
  renderShell();
  loadHotel();
}

function renderCounts() {
  if (!s || !s.hotel) return;
  for (const tab of TABS) {
    const el = $(`#count-${tab}`);
    const n = team.countFor(s.inbox, s.filter, tab);
    if (el) el.textContent = n === null ? '' : String(n);
  }
  renderTitle();
}

/** The browser tab's title: how many of the hotel's conversations are Open, "(3) Lobby". */
function renderTitle() {
  const open = s && s.hotel && s.inbox && s.inbox.tabs ? s.inbox.tabs.open : 0;
  if (alerts) alerts.title(open);
  else document.title = open > 0 ? `(${open}) ${t('appName')}` : t('appName');
}

function selectTab(tab, focus = false) {
  if (!s || !TABS.includes(tab)) return;
  for (const el of document.querySelectorAll('[role="tab"]')) {
    const selected = el.dataset.tab === tab;
    el.setAttribute('aria-selected', String(selected));
    el.tabIndex = selected ? 0 : -1;
    if (selected && focus) el.focus();
  }
  if (tab === s.tab && s.view === 'tab') return;
  // The next refresh comes a full period later: the switch itself costs one call.
  switchList({ tab, view: 'tab', query: '' });
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
  const panel = $('#list-body');
  if (!panel || !s) return;
  renderTitle();
  const focusedId = document.activeElement && document.activeElement.closest
    && document.activeElement.closest('.conv-item') && document.activeElement.dataset.id;
  const scroller = $('.conv-list', panel);
  const scroll = scroller ? scroller.scrollTop : 0;
  const { items, loaded, next, loadingMore, kind, error } = s.list;
  let body;
  if (!loaded) body = h('p', { class: 'placeholder' }, t('loading'));
  else if (error) body = h('p', { class: 'placeholder empty search-error', id: 'search-error', role: 'alert' }, error);
  else if (!items.length) {
    body = h('p', { class: 'placeholder empty' }, kind === 'search' ? t('searchEmpty', { q: s.list.q })
      : kind === 'mentions' ? t('empty_mentions') : s.list.filter === 'all' ? t(`empty_${s.list.tab}`) : t(`emptyFilter_${s.list.filter}`));
  } else {
    body = h('ul', { class: 'conv-list', 'aria-label': t('conversations') }, items.map(listRow),
      next && h('li', { class: 'more' }, h('button', {
        type: 'button', id: 'load-more', class: 'ghost', disabled: loadingMore, onclick: loadMore,
      }, loadingMore ? t('loading') : t('loadMore'))));
  }
  const caption = kind === 'search'
    ? h('p', { class: 'list-caption', id: 'list-caption' }, h('span', {}, t('searchResults', { q: s.list.q })),
      h('button', { type: 'button', class: 'ghost', id: 'search-clear', onclick: () => { const box = $('#search'); if (box) box.value = ''; showTab(); } }, t('searchClear')))
    : kind === 'mentions' && h('p', { class: 'list-caption', id: 'list-caption' }, t('mentionsTitle'));
  fill(panel, caption, body);
  const newScroller = $('.conv-list', panel);
  if (newScroller && !force) newScroller.scrollTop = scroll;
  if (focusedId) {
    const again = panel.querySelector(`.conv-item[data-id="${CSS.escape(focusedId)}"]`);
    if (again) again.focus();
  }
  app.classList.toggle('has-conversation', !!s.selected || !!s.settings);
}

function listRow(c) {
  const when = c.last_message_at;
  const marks = team.rowMarks(c, myId());
  const due = team.dueBadge(c, c.reply_due_at && t('dueTitle', { time: time.longTime(c.reply_due_at, locale(), s.tz) }));
  return h('li', {},
    h('button', {
      type: 'button', class: `conv-item status-${c.status}${c.unread ? ' unread' : ''}`,
      dataset: { id: c.id, conversationId: c.id },
      'aria-current': c.id === s.selected ? 'true' : null,
      onclick: () => openConversation(c.id),
    },
    h('span', { class: 'ci-top' },
      marks[0],
      h('span', { class: 'ci-name' }, guestName(c)),
      channelBadge(c.channel),
      h('time', { class: 'ci-time', datetime: when, title: time.longTime(when, locale(), s.tz) },
        time.shortTime(when, locale(), s.tz))),
    h('span', { class: 'ci-preview' }, c.last_message_preview || t('noPreview')),
    (c.status === 'on_hold' && c.hold_until) && h('span', { class: 'ci-hold' },
      h('time', { datetime: c.hold_until }, t('wakesAt', { time: time.longTime(c.hold_until, locale(), s.tz) }))),
    (marks[1] || due) && h('span', { class: 'ci-team' }, marks[1], due),
    (s.list.tab === 'all' || s.list.kind !== 'tab') && statusPill(c.status)));
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
  if (s.presence) s.presence.view(s.hotel, s.selected); // "left" for the one before, "viewing" for this one
  app.classList.toggle('has-conversation', !!s.selected || !!s.settings);
  if (s.settings && !s.selected) {
    if (s.paneFor !== s.settings) {
      destroyHelpers();
      s.paneFor = s.settings;
      renderSettingsPane(pane, s.settings);
    }
    return;
  }
  if (!s.selected) {
    destroyHelpers();
    s.paneFor = null;
    fill(pane, s.receipt || h('p', { class: 'placeholder pick' }, t('pickConversation')));
    return;
  }
  if (s.paneFor !== s.selected) {
    // Built once per conversation: later refreshes update the parts and leave the draft alone.
    destroyHelpers();
    s.paneFor = s.selected;
    const textarea = h('textarea', {
      id: 'composer', rows: '3', 'aria-label': t('reply'), placeholder: t('replyPlaceholder'),
      props: { value: s.drafts[s.selected] || '' },
      oninput: composerInput,
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
    const modeButton = (name, label) => h('button', {
      type: 'button', class: `mode mode-${name}`, dataset: { mode: name }, 'aria-pressed': 'false',
      onclick: () => setMode(name, true),
    }, label);
    const composer = h('form', {
      class: 'composer', id: 'composer-form', 'aria-label': t('reply'),
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
    h('div', { class: 'modes', role: 'group', 'aria-label': t('composeMode') },
      modeButton('reply', t('reply')), modeButton('note', t('modeNote'))),
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
          h('p', { class: 'presence', id: 'presence', role: 'status', 'aria-label': t('presenceLabel'), hidden: true }),
          composer),
        h('aside', { class: 'details', id: 'details' })));
    attachHelpers(textarea, s.selected);
  }
  renderConvHead();
  renderMessages({ first: true });
  renderDetails();
  updateComposer(false);
  renderFiles();
  showPresence();
}

// Console B's composer helpers (mention completion, saved replies) and the admins' settings screen load
// when first needed, so the first load stays small; a missing module leaves the composer as it is.
const modules = {};
function loadModule(name) {
  if (!modules[name]) modules[name] = import(`./${name}.js`).catch(() => null);
  return modules[name];
}

function attachHelpers(textarea, conversationId) {
  const session = s;
  const attach = (kind, make) => (module) => {
    if (!module || session !== s || s.paneFor !== conversationId || !textarea.isConnected) return;
    const handle = make(module);
    if (handle) s.helpers.push({ kind, handle });
  };
  loadModule('notes').then(attach('mentions', (m) => typeof m.attachMentions === 'function'
    // Completion only while writing a note: an "@" in a reply to a guest is just an "@".
    && m.attachMentions(textarea, () => (mode(conversationId) === 'note' ? s.agents || [] : [])))).catch(() => {});
  loadModule('replies').then(attach('replies', (m) => typeof m.attachReplyPicker === 'function'
    && m.attachReplyPicker(textarea, {
      list: () => s.api.replies(s.hotel),
      render: (replyId) => s.api.renderReply(s.hotel, conversationId, replyId),
    }))).catch(() => {});
}

function destroyHelpers() {
  if (!s) return;
  for (const { handle } of s.helpers.splice(0)) {
    try {
      if (handle && typeof handle.destroy === 'function') handle.destroy();
    } catch {
      // a helper that fails to clean up must not keep the next conversation from opening
    }
  }
}

/** The admins' screens in the pane: 'settings' or 'reports' (`s.settings`; false: none); again closes it. */
function showSettings(screen = 'settings') {
  if (!s || !s.admin) return;
  s.receipt = null;
  s.settings = s.settings === screen && !s.selected ? false : screen;
  s.selected = null;
  s.conv = null;
  renderHeader();
  renderList();
  renderConversation();
}

// The Reports screen (reports.js, with charts.js) loads like the settings, when first opened.
const SCREENS = {
  settings: { render: 'renderSettings', title: 'settings', unavailable: 'settingsUnavailable' },
  reports: { render: 'renderReports', title: 'reports', unavailable: 'reportsUnavailable' },
};

function renderSettingsPane(pane, screen = 'settings') {
  const session = s;
  const { render, title, unavailable } = SCREENS[screen];
  const box = h('div', { class: 'settings', id: screen }, h('p', { class: 'placeholder' }, t('loading')));
  fill(pane,
    h('div', { class: 'conv-head settings-head' },
      h('button', { type: 'button', class: 'ghost back', onclick: () => { s.settings = false; renderHeader(); closePane(); } }, '← ', t('back')),
      h('h2', {}, t(title))),
    box);
  loadModule(screen).then((module) => {
    if (session !== s || s.paneFor !== screen || !box.isConnected) return;
    if (module && typeof module[render] === 'function') {
      fill(box);
      module[render](box, { api: s.api, hotelId: s.hotel, t, tz: s.tz });
    } else {
      fill(box, h('p', { class: 'placeholder' }, t(unavailable)));
    }
  });
}

// The toolbar's buttons, in the API's order; only those the conversation's `allowed_actions` lists.
const TOOLBAR = ['reply', 'note', 'resume', 'hold', 'close', 'reopen', 'spam', 'not_spam'];

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
  const button = (action, label, onclick, extra = {}) => h('button', {
    type: 'button', class: `action action-${action}`, dataset: { action }, disabled: !allowed(action),
    onclick, ...extra,
  }, label);
  const tools = {
    reply: () => button('reply', t('reply'), () => setMode('reply', true), { 'aria-keyshortcuts': 'r' }),
    note: () => button('note', t('modeNote'), () => setMode('note', true), { 'aria-keyshortcuts': 'n' }),
    // "resume" is also allowed (as a no-op) on Open: the button only makes sense on hold.
    resume: () => conv.status === 'on_hold' && button('resume', t('resume'), () => act('resume')),
    hold: () => h('div', { class: 'hold-wrap' }, h('button', {
      type: 'button', class: 'action action-hold', id: 'hold-button', dataset: { action: 'hold' },
      'aria-haspopup': 'dialog', 'aria-expanded': String(s.holdOpen), 'aria-controls': 'hold-menu',
      'aria-keyshortcuts': 'h', disabled: !allowed('hold'), onclick: () => toggleHold(!s.holdOpen),
    }, t('hold'), ' ▾'), s.holdOpen && holdMenu()),
    close: () => button('close', t('close'), () => act('close'), { 'aria-keyshortcuts': 'c' }),
    reopen: () => button('reopen', t('reopen'), () => act('reopen')),
    spam: () => button('spam', t('spam'), () => act('spam')),
    not_spam: () => button('not_spam', t('notSpam'), () => act('not_spam')),
  };
  const actions = Array.isArray(conv.allowed_actions) ? conv.allowed_actions : [];
  fill(head,
    h('button', { type: 'button', class: 'ghost back', onclick: closePane }, '← ', t('back')),
    h('div', { class: 'conv-title' },
      h('h2', { id: 'conv-title' }, guestName(conv)),
      channelBadge(conv.channel),
      h('span', { class: `pill status-${conv.status}`, id: 'conv-status', dataset: { status: conv.status } },
        t(`status_${conv.status}`, null, conv.status)),
      conv.reply_due_at && team.dueBadge(conv, t('dueTitle', { time: time.longTime(conv.reply_due_at, locale(), s.tz) }))),
    conv.status === 'on_hold' && conv.hold_until && h('p', { class: 'hold-info', id: 'hold-info' },
      h('time', { datetime: conv.hold_until }, t('onHoldUntil', { time: time.longTime(conv.hold_until, locale(), s.tz) }))),
    assigneeBar(conv),
    h('div', { class: 'actions', role: 'toolbar', 'aria-label': t('actions'), onkeydown: onToolbarKey },
      TOOLBAR.filter((action) => actions.includes(action)).map((action) => tools[action]())));
  if (focusedAction) {
    const again = head.querySelector(focusedAction);
    if (again && !again.disabled) again.focus();
  }
}

/** Who has the conversation: a picker and "Assign to me" when it can be assigned, else the name. */
function assigneeBar(conv) {
  const current = conv.assignee;
  if (!permits('assign')) {
    return current && h('p', { class: 'assignee-bar', id: 'assignee-info' },
      t('assignedTo', { name: current.id === myId() ? t('you') : current.name || current.id }));
  }
  return h('div', { class: 'assignee-bar' },
    team.assigneeSelect(conv, s.agents, { disabled: s.busy, onChange: (value) => assign(value || null) }),
    (!current || current.id !== myId()) && h('button', {
      type: 'button', class: 'action action-assign', id: 'take', dataset: { action: 'assign' },
      'aria-keyshortcuts': 'a', disabled: !allowed('assign'), onclick: () => assign(myId()),
    }, t('take')));
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

const agentName = (id) => {
  const agent = (s.agents || []).find((a) => a.id === id);
  return agent ? agent.name || agent.email : null;
};

/** An internal note: set apart (its label, its colour), never shown as sent or delivered. */
function noteRow(m) {
  const mine = m.agent_id && m.agent_id === myId();
  const who = mine ? t('you') : agentName(m.agent_id) || t('sender_agent');
  const mentioned = (m.mentions || []).map((id) => (id === myId() ? t('you') : agentName(id) || '')).filter(Boolean);
  return h('li', { class: `message note${(m.mentions || []).includes(myId()) ? ' mentions-me' : ''}`, dataset: { id: m.id } },
    h('div', { class: 'bubble' },
      h('p', { class: 'meta' },
        h('span', { class: 'note-label' }, t('noteLabel')),
        h('span', { class: 'who' }, who),
        h('time', { datetime: m.sent_at, title: time.longTime(m.sent_at, locale(), s.tz) }, time.shortTime(m.sent_at, locale(), s.tz))),
      h('p', { class: 'text' }, m.text),
      mentioned.length > 0 && h('p', { class: 'note-mentions' }, t('noteMentions', { names: mentioned.join(', ') }))));
}

function messageRow(m) {
  if (m.internal) return noteRow(m);
  const mine = m.sender === 'agent' && m.agent_id && m.agent_id === s.claims.sub;
  const who = mine ? t('you') : t(`sender_${m.sender}`, null, m.sender);
  const attachments = files.attachmentList(m.attachments);
  return h('li', { class: `message from-${m.sender} ${m.direction}`, dataset: { id: m.id } },
    h('div', { class: 'bubble' },
      h('p', { class: 'meta' },
        h('span', { class: 'who' }, who),
        h('time', { datetime: m.sent_at, title: time.longTime(m.sent_at, locale(), s.tz) }, time.shortTime(m.sent_at, locale(), s.tz)),
        redactedBadge(m)),
      (m.text || !attachments) && h('p', { class: 'text' }, m.text),
      attachments,
      m.direction === 'outbound' && m.delivery && h('p', { class: `delivery delivery-${m.delivery}`, dataset: { delivery: m.delivery } },
        t(`delivery_${m.delivery}`),
        m.delivery === 'failed' && m.delivery_error ? `: ${deliveryReason(m.delivery_error)}` : '')));
}

/** "card number masked" on a message whose text Lobby redacted (its `redactions`). */
const redactedBadge = (m) => m.redactions && m.redactions.length > 0 && h('span', { class: 'badge redacted' }, t('redactedBadge'));

/** A delivery failure's reason: a known code ("code" or "code: detail") in the agent's language, else as written. */
function deliveryReason(reason) {
  const [, code, detail] = /^([a-z_]+)(?::\s*(.*))?$/s.exec(reason) || [];
  if (!code || !has(`deliveryReason_${code}`)) return reason;
  return detail ? `${t(`deliveryReason_${code}`)} (${detail})` : t(`deliveryReason_${code}`);
}

/** The composer follows the conversation's `allowed_actions`: "reply" for replies, "note" for notes. */
function updateComposer(sending) {
  const textarea = $('#composer');
  if (!textarea || !s) return;
  const note = $('#composer-note');
  const send = $('#send');
  const conv = s.conv;
  const noting = !!conv && mode(conv.id) === 'note';
  const can = !!conv && permits(noting ? 'note' : 'reply');
  textarea.disabled = !can || sending;
  send.disabled = !can || sending;
  $('#attach').disabled = noting || !can || sending; // notes carry no files
  send.textContent = sending ? t('sending') : noting ? t('addNote') : t('send');
  textarea.placeholder = noting ? t('notePlaceholder') : t('replyPlaceholder');
  textarea.setAttribute('aria-label', noting ? t('modeNote') : t('reply'));
  const form = $('#composer-form');
  if (form) form.classList.toggle('note-mode', noting);
  for (const button of document.querySelectorAll('#composer-form [data-mode]')) {
    const pressed = button.dataset.mode === (noting ? 'note' : 'reply');
    button.setAttribute('aria-pressed', String(pressed));
    button.disabled = !conv || !permits(button.dataset.mode) || sending;
  }
  let text = '';
  if (noting) text = t('noteHint');
  else if (conv && !can && conv.status === 'spam') text = t('replySpam');
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
        : h('p', { class: 'muted' }, t('noReservation')),
      guestDataSlot()),
    h('section', { class: 'activity', 'aria-labelledby': 'activity-title' },
      h('h3', { id: 'activity-title' }, t('activity')),
      s.activity && s.activity.items.length
        ? h('ol', { class: 'timeline', id: 'timeline' }, s.activity.items.map(activityRow))
        : h('p', { class: 'muted' }, s.activity ? t('noActivity') : t('loading')),
      s.activity && s.activity.next && h('button', { type: 'button', class: 'ghost', onclick: () => loadOlder('activity') }, t('moreActivity'))));
}

/** Admins: Export / Erase for the guest (guest_data.js, loaded when first needed), one element per guest. */
function guestDataSlot() {
  const contactId = s.admin && s.conv && s.conv.contact_id;
  if (!contactId) return null;
  const key = `${s.hotel}/${contactId}`;
  if (s.guestData && s.guestData.key === key) return s.guestData.el;
  const el = h('div', { class: 'guest-data', id: 'guest-data', dataset: { contactId } });
  s.guestData = { key, el };
  const session = s;
  const hotel = s.hotel;
  loadModule('guest_data').then((module) => {
    if (!module || session !== s || !s.guestData || s.guestData.el !== el) return;
    module.renderGuestData(el, {
      api: s.api, hotelId: hotel, contactId, guestName: s.conv ? guestName(s.conv) : '', t,
      onErased: (receipt) => { if (session === s && hotel === s.hotel) guestErased(contactId, receipt, module); },
    });
  });
  return el;
}

/** Erased: the guest's conversations (and names kept) go, the pane shows the receipt, counts and list are read. */
function guestErased(contactId, receipt, module) {
  const gone = new Set(s.list.items.filter((c) => c.contact_id === contactId).map((c) => c.id));
  if (s.conv) gone.add(s.conv.id);
  s.list = { ...s.list, items: s.list.items.filter((c) => !gone.has(c.id)) };
  for (const id of gone) delete s.names[id];
  sessionStorage.setItem(NAMES_KEY, JSON.stringify(s.names));
  Object.assign(s, { guestData: null, selected: null, conv: null, messages: null, activity: null });
  s.receipt = module.receiptView(receipt, { t, tz: s.tz });
  renderList();
  renderConversation();
  tick();
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
  // Assignments: who has it now (and who had it) in place of the unchanged status.
  const named = (who) => (who && typeof who === 'object' ? (who.id === myId() ? t('you') : who.name || who.id) : '');
  const handover = [named(details.assignee) && t('detail_assignee', { name: named(details.assignee) }),
    named(details.previous) && t('detail_previous', { name: named(details.previous) })].filter(Boolean).join(' · ');
  return h('li', { class: `event event-${/^[a-z_]+$/.test(a.type) ? a.type : 'other'}`, dataset: { type: a.type } },
    h('p', { class: 'what' }, h('strong', {}, what), (handover || statuses) && h('span', { class: 'transition' }, handover || statuses)),
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
    [key('r'), t('sc_reply')], [key('n'), t('sc_note')], [key('/'), t('sc_saved')], [key('a'), t('sc_take')],
    [key('Ctrl', 'Enter'), t('sc_send')], [key('c'), t('sc_close')],
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
  if ($('#help, dialog[open]')) return; // a dialog (the help, the erase's confirmation) handles its own keys
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
    if (s.conv && permits('reply')) {
      event.preventDefault();
      setMode('reply', true);
    }
  } else if (key === 'n') {
    if (s.conv && permits('note')) {
      event.preventDefault();
      setMode('note', true);
    }
  } else if (key === '/') {
    // The saved replies: "/" typed in the reply, which opens the picker.
    if (!s.conv || !permits('reply')) return;
    event.preventDefault();
    setMode('reply', true);
    const composer = $('#composer');
    if (!composer || composer.disabled) return;
    composer.focus();
    const end = composer.value.length;
    composer.setRangeText(end && !/\s$/.test(composer.value) ? ' /' : '/', end, end, 'end');
    composer.dispatchEvent(new Event('input', { bubbles: true }));
  } else if (key === 'a') {
    if (allowed('assign') && assigneeId(s.conv) !== myId()) {
      event.preventDefault();
      assign(myId());
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
