import { ApiError } from '../api.js';
import { filterQuery } from '../divergence-query.js';
import { h, setText } from '../dom.js';
import { clock } from '../format.js';
import { Pager } from '../pager.js';
import type { DivergenceView, DivergencesView } from '../api-types.js';
import type { createDivergenceDetail } from './divergence-detail.js';
import { createDivergenceFilters } from './divergence-filters.js';
import { pagerControls } from './pager-controls.js';
import { unavailable } from './unavailable.js';

const PAGE = 50;

/**
 * The divergences from the durable store, newest first, searched by book, kind, engine, time and
 * route and paged back with "Older". Rows are kept by id across refreshes, so the row a person is
 * on keeps its focus; a row is chosen by click, Enter or Space, and arrows move.
 */
export function createDivergencesView(
  detail: ReturnType<typeof createDivergenceDetail>,
  onFilter: () => void,
) {
  const pager = new Pager();
  const filters = createDivergenceFilters(() => {
    pager.reset();
    controls.update();
    onFilter();
  });
  const controls = pagerControls('Divergence pages', pager, onFilter);
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
        filters.root,
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
        controls.root,
      ),
      detail.root,
    ),
  );

  function choose(d: DivergenceView, row: HTMLTableRowElement): void {
    selected = d.id;
    for (const r of rows.values()) r.removeAttribute('aria-current');
    row.setAttribute('aria-current', 'true');
    detail.show(d);
  }

  function rowFor(d: DivergenceView): HTMLTableRowElement {
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

  function render(view: DivergencesView): void {
    const items = view.items;
    pager.read(view.next);
    controls.update();
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
    setText(
      note,
      items.length === 0 ? nothing() : `${items.length} shown, newest first. Choose one to see its events.`,
    );
  }

  function fail(err: unknown): void {
    // A search the API refused matches nothing: the rows of the last one would mislead.
    if (err instanceof ApiError && err.status === 400) render({ items: [] });
    setText(note, unavailable(err, 'Divergences'));
  }

  /** Why the list is empty, in the terms of the search. */
  function nothing(): string {
    if (pager.page > 1) return 'Nothing older matches.';
    const { kind, engine, since, until, route } = filters.filter();
    if (engine === '' && since === '' && until === '' && route === '') {
      return kind === '' ? 'No divergences recorded yet.' : `No divergences of kind ${kind}.`;
    }
    return 'No divergences match this search.';
  }

  return {
    root,
    render,
    fail,
    path: () => `/admin/divergences?limit=${PAGE}${filterQuery(filters.filter())}${pager.query()}`,
  };
}

function where(d: DivergenceView): string {
  if (d.route !== undefined) return d.route;
  const run = d.runIndex === undefined ? '' : ` run ${d.runIndex + 1}`;
  return d.session === undefined ? `run${run}` : `session ${d.session.slice(0, 8)}${run}`;
}
