// Presence on a conversation: this agent's ("viewing", "typing", "left") sent on the socket, and the other
// agents' shown on the open conversation ("Ana is viewing", "Ana is typing…"), so that two agents do not
// answer the same guest.

import { h, fill } from './dom.js';
import { t } from './i18n.js';

const TYPING_EVERY_MS = 3000; // "typing" at most this often while keys come
const TYPING_IDLE_MS = 5000; // back to "viewing" this long after the last key
const VIEWING_EVERY_MS = 30e3; // "viewing" again while open, so a late joiner or a restarted socket knows
const FORGET_MS = 75e3; // another agent's state without news for this long is gone (a closed laptop)
const STATES = new Set(['viewing', 'typing', 'left']);

/**
 * `send(message) -> bool` puts one message on the socket (false when it is down); `onChange(conversationId)`
 * is called when who is on a conversation changed; `me()` is this agent's id (never shown).
 */
export function createPresence({ send, onChange = () => {}, me = () => '' }) {
  let current = null; // { hotelId, conversationId, state }
  let lastTypingAt = 0;
  let idleTimer = null;
  let viewingTimer = null;
  const others = new Map(); // conversation id -> Map(agent id -> { name, state, at, timer })

  const say = (state) => {
    if (!current) return;
    current.state = state;
    const message = { action: 'presence', conversation_id: current.conversationId, state };
    if (current.hotelId) message.hotel_id = current.hotelId;
    send(message);
  };

  function stopTimers() {
    clearTimeout(idleTimer);
    clearInterval(viewingTimer);
    idleTimer = null;
    viewingTimer = null;
  }

  /** The conversation this agent has open now (null: none): "left" for the one before, "viewing" for it. */
  function view(hotelId, conversationId) {
    if (current && current.conversationId === conversationId && current.hotelId === hotelId) return;
    if (current) say('left');
    stopTimers();
    current = conversationId ? { hotelId, conversationId, state: null } : null;
    if (!current) return;
    lastTypingAt = 0;
    say('viewing');
    viewingTimer = setInterval(() => { if (current && current.state === 'viewing') say('viewing'); }, VIEWING_EVERY_MS);
  }

  /** A key in the open conversation's composer. */
  function typing() {
    if (!current) return;
    const now = Date.now();
    if (current.state !== 'typing' || now - lastTypingAt >= TYPING_EVERY_MS) {
      lastTypingAt = now;
      say('typing');
    }
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => { if (current) say('viewing'); }, TYPING_IDLE_MS);
  }

  /** The socket is open again (a new connection the server knows nothing about): say where this agent is. */
  function resend() {
    if (current) say(current.state === 'typing' ? 'typing' : 'viewing');
  }

  /** A presence event from the socket. */
  function receive(event) {
    const id = event && event.conversation_id;
    const agent = event && event.agent;
    if (typeof id !== 'string' || !agent || typeof agent.id !== 'string' || !STATES.has(event.state)) return;
    if (agent.id === me()) return;
    const on = others.get(id) || new Map();
    const known = on.get(agent.id);
    if (known) clearTimeout(known.timer);
    if (event.state === 'left') {
      on.delete(agent.id);
    } else {
      const entry = { name: agent.name || agent.id, state: event.state, at: Date.now() };
      entry.timer = setTimeout(() => forget(id, agent.id, entry), FORGET_MS);
      on.set(agent.id, entry);
    }
    if (on.size) others.set(id, on);
    else others.delete(id);
    // Someone new on the conversation open here: say so now rather than at the next 30 s re-send (they
    // answer the same way once, as they know us then: no loop).
    if (!known && event.state !== 'left' && current && current.conversationId === id) resend();
    onChange(id);
  }

  function forget(conversationId, agentId, entry) {
    const on = others.get(conversationId);
    if (!on || on.get(agentId) !== entry) return;
    on.delete(agentId);
    if (!on.size) others.delete(conversationId);
    onChange(conversationId);
  }

  /** The other agents on a conversation: [{ id, name, state }], by name. */
  function on(conversationId) {
    const agents = others.get(conversationId);
    if (!agents) return [];
    return [...agents].map(([id, a]) => ({ id, name: a.name, state: a.state }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Everyone's state is unknown again (another hotel, the socket gone for good). */
  function clear() {
    for (const agents of others.values()) for (const a of agents.values()) clearTimeout(a.timer);
    const ids = [...others.keys()];
    others.clear();
    ids.forEach(onChange);
  }

  /** Signing out: "left" for the open conversation, and nothing more. */
  function stop() {
    view(null, null);
    clear();
  }

  return { view, typing, resend, receive, on, clear, stop };
}

/** Fills the pane's presence line with who else is on the conversation. */
export function renderPresence(el, agents) {
  if (!el) return;
  fill(el, agents.map((a) => h('span', {
    class: `presence-agent presence-${a.state}`, dataset: { agentId: a.id, state: a.state },
  }, t(a.state === 'typing' ? 'presenceTyping' : 'presenceViewing', { name: a.name }))));
  el.hidden = !agents.length;
}
