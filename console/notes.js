// @mention completion in the composer (internal notes): typing "@" and the start of a colleague's name
// lists the matching agents (#mention-list); picking one writes "@Full Name " in the text. The API also
// reads "@Name" in a note's text; mentions() gives the ids of the agents still named so, sent explicitly.

import { normalize, popup } from './completion.js';
import { t } from './i18n.js';

const WORD = /[\p{L}\p{N}_]/u;
const MAX_QUERY = 40;
const MAX_SHOWN = 8;

/** The "@query" right before the caret: { start, query } (start: the index of "@"), or null. */
export function mentionAt(text, caret) {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return null;
  if (at > 0 && WORD.test(before[at - 1])) return null; // an e-mail address, not a mention
  const query = before.slice(at + 1);
  if (query.length > MAX_QUERY || /[\n@]/.test(query) || /^\s/.test(query)) return null;
  return { start: at, query };
}

/** The agents whose first name, full name (or another word of it) starts like `query`, best first. */
export function matchAgents(agents, query) {
  const q = normalize(query);
  const scored = [];
  for (const agent of agents || []) {
    if (!agent || !agent.id || !agent.name) continue;
    const name = normalize(agent.name);
    let rank = -1;
    if (name.startsWith(q)) rank = 0;
    else if (!q.includes(' ') && name.split(' ').some((word) => word.startsWith(q))) rank = 1;
    if (rank >= 0) scored.push({ agent, rank, name });
  }
  scored.sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name));
  return scored.map((s) => s.agent);
}

/** The agents of `agents` named "@Full Name" in `text` (case- and accent-insensitive, whole words; at
 * each "@" the longest name that fits, so "@Ana Lima" names Ana Lima and not an "Ana"). */
export function named(text, agents) {
  const normalized = normalize(text);
  const byLength = (agents || []).filter((a) => a && a.id && a.name)
    .map((agent) => ({ agent, name: normalize(agent.name).trim() }))
    .filter((x) => x.name)
    .sort((a, b) => b.name.length - a.name.length);
  const found = new Map();
  for (let at = normalized.indexOf('@'); at >= 0; at = normalized.indexOf('@', at + 1)) {
    if (at > 0 && WORD.test(normalized[at - 1])) continue;
    const rest = normalized.slice(at + 1);
    const hit = byLength.find(({ name }) => rest.startsWith(name) && !WORD.test(rest.charAt(name.length)));
    if (hit) found.set(hit.agent.id, hit.agent);
  }
  return [...found.values()];
}

/**
 * attachMentions(textarea, getAgents) -> { mentions(), destroy() }
 * getAgents(): the hotel's agents ({id, name, …}) to offer, [] to offer none (e.g. while replying).
 */
export function attachMentions(textarea, getAgents) {
  const picked = new Map(); // id -> agent, chosen in the list
  let token = null; // the "@query" the list is for
  let dismissed = null; // the start of a token closed with Escape: stays closed until another "@"
  const agents = () => {
    try {
      return getAgents() || [];
    } catch {
      return [];
    }
  };

  const list = popup(textarea, { id: 'mention-list', label: t('mentionListLabel'), onPick: pick });

  function update() {
    const found = textarea.selectionStart === textarea.selectionEnd
      ? mentionAt(textarea.value, textarea.selectionStart) : null;
    if (!found || found.start === dismissed) {
      if (!found) dismissed = null;
      token = null;
      list.close();
      return;
    }
    const matches = matchAgents(agents(), found.query).slice(0, MAX_SHOWN);
    if (!matches.length) {
      token = null;
      list.close();
      return;
    }
    token = found;
    list.open(matches.map((a) => ({ value: a.id, label: a.name, detail: a.email || '' })));
  }

  function pick(agentId) {
    const agent = agents().find((a) => a.id === agentId);
    if (!agent || !token) return;
    const { start } = token;
    const end = start + 1 + token.query.length;
    const spaced = /\s/.test(textarea.value.charAt(end));
    textarea.setRangeText(`@${agent.name}${spaced ? '' : ' '}`, start, end, 'end');
    if (spaced) textarea.setSelectionRange(textarea.selectionEnd + 1, textarea.selectionEnd + 1);
    picked.set(agent.id, agent);
    token = null;
    list.close();
    textarea.focus();
    // The app keeps the draft from the textarea's input events.
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function onKeydown(event) {
    if (!list.isOpen()) return;
    if (event.key === 'Escape') dismissed = token ? token.start : null;
    if (list.key(event)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }

  const onInput = () => update();
  const onCaret = (event) => {
    if (event.type === 'keyup' && !['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) return;
    update();
  };
  const onBlur = () => list.close();

  textarea.addEventListener('input', onInput);
  textarea.addEventListener('keydown', onKeydown);
  textarea.addEventListener('keyup', onCaret);
  textarea.addEventListener('click', onCaret);
  textarea.addEventListener('blur', onBlur);

  return {
    /** The ids of the agents named "@Full Name" in the text now (picked in the list or typed in full). */
    mentions() {
      const known = new Map(picked);
      for (const a of agents()) if (a && a.id && a.name) known.set(a.id, a);
      return named(textarea.value, [...known.values()]).map((a) => a.id);
    },
    destroy() {
      textarea.removeEventListener('input', onInput);
      textarea.removeEventListener('keydown', onKeydown);
      textarea.removeEventListener('keyup', onCaret);
      textarea.removeEventListener('click', onCaret);
      textarea.removeEventListener('blur', onBlur);
      list.destroy();
    },
  };
}
