// What calls the agent back to the console: a browser notification (once the browser allows it) and an
// optional short sound, when a conversation enters Open or a guest writes in a conversation assigned to
// the agent; and the Open count in the page's title, "(3) Lobby". Fed by the real-time events (realtime.js);
// both toggles are the agent's choice, remembered by this browser (localStorage), off until chosen.

import { h } from './dom.js';
import { lang, t } from './i18n.js';
import { subscribe } from './realtime.js';

const NOTIFY_KEY = 'lobby.notify';
const SOUND_KEY = 'lobby.sound';
const FRESH_MS = 60e3; // a conversation never seen before is new when created since sign-in or this recently
const BODY_MAX = 140;

const supported = () => typeof window.Notification === 'function';

let session = null; // {nameOf, myId, open, showing}: what the signed-in console tells about itself
const statuses = new Map(); // conversation id -> last status seen in an event
const assignees = new Map(); // conversation id -> assignee id (or null)
const conversations = new Map(); // conversation id -> the latest conversation seen in an event
const shown = new Map(); // conversation id -> the Notification on screen for it
const heard = new Set(); // guest message ids already counted (events come at least once, and again on a change)
let pending = null; // {entered: Set, wrote: Map(id -> message)}: the events of one frame, decided together
let audio = null;

// ---------------------------------------------------------------------------------------------
// Preferences

export const notificationsOn = () => localStorage.getItem(NOTIFY_KEY) === 'on'
  && supported() && Notification.permission === 'granted';
export const soundOn = () => localStorage.getItem(SOUND_KEY) === 'on';

/** Turns notifications on (asking the browser's permission first) or off; resolves to whether they are on. */
export async function setNotifications(on) {
  if (!on) {
    localStorage.setItem(NOTIFY_KEY, 'off');
    return false;
  }
  if (!supported()) return false;
  let permission = Notification.permission;
  if (permission === 'default') {
    try {
      permission = await Notification.requestPermission();
    } catch {
      permission = 'denied';
    }
  }
  localStorage.setItem(NOTIFY_KEY, permission === 'granted' ? 'on' : 'off');
  return permission === 'granted';
}

export function setSound(on) {
  localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
  if (on) {
    unlockAudio();
    beep();
  }
}

let control = null; // the header's control: kept across the header's renders (open stays open)

/** The header's small preferences control (every agent): the two toggles, with what the browser allows. */
export function prefsControl() {
  if (control && control.dataset.lang === lang()) {
    const boxes = { 'pref-notify': notificationsOn(), 'pref-sound': soundOn() };
    for (const [id, on] of Object.entries(boxes)) {
      const box = control.querySelector(`#${id}`);
      if (box && !box.disabled) box.checked = on;
    }
    return control;
  }
  const hint = h('p', { class: 'prefs-hint', id: 'prefs-hint', role: 'status' });
  const explain = () => {
    hint.textContent = !supported() ? t('notifyUnsupported')
      : Notification.permission === 'denied' ? t('notifyBlocked') : '';
  };
  const notifyBox = h('input', {
    type: 'checkbox', id: 'pref-notify', props: { checked: notificationsOn(), disabled: !supported() },
    onchange: async (event) => {
      const box = event.target;
      box.disabled = true;
      box.checked = await setNotifications(box.checked);
      box.disabled = !supported();
      explain();
    },
  });
  const soundBox = h('input', {
    type: 'checkbox', id: 'pref-sound', props: { checked: soundOn() },
    onchange: (event) => setSound(event.target.checked),
  });
  explain();
  control = h('details', { class: 'prefs', id: 'prefs', dataset: { lang: lang() } },
    h('summary', { class: 'ghost', id: 'prefs-button', title: t('prefsTitle') }, t('prefs')),
    h('div', { class: 'prefs-panel', role: 'group', 'aria-label': t('prefsTitle') },
      h('label', { class: 'pref' }, notifyBox, ' ', t('prefNotify')),
      h('label', { class: 'pref' }, soundBox, ' ', t('prefSound')),
      hint));
  return control;
}

// ---------------------------------------------------------------------------------------------
// The page's title

/** "(N) Lobby" while N conversations are Open (N > 0), else "Lobby". */
export function title(openCount) {
  const n = Number.isInteger(openCount) && openCount > 0 ? openCount : 0;
  document.title = n ? `(${n}) ${t('appName')}` : t('appName');
}

// ---------------------------------------------------------------------------------------------
// Events

/**
 * Starts watching for a signed-in session: `nameOf(conversation)` the guest's name, `myId()` the agent's
 * id, `hotel()` the hotel on screen, `known(id)` a conversation the console shows (or null), `open(id)`
 * shows a conversation (a notification clicked), `showing(id)` whether the agent has it on screen now
 * (then no notification: they see it).
 */
export function start(hooks) {
  stop();
  session = { startedAt: Date.now(), ...hooks };
}

/** Signed out: nothing more is raised, what is on screen is closed and what was seen is forgotten. */
export function stop() {
  session = null;
  pending = null;
  statuses.clear();
  assignees.clear();
  conversations.clear();
  heard.clear();
  for (const n of shown.values()) n.close();
  shown.clear();
}

