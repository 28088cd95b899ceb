import { align, type AlignedRow } from '../align.js';
import { fill, h } from '../dom.js';
import { clock } from '../format.js';
import type { CanonicalEventView, DivergenceView, DivergenceSide } from '../api-types.js';

const SHOWN = ['agent', 'tool', 'status', 'error'] as const;
const IDS = [
  ['run', 'runId'],
  ['thread', 'threadId'],
  ['user', 'userId'],
] as const;
const MARKS: Record<AlignedRow['verdict'], string> = {
  same: '',
  repeat: '',
  differs: '≠ differs',
  missing: '≠ missing in candidate',
  extra: '≠ extra in candidate',
};

/** One divergence: what was compared, its kinds, and the two event streams side by side. */
export function createDivergenceDetail() {
  const body = h('div', {}, h('p', { class: 'note' }, 'Choose a divergence in the table to see its events.'));
  const root = h(
    'section',
    { class: 'detail', 'aria-labelledby': 'detail-title' },
    h('h3', { id: 'detail-title' }, 'Divergence detail'),
    body,
  );

  function show(d: DivergenceView): void {
    fill(body, header(d), events(d));
  }

  return { root, show };
}

function header(d: DivergenceView): HTMLElement {
  const details = d.details ?? {};
  const where = d.route !== undefined ? `route ${d.route}` : `session ${d.session ?? '—'}`;
  return h(
    'div',
    {},
    h(
      'dl',
      { class: 'pairs' },
      h('dt', {}, 'Result'),
      h('dd', {}, d.result, d.incompleteReason === undefined ? '' : ` (${d.incompleteReason})`),
      h('dt', {}, 'Kinds'),
      h(
        'dd',
        {},
        d.kinds.length === 0
          ? 'none'
          : h(
              'ul',
              { class: 'kinds', 'aria-label': 'Mismatch kinds' },
              ...d.kinds.map((k) => h('li', {}, h('code', {}, k))),
            ),
      ),
      h('dt', {}, 'When'),
      h('dd', {}, h('time', { datetime: d.at }, clock(d.at))),
      h('dt', {}, 'Where'),
      h('dd', {}, where, d.runIndex === undefined ? '' : `, run ${d.runIndex + 1}`),
      h('dt', {}, 'Engines'),
      h(
        'dd',
        {},
        `control ${d.control.engine} (what the user got), candidate ${d.candidate.engine} (the shadow)`,
      ),
      d.leakedBy && d.leakedBy.length > 0 && h('dt', {}, 'Leaked by'),
      d.leakedBy && d.leakedBy.length > 0 && h('dd', {}, d.leakedBy.join(', ')),
      ...detailPairs('Missing', details.missing),
      ...detailPairs('Extra', details.extra),
      ...detailPairs('Moved', details.moved),
      ...detailPairs('Fields', details.fields),
    ),
  );
}

function detailPairs(label: string, values: string[] | undefined): HTMLElement[] {
  if (values === undefined || values.length === 0) return [];
  return [h('dt', {}, label), h('dd', {}, values.join(', '))];
}

function events(d: DivergenceView): HTMLElement {
  const { control, candidate } = d;
  if (control.events.length === 0 && candidate.events.length === 0) {
    return h(
      'p',
      { class: 'note' },
      control.status === undefined
        ? 'Neither side has events to show.'
        : `HTTP responses: control answered ${control.status}, candidate ${candidate.status ?? '—'}. Bodies are not stored.`,
    );
  }
  const rows = align(control.events, candidate.events);
  const differing = rows.filter((r) => r.verdict !== 'same' && r.verdict !== 'repeat').length;
  return h(
    'div',
    {},
    h(
      'p',
      { class: 'note' },
      `${rows.length} aligned events, ${differing} marked ≠ where the streams differ. `,
      'Ids are hashed and error text redacted by the proxy; a repeated agent_thinking is not compared.',
      omitted(control, 'control'),
      omitted(candidate, 'candidate'),
    ),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'streams' },
        h('caption', { class: 'visually-hidden' }, 'Control and candidate events, aligned'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, '#'),
            h('th', { scope: 'col' }, 'Control'),
            h('th', { scope: 'col' }, 'Candidate'),
          ),
        ),
        h('tbody', {}, ...rows.map((r, i) => eventRow(r, i, start(control), start(candidate)))),
      ),
    ),
  );
}

function omitted(side: DivergenceSide, name: string): string {
  const n = side.omittedEvents ?? 0;
  return n > 0 ? ` ${n} ${name} events left out (the first ones and the last are kept).` : '';
}

function start(side: DivergenceSide): number | null {
  const at = side.events[0]?.at;
  return typeof at === 'number' ? at : null;
}

function eventRow(r: AlignedRow, index: number, t0Control: number | null, t0Candidate: number | null) {
  const mark = MARKS[r.verdict];
  return h(
    'tr',
    { class: r.verdict },
    h('th', { scope: 'row' }, String(index + 1), mark === '' ? null : h('span', { class: 'mark' }, ' ≠')),
    cell(r.control, r, t0Control, r.verdict === 'extra' ? '' : mark),
    cell(r.candidate, r, t0Candidate, r.verdict === 'missing' ? '' : mark),
  );
}

function cell(e: CanonicalEventView | null, r: AlignedRow, t0: number | null, mark: string): HTMLElement {
  // A gap has nothing to mark: the event on the other side carries the mark.
  if (e === null) {
    return h('td', { class: 'gap' }, h('span', { class: 'note' }, '— no event here'));
  }
  const differs = new Set<string>(r.fields);
  const fields = SHOWN.filter((f) => e[f] !== null && e[f] !== undefined).map((f) =>
    h(
      'li',
      { class: differs.has(f) ? 'differs' : '' },
      differs.has(f) ? '≠ ' : '',
      `${f}: `,
      h('code', {}, String(e[f])),
    ),
  );
  const ids = IDS.filter(([, f]) => typeof e[f] === 'string').map(([name, f]) => `${name} ${e[f] ?? ''}`);
  return h(
    'td',
    {},
    mark === '' ? null : h('span', { class: 'mark' }, mark),
    h(
      'code',
      { class: differs.has('type') ? 'type differs' : 'type' },
      differs.has('type') ? `≠ ${e.type}` : e.type,
    ),
    typeof e.at === 'number' && t0 !== null
      ? h('span', { class: 'note' }, ` +${Math.round(e.at - t0)} ms`)
      : null,
    r.verdict === 'repeat' ? h('span', { class: 'note' }, ' (repeat, not compared)') : null,
    fields.length === 0 ? null : h('ul', { class: 'fields' }, ...fields),
    ids.length === 0 ? null : h('p', { class: 'ids note' }, ids.join(' · ')),
  );
}
