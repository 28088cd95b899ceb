import { h } from '../dom.js';
import type { KindNoise, KindRate } from '../api-types.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function rate(r: KindRate): string {
  return r.rate === null ? '—' : `${pct(r.rate)} (${r.count}/${r.judged})`;
}

function floor(r: KindRate & { ci: [number, number] | null }): string {
  if (r.rate === null || r.ci === null) return '—';
  return `${pct(r.rate)} [${pct(r.ci[0])}–${pct(r.ci[1])}] of ${r.judged}`;
}

/**
 * Per mismatch kind: the cross-engine rate next to each engine's own floor (the noise baseline,
 * with its confidence interval and sample count); a noisy kind is marked, as the guard leaves it out.
 */
export function noiseFloorsTable(kinds: readonly KindNoise[]): HTMLElement {
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      {},
      h('caption', {}, 'Mismatch kinds: cross-engine rate and each engine’s own floor'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Kind', 'Cross-engine', 'Legacy floor', 'User floor'].map((name) =>
            h('th', { scope: 'col' }, name),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        ...kinds.map((k) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, k.noisy ? `${k.kind} (noisy, left out of the gate)` : k.kind),
            h('td', { class: 'n' }, rate(k.cross)),
            h('td', { class: 'n' }, floor(k.legacy)),
            h('td', { class: 'n' }, floor(k.user)),
          ),
        ),
      ),
    ),
  );
}
