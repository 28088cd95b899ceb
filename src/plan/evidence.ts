import type { GateFigure, Plan, StepEvidence } from './types.js';

/** The guard's figures as the plan reads them (RollbackGuard.evidence() has this shape). */
export interface Evidence {
  /** Epoch ms. */
  readonly at: number;
  readonly gates: ReadonlyArray<{
    readonly name: string;
    readonly verdict: 'ok' | 'breach' | 'insufficient';
    readonly value: number | null;
    readonly limit: number;
  }>;
  readonly comparisons: number;
  readonly users: number;
  readonly floors: { readonly legacy: number; readonly user: number };
}

/**
 * What keeps a step from being left, as short phrases (empty: the evidence is in):
 * `comparisons 37/200`, `users 3/20`, `gates insufficient: latency`, `gates in breach: error_rate`.
 * A gate that cannot judge is missing evidence, never a pass. Two exceptions, both because the
 * guard itself defines them so: `error_rate` and `user_error_rate` are one requirement (at 100%
 * there is no legacy traffic to compare with, and while there is, the absolute gate stands
 * aside), and `latency` compares with legacy, so it is not required at 100%.
 */
export function missingEvidence(plan: Plan, evidence: Evidence | null, percent: number): string[] {
  if (evidence === null) return ['no guard evidence (GUARD_MODE is off)'];
  const missing: string[] = [];
  if (evidence.comparisons < plan.minComparisons) {
    missing.push(`comparisons ${evidence.comparisons}/${plan.minComparisons}`);
  }
  if (evidence.users < plan.minUsers) missing.push(`users ${evidence.users}/${plan.minUsers}`);
  const verdict = (name: string) => evidence.gates.find((g) => g.name === name)?.verdict ?? 'insufficient';
  const breach = evidence.gates.filter((g) => g.verdict === 'breach').map((g) => g.name);
  const insufficient: string[] = [];
  const errors = [verdict('error_rate'), verdict('user_error_rate')];
  if (!errors.includes('ok')) insufficient.push('error_rate');
  if (percent < 100 && verdict('latency') !== 'ok') insufficient.push('latency');
  for (const name of ['mismatch_rate', 'isolation']) if (verdict(name) !== 'ok') insufficient.push(name);
  const notBreach = insufficient.filter((n) => !breach.includes(n));
  if (notBreach.length > 0) missing.push(`gates insufficient: ${notBreach.join(', ')}`);
  if (breach.length > 0) missing.push(`gates in breach: ${breach.join(', ')}`);
  return missing;
}

/**
 * What baselineFirst waits for before the first step: legacy's own floor measured on
 * `minComparisons` judged baseline comparisons. The user engine's floor cannot be measured
 * before it serves anyone (the rollout is below the first step); it builds up as the ramp brings
 * users to it, and the mismatch gate judges against both floors (basis `baseline`) once both
 * hold GUARD_MIN_COMPARISONS.
 */
export function missingFloors(plan: Plan, evidence: Evidence | null): string[] {
  if (evidence === null) return ['no guard evidence (GUARD_MODE is off)'];
  const { legacy } = evidence.floors;
  if (legacy >= plan.minComparisons) return [];
  return [`baseline floor legacy ${legacy}/${plan.minComparisons}`];
}

/** The figures a step's history keeps. */
export function stepEvidence(evidence: Evidence): StepEvidence {
  const gates: GateFigure[] = evidence.gates.map((g) => ({
    name: g.name,
    verdict: g.verdict,
    value: g.value === null || Number.isFinite(g.value) ? g.value : null,
    limit: g.limit,
  }));
  return {
    at: new Date(evidence.at).toISOString(),
    comparisons: evidence.comparisons,
    users: evidence.users,
    gates,
  };
}
