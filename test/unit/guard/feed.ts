/** Test fixtures: fill a SampleWindow with traffic spread over the first 30 s of a window. */
import { DEFAULT_GUARD_LIMITS, type GuardLimits } from '../../../src/guard/gates/limits.js';
import type { Engine } from '../../../src/routing/types.js';
import type { SampleWindow } from '../../../src/guard/gates/window.js';

/** A whole second, so that the window's buckets line up with the fixtures. */
export const T0 = 1_700_000_000_000;
/** An evaluation time that sees everything `feed*` recorded (spread over T0 .. T0 + 29 s). */
export const NOW = T0 + 30_000;

export const limits = (over: Partial<GuardLimits> = {}): GuardLimits => ({
  ...DEFAULT_GUARD_LIMITS,
  ...over,
});

/** A stable fake 32-bit user hash for user number `i` (the proxy passes murmur3 of the id). */
export const userHash = (i: number): number => (Math.imul(i + 1, 0x85ebca6b) ^ 0x5bd1e995) >>> 0;

export interface HttpFeed {
  readonly requests: number;
  readonly failed?: number;
  /** Distinct users the requests rotate over (failures over the first `failUsers` of them). */
  readonly users?: number;
  readonly failUsers?: number;
  readonly ms?: number | ((i: number) => number);
  /** Who sent request i; overrides the rotation. */
  readonly user?: (i: number) => number;
}

const at = (i: number): number => T0 + (i % 30) * 1000;

export function feedHttp(w: SampleWindow, engine: Engine, f: HttpFeed): void {
  const users = f.users ?? 50;
  const failUsers = f.failUsers ?? users;
  const failed = f.failed ?? 0;
  for (let i = 0; i < f.requests; i++) {
    const isFailed = i < failed;
    const who = f.user ? f.user(i) : isFailed ? i % failUsers : i % users;
    const ms = typeof f.ms === 'function' ? f.ms(i) : (f.ms ?? 20);
    w.recordHttp(engine, at(i), ms, isFailed, userHash(who));
  }
}

export function feedWs(
  w: SampleWindow,
  engine: Engine,
  sessions: number,
  failed: number,
  failUsers = 50,
): void {
  for (let i = 0; i < sessions; i++) w.recordWsSession(engine, at(i), i < failed, userHash(i % failUsers));
}

export function feedComparisons(w: SampleWindow, match: number, mismatch: number, mismatchUsers = 50): void {
  for (let i = 0; i < match; i++) w.recordComparison(at(i), 'match', userHash(i));
  for (let i = 0; i < mismatch; i++) w.recordComparison(at(i), 'mismatch', userHash(i % mismatchUsers));
}
