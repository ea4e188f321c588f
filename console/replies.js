// Saved replies in the composer: "/" and a word at the start of a word ("/chec") lists the hotel's saved
// replies whose shortcut or title starts like it (#reply-picker); picking one renders it for this
// conversation (the API fills the variables in the guest's language) and puts the text in place of
// "/word", caret at its end, for the agent to edit before sending.

import { h } from './dom.js';
import { normalize, popup } from './completion.js';
import { t } from './i18n.js';

const MAX_SHOWN = 8;

/** The "/word" right before the caret, "/" at the start of the text or after a space: { start, word }. */
export function slashAt(text, caret) {
  const match = /(^|\s)\/([\p{L}\p{N}_-]{0,32})$/u.exec(text.slice(0, caret));
  if (!match) return null;
  return { start: match.index + match[1].length, word: match[2] };
}

/** The replies whose shortcut, or a word of whose title, starts like `word` (all for ""), best first. */
export function matchReplies(replies, word) {
  const w = normalize(word);
  const scored = [];
  for (const reply of replies || []) {
    if (!reply || !reply.id) continue;
    const shortcut = normalize(reply.shortcut);
    const title = normalize(reply.title);
    let rank = -1;
    if (shortcut === w) rank = 0;
    else if (shortcut.startsWith(w)) rank = 1;
    else if (title.startsWith(w)) rank = 2;
    else if (title.split(/[\s/'’-]+/).some((part) => part.startsWith(w))) rank = 3;
    if (rank >= 0) scored.push({ reply, rank, key: title });
  }
  scored.sort((a, b) => a.rank - b.rank || a.key.localeCompare(b.key));
  return scored.map((s) => s.reply);
}

const preview = (reply) => {
  const texts = reply.texts || {};
  const first = texts.fr ?? texts.en ?? Object.values(texts)[0] ?? '';
  return first.length > 90 ? `${first.slice(0, 89)}…` : first;
};

/**
 * attachReplyPicker(textarea, { list, render }) -> { destroy() }
 * list(): resolves to {items: [SavedReply]} (asked once per picker); render(id): resolves to
 * {text, language, missing} for the conversation.
 */
export function attachReplyPicker(textarea, { list, render }) {
  let cached = null; // the promise of the replies, once asked
  let replies = null; // the replies, once there
  let token = null; // the "/word" the picker is for
  let dismissed = null; // a token closed with Escape stays closed until another "/"
  let busy = false;
  let alive = true;

  const picker = popup(textarea, { id: 'reply-picker', label: t('replyPickerLabel'), onPick: pick });
  // What the last inserted reply lacked ({guest.first_name} with no value, …), under the composer.
  const note = h('p', { class: 'reply-missing', id: 'reply-missing', role: 'status', hidden: true });
  textarea.insertAdjacentElement('afterend', note);

  function showNote(text) {
    note.textContent = text;
    note.hidden = !text;
  }

  function load() {
    if (!cached) {
      cached = Promise.resolve().then(list).then((page) => {
        replies = (page && Array.isArray(page.items)) ? page.items : [];
        return replies;
      }, (error) => {
        cached = null; // asked again the next time the picker opens
        throw error;
      });
    }
    return cached;
  }

  function update() {
    if (busy) return;
    const found = textarea.selectionStart === textarea.selectionEnd
      ? slashAt(textarea.value, textarea.selectionStart) : null;
    if (!found || found.start === dismissed) {
      if (!found) dismissed = null;
      token = null;
      picker.close();
      return;
    }
    token = found;
    if (!replies) {
      picker.open([], t('loading'));
      load().then(() => { if (alive) update(); }, () => {
        if (alive && token) picker.open([], t('repliesUnavailable'));
      });
      return;
    }
    const matches = matchReplies(replies, found.word).slice(0, MAX_SHOWN);
    picker.open(matches.map((r) => ({ value: r.id, label: r.title, tag: `/${r.shortcut}`, detail: preview(r) })),
      matches.length ? '' : (replies.length ? t('repliesNoMatch', { word: `/${found.word}` }) : t('repliesNone')));
  }

  async function pick(replyId) {
    if (!token || busy) return;
    const { start } = token;
    const typed = `/${token.word}`;
    busy = true;
    picker.open([], t('replyRendering'));
    let rendered;
    try {
      rendered = await render(replyId);
    } catch (error) {
      busy = false;
      if (!alive) return;
      if (error && error.status === 404) { cached = null; replies = null; } // deleted meanwhile: ask again next time
      picker.open([], t('replyRenderFailed', { reason: (error && error.message) || '' }));
      return;
    }
    busy = false;
    if (!alive) return;
    token = null;
    picker.close();
    const text = (rendered && rendered.text) || '';
    // In place of "/word" if it is still there, else where the caret is.
    const value = textarea.value;
    const [from, to] = value.slice(start, start + typed.length) === typed
      ? [start, start + typed.length] : [textarea.selectionStart, textarea.selectionEnd];
    textarea.setRangeText(text, from, to, 'end');
    textarea.focus();
    const missing = (rendered && rendered.missing) || [];
    showNote(missing.length ? t('replyMissing', { names: missing.map((m) => `{${m}}`).join(', ') }) : '');
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function onKeydown(event) {
    if (!picker.isOpen()) return;
    if (event.key === 'Escape') {
      dismissed = token ? token.start : null;
      token = null;
    }
    if (picker.key(event)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }

  const onInput = () => {
    if (!textarea.value.trim()) showNote(''); // sent or cleared: the hint is about a text no longer there
    update();
  };
  const onCaret = (event) => {
    if (event.type === 'keyup' && !['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) return;
    update();
  };
  const onBlur = () => { if (!busy) picker.close(); };
  const onFocus = () => { if (!textarea.value.trim()) showNote(''); };

  textarea.addEventListener('input', onInput);
  textarea.addEventListener('keydown', onKeydown);
  textarea.addEventListener('keyup', onCaret);
  textarea.addEventListener('click', onCaret);
  textarea.addEventListener('blur', onBlur);
  textarea.addEventListener('focus', onFocus);
  // The app may have put "/" in the composer just before the picker was attached (the "/" shortcut).
  if (document.activeElement === textarea) update();

  return {
    destroy() {
      alive = false;
      textarea.removeEventListener('input', onInput);
      textarea.removeEventListener('keydown', onKeydown);
      textarea.removeEventListener('keyup', onCaret);
      textarea.removeEventListener('click', onCaret);
      textarea.removeEventListener('blur', onBlur);
      textarea.removeEventListener('focus', onFocus);
      picker.destroy();
      note.remove();
    },
  };
}
