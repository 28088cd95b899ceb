import { count } from './gates/format.js';
import type { GateReport } from './gates/index.js';
import type { GuardSlice } from './gates/slice.js';
import type { SampleWindow } from './gates/window.js';

/**
 * Whose evidence the guard judges (docs/fleet.md, "Pooled guard"). `fleet`: the store answers;
 * the judge sums every replica's slices, the others trip only on isolation. `local`: this
 * replica's own traffic, acting on every gate (one instance, or the store unreachable:
 * `fallback` says why).
 */
export interface GuardScope {
  readonly scope: 'fleet' | 'local';
  /** Holds the judge's lock (the embedded store's one instance always does). */
  readonly judge: boolean;
  /** Replicas whose evidence the verdicts rest on, this one included. */
  readonly instances: number;
  readonly fallback: string | null;
  /** The other replicas' slices of the window: the judge's, in fleet scope; empty otherwise. */
  readonly remote: readonly GuardSlice[];
}

/** One instance with the embedded store: the judge of itself, today's guard unchanged. */
export const LOCAL_SCOPE: GuardScope = Object.freeze({
  scope: 'local',
  judge: true,
  instances: 1,
  fallback: null,
  remote: [],
});

/** Where a guard gets its scope from: the pool of a fleet (src/guard/guard-pool.ts). */
export interface ScopeSource {
  scope(): GuardScope;
  isJudge(): boolean;
}

/** A breach reason prefixed with the fleet's figures: "fleet: 412 comparisons, 9000 requests over 3 instances; …". */
export function withFleetFigures(
  reports: readonly GateReport[],
  evidence: SampleWindow,
  nowMs: number,
  instances: number,
): GateReport[] {
  if (!reports.some((r) => r.reason !== null)) return [...reports];
  const c = evidence.comparisons(nowMs);
  const requests =
    evidence.http('legacy', nowMs).requests +
    evidence.http('user', nowMs).requests +
    evidence.ws('legacy', nowMs).requests +
    evidence.ws('user', nowMs).requests;
  const prefix =
    `fleet: ${count(c.match + c.mismatch, 'comparison')}, ${count(requests, 'request')} ` +
    `over ${count(instances, 'instance')}; `;
  return reports.map((r) => (r.reason === null ? r : { ...r, reason: prefix + r.reason }));
}
