import type { Plan, PlanState } from './types.js';
import { IDLE } from './types.js';
import type { StepSeries } from './series.js';
import { emptySeries } from './series.js';

/** The store's state key of the plan and its position, and of the current step's gate series. */
export const PLAN_KEY = 'release-plan';
export const SERIES_KEY = 'release-plan-series';

/** What is stored under PLAN_KEY. */
export interface PlanRecord {
  readonly plan: Plan | null;
  readonly state: PlanState;
}

export const EMPTY_RECORD: PlanRecord = { plan: null, state: IDLE };

/** Reads a stored record back; anything unreadable is treated as no plan (and logged by the caller). */
export function readRecord(value: unknown): PlanRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const r = value as Partial<PlanRecord>;
  if (r.state === undefined || typeof r.state.status !== 'string') return null;
  return { plan: r.plan ?? null, state: { ...IDLE, ...r.state } };
}

export function readSeries(value: unknown): StepSeries {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as StepSeries).gates)) {
    return emptySeries(null, null);
  }
  return value as StepSeries;
}

/** `GET /admin/plan`. */
export function planView(record: PlanRecord) {
  const { plan, state } = record;
  const percent = plan === null || state.step === null ? null : (plan.steps[state.step] ?? null);
  return {
    state: state.status,
    step: state.step,
    percent,
    since: state.since === null ? null : new Date(state.since).toISOString(),
    waiting: state.waiting,
    reason: state.reason,
    plan,
    history: state.history,
  };
}
export type PlanView = ReturnType<typeof planView>;
