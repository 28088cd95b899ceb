import type { GateView, GuardView } from '../../../console/src/api-types.js';
import { quoted, table, when } from './text.js';

const num = (x: number): string => String(Number(x.toPrecision(4)));

/** A gate's figure in its own unit: points, a ratio, a rate or a count. */
export function gateFigure(name: string, x: number | null): string {
  if (x === null) return '-';
  switch (name) {
    case 'error_rate':
      return `${x >= 0 ? '+' : ''}${x.toFixed(2)} pts`;
    case 'latency':
      return `${x.toFixed(2)}x`;
    case 'mismatch_rate':
    case 'user_error_rate':
      return `${(x * 100).toFixed(1)}%`;
    default:
      return num(x);
  }
}

function gateLimit(g: GateView): string {
  return g.name === 'error_rate' ? `${num(g.limit)} pts` : gateFigure(g.name, g.limit);
}

export function lastTripLine(trip: GuardView['lastTrip'], now: number): string {
  if (trip === null) return 'never tripped';
  const gate = trip.gate === undefined ? '' : ` by ${trip.gate}`;
  return `last tripped${gate} at ${when(trip.at, now)}: ${quoted(trip.reason)}`;
}

/** One line for `status`: the mode, the gates that are not ok, the last trip. */
export function guardLine(guard: GuardView, now: number): string {
  const breached = guard.gates.filter((g) => g.verdict === 'breach').map((g) => g.name);
  const waiting = guard.gates.filter((g) => g.verdict === 'insufficient').length;
  const gates =
    breached.length > 0
      ? `BREACH ${breached.join(', ')}`
      : `${guard.gates.length - waiting} of ${guard.gates.length} gates ok${waiting > 0 ? `, ${waiting} waiting for samples` : ''}`;
  return `${guard.mode}, ${guard.windowSeconds}s window: ${gates}; ${lastTripLine(guard.lastTrip, now)}`;
}

/** `switchyard guard`: every gate, its figure against its limit, and the verdict. */
export function formatGuard(guard: GuardView, now: number): string {
  const rows = [
    ['gate', 'value', 'limit', 'legacy', 'user', 'users', 'verdict'],
    ...guard.gates.map((g) => [
      g.name,
      gateFigure(g.name, g.value),
      gateLimit(g),
      String(g.samples.legacy),
      String(g.samples.user),
      String(g.users),
      g.verdict === 'breach' ? 'BREACH' : g.verdict,
    ]),
  ];
  const reasons = guard.gates.filter((g) => g.reason).map((g) => `  ${g.name}: ${g.reason}`);
  return [
    `guard: ${guard.mode}, window ${guard.windowSeconds}s${scopeText(guard)}`,
    table(rows),
    ...guard.gates.filter((g) => g.basis !== undefined).map(basisLine),
    ...(reasons.length > 0 ? ['', 'breaches:', ...reasons] : []),
    '',
    lastTripLine(guard.lastTrip, now),
  ].join('\n');
}

/** Whose evidence the answering replica judges (pooled guard); nothing for a lone instance. */
function scopeText(guard: GuardView): string {
  if (guard.scope === 'fleet') {
    return guard.judge === true
      ? `, judging the fleet (${guard.instances ?? 1} instances)`
      : ', pooled: another replica judges the fleet (isolation still trips here)';
  }
  return typeof guard.fallback === 'string' ? `, judging local traffic: ${guard.fallback}` : '';
}

/** How the mismatch gate judged: against the noise floor or the fixed limit, and what it left out. */
function basisLine(g: GateView): string {
  const basis =
    g.basis === 'baseline' && typeof g.floor === 'number'
      ? `against the noise floor ${gateFigure(g.name, g.floor)} (+${gateLimit(g)} allowed)`
      : 'against the absolute limit (too few baseline comparisons)';
  const noisy =
    g.noisyKinds !== undefined && g.noisyKinds.length > 0
      ? `; noisy, left out: ${g.noisyKinds.join(', ')}`
      : '';
  return `${g.name} judged ${basis}${noisy}`;
}
