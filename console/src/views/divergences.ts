import { h, setText } from '../dom.js';
import { clock } from '../format.js';
import type { Divergence } from '../types.js';
import type { createDivergenceDetail } from './divergence-detail.js';
import { unavailable } from './unavailable.js';

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
 * The recent divergences, newest first. Rows are kept by id across refreshes, so the row a
 * person is on keeps its focus; a row is chosen by click, Enter or Space, and arrows move.
 */
export function createDivergencesView(
  detail: ReturnType<typeof createDivergenceDetail>,
  onFilter: () => void,
) {
  const select = h(
    'select',
    { id: 'divergence-kind' },
    h('option', { value: '' }, 'All kinds'),
    ...KINDS.map((k) => h('option', { value: k }, k)),
  );
  const source = h(
    'select',
    { id: 'divergence-source' },
    h('option', { value: 'cross' }, 'Cross-engine'),
    h('option', { value: 'baseline' }, 'Baseline (an engine against itself)'),
  );
  const tbody = h('tbody');
  const note = h('p', { class: 'note' });
  const rows = new Map<string, HTMLTableRowElement>();
  let selected: string | null = null;

  const root = h(
    'section',
    { class: 'card divergences', 'aria-labelledby': 'divergences-title' },
    h('h2', { id: 'divergences-title' }, 'Divergences'),
    h(
      'div',
      { class: 'split' },
      h(
        'div',
        { class: 'list' },
        h('p', { class: 'field inline' }, h('label', { for: 'divergence-source' }, 'Book'), source),
        h('p', { class: 'field inline' }, h('label', { for: 'divergence-kind' }, 'Kind'), select),
        h(
          'div',
          { class: 'scroll' },
          h(
            'table',
            { class: 'pick' },
            h('caption', {}, 'Recent divergences'),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...['Time', 'Kinds', 'Route or run', 'Engines'].map((c) => h('th', { scope: 'col' }, c)),
              ),
            ),
            tbody,
          ),
        ),
        note,
      ),
      detail.root,
    ),
  );

  select.addEventListener('change', onFilter);
  source.addEventListener('change', onFilter);

  function choose(d: Divergence, row: HTMLTableRowElement): void {
    selected = d.id;
    for (const r of rows.values()) r.removeAttribute('aria-current');
    row.setAttribute('aria-current', 'true');
    detail.show(d);
  }

  function rowFor(d: Divergence): HTMLTableRowElement {
    const existing = rows.get(d.id);
    if (existing !== undefined) return existing;
    const row = h(
      'tr',
      { tabindex: 0, 'data-id': d.id },
      h('td', {}, h('time', { datetime: d.at }, clock(d.at))),
      h('td', {}, d.kinds.length === 0 ? d.result : `${d.result}: ${d.kinds.join(', ')}`),
      h('td', {}, where(d)),
      h('td', {}, `${d.control.engine} / ${d.candidate.engine}`),
    );
    row.addEventListener('click', () => choose(d, row));
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        choose(d, row);
      } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const next = event.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling;
        if (next instanceof HTMLElement) next.focus();
      }
    });
    if (d.id === selected) row.setAttribute('aria-current', 'true');
    rows.set(d.id, row);
    return row;
  }

  function render(items: Divergence[]): void {
    const wanted = items.map(rowFor);
    // Insert in place rather than rebuild: a row that stays never leaves the DOM (nor its focus).
    wanted.forEach((row, k) => {
      const at = tbody.children[k];
      if (at !== row) tbody.insertBefore(row, at ?? null);
    });
    const keep = new Set(items.map((d) => d.id));
    for (const [id, row] of rows) {
      if (keep.has(id)) continue;
      row.remove();
      rows.delete(id);
    }
    const kind = select.value;
    setText(
      note,
      items.length === 0
        ? kind === ''
          ? 'No divergences recorded yet.'
          : `No divergences of kind ${kind}.`
        : `${items.length} shown, newest first. Choose one to see its events.`,
    );
  }

  function fail(err: unknown): void {
    setText(note, unavailable(err, 'Divergences'));
  }

  return { root, render, fail, kind: () => select.value, source: () => source.value };
}

function where(d: Divergence): string {
  if (d.route !== undefined) return d.route;
  const run = d.runIndex === undefined ? '' : ` run ${d.runIndex + 1}`;
  return d.session === undefined ? `run${run}` : `session ${d.session.slice(0, 8)}${run}`;
}
