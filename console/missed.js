// Missed questions in the settings screen (admins): the questions the bot could not answer, grouped by wording and
// language, newest first (GET /v1/hotels/{h}/missed-questions, "More" for next_cursor), with how often they were
// asked and what the agent answered. "Teach the bot" opens one editable answer per language, the agent's reply as
// the starting text, saved with POST .../{id}/teach; "Dismiss" (DELETE .../{id}) drops a group. Data is text only.

import { fill, h } from './dom.js';
import { addStrings, lang, locale } from './i18n.js';
import * as time from './time.js';

const PAGE = 20;
const LANGUAGE = /^[a-z]{2}(-[A-Z]{2})?$/;

const STRINGS = {
  en: {
    mq_title: 'Missed questions',
    mq_intro: 'Questions the bot could not answer, grouped by wording, newest first. Teach the bot an answer and it replies itself from then on (within half a minute).',
    mq_empty: 'No missed question: the bot answered everything it was asked.',
    mq_more: 'More',
    mq_asked_one: 'Asked once',
    mq_asked_other: 'Asked {n} times',
    mq_last: 'last {time}',
    mq_answer: 'Answered by {agent}:',
    mq_noAnswer: 'No agent has answered it yet.',
    mq_teach: 'Teach the bot',
    mq_dismiss: 'Dismiss',
    mq_question: 'Question',
    mq_answers: 'The bot’s answer',
    mq_answersHint: 'One answer per language; the agent’s reply is the starting point.',
    mq_addLanguage: 'Add a language',
    mq_removeLanguage: 'Remove {language}',
    mq_save: 'Save and teach',
    mq_saving: 'Saving…',
    mq_needAnswer: 'Write the answer in one language at least.',
    mq_taught: 'The bot now answers “{question}”.',
    mq_dismissed: '“{question}” was dismissed.',
    mq_failed: 'Not done: {reason}',
  },
  fr: {
    mq_title: 'Questions manquées',
    mq_intro: 'Les questions auxquelles le chatbot n’a pas su répondre, regroupées par formulation, les plus récentes d’abord. Apprenez-lui une réponse : il répondra lui-même ensuite (en moins d’une demi-minute).',
    mq_empty: 'Aucune question manquée : le chatbot a répondu à tout.',
    mq_more: 'Plus',
    mq_asked_one: 'Posée une fois',
    mq_asked_other: 'Posée {n} fois',
    mq_last: 'dernière fois {time}',
    mq_answer: 'Réponse de {agent} :',
    mq_noAnswer: 'Aucun agent n’y a encore répondu.',
    mq_teach: 'Apprendre au chatbot',
    mq_dismiss: 'Ignorer',
    mq_question: 'Question',
    mq_answers: 'La réponse du chatbot',
    mq_answersHint: 'Une réponse par langue ; la réponse de l’agent sert de point de départ.',
    mq_addLanguage: 'Ajouter une langue',
    mq_removeLanguage: 'Retirer {language}',
    mq_save: 'Enregistrer et apprendre',
    mq_saving: 'Enregistrement…',
    mq_needAnswer: 'Écrivez la réponse dans une langue au moins.',
    mq_taught: 'Le chatbot répond désormais à « {question} ».',
    mq_dismissed: '« {question} » a été ignorée.',
    mq_failed: 'Non effectué : {reason}',
  },
};
addStrings(STRINGS);

function languageName(code) {
  try {
    const name = new Intl.DisplayNames([locale()], { type: 'language' }).of(code);
    return name && name !== code ? `${name[0].toUpperCase()}${name.slice(1)} (${code})` : code;
  } catch {
    return code;
  }
}

const asked = (t, n) => t(new Intl.PluralRules(lang()).select(n) === 'one' ? 'mq_asked_one' : 'mq_asked_other',
  { n: new Intl.NumberFormat(locale()).format(n) });

