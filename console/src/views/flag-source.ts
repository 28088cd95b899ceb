import { h, setText } from '../dom.js';
import { ago, clock } from '../format.js';
import type { StateView } from '../api-types.js';

/** Where the flags come from and whether that source is healthy. */
export function createFlagSourceView() {
  const kind = h('dd');
  const health = h('dd');
  const lastSync = h('dd');
  const overrides = h('dd');
  const root = h(
    'section',
    { class: 'card source', 'aria-labelledby': 'source-title' },
    h('h2', { id: 'source-title' }, 'Flag source'),
    h(
      'dl',
      { class: 'pairs' },
      h('dt', {}, 'Kind'),
      kind,
      h('dt', {}, 'Health'),
      health,
      h('dt', {}, 'Last sync'),
      lastSync,
      h('dt', {}, 'Overrides'),
      overrides,
    ),
  );

  function render(s: StateView): void {
    const src = s.flagSource;
    setText(kind, src.kind);
    const healthy = src.ready && src.up !== false;
    const problem = src.problem ?? (src.ready ? 'unreachable: keeping the last known flags' : 'not ready');
    setText(health, healthy ? '✓ healthy' : `✕ ${problem}`);
    health.classList.toggle('bad', !healthy);
    setText(lastSync, src.lastSync === null ? 'never' : `${clock(src.lastSync)} (${ago(src.lastSync)})`);
    setText(overrides, `${s.overrides.count} override(s)`);
  }

  return { root, render };
}
