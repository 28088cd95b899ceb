import { fill, h } from '../dom.js';
import { ago, clock, num } from '../format.js';
import type { GateView, GuardView } from '../api-types.js';
import { unavailable } from './unavailable.js';

const VERDICTS: Record<string, string> = {
  ok: '✓ ok',
  breach: '✕ breach',
  insufficient: '… insufficient',
};

/** The guard's mode and each gate with its value, limit and verdict. */
export function createGuardView() {
  const body = h('div', { class: 'guard-body' }, h('p', { class: 'note' }, 'Loading…'));
  const root = h(
    'section',
    { class: 'card guard', 'aria-labelledby': 'guard-title' },
    h('h2', { id: 'guard-title' }, 'Guard'),
    body,
  );

  function render(guard: GuardView): void {
    const trip = guard.lastTrip;
    fill(
      body,
      h(
        'dl',
        { class: 'pairs' },
        h('dt', {}, 'Mode'),
        h('dd', { class: guard.mode === 'enforce' ? '' : 'warn' }, guard.mode),
        h('dt', {}, 'Window'),
        h('dd', {}, `${guard.windowSeconds} s`),
        h('dt', {}, 'Last trip'),
        h(
          'dd',
          {},
          trip === null || trip.at === undefined
            ? 'never'
            : `${clock(trip.at)} (${ago(trip.at)})${trip.dryRun === true ? ', dry run only' : ''}${
                trip.gate === undefined ? '' : `, ${trip.gate}`
              }${trip.reason === undefined ? '' : `: ${trip.reason}`}`,
        ),
      ),
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          {},
          h('caption', {}, 'Gates'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['Gate', 'Value', 'Limit', 'Verdict', 'Samples', 'Users'].map((c) =>
                h('th', { scope: 'col' }, c),
              ),
            ),
          ),
          h('tbody', {}, ...guard.gates.map(gateRow)),
        ),
      ),
      h(
        'p',
        { class: 'note' },
        "Samples: legacy / user. Users: distinct users behind the user engine's bad samples.",
      ),
      ...guard.gates.filter((g) => g.basis !== undefined).map(basisNote),
      ...guard.gates
        .filter((g) => g.verdict === 'breach' && g.reason !== undefined && g.reason !== null)
        .map((g) => h('p', { class: 'bad' }, `✕ ${g.reason ?? ''}`)),
    );
  }

  function fail(err: unknown): void {
    fill(body, h('p', { class: 'note' }, unavailable(err, 'Guard')));
  }

  return { root, render, fail };
}

function gateRow(gate: GateView): HTMLTableRowElement {
  const verdict = VERDICTS[gate.verdict] ?? gate.verdict;
  return h(
    'tr',
    { class: `verdict-${gate.verdict}` },
    h('th', { scope: 'row' }, gate.name),
    h('td', { class: 'n' }, num(gate.value)),
    h('td', { class: 'n' }, num(gate.limit)),
    h('td', { class: 'verdict' }, verdict),
    h(
      'td',
      { class: 'n' },
      gate.samples === undefined ? '—' : `${gate.samples.legacy} / ${gate.samples.user}`,
    ),
    h('td', { class: 'n' }, num(gate.users)),
  );
}

/** How the mismatch gate judged: against the noise floor or the fixed limit, and what it left out. */
function basisNote(g: GateView): HTMLElement {
  const basis =
    g.basis === 'baseline' && typeof g.floor === 'number'
      ? `against the noise floor ${num(g.floor)} plus ${num(g.limit)}`
      : 'against the absolute limit (too few baseline comparisons)';
  const noisy =
    g.noisyKinds !== undefined && g.noisyKinds.length > 0
      ? `; noisy kinds left out: ${g.noisyKinds.join(', ')}`
      : '';
  return h('p', { class: 'note' }, `${g.name} is judged ${basis}${noisy}.`);
}
