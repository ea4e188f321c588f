// Times in the hotel's time zone: display, and hotel wall-clock time <-> UTC for holds.

const HOUR = 3600e3;
const DAY = 24 * HOUR;
export const MAX_HOLD_MS = 30 * DAY;

const formatters = new Map();
function formatter(lang, tz, options) {
  const key = `${lang}|${tz}|${JSON.stringify(options)}`;
  if (!formatters.has(key)) formatters.set(key, new Intl.DateTimeFormat(lang, { timeZone: tz, ...options }));
  return formatters.get(key);
}

export function browserTimeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function validTimeZone(tz) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock fields of `date` in `tz`. */
export function partsIn(date, tz) {
  const parts = {};
  for (const { type, value } of formatter('en-US', tz, {
    hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(date)) parts[type] = value;
  return {
    year: +parts.year, month: +parts.month, day: +parts.day,
    hour: +parts.hour % 24, minute: +parts.minute, second: +parts.second,
  };
}

/** The instant at which the wall clock of `tz` reads the given fields. */
export function zonedToUtc({ year, month, day, hour = 0, minute = 0, second = 0 }, tz) {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  let guess = wall;
  for (let i = 0; i < 3; i += 1) {
    const p = partsIn(new Date(guess), tz);
    const seen = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    const next = guess + (wall - seen);
    if (next === guess) break;
    guess = next;
  }
  return new Date(guess);
}

/** "YYYY-MM-DDTHH:MM[:SS]" (a datetime-local value) in `tz` -> Date, or null. */
export function fromLocalInput(value, tz) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value || '');
  if (!m) return null;
  return zonedToUtc({ year: +m[1], month: +m[2], day: +m[3], hour: +m[4], minute: +m[5], second: +(m[6] || 0) }, tz);
}

const pad = (n) => String(n).padStart(2, '0');

/** Date -> "YYYY-MM-DDTHH:MM" wall-clock time in `tz` (for datetime-local min/max/value). */
export function toLocalInput(date, tz, seconds = false) {
  const p = partsIn(date, tz);
  const base = `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
  return seconds ? `${base}:${pad(p.second)}` : base;
}

/** ISO 8601 UTC with a Z and whole seconds, as the API expects. */
export function isoUtc(date) {
  return new Date(Math.ceil(date.getTime() / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function dayKey(date, tz) {
  const p = partsIn(date, tz);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Short time for lists: "14:05" today, "24 Nov" this year, "24/11/2025" before. */
export function shortTime(iso, lang, tz, now = new Date()) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  if (dayKey(date, tz) === dayKey(now, tz)) return formatter(lang, tz, { hour: '2-digit', minute: '2-digit' }).format(date);
  if (partsIn(date, tz).year === partsIn(now, tz).year) {
    return formatter(lang, tz, { day: 'numeric', month: 'short' }).format(date);
  }
  return formatter(lang, tz, { dateStyle: 'short' }).format(date);
}

/** Full date and time: "Tue 24 Nov, 14:05". */
export function longTime(iso, lang, tz) {
  const date = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return formatter(lang, tz, {
    weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit',
  }).format(date);
}

/** A reservation date "2026-11-24" as "Tue 24 Nov 2026" (a calendar date, no time zone). */
export function calendarDate(ymd, lang) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
  if (!m) return ymd || '';
  return formatter(lang, 'UTC', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' })
    .format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])));
}

export function nights(checkIn, checkOut) {
  const a = Date.parse(`${checkIn}T00:00:00Z`);
  const b = Date.parse(`${checkOut}T00:00:00Z`);
  return Number.isFinite(a) && Number.isFinite(b) && b > a ? Math.round((b - a) / DAY) : null;
}

/** Tomorrow 09:00 in `tz`. */
export function tomorrowAtNine(tz, now = new Date()) {
  const today = partsIn(now, tz);
  const tomorrow = new Date(Date.UTC(today.year, today.month - 1, today.day + 1));
  return zonedToUtc({
    year: tomorrow.getUTCFullYear(), month: tomorrow.getUTCMonth() + 1, day: tomorrow.getUTCDate(), hour: 9,
  }, tz);
}

/** 09:00 in `tz` on a calendar date "YYYY-MM-DD". */
export function dayAtNine(ymd, tz) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
  return m ? zonedToUtc({ year: +m[1], month: +m[2], day: +m[3], hour: 9 }, tz) : null;
}

/** A hold must lie in the future and at most 30 days ahead. */
export function holdable(date, now = new Date()) {
  return !!date && date.getTime() > now.getTime() && date.getTime() - now.getTime() <= MAX_HOLD_MS;
}

export const inHours = (hours, now = new Date()) => new Date(now.getTime() + hours * HOUR);
