import type { Engine } from '../../routing/types.js';

export type { Engine };

/** The five gates, in the order `evaluateGates` reports them. */
export type GateName = 'error_rate' | 'user_error_rate' | 'latency' | 'mismatch_rate' | 'isolation';
export const GATE_NAMES: readonly GateName[] = [
  'error_rate',
  'user_error_rate',
  'latency',
  'mismatch_rate',
  'isolation',
];

/**
 * `insufficient`: too few samples, or a breach-shaped result from too few distinct users;
 * reported, never acted on.
 */
export type Verdict = 'ok' | 'breach' | 'insufficient';

/** How the comparer judged one shadowed run (src/compare). Only match/mismatch feed the rate. */
export type ComparisonResult = 'match' | 'mismatch' | 'incomplete' | 'isolation';

/**
 * What an isolation violation rests on: `user_id` = a frame carried the id of another user known
 * to this instance (proof, acts at once); `ownership` = inferred from run or thread ownership, or
 * an id no one here signed in with (a client can provoke it, so it needs several distinct
 * affected users and sessions).
 */
export type IsolationEvidence = 'user_id' | 'ownership';

/** Which traffic a gate's figures come from (`null` for gates that are not per channel). */
export type Channel = 'http' | 'ws';

export interface GateReport {
  readonly name: GateName;
  /** The configured limit the value is held against (user_error_rate: a fraction; isolation: 0). */
  readonly limit: number;
  /**
   * error_rate: user minus legacy, percentage points; user_error_rate: the user engine's failed
   * fraction, 0..1; latency: user p95 / legacy p95;
   * mismatch_rate: mismatch / (match + mismatch); isolation: user-engine violations.
   * `null` when it cannot be computed (no samples on a side).
   */
  readonly value: number | null;
  /** Requests (or sessions, or judged comparisons) per engine in the window. */
  readonly samples: { readonly legacy: number; readonly user: number };
  /** Distinct users behind the user engine's bad samples (isolation: affected users); a lower bound. */
  readonly users: number;
  readonly verdict: Verdict;
  /** A human sentence naming the gate and its figures; set only when `verdict` is `breach`. */
  readonly reason: string | null;
  /** error_rate, user_error_rate: the channel the figures come from; latency: `http`; others `null`. */
  readonly channel: Channel | null;
  /**
   * mismatch_rate only: `baseline` when both engines' floors had enough comparisons (the rate is
   * held against the larger floor plus GUARD_MAX_MISMATCH_DELTA), else `absolute`.
   */
  readonly basis?: MismatchBasis;
  /** mismatch_rate only: the larger floor the rate was held against (basis `baseline`). */
  readonly floor?: number | null;
  /** mismatch_rate only: kinds left out of the gate because an engine's own floor is noisy. */
  readonly noisyKinds?: readonly string[];
}

export type MismatchBasis = 'baseline' | 'absolute';

/** What the window holds, summed over its seconds (read by the gates). */
export interface ChannelTotals {
  readonly requests: number;
  readonly failed: number;
  /** Distinct users behind the failures (lower bound). */
  readonly failedUsers: number;
}

export interface ComparisonTotals {
  readonly match: number;
  readonly mismatch: number;
  readonly incomplete: number;
  readonly isolation: number;
  /** Distinct users behind the mismatches (lower bound). */
  readonly mismatchUsers: number;
}

export interface IsolationTotals {
  readonly userId: number;
  readonly ownership: number;
  /** Distinct sessions that received a violating frame (lower bound). */
  readonly sessions: number;
  /** Distinct users (recipients) that received a violating frame (lower bound). */
  readonly users: number;
}
