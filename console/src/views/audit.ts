import { describeChange } from '../change.js';
import { fill, h, setText } from '../dom.js';
import { clock } from '../format.js';
import { Pager } from '../pager.js';
import type { AuditEntryView, Paged } from '../api-types.js';
import { pagerControls } from './pager-controls.js';
import { unavailable } from './unavailable.js';

const PAGE = 25;

/** The audit trail from the durable store, newest first, paged back with "Older". */
export function createAuditView(onMove: () => void) {
  const pager = new Pager();
  const controls = pagerControls('Audit pages', pager, onMove);
  const tbody = h('tbody');
  const note = h('p', { class: 'note' }, 'Loading…');
  const root = h(
    'section',
    { class: 'card audit', 'aria-labelledby': 'audit-title' },
    h('h2', { id: 'audit-title' }, 'Audit trail'),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        {},
        h('caption', {}, 'Changes, newest first'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Time', 'Action', 'Role', 'Actor', 'Address', 'Change', 'Reason', 'Instance'].map((c) =>
              h('th', { scope: 'col' }, c),
            ),
          ),
        ),
        tbody,
      ),
    ),
    note,
    controls.root,
  );

  function render(page: Paged<AuditEntryView>): void {
    pager.read(page.next);
    controls.update();
    fill(tbody, ...page.items.map(row));
    setText(
      note,
      page.items.length === 0
        ? pager.page === 1
          ? 'No changes recorded yet.'
          : 'Nothing older.'
        : `${page.items.length} shown. Every change made through the admin API, the CLI or this console.`,
    );
  }

  function fail(err: unknown): void {
    setText(note, unavailable(err, 'Audit trail'));
  }

  return { root, render, fail, path: () => `/admin/audit?limit=${PAGE}${pager.query()}` };
}

function row(e: AuditEntryView): HTMLTableRowElement {
  return h(
    'tr',
    { class: e.failed === null ? '' : 'failed' },
    h('td', {}, h('time', { datetime: e.at, title: e.at }, clock(e.at))),
    h('th', { scope: 'row' }, e.action, e.failed === null ? null : h('span', { class: 'bad' }, ' ✕ failed')),
    h('td', {}, e.role),
    h('td', {}, e.actor ?? '—'),
    h('td', {}, e.address ?? '—'),
    h(
      'td',
      {},
      describeChange(e.before, e.after),
      e.failed === null ? null : h('span', { class: 'note' }, ` (${e.failed})`),
    ),
    h('td', {}, e.reason ?? '—'),
    h('td', {}, h('code', {}, e.instance)),
  );
}
