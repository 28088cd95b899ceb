import type { DivergenceFilter } from '../divergence-query.js';
import { h } from '../dom.js';

/** What `kind=` filters on: a result, or a mismatch kind (the API's names). */
const KINDS = [
  'mismatch',
  'incomplete',
  'isolation',
  'missing_event',
  'extra_event',
  'order',
  'tool',
  'status',
  'error',
  'field',
];

/**
 * The divergence search: book, kind and engine apply when chosen; since, until and route when
 * searched (Enter or the button), so a half-typed time is never sent. Values go to the API as
 * typed: it validates them and names what is wrong.
 */
export function createDivergenceFilters(onChange: () => void) {
  const source = select('divergence-source', [
    ['cross', 'Cross-engine'],
    ['baseline', 'Baseline (an engine against itself)'],
  ]);
  const kind = select('divergence-kind', [['', 'All kinds'], ...KINDS.map((k): [string, string] => [k, k])]);
  const engine = select('divergence-engine', [
    ['', 'Either engine'],
    ['legacy', 'legacy'],
    ['user', 'user'],
  ]);
  const since = text('divergence-since', '15m, 2h, 7d or a time');
  const until = text('divergence-until', 'e.g. 2026-12-07T10:00Z');
  const route = text('divergence-route', 'route name');
  const root = h(
    'form',
    { class: 'filters', method: 'post', novalidate: true, 'aria-label': 'Search divergences' },
    field('divergence-source', 'Book', source),
    field('divergence-kind', 'Kind', kind),
    field('divergence-engine', 'Engine', engine),
    field('divergence-since', 'Since', since),
    field('divergence-until', 'Until', until),
    field('divergence-route', 'Route', route),
    h('p', { class: 'field' }, h('button', { type: 'submit' }, 'Search')),
  );

  const read = (): DivergenceFilter => ({
    source: source.value,
    kind: kind.value,
    engine: engine.value,
    since: since.value.trim(),
    until: until.value.trim(),
    route: route.value.trim(),
  });
  let applied = read();
  const apply = (): void => {
    applied = read();
    onChange();
  };
  for (const s of [source, kind, engine]) s.addEventListener('change', apply);
  root.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });

  return { root, filter: (): DivergenceFilter => applied };
}

function select(id: string, options: [string, string][]): HTMLSelectElement {
  return h('select', { id }, ...options.map(([value, label]) => h('option', { value }, label)));
}

function text(id: string, placeholder: string): HTMLInputElement {
  return h('input', { id, type: 'text', placeholder, autocomplete: 'off', spellcheck: false, maxlength: 64 });
}

function field(id: string, label: string, control: HTMLElement): HTMLElement {
  return h('p', { class: 'field' }, h('label', { for: id }, label), control);
}
