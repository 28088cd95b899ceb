import { above, count, limit, percent, signed } from './format.js';
import { judgedIn, mismatchedIn } from './kind-masks.js';
import type { GuardLimits } from './limits.js';
import { kindNoise, noisyMask } from './noise.js';
import { differenceLowerBound, significantlyAbove } from './stats.js';
import type { GateReport } from './types.js';
import type { SampleWindow } from './window.js';

/**
 * The `mismatch_rate` gate: cross-engine comparisons judged `mismatch` over `match` + `mismatch`
 * (`incomplete` and `isolation` are left out, and so are the kinds an engine's own floor shows to
 * be noisy: a run whose only kinds are noisy counts as a match). With at least
 * GUARD_MIN_COMPARISONS judged in the window:
 * - basis `baseline` (both engines' floors hold GUARD_MIN_COMPARISONS too): it breaches when the
 *   rate is past the larger floor by significantly more than GUARD_MAX_MISMATCH_DELTA (the lower
 *   confidence bound of rate - floor is past the delta: the floor is a sample too);
 *   While a floor holds some but fewer than GUARD_MIN_COMPARISONS, the verdict is `insufficient`
 *   (the floor is filling; floor null);
 * - basis `absolute` (an engine has no baseline comparison in the window: the baseline is off, or no
 *   user is served by that engine): past GUARD_MAX_MISMATCH_RATE, significantly so
 *   (one-proportion test against the limit: 3 in 50 is not a reason to roll back at 5%).
 * Either way the mismatches must come from enough distinct users.
 */
export function mismatchRateGate(window: SampleWindow, limits: GuardLimits, nowMs: number): GateReport {
  const c = window.comparisons(nowMs);
  const books = window.noiseBooks(nowMs);
  const noise = kindNoise(books, limits);
  const ignored = noisyMask(noise);
  const judged = judgedIn(books.cross);
  const mismatched = mismatchedIn(books.cross, ignored);
  const users = c.mismatchUsers;
  const floors = (['legacy', 'user'] as const).map((engine) => {
    const n = judgedIn(books.floors[engine]);
    const x = mismatchedIn(books.floors[engine], ignored);
    return { engine, n, x, rate: n === 0 ? 0 : x / n };
  });
  // Both engines have a baseline in the window: judge against it, or wait while a floor fills
  // (the cross book fills first, and the absolute limit would roll a noisy engine back at start).
  const measured = floors.every((f) => f.n > 0);
  const filling = measured && floors.some((f) => f.n < limits.minComparisons);
  const baseline = measured && !filling;
  const top = floors.reduce((a, b) => (b.rate > a.rate ? b : a));
  const base = {
    name: 'mismatch_rate',
    limit: measured ? limits.maxMismatchDelta : limits.maxMismatchRate,
    samples: { legacy: judged, user: judged },
    users,
    channel: null,
    reason: null,
    basis: measured ? 'baseline' : 'absolute',
    floor: baseline ? top.rate : null,
    noisyKinds: noise.filter((k) => k.noisy).map((k) => k.kind),
  } as const;
  if (judged === 0) return { ...base, value: null, verdict: 'insufficient' };
  const value = mismatched / judged;
  if (judged < limits.minComparisons || filling) return { ...base, value, verdict: 'insufficient' };
  const atLeast = baseline ? differenceLowerBound(mismatched, judged, top.x, top.n, limits.confidence) : 0;
  const bad = baseline
    ? above(atLeast, limits.maxMismatchDelta)
    : above(value, limits.maxMismatchRate) &&
      significantlyAbove(mismatched, judged, limits.maxMismatchRate, limits.confidence);
  if (!bad) return { ...base, value, verdict: 'ok' };
  if (users < limits.minUsers) return { ...base, value, verdict: 'insufficient' };
  const against = baseline
    ? `(> ${top.engine} floor ${percent(top.rate)} of ${top.n} + ${limit(limits.maxMismatchDelta * 100)} points; ` +
      `at least ${signed(atLeast * 100)} points at ${limit(limits.confidence * 100)}% confidence)`
    : `(> ${limit(limits.maxMismatchRate * 100)}%)`;
  const reason =
    `mismatch_rate: ${percent(value)} of ${judged} comparisons mismatched ${against} ` +
    `over ${window.windowSeconds} s, ${count(users, 'user')}`;
  return { ...base, value, verdict: 'breach', reason };
}
