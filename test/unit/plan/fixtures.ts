import type { Evidence } from '../../../src/plan/evidence.js';
import { parsePlan } from '../../../src/plan/validate.js';
import type { Plan } from '../../../src/plan/types.js';

export const T0 = Date.parse('2026-12-07T10:00:00Z');

export const plan = (over: Record<string, unknown> = {}): Plan =>
  parsePlan({ steps: [1, 5, 25, 50, 100], minStepSeconds: 600, minComparisons: 200, minUsers: 20, ...over });

type Gate = Evidence['gates'][number];
const gate = (name: string, verdict: Gate['verdict'], extra: Partial<Gate> = {}): Gate => ({
  name,
  verdict,
  value: verdict === 'insufficient' ? null : 0.01,
  limit: 0.05,
  ...extra,
});

/** Healthy evidence below 100%: the comparative error gate judges, the absolute one stands aside. */
export function healthy(
  over: Partial<Evidence> = {},
  verdicts: Record<string, Gate['verdict']> = {},
): Evidence {
  const v = {
    error_rate: 'ok',
    user_error_rate: 'insufficient',
    latency: 'ok',
    mismatch_rate: 'ok',
    isolation: 'ok',
    ...verdicts,
  } as const;
  return {
    at: T0,
    gates: [
      gate('error_rate', v.error_rate),
      gate('user_error_rate', v.user_error_rate),
      gate('latency', v.latency),
      gate('mismatch_rate', v.mismatch_rate),
      gate('isolation', v.isolation),
    ],
    comparisons: 250,
    users: 40,
    floors: { legacy: 300, user: 300 },
    ...over,
  };
}