/**
 * One real-time event (docs/api.md "Real time"), after the console applied it; `context.previous`: the
 * conversation as the console knew it before (its list or its open conversation), or null. The events of
 * one frame are decided together, after it.
 */
export function handle(event, context = {}) {
  if (!session || !event || typeof event !== 'object') return;
  // The socket carries every hotel of the agent: only the one on screen calls them (its list, its names).
  if (event.hotel_id !== undefined && event.hotel_id !== session.hotel()) return;
  if (event.type === 'conversation' && event.conversation && typeof event.conversation.id === 'string') {
    const c = event.conversation;
    const known = context.previous && typeof context.previous.status === 'string' ? context.previous.status : undefined;
    const before = known ?? statuses.get(c.id);
    statuses.set(c.id, c.status);
    assignees.set(c.id, c.assignee ? c.assignee.id : null);
    conversations.set(c.id, c);
    if (c.status !== 'open' || before === 'open') return;
    // Seen in another status before: it enters Open now. Never seen: new if it was created lately (a guest
    // message in it is seen below), since an old one may have been Open all along.
    const created = Date.parse(c.created_at);
    const fresh = created >= Math.min(session.startedAt, Date.now() - FRESH_MS);
    if (before !== undefined || fresh) queue().entered.add(c.id);
    else queue().maybe.add(c.id);
  } else if (event.type === 'message' && event.message && typeof event.conversation_id === 'string') {
    const m = event.message;
    if (m.sender !== 'guest' || m.direction !== 'inbound' || m.internal || heard.has(m.id)) return;
    heard.add(m.id);
    queue().wrote.set(event.conversation_id, m);
  }
}

function queue() {
  if (!pending) {
    pending = { entered: new Set(), maybe: new Set(), wrote: new Map() };
    // A frame's events arrive in one go (messages, then conversations, then counts): decided once they all are.
    setTimeout(flush, 0);
  }
  return pending;
}

function flush() {
  const batch = pending;
  pending = null;
  if (!session || !batch) return;
  const me = session.myId();
  const calls = [];
  for (const id of new Set([...batch.entered, ...batch.maybe, ...batch.wrote.keys()])) {
    const message = batch.wrote.get(id);
    // Never seen before but a guest just wrote in it: it came to Open with that message.
    const entered = batch.entered.has(id) || (batch.maybe.has(id) && !!message);
    const known = session.known(id);
    const assignee = assignees.has(id) ? assignees.get(id) : known && known.assignee ? known.assignee.id : null;
    const mine = !!message && !!me && assignee === me;
    if (!entered && !mine) continue;
    if (session.showing(id)) continue;
    calls.push({ id, entered, message });
  }
  if (!calls.length) return;
  if (soundOn()) beep();
  if (notificationsOn()) for (const call of calls) raise(call);
}

function raise({ id, entered, message }) {
  const conversation = conversations.get(id) || session.known(id) || { id };
  const name = session.nameOf(conversation);
  const text = message ? message.text : conversation.last_message_preview;
  const body = String(text || '').slice(0, BODY_MAX);
  let n;
  try {
    n = new Notification(entered ? t('notifyOpen', { name }) : t('notifyMessage', { name }), {
      body, tag: `lobby-${id}`, lang: document.documentElement.lang || undefined,
    });
  } catch {
    return; // a browser that only notifies from a service worker (Android): the sound and the title remain
  }
  const previous = shown.get(id);
  if (previous && previous !== n) previous.close();
  shown.set(id, n);
  const hooks = session;
  n.onclick = () => {
    window.focus();
    n.close();
    if (hooks === session) hooks.open(id);
  };
  n.onclose = () => { if (shown.get(id) === n) shown.delete(id); };
}

// ---------------------------------------------------------------------------------------------
// Sound: a short two-note chime made by WebAudio (no file to load).

function unlockAudio() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return null;
  if (!audio) {
    try {
      audio = new Context();
    } catch {
      return null;
    }
  }
  // Browsers start audio only after a gesture: the toggle's click, or any click in the console.
  if (audio.state === 'suspended') audio.resume().catch(() => {});
  return audio;
}

function beep() {
  const ctx = unlockAudio();
  if (!ctx) return;
  const at = ctx.currentTime + 0.02;
  for (const [offset, frequency] of [[0, 880], [0.16, 1320]]) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, at + offset);
    gain.gain.exponentialRampToValueAtTime(0.2, at + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + offset + 0.25);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at + offset);
    osc.stop(at + offset + 0.3);
  }
}

subscribe(handle);

if (typeof document !== 'undefined') {
  document.addEventListener('pointerdown', () => { if (soundOn()) unlockAudio(); }, { capture: true, passive: true });
  // The Alerts panel closes on a click elsewhere or Escape, as a menu does.
  document.addEventListener('click', (event) => {
    if (control && control.open && !control.contains(event.target)) control.open = false;
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && control && control.open) {
      control.open = false;
      control.querySelector('summary').focus();
    }
  });
}