/** renderMissed(container, { api, hotelId, t, tz, onTaught }): the list in `container` (`onTaught()` after a group is
taught or dismissed); returns { reload }. */
export function renderMissed(container, { api, hotelId, t, tz, onTaught = () => {} }) {
  const path = `/hotels/${encodeURIComponent(hotelId)}/missed-questions`;
  const reason = (e) => (e && e.status === 403 ? t('set_adminOnly') : (e && e.message) || '');
  const status = h('p', { class: 'muted', id: 'missed-status' }, t('loading'));
  const notice = h('p', { class: 'settings-notice', id: 'missed-notice', role: 'status' });
  const list = h('ul', { class: 'missed-list', id: 'missed-list', 'aria-label': t('mq_title') });
  const error = h('p', { class: 'form-error', id: 'missed-error', role: 'alert' });
  const more = h('button', { type: 'button', class: 'ghost', id: 'missed-more', hidden: true, onclick: () => load() }, t('mq_more'));
  const seen = new Set();
  let cursor = null;
  let loading = false;
  let seq = 0;

  function paintStatus() {
    status.textContent = list.children.length ? '' : t('mq_empty');
    status.hidden = !!list.children.length;
  }

  function row(group) {
    const answer = group.answer;
    const item = h('li', { class: 'missed-row', dataset: { groupId: group.id, language: group.language || '' } });
    const actions = h('div', { class: 'missed-actions' },
      h('button', { type: 'button', class: 'missed-teach', onclick: () => openTeach() }, t('mq_teach')),
      h('button', { type: 'button', class: 'ghost missed-dismiss', onclick: () => dismiss() }, t('mq_dismiss')));
    const problem = h('p', { class: 'form-error missed-row-error', role: 'alert' });
    fill(item,
      h('p', { class: 'missed-head' },
        h('q', { class: 'missed-question' }, group.question || ''),
        group.language && h('span', { class: 'badge lang missed-language', title: languageName(group.language) }, group.language),
        h('span', { class: 'missed-count', dataset: { count: String(group.count ?? 0) } }, asked(t, group.count ?? 0)),
        group.last_asked_at && h('time', { class: 'muted missed-when', datetime: group.last_asked_at },
          t('mq_last', { time: time.longTime(group.last_asked_at, locale(), tz) }))),
      answer && answer.text
        ? h('div', { class: 'missed-answer-box' },
          h('p', { class: 'muted missed-agent' }, t('mq_answer', { agent: answer.agent || t('guest') })),
          h('blockquote', { class: 'missed-answer' }, answer.text))
        : h('p', { class: 'muted missed-no-answer' }, t('mq_noAnswer')),
      actions, problem);

    function done(text) {
      item.remove();
      seen.delete(group.id);
      notice.textContent = text;
      paintStatus();
      onTaught();
    }

    async function dismiss() {
      problem.textContent = '';
      try {
        await api.del(`${path}/${encodeURIComponent(group.id)}`);
      } catch (e) {
        if (!e || e.status !== 404) {
          problem.textContent = t('mq_failed', { reason: reason(e) });
          return;
        }
      }
      done(t('mq_dismissed', { question: group.question }));
    }

    function openTeach() {
      const open = item.querySelector('.teach-form');
      if (open) {
        open.querySelector('textarea').focus();
        return;
      }
      const first = LANGUAGE.test(group.language || '') ? group.language : lang();
      const texts = h('div', { class: 'reply-texts teach-texts' });
      const question = h('input', {
        class: 'teach-question', name: 'question', maxlength: '500', autocomplete: 'off',
        'aria-label': t('mq_question'), props: { value: group.question || '' },
      });
      const formError = h('p', { class: 'form-error teach-error', role: 'alert' });
      const save = h('button', { type: 'submit', class: 'primary teach-save' }, t('mq_save'));
      const cancel = h('button', { type: 'button', class: 'ghost teach-cancel', onclick: () => form.remove() }, t('cancel'));
      const adders = h('div', { class: 'add-language teach-add' });

      const languages = () => [...texts.querySelectorAll('textarea[data-language]')].map((el) => el.dataset.language);
      function paintAdders() {
        fill(adders, ['fr', 'en'].filter((code) => !languages().includes(code)).map((code) => h('button', {
          type: 'button', class: 'teach-add-language', dataset: { language: code },
          onclick: () => { texts.append(field(code, '')); paintAdders(); texts.querySelector(`textarea[data-language="${code}"]`).focus(); },
        }, '+ ', languageName(code))));
      }
      function field(code, value) {
        const id = `teach-${group.id}-${code}`.replace(/[^\w-]+/g, '-');
        const area = h('textarea', { id, rows: '4', maxlength: '5000', dataset: { language: code }, props: { value } });
        const box = h('div', { class: 'reply-text', dataset: { language: code } },
          h('div', { class: 'reply-text-head' },
            h('label', { for: id }, languageName(code)),
            h('button', {
              type: 'button', class: 'ghost remove-language', 'aria-label': t('mq_removeLanguage', { language: languageName(code) }),
              onclick: () => { box.remove(); paintAdders(); },
            }, '×')),
          area);
        return box;
      }

      async function submit(event) {
        event.preventDefault();
        if (save.disabled) return;
        formError.textContent = '';
        const answers = {};
        for (const area of texts.querySelectorAll('textarea[data-language]')) {
          if (area.value.trim()) answers[area.dataset.language] = area.value.trim();
        }
        if (!Object.keys(answers).length) {
          formError.textContent = t('mq_needAnswer');
          return;
        }
        const body = { answers };
        if (question.value.trim()) body.questions = [question.value.trim()];
        save.disabled = true;
        save.textContent = t('mq_saving');
        try {
          await api.post(`${path}/${encodeURIComponent(group.id)}/teach`, body);
          done(t('mq_taught', { question: question.value.trim() || group.question }));
        } catch (e) {
          formError.textContent = t('mq_failed', { reason: reason(e) }); // the API's 409 or 422 says why
          save.disabled = false;
          save.textContent = t('mq_save');
        }
      }

      fill(texts, field(first, (answer && answer.text) || ''));
      paintAdders();
      const form = h('form', { class: 'reply-form teach-form', onsubmit: submit },
        h('label', { class: 'field' }, h('span', {}, t('mq_question')), question),
        h('fieldset', { class: 'texts' },
          h('legend', {}, t('mq_answers')),
          h('p', { class: 'hint' }, t('mq_answersHint')),
          texts, adders),
        formError,
        h('div', { class: 'form-bar' }, cancel, save));
      actions.after(form);
      texts.querySelector('textarea').focus();
    }

    return item;
  }

  async function load() {
    if (loading) return;
    loading = true;
    const mine = seq;
    more.disabled = true;
    error.textContent = '';
    try {
      const page = await api.get(`${path}?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (mine !== seq) return;
      const fresh = (page.items || []).filter((group) => !seen.has(group.id));
      fresh.forEach((group) => seen.add(group.id));
      list.append(...fresh.map(row));
      cursor = page.next_cursor || null;
      paintStatus();
    } catch (e) {
      if (mine !== seq) return;
      status.textContent = '';
      error.textContent = t('mq_failed', { reason: reason(e) });
    } finally {
      if (mine === seq) {
        loading = false;
        more.disabled = false;
        more.hidden = !cursor;
      }
    }
  }

  function reload() {
    seq += 1;
    loading = false;
    cursor = null;
    seen.clear();
    fill(list);
    return load();
  }

  fill(container, h('p', { class: 'muted' }, t('mq_intro')), notice, status, list, error, more);
  load();
  return { reload };
}
