// A completion list under (or above) a textarea, shared by the @mention completion (notes.js) and the
// saved-reply picker (replies.js): a listbox the keyboard drives from the textarea, the textarea keeping
// the focus. Items are built with h(): every piece of data is text, never markup.

import { h } from './dom.js';

/** Case- and accent-insensitive form of a text: "Élodie  Dupré" -> "elodie dupre". */
export function normalize(text) {
  return String(text ?? '').normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/\s+/g, ' ');
}

let seq = 0;

/**
 * popup(textarea, { id, label, onPick }) -> { el, open(items, hint), close(), isOpen(), key(event), destroy() }
 * items: [{ value, label, tag, detail }] (text); onPick(value) is called on Enter, Tab or a click.
 * `key(event)` handles ArrowUp/ArrowDown/Enter/Tab/Escape while open and returns true when it took the key.
 */
export function popup(textarea, { id, label, onPick, onClose }) {
  const list = h('ul', { class: 'completion-items', role: 'listbox', 'aria-label': label });
  const hint = h('p', { class: 'completion-hint', role: 'status' });
  const el = h('div', { class: 'completion', id, hidden: true }, list, hint);
  // The list's own element names the listbox for the tests and for assistive technology alike.
  const listId = `${id}-items-${++seq}`;
  list.id = listId;
  let items = [];
  let active = -1;
  document.body.append(el);

  // Clicking an item must not take the focus from the textarea (its caret says what to replace).
  el.addEventListener('mousedown', (e) => e.preventDefault());

  function place() {
    const rect = textarea.getBoundingClientRect();
    const width = Math.min(Math.max(rect.width, 240), 420);
    el.style.left = `${Math.max(4, Math.min(rect.left, window.innerWidth - width - 4))}px`;
    el.style.width = `${width}px`;
    if (rect.top > Math.min(260, window.innerHeight / 2)) {
      el.style.top = '';
      el.style.bottom = `${window.innerHeight - rect.top + 4}px`;
    } else {
      el.style.bottom = '';
      el.style.top = `${rect.bottom + 4}px`;
    }
  }

  function paint() {
    list.replaceChildren(...items.map((item, i) => h('li', {
      id: `${listId}-${i}`, role: 'option', class: 'completion-item',
      'aria-selected': String(i === active), dataset: { value: item.value },
      onclick: () => pickAt(i),
    }, h('span', { class: 'completion-label' }, item.label,
      item.tag ? h('span', { class: 'completion-tag' }, item.tag) : null),
    item.detail ? h('span', { class: 'completion-detail' }, item.detail) : null)));
    list.hidden = !items.length;
    if (active >= 0) {
      textarea.setAttribute('aria-activedescendant', `${listId}-${active}`);
      const li = list.children[active];
      if (li && li.scrollIntoView) li.scrollIntoView({ block: 'nearest' });
    } else {
      textarea.removeAttribute('aria-activedescendant');
    }
  }

  function pickAt(i) {
    const item = items[i];
    if (item) onPick(item.value);
  }

  // The pane may scroll or the window change size while the list is open: it follows the textarea.
  const follow = () => { if (!el.hidden) place(); };

  function open(next, hintText = '') {
    items = next || [];
    active = items.length ? Math.min(Math.max(active, 0), items.length - 1) : -1;
    hint.textContent = hintText;
    hint.hidden = !hintText;
    paint();
    place();
    if (el.hidden) {
      window.addEventListener('scroll', follow, true);
      window.addEventListener('resize', follow);
    }
    el.hidden = false;
    textarea.setAttribute('aria-expanded', 'true');
    textarea.setAttribute('aria-controls', listId);
    textarea.setAttribute('aria-autocomplete', 'list');
  }

  function close() {
    if (el.hidden) return;
    el.hidden = true;
    window.removeEventListener('scroll', follow, true);
    window.removeEventListener('resize', follow);
    items = [];
    active = -1;
    list.replaceChildren();
    if (textarea.getAttribute('aria-controls') === listId) {
      textarea.removeAttribute('aria-controls');
      textarea.removeAttribute('aria-activedescendant');
      textarea.setAttribute('aria-expanded', 'false');
    }
    if (onClose) onClose();
  }

  function key(event) {
    if (el.hidden) return false;
    if (event.ctrlKey || event.metaKey || event.altKey) {
      if (event.key === 'Enter') close(); // sent as it is: the list has nothing more to offer
      return false;
    }
    if (event.key === 'Escape') {
      close();
      return true;
    }
    if (!items.length) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const step = event.key === 'ArrowDown' ? 1 : -1;
      active = (active + step + items.length) % items.length;
      paint();
      return true;
    }
    if (event.key === 'Enter' || (event.key === 'Tab' && !event.shiftKey)) {
      pickAt(active < 0 ? 0 : active);
      return true;
    }
    return false;
  }

  return {
    el,
    open,
    close,
    key,
    isOpen: () => !el.hidden,
    destroy() {
      close();
      el.remove();
    },
  };
}
