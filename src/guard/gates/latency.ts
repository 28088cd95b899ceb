import { above, count, limit, ms, signed } from './format.js';
import type { GuardLimits } from './limits.js';
import type { GateReport } from './types.js';
import type { SampleWindow } from './window.js';

/**
 * The `latency` gate: the user engine's HTTP p95 over legacy's. It breaches only when the ratio
 * is past GUARD_MAX_P95_RATIO *and* the two are more than GUARD_MIN_P95_DELTA_MS apart (so
 * jitter on millisecond requests cannot trip it), with enough requests on each side, and when
 * the user engine's requests slower than legacy's p95 plus that floor come from enough
 * distinct users. Both p95s are read from summed histograms (see histogram.ts).
 */
export function latencyGate(window: SampleWindow, limits: GuardLimits, nowMs: number): GateReport {
  const nLegacy = window.http('legacy', nowMs).requests;
  const nUser = window.http('user', nowMs).requests;
  const pLegacy = window.latencyQuantile('legacy', nowMs, 0.95);
  const pUser = window.latencyQuantile('user', nowMs, 0.95);
  const samples = { legacy: nLegacy, user: nUser };
  const base = {
    name: 'latency',
    limit: limits.maxP95Ratio,
    samples,
    channel: 'http',
    reason: null,
  } as const;
  if (pLegacy === null || pUser === null) return { ...base, value: null, users: 0, verdict: 'insufficient' };
  const value = pLegacy > 0 ? pUser / pLegacy : pUser > 0 ? Infinity : 1;
  const users = window.slowUsers(nowMs, pLegacy + limits.minP95DeltaMs);
  if (nLegacy < limits.minRequests || nUser < limits.minRequests) {
    return { ...base, value, users, verdict: 'insufficient' };
  }
  const bad = above(value, limits.maxP95Ratio) && above(pUser - pLegacy, limits.minP95DeltaMs);
  if (!bad) return { ...base, value, users, verdict: 'ok' };
  if (users < limits.minUsers) return { ...base, value, users, verdict: 'insufficient' };
  const reason =
    `latency: user p95 ${ms(pUser)} vs legacy ${ms(pLegacy)} ` +
    `(x${value.toFixed(2)} > ${limit(limits.maxP95Ratio)}, ${signed(pUser - pLegacy, 0)} ms > ${limit(limits.minP95DeltaMs)}) ` +
    `over ${window.windowSeconds} s, ${nUser}/${nLegacy} requests, ${count(users, 'user')}`;
  return { ...base, value, users, verdict: 'breach', reason };
}
