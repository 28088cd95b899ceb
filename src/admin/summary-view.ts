import {
  DEFAULT_GUARD_LIMITS,
  kindNoise,
  type GuardLimits,
  type SampleWindow,
} from '../guard/gates/index.js';
import type { Engine } from '../routing/types.js';

/**
 * `GET /admin/summary`: the last window's figures per engine, read from the guard's window, and
 * per mismatch kind the cross-engine rate next to each engine's own floor (noise baseline).
 */
export function summaryView(
  window: SampleWindow,
  nowMs: number,
  limits: Pick<GuardLimits, 'noisyKindRate' | 'minComparisons' | 'confidence'> = DEFAULT_GUARD_LIMITS,
) {
  const isolation = { legacy: window.isolation('legacy', nowMs), user: window.isolation('user', nowMs) };
  const perEngine = (engine: Engine) => {
    const http = window.http(engine, nowMs);
    const ws = window.ws(engine, nowMs);
    const p95 = window.latencyQuantile(engine, nowMs, 0.95);
    const v = isolation[engine];
    return {
      requests: http.requests,
      errors: http.failed,
      p95Ms: p95 === null ? null : Math.round(p95 * 10) / 10,
      sessions: ws.requests,
      sessionErrors: ws.failed,
      violations: v.userId + v.ownership,
    };
  };
  const c = window.comparisons(nowMs);
  return {
    windowSeconds: window.windowSeconds,
    legacy: perEngine('legacy'),
    user: perEngine('user'),
    comparisons: { match: c.match, mismatch: c.mismatch, incomplete: c.incomplete, isolation: c.isolation },
    kinds: kindNoise(window.noiseBooks(nowMs), limits),
  };
}
