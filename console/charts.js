// A small SVG chart module (no library): bars, stacked by series, and lines, with their axes, an accessible
// title and description, and a legend. Every label goes in as text (textContent), never as markup.
//
//   barChart({ id, title, desc, labels, series: [{ key, label, values }], format })  -> <figure>
//   lineChart({ id, title, desc, labels, series: [{ key, label, values (null: no point) }], format })  -> <figure>
//
// `labels` name the x positions (one per value); `format(n)` writes a value (the y axis and the tooltips).
// A bar is <g class="bar"> holding one <rect class="segment" data-series> per non-zero value; a line is a
// <path class="line" data-series> through <circle class="point" data-series>, one per value given.

import { h } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const W = 480;
const H = 200;
const PAD = { top: 12, right: 22, bottom: 30, left: 54 };
export const PALETTE = ['#1f5f8b', '#e07b24', '#2e9e6a', '#8e5bb5', '#c23b53', '#6b7d8f', '#c4a21b', '#3aa6b9'];

let ids = 0;

function el(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined) continue;
    if (key === 'text') node.textContent = value;
    else node.setAttribute(key, String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

/** A round step for about `count` ticks from 0 to `max`: 1, 2, 5 × 10^n, or the first of `steps` that fits. */
export function niceStep(max, count = 4, steps = null) {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const fits = steps && steps.find((s) => s >= raw);
  if (fits) return fits;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
}

/** Round steps for an axis of seconds: 10 s … 1 day. */
export const TIME_STEPS = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

function frame({ id, title, desc, steps }, top, format) {
  const chartId = `${id || `chart-${(ids += 1)}`}-svg`;
  const svg = el('svg', {
    viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'chart-svg', id: chartId,
    'aria-labelledby': `${chartId}-title ${chartId}-desc`, preserveAspectRatio: 'xMidYMid meet',
  }, el('title', { id: `${chartId}-title`, text: title }), el('desc', { id: `${chartId}-desc`, text: desc || '' }));
  const step = niceStep(top, 4, steps);
  const max = Math.max(step, Math.ceil(top / step) * step);
  const y = (value) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - value / max);
  const axis = el('g', { class: 'axis axis-y', 'aria-hidden': 'true' });
  for (let v = 0; v <= max + step / 2; v += step) {
    axis.append(
      el('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), stroke: '#dde3e9', 'stroke-width': 1 }),
      el('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#5d6b7a', text: format(v) }));
  }
  svg.append(axis);
  return { svg, y };
}

function xAxis(svg, labels, x) {
  const axis = el('g', { class: 'axis axis-x', 'aria-hidden': 'true' });
  const every = Math.max(1, Math.ceil(labels.length / 7)); // about seven labels whatever the range, the last one's first
  labels.forEach((label, i) => {
    if ((labels.length - 1 - i) % every) return;
    axis.append(el('text', {
      x: x(i), y: H - PAD.bottom + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#5d6b7a', class: 'tick', text: label,
    }));
  });
  axis.append(el('line', {
    x1: PAD.left, x2: W - PAD.right, y1: H - PAD.bottom, y2: H - PAD.bottom, stroke: '#5d6b7a', 'stroke-width': 1,
  }));
  svg.append(axis);
}

function figure(svg, series, { id, title }) {
  return h('figure', { class: 'chart', id },
    h('figcaption', { class: 'chart-title' }, title),
    svg,
    h('ul', { class: 'chart-legend' }, series.map((s, i) => h('li', { dataset: { series: s.key } },
      h('span', { class: 'swatch', 'aria-hidden': 'true', dataset: { color: String(i % PALETTE.length) } },
        swatch(PALETTE[i % PALETTE.length])), s.label))));
}

function swatch(color) {
  return el('svg', { width: 10, height: 10, viewBox: '0 0 10 10', 'aria-hidden': 'true' },
    el('rect', { width: 10, height: 10, rx: 2, fill: color }));
}

const plain = (n) => String(n);

/** Bars stacked by series, one per label. */
export function barChart(options) {
  const { labels, series, format = plain } = options;
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (Number(s.values[i]) || 0), 0));
  const { svg, y } = frame(options, Math.max(0, ...totals), format);
  const band = (W - PAD.left - PAD.right) / Math.max(1, labels.length);
  const width = Math.max(1, band * 0.7);
  const x = (i) => PAD.left + band * (i + 0.5);
  const bars = el('g', { class: 'bars' });
  labels.forEach((label, i) => {
    const parts = series.map((s) => `${s.label}: ${format(Number(s.values[i]) || 0)}`).join(', ');
    const bar = el('g', { class: 'bar', 'data-index': i, 'data-total': totals[i] }, el('title', { text: `${label} — ${parts}` }));
    let base = 0;
    series.forEach((s, k) => {
      const value = Number(s.values[i]) || 0;
      if (value <= 0) return;
      bar.append(el('rect', {
        class: 'segment', 'data-series': s.key, 'data-value': value, x: x(i) - width / 2, width,
        y: y(base + value), height: Math.max(0, y(base) - y(base + value)), fill: PALETTE[k % PALETTE.length],
      }));
      base += value;
    });
    bars.append(bar);
  });
  svg.append(bars);
  xAxis(svg, labels, x);
  return figure(svg, series, options);
}

/** One line per series; a null value is a gap (no point, the line breaks). */
export function lineChart(options) {
  const { labels, series, format = plain } = options;
  const all = series.flatMap((s) => s.values.filter((v) => v !== null && v !== undefined).map(Number));
  const { svg, y } = frame(options, Math.max(0, ...all), format);
  const span = W - PAD.left - PAD.right;
  const x = (i) => PAD.left + (labels.length > 1 ? (span * i) / (labels.length - 1) : span / 2);
  series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const group = el('g', { class: 'series', 'data-series': s.key });
    let d = '';
    let pen = 'M';
    const points = [];
    s.values.forEach((value, i) => {
      if (value === null || value === undefined) {
        pen = 'M';
        return;
      }
      d += `${pen}${x(i).toFixed(1)},${y(Number(value)).toFixed(1)} `;
      pen = 'L';
      points.push(el('circle', {
        class: 'point', 'data-series': s.key, 'data-index': i, 'data-value': value, cx: x(i), cy: y(Number(value)),
        r: 3.5, fill: color,
      }, el('title', { text: `${labels[i]} — ${s.label}: ${format(Number(value))}` })));
    });
    if (d) group.append(el('path', { class: 'line', 'data-series': s.key, d: d.trim(), fill: 'none', stroke: color, 'stroke-width': 2 }));
    group.append(...points);
    svg.append(group);
  });
  xAxis(svg, labels, x);
  return figure(svg, series, options);
}
