// The console's WebSocket (docs/api.md, "Real time"): JSON frames in, batches unwrapped; reconnects with
// backoff (1 s doubling to 30 s, with jitter) and the current ID token; a keep-alive, since API Gateway
// closes a socket idle for 10 minutes.

const MIN_DELAY_MS = 1000;
const MAX_DELAY_MS = 30e3;
const PING_MS = 5 * 60e3;
const CONNECT_TIMEOUT_MS = 15e3;
const STABLE_MS = 10e3; // open this long, a later drop starts again from 1 s

// Every event (after the console applied it), for the parts that react to them (notifications…).
const listeners = new Set();

/** `listener(event, context)` for every event the console receives; returns the unsubscribe function. */
export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Hands one event to the subscribers; one subscriber's failure does not keep the others from theirs. */
export function publish(event, context = {}) {
  for (const listener of [...listeners]) {
    try {
      listener(event, context);
    } catch (error) {
      console.error('realtime listener failed', error);
    }
  }
}

/** The events of one text frame: an event, or a batch's events; [] for anything else. */
export function eventsOf(text) {
  let frame;
  try {
    frame = JSON.parse(text);
  } catch {
    return [];
  }
  if (!frame || typeof frame !== 'object') return [];
  if (frame.type === 'batch') return Array.isArray(frame.events) ? frame.events.filter((e) => e && typeof e === 'object') : [];
  return typeof frame.type === 'string' ? [frame] : [];
}

/** The wait before the next attempt (attempt 0, 1, 2…): 1 s doubling up to 30 s, between half and all of it. */
export function backoff(attempt, random = Math.random) {
  const cap = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** attempt);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/**
 * Opens the socket and keeps it open until close(). `token()` gives the current ID token at each attempt.
 * `onEvent(event)` per event; `onState(state)` with "connecting", "open", "down" (waiting to retry) or "closed".
 * Returns { send(object) -> bool, close(), state() }.
 */
