// Files on messages: the attachments a message shows, and the files a reply carries (checked here,
// granted by the API, uploaded straight to storage with a presigned POST). Names are guest or agent
// data: they only ever become text nodes or attributes (dom.js).

import { h } from './dom.js';
import { locale, plural, t } from './i18n.js';

// The contract's limits (docs/api.md, "Attachments"); the API checks them again.
export const TYPES = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG' };
export const MAX_BYTES = 5 * 1024 * 1024;
export const MAX_FILES = 10;
export const ACCEPT = 'application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png';
const BY_EXTENSION = { pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png' };
const IMAGES = new Set(['image/jpeg', 'image/png']);
// Links live 10 minutes (LINK_SECONDS): one is reused for 8, so a re-render keeps the thumbnail the
// browser already holds instead of fetching it again under a new signature.
export const LINK_REUSE_MS = 8 * 60e3;
const links = new Map(); // attachment id -> {url, at}

function linkFor(a) {
  const known = links.get(a.id);
  if (known && Date.now() - known.at < LINK_REUSE_MS) return known.url;
  if (a.url) links.set(a.id, { url: a.url, at: Date.now() });
  return a.url;
}

/** "340 KB", "1.2 MB" (binary units, as the 5 MB limit counts them), in the console's language. */
export function size(bytes) {
  const n = Number(bytes) || 0;
  if (n < 1024) return plural('bytes', n);
  const [value, unit] = n >= 1024 * 1024 ? [n / (1024 * 1024), 'megabyte'] : [n / 1024, 'kilobyte'];
  return new Intl.NumberFormat(locale(), { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 })
    .format(value);
}

/** A link the page may follow: http(s) only (a `javascript:` URL would run in the console). */
function safeUrl(url) {
  try {
    const parsed = new URL(url, document.baseURI);
    return ['https:', 'http:'].includes(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}

const typeOf = (a) => String(a.content_type || '').split(';')[0].trim().toLowerCase();

/** A message's attachments: image thumbnails, PDF links, and refused files named as unavailable. */
export function attachmentList(attachments) {
  if (!attachments || !attachments.length) return null;
  return h('ul', { class: 'attachments' }, attachments.map(attachmentItem));
}

function attachmentItem(a) {
  const url = a.available === false || !a.url ? null : safeUrl(linkFor(a));
  const type = typeOf(a);
  const label = [h('span', { class: 'att-name' }, a.name || t('file')), ' ',
    a.size ? h('span', { class: 'att-size' }, size(a.size)) : null];
  if (!url) {
    const reason = a.reason || a.unavailable_reason;
    return h('li', { class: 'att att-unavailable', dataset: { id: a.id, state: 'unavailable', reason } },
      label, ' ', h('span', { class: 'att-why' }, reason && reason !== 'unavailable'
        ? t('attUnavailableWhy', { reason: reasonText(reason) }) : t('attUnavailable')));
  }
  const link = { href: url, target: '_blank', rel: 'noopener noreferrer', referrerpolicy: 'no-referrer' };
  if (IMAGES.has(type)) {
    return h('li', { class: 'att att-image', dataset: { id: a.id, state: 'available' } },
      h('a', { ...link, class: 'att-link', title: t('attOpen', { name: a.name || '' }) },
        h('img', { src: url, alt: a.name || t('image'), loading: 'lazy', referrerpolicy: 'no-referrer',
          class: 'thumb', decoding: 'async' })),
      h('p', { class: 'att-label' }, label));
  }
  return h('li', { class: `att ${type === 'application/pdf' ? 'att-pdf' : 'att-file'}`, dataset: { id: a.id, state: 'available' } },
    h('a', { ...link, class: 'att-link', title: t('attOpen', { name: a.name || '' }) },
      h('span', { class: 'att-kind', 'aria-hidden': 'true' }, TYPES[type] || t('file')), ' ', label));
}

function reasonText(code) {
  const key = `attReason_${code}`;
  return t(key, null, String(code).replace(/[_-]+/g, ' '));
}

// ---------------------------------------------------------------------------------------------
// The files of a reply being written

let seq = 0;

/** The type the API will be asked for: the browser's, else the extension's (some systems give none). */
function fileType(file) {
  if (file.type) return file.type.toLowerCase();
  const ext = String(file.name).toLowerCase().split('.').pop();
  return BY_EXTENSION[ext] || '';
}

/**
 * Adds `incoming` (File objects) to `pending` (the reply's files) after checking each:
 * returns {files, errors}, the new list and one message per refused file.
 */
export function addFiles(pending, incoming) {
  const files = pending.slice();
  const errors = [];
  for (const file of incoming) {
    const type = fileType(file);
    if (!TYPES[type]) errors.push(t('fileWrongType', { name: file.name }));
    else if (file.size > MAX_BYTES) errors.push(t('fileTooLarge', { name: file.name, size: size(file.size), max: size(MAX_BYTES) }));
    else if (file.size === 0) errors.push(t('fileEmpty', { name: file.name }));
    else if (files.length >= MAX_FILES) errors.push(t('tooManyFiles', { max: MAX_FILES, name: file.name }));
    else files.push({ key: `f${++seq}`, file, name: file.name, type, size: file.size, state: 'ready', progress: 0, id: null, error: '' });
  }
  return { files, errors };
}

/** The reply's files, each with its size, its progress while it uploads, and a remove button. */
export function fileChips(files, { onRemove, disabled }) {
  return files.map((f) => h('li', { class: `upload upload-${f.state}`, dataset: { key: f.key, state: f.state } },
    h('span', { class: 'att-kind', 'aria-hidden': 'true' }, TYPES[f.type]),
    h('span', { class: 'att-name' }, f.name),
    h('span', { class: 'att-size' }, size(f.size)),
    (f.state === 'uploading' || f.state === 'uploaded') && h('progress', {
      class: 'upload-progress', max: '100', 'aria-label': t('uploading', { name: f.name }),
      props: { value: Math.round(f.progress * 100) },
    }),
    f.state === 'failed' && h('span', { class: 'upload-error' }, t('notUploaded')),
    h('button', {
      type: 'button', class: 'icon remove-file', 'aria-label': t('removeFile', { name: f.name }),
      title: t('removeFile', { name: f.name }), disabled, onclick: () => onRemove(f.key),
    }, '×')));
}

/**
 * Uploads one file: the API grants a presigned POST, then the browser posts the file to storage
 * (XMLHttpRequest, for its upload progress). Resolves with the attachment id; rejects with a
 * message for the agent. `onProgress(fraction)` follows the bytes sent.
 */
export async function upload(api, hotel, conversation, f, onProgress) {
  const grant = await api.grantUpload(hotel, conversation, { name: f.name, content_type: f.type, size: f.size });
  await postToStorage(grant.upload, f.file, onProgress);
  return grant.id;
}

function postToStorage({ url, fields }, file, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields || {})) form.append(name, value);
    form.append('file', file); // last: storage ignores fields after the file
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
      } else {
        // S3 answers XML: <Error><Code>…</Code><Message>…</Message></Error> (read as text, shown as text).
        const message = /<Message>([^<]{1,300})<\/Message>/.exec(xhr.responseText || '');
        reject(new Error(t('storageRefused', { status: xhr.status, message: message ? message[1] : '' }).trim()));
      }
    };
    xhr.onerror = () => reject(new Error(t('storageUnreachable')));
    xhr.ontimeout = xhr.onerror;
    xhr.send(form);
  });
}
