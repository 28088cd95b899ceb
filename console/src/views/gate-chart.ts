import { chartModel, type Box, type GatePoint } from '../chart.js';
import { h, svg } from '../dom.js';
import { clock, num } from '../format.js';

const BOX: Box = { width: 360, height: 140, left: 46, right: 10, top: 10, bottom: 24 };

const at = (ms: number): string => clock(new Date(ms).toISOString());

/**
 * One gate over the current step: its value (solid) against its limit (dashed), breaches as
 * dots, drawn as inline SVG from the plan's history; the figure says the same in words.
 */
export function gateChart(name: string, points: readonly GatePoint[]): HTMLElement {
  const m = chartModel(points, BOX);
  const latest = points.at(-1);
  const bottom = BOX.height - BOX.bottom;
  const right = BOX.width - BOX.right;
  const summary =
    latest === undefined
      ? `${name}: no samples`
      : `${name}: ${points.length} samples from ${at(m.from)} to ${at(m.to)}; latest value ${num(latest.value)} against limit ${num(latest.limit)}, ${latest.verdict}`;
  const chart = svg(
    'svg',
    { viewBox: `0 0 ${BOX.width} ${BOX.height}`, role: 'img', 'aria-label': summary, class: 'gate-chart' },
    svg('title', {}, summary),
    svg('line', { x1: BOX.left, y1: bottom, x2: right, y2: bottom, class: 'axis' }),
    svg('line', { x1: BOX.left, y1: BOX.top, x2: BOX.left, y2: bottom, class: 'axis' }),
    svg('text', { x: BOX.left - 4, y: BOX.top + 8, 'text-anchor': 'end', class: 'tick' }, num(m.yMax)),
    svg('text', { x: BOX.left - 4, y: bottom, 'text-anchor': 'end', class: 'tick' }, '0'),
    svg('text', { x: BOX.left, y: BOX.height - 6, class: 'tick' }, at(m.from)),
    svg('text', { x: right, y: BOX.height - 6, 'text-anchor': 'end', class: 'tick' }, at(m.to)),
    m.limit === '' ? null : svg('path', { d: m.limit, class: 'limit' }),
    m.value === '' ? null : svg('path', { d: m.value, class: 'value' }),
    ...m.breaches.map((b) => svg('circle', { cx: b.x, cy: b.y, r: 3.5, class: 'breach' })),
  );
  return h(
    'figure',
    { class: 'gate' },
    chart,
    h(
      'figcaption',
      {},
      h('strong', {}, name),
      latest === undefined
        ? ''
        : ` ${num(latest.value)} / limit ${num(latest.limit)} (${latest.verdict}). Solid: value; dashed: limit; dot: breach.`,
    ),
  );
}