export function connect({ url, token, onEvent, onState = () => {} }) {
  let socket = null;
  let state = 'closed';
  let attempt = 0;
  let openedAt = 0;
  let retryTimer = null;
  let pingTimer = null;
  let connectTimer = null;
  let stopped = false;

  const setState = (next) => {
    if (state === next) return;
    state = next;
    onState(next);
  };

  function open() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (stopped) return;
    const current = token();
    if (!current) {
      retry();
      return;
    }
    setState('connecting');
    let ws;
    try {
      ws = new WebSocket(`${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(current)}`);
    } catch {
      retry();
      return;
    }
    socket = ws;
    // A handshake that hangs (a half-open network) is given up, and tried again.
    connectTimer = setTimeout(() => { if (socket === ws && ws.readyState === WebSocket.CONNECTING) ws.close(); }, CONNECT_TIMEOUT_MS);
    ws.onopen = () => {
      if (socket !== ws) return;
      clearTimeout(connectTimer);
      openedAt = Date.now();
      clearInterval(pingTimer);
      pingTimer = setInterval(() => send({ action: 'ping' }), PING_MS);
      setState('open');
    };
    ws.onmessage = (message) => {
      if (socket !== ws || typeof message.data !== 'string') return;
      for (const event of eventsOf(message.data)) {
        try {
          onEvent(event);
        } catch (error) {
          console.error('realtime event failed', event.type, error);
        }
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      clearTimeout(connectTimer);
      clearInterval(pingTimer);
      if (openedAt && Date.now() - openedAt >= STABLE_MS) attempt = 0;
      openedAt = 0;
      retry();
    };
    ws.onerror = () => {}; // a close follows, which retries
  }

  function retry() {
    if (stopped) return;
    setState('down');
    clearTimeout(retryTimer);
    retryTimer = setTimeout(open, backoff(attempt));
    attempt += 1;
  }

  function send(message) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    try {
      socket.send(JSON.stringify(message));
      return true;
    } catch {
      return false;
    }
  }

  // Back on the network: try now rather than at the end of a long wait.
  const online = () => { if (!stopped && !socket) { attempt = 0; open(); } };
  window.addEventListener('online', online);

  open();
  return {
    send,
    state: () => state,
    close() {
      stopped = true;
      window.removeEventListener('online', online);
      clearTimeout(retryTimer);
      clearTimeout(connectTimer);
      clearInterval(pingTimer);
      const ws = socket;
      socket = null;
      if (ws) {
        try {
          ws.close(1000);
        } catch {
          // already closing
        }
      }
      setState('closed');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Where an event's conversation or message goes in what the console shows (no API call).

// The tabs a status is listed in (inbox.model.tabs_of).
const TABS_OF = { open: ['open', 'all'], on_hold: ['on_hold', 'all'], closed: ['closed', 'all'], spam: ['spam'], bot: ['all'] };

/** Whether the list (a tab's, with its assignee filter) holds `c`; null when the console cannot tell
 * (the Mentions, a search: only rows already shown are updated). */
export function belongs(list, c, me) {
  if (list.kind !== 'tab') return null;
  if (!(TABS_OF[c.status] || []).includes(list.tab)) return false;
  const assignee = c.assignee ? c.assignee.id : null;
  if (list.filter === 'mine') return !!assignee && assignee === me;
  if (list.filter === 'unassigned') return !assignee;
  return true;
}

const at = (value) => {
  const ms = Date.parse(value || '');
  return Number.isFinite(ms) ? ms : 0;
};
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** The list's order, as the API sorts: newest message first, or on Open by waiting the guest waiting
 * longest first, then those nobody waits on, oldest first (store.keys). Negative: `a` comes first. */
export function order(list) {
  if (list.kind === 'tab' && list.tab === 'open' && list.sort === 'waiting') {
    const key = (c) => (c.waiting_since ? [0, at(c.waiting_since)] : [1, at(c.last_message_at)]);
    return (a, b) => {
      const [ka, kb] = [key(a), key(b)];
      return cmp(ka[0], kb[0]) || cmp(ka[1], kb[1]) || cmp(a.id, b.id);
    };
  }
  return (a, b) => cmp(at(b.last_message_at), at(a.last_message_at)) || cmp(b.id, a.id);
}

/** The list's rows with `c` placed (inserted, moved, replaced or removed); null when nothing changes.
 * A row that sorts past the last one loaded while more pages remain is left to those pages. */
export function placeConversation(list, c, me) {
  const items = list.items;
  const index = items.findIndex((x) => x.id === c.id);
  const inList = belongs(list, c, me);
  if (inList === null) {
    if (index < 0) return null;
    const next = items.slice();
    next[index] = { ...items[index], ...c };
    return next;
  }
  if (!inList) return index < 0 ? null : items.filter((x) => x.id !== c.id);
  const rest = index < 0 ? items : items.filter((x) => x.id !== c.id);
  const before = order(list);
  let position = rest.findIndex((x) => before(c, x) < 0);
  if (position < 0) {
    if (list.next) return index < 0 ? null : rest; // beyond the pages loaded
    position = rest.length;
  }
  const row = index < 0 ? c : { ...items[index], ...c };
  return [...rest.slice(0, position), row, ...rest.slice(position)];
}

/** The messages (newest first, as the API gives them) with `m` in place: replaced by id, or inserted by
 * its time; null when it is older than those loaded while earlier ones remain unloaded. */
export function placeMessage(items, m, moreEarlier) {
  const index = items.findIndex((x) => x.id === m.id);
  if (index >= 0) {
    const next = items.slice();
    next[index] = m;
    return next;
  }
  const newer = (a, b) => cmp(at(b.sent_at), at(a.sent_at)) || cmp(b.id, a.id);
  let position = items.findIndex((x) => newer(m, x) < 0);
  if (position < 0) {
    if (moreEarlier) return null;
    position = items.length;
  }
  return [...items.slice(0, position), m, ...items.slice(position)];
}
