import { USER_SKETCH_CAPACITY } from './sketch.js';

/** The guard's thresholds (env `GUARD_*`; the config schema validates them). */
export interface GuardLimits {
  /** GUARD_WINDOW_SECONDS: length of the sliding window. */
  readonly windowSeconds: number;
  /** GUARD_MIN_REQUESTS: samples needed on each side before a comparative gate judges. */
  readonly minRequests: number;
  /** GUARD_MIN_USERS: distinct users (isolation: users and sessions) a breach must come from. */
  readonly minUsers: number;
  /** GUARD_MAX_ERROR_RATE_DELTA: user minus legacy error rate, percentage points. */
  readonly maxErrorRateDelta: number;
  /**
   * GUARD_MAX_ERROR_RATE: the user engine's own failed fraction (0..1), judged when there is no
   * legacy traffic to compare with (100% rollout).
   */
  readonly maxErrorRate: number;
  /** GUARD_MAX_P95_RATIO: user p95 / legacy p95. */
  readonly maxP95Ratio: number;
  /** GUARD_MIN_P95_DELTA_MS: the p95s must also be this far apart, in ms. */
  readonly minP95DeltaMs: number;
  /** GUARD_MAX_MISMATCH_RATE: mismatch / (match + mismatch), 0..1. */
  readonly maxMismatchRate: number;
  /** GUARD_MIN_COMPARISONS: judged comparisons needed before the mismatch gate judges. */
  readonly minComparisons: number;
  /** GUARD_CONFIDENCE: one-sided confidence of the significance tests. */
  readonly confidence: number;
  /** GUARD_MAX_MISMATCH_DELTA: cross-engine mismatch rate allowed above the larger floor, 0..1. */
  readonly maxMismatchDelta: number;
  /** GUARD_NOISY_KIND_RATE: a kind whose own floor is above this is left out of the gate. */
  readonly noisyKindRate: number;
}

export const DEFAULT_GUARD_LIMITS: GuardLimits = Object.freeze({
  windowSeconds: 60,
  minRequests: 100,
  minUsers: 5,
  maxErrorRateDelta: 1,
  maxErrorRate: 0.05,
  maxP95Ratio: 1.1,
  minP95DeltaMs: 25,
  maxMismatchRate: 0.05,
  minComparisons: 50,
  confidence: 0.99,
  maxMismatchDelta: 0.05,
  noisyKindRate: 0.2,
});

/**
 * Every problem with a set of limits, as sentences (empty when fine), for the config schema to
 * report at start. `minUsers` above the sketch capacity could never be reached, so it is refused.
 */
export function checkGuardLimits(l: GuardLimits): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, what: string): void => {
    if (!ok) problems.push(what);
  };
  const int = (x: number, lo: number, hi: number): boolean => Number.isInteger(x) && x >= lo && x <= hi;
  const real = (x: number, lo: number, hi: number): boolean => Number.isFinite(x) && x >= lo && x <= hi;
  need(int(l.windowSeconds, 1, 3600), 'GUARD_WINDOW_SECONDS must be an integer from 1 to 3600');
  need(int(l.minRequests, 1, 1e9), 'GUARD_MIN_REQUESTS must be a positive integer');
  need(
    int(l.minUsers, 1, USER_SKETCH_CAPACITY),
    `GUARD_MIN_USERS must be an integer from 1 to ${USER_SKETCH_CAPACITY}`,
  );
  need(real(l.maxErrorRateDelta, 0, 100), 'GUARD_MAX_ERROR_RATE_DELTA must be 0 to 100 (points)');
  need(real(l.maxErrorRate, 0, 1) && l.maxErrorRate < 1, 'GUARD_MAX_ERROR_RATE must be in [0, 1)');
  need(real(l.maxP95Ratio, 1, 1e6), 'GUARD_MAX_P95_RATIO must be a number >= 1');
  need(real(l.minP95DeltaMs, 0, 3.6e6), 'GUARD_MIN_P95_DELTA_MS must be a number >= 0');
  need(real(l.maxMismatchRate, 0, 1) && l.maxMismatchRate < 1, 'GUARD_MAX_MISMATCH_RATE must be in [0, 1)');
  need(int(l.minComparisons, 1, 1e9), 'GUARD_MIN_COMPARISONS must be a positive integer');
  need(real(l.confidence, 0.5, 1) && l.confidence < 1, 'GUARD_CONFIDENCE must be in [0.5, 1)');
  need(real(l.maxMismatchDelta, 0, 1), 'GUARD_MAX_MISMATCH_DELTA must be in [0, 1]');
  need(real(l.noisyKindRate, 0, 1), 'GUARD_NOISY_KIND_RATE must be in [0, 1]');
  return problems;
}
