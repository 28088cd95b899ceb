import { fill, h } from '../dom.js';
import { num, percentOf } from '../format.js';
import type { EngineFigures, SummaryView } from '../api-types.js';
import { noiseFloorsTable } from './noise-floors.js';
import { unavailable } from './unavailable.js';

/** The last minute's traffic split by engine, isolation violations by engine, comparisons. */
export function createSummaryView() {
  const title = h('h2', { id: 'summary-title' }, 'Last minute');
  const body = h('div', {}, h('p', { class: 'note' }, 'Loading…'));
  const root = h('section', { class: 'card summary', 'aria-labelledby': 'summary-title' }, title, body);

  function render(s: SummaryView): void {
    title.textContent = s.windowSeconds === 60 ? 'Last minute' : `Last ${s.windowSeconds} s`;
    const total = s.legacy.requests + s.user.requests;
    const c = s.comparisons;
    fill(
      body,
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          {},
          h('caption', {}, 'Traffic by engine'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['Engine', 'Requests', 'Share', 'Errors', 'p95', 'Sessions', 'Isolation violations'].map(
                (name) => h('th', { scope: 'col' }, name),
              ),
            ),
          ),
          h('tbody', {}, row('legacy', s.legacy, total), row('user', s.user, total)),
        ),
      ),
      h(
        'p',
        { class: 'comparisons' },
        'Shadow comparisons: ',
        h('span', {}, `${c.match} match`),
        ', ',
        h('span', { class: c.mismatch > 0 ? 'warn' : '' }, `${c.mismatch} mismatch`),
        ', ',
        h('span', {}, `${c.incomplete} incomplete`),
        ', ',
        h('span', { class: c.isolation > 0 ? 'bad' : '' }, `${c.isolation} isolation`),
      ),
      s.kinds === undefined ? null : noiseFloorsTable(s.kinds),
    );
  }

  function fail(err: unknown): void {
    fill(body, h('p', { class: 'note' }, unavailable(err, 'Summary')));
  }

  return { root, render, fail };
}

function row(engine: string, f: EngineFigures, total: number): HTMLTableRowElement {
  return h(
    'tr',
    {},
    h('th', { scope: 'row' }, engine),
    h('td', { class: 'n' }, f.requests),
    h('td', { class: 'n' }, percentOf(f.requests, total)),
    h('td', { class: 'n' }, `${f.errors} (${percentOf(f.errors, f.requests)})`),
    h('td', { class: 'n' }, f.p95Ms === null ? '—' : `${num(f.p95Ms)} ms`),
    h('td', { class: 'n' }, f.sessions),
    h('td', { class: f.violations > 0 ? 'n bad' : 'n' }, f.violations > 0 ? `✕ ${f.violations}` : '0'),
  );
}
