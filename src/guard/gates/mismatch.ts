import { above, count, limit, percent } from './format.js';
import type { GuardLimits } from './limits.js';
import { significantlyAbove } from './stats.js';
import type { GateReport } from './types.js';
import type { SampleWindow } from './window.js';

/**
 * The `mismatch_rate` gate: shadow comparisons judged `mismatch` over `match` + `mismatch`
 * (`incomplete` and `isolation` judgements are left out). With at least GUARD_MIN_COMPARISONS
 * judged in the window, it breaches when the rate is past GUARD_MAX_MISMATCH_RATE, significantly
 * so (one-sided one-proportion test against the limit: a single sample has no second proportion
 * to compare with; 3 in 50 is not a reason to roll back at a 5% limit), and the mismatches come
 * from enough distinct users. Both sides of a comparison saw the same runs, so `samples` gives
 * the judged count for each.
 */
export function mismatchRateGate(window: SampleWindow, limits: GuardLimits, nowMs: number): GateReport {
  const c = window.comparisons(nowMs);
  const judged = c.match + c.mismatch;
  const users = c.mismatchUsers;
  const base = {
    name: 'mismatch_rate',
    limit: limits.maxMismatchRate,
    samples: { legacy: judged, user: judged },
    users,
    channel: null,
    reason: null,
  } as const;
  if (judged === 0) return { ...base, value: null, verdict: 'insufficient' };
  const value = c.mismatch / judged;
  if (judged < limits.minComparisons) return { ...base, value, verdict: 'insufficient' };
  const bad =
    above(value, limits.maxMismatchRate) &&
    significantlyAbove(c.mismatch, judged, limits.maxMismatchRate, limits.confidence);
  if (!bad) return { ...base, value, verdict: 'ok' };
  if (users < limits.minUsers) return { ...base, value, verdict: 'insufficient' };
  const reason =
    `mismatch_rate: ${percent(value)} of ${judged} comparisons mismatched ` +
    `(> ${limit(limits.maxMismatchRate * 100)}%) over ${window.windowSeconds} s, ${count(users, 'user')}`;
  return { ...base, value, verdict: 'breach', reason };
}
