// The channels' health in the header (GET /v1/hotels/{h}/channels): connected, the last
// notification, what is still undelivered, and the replies the channel blocked this week.

import { h } from './dom.js';
import { locale, plural, t } from './i18n.js';
import * as time from './time.js';

const NAMES = { expedia: 'Expedia' };

/** The status line of each channel, or null when there is none to show. */
export function channelStatus(items, tz) {
  const known = (items || []).filter((c) => c && /^[a-z0-9_-]+$/.test(c.channel || ''));
  if (!known.length) return null;
  return h('ul', { class: 'channel-status', id: 'channel-status', 'aria-label': t('channelsHealth') },
    known.map((c) => channelItem(c, tz)));
}

function channelItem(c, tz) {
  const id = (part) => `chan-${c.channel}-${part}`;
  const undelivered = Number(c.undelivered) || 0;
  const blocked = Number(c.blocked_replies_7d) || 0;
  const health = !c.connected ? 'off' : (undelivered || blocked ? 'warn' : 'ok');
  const last = c.last_notification_at;
  const reconciled = c.last_reconciled_at
    ? t('chanReconciled', { time: time.longTime(c.last_reconciled_at, locale(), tz) }) : '';
  return h('li', {
    class: `chan chan-${health}`, id: id('status'), title: reconciled || null,
    dataset: { channel: c.channel, connected: String(!!c.connected), health },
  },
  h('span', { class: 'chan-dot', 'aria-hidden': 'true' }),
  h('strong', { class: 'chan-name' }, NAMES[c.channel] || c.channel),
  h('span', { id: id('connected') }, c.connected ? t('chanConnected') : t('chanDisconnected')),
  c.connected && [
    h('span', { id: id('last') }, last
      ? [h('span', { class: 'chan-label' }, t('chanLast'), ' '), h('time', { datetime: last, title: `${t('chanLast')}: ${time.longTime(last, locale(), tz)}` },
        time.shortTime(last, locale(), tz))]
      : t('chanNoneYet')),
    h('span', {
      id: id('undelivered'), class: undelivered ? 'chan-alert' : null, title: t('chanUndeliveredTitle'),
      dataset: { count: undelivered },
    }, plural('chanUndelivered', undelivered)),
    h('span', {
      id: id('blocked'), class: blocked ? 'chan-alert' : null, title: t('chanBlockedTitle'), dataset: { count: blocked },
    }, plural('chanBlocked', blocked), h('span', { class: 'chan-label' }, ' ', t('chanThisWeek'))),
  ]);
}
