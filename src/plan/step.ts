import { missingEvidence, missingFloors, stepEvidence, type Evidence } from './evidence.js';
import type { HistoryEntry, Plan, PlanEvent, PlanEventType, PlanState, Transition } from './types.js';

/** Statuses in which the plan moves on its own. */
export const ACTIVE: ReadonlySet<string> = new Set(['running', 'waiting-evidence', 'waiting-approval']);

const iso = (ms: number) => new Date(ms).toISOString();

export function planEvent(
  type: PlanEventType,
  plan: Plan,
  state: PlanState,
  now: number,
  reason: string | null = null,
): PlanEvent {
  const percent = state.step === null ? null : (plan.steps[state.step] ?? null);
  return { type, at: iso(now), percent, step: state.step, steps: plan.steps, reason };
}

/**
 * One look at the evidence: advance, hold (saying what is missing), wait for approval, or
 * complete. Pure. Never advances on silence: missing or insufficient evidence holds the step
 * however long it lasts. A breach is not handled here: the guard rolls back and the driver
 * calls `rolledBack`.
 */
export function step(plan: Plan, state: PlanState, evidence: Evidence | null, now: number): Transition {
  if (!ACTIVE.has(state.status)) return { state, actions: [], events: [] };
  if (state.phase === 'baseline') return baselineStep(plan, state, evidence, now);
  const index = state.step ?? 0;
  const percent = plan.steps[index] ?? 100;
  const history = withEvidence(state.history, evidence);
  const elapsed = Math.max(0, Math.floor((now - (state.since ?? now)) / 1000));
  const missing: string[] = [];
  if (elapsed < plan.minStepSeconds) missing.push(`min step time ${elapsed}/${plan.minStepSeconds} s`);
  missing.push(...missingEvidence(plan, evidence, percent));
  if (missing.length > 0) {
    const held = { ...state, status: 'waiting-evidence', waiting: missing.join('; '), history } as const;
    return { state: held, actions: [], events: [] };
  }
  if (plan.approvals.includes(percent) && !state.approved) {
    const waiting = `approval to leave ${percent}% (POST /admin/plan/approve)`;
    const next = { ...state, status: 'waiting-approval', waiting, history } as const;
    const events = state.status === 'waiting-approval' ? [] : [planEvent('approval-needed', plan, next, now)];
    return { state: next, actions: [], events };
  }
  const left = leave(history, now);
  if (index + 1 >= plan.steps.length) {
    const done: PlanState = { ...state, status: 'complete', waiting: null, since: now, history: left };
    return { state: done, actions: [], events: [planEvent('plan-complete', plan, done, now)] };
  }
  const next = enter(plan, { ...state, history: left }, index + 1, now);
  return {
    state: next,
    actions: [{ type: 'rollout', percent: plan.steps[index + 1]! }],
    events: [planEvent('step-advanced', plan, next, now)],
  };
}

/** The first step (or the baseline phase): what `start` does. */
export function begin(plan: Plan, now: number): Transition {
  const base: PlanState = {
    status: 'running',
    phase: 'ramp',
    step: null,
    since: now,
    waiting: null,
    approved: false,
    pausedFrom: null,
    reason: null,
    history: [],
  };
  if (plan.baselineFirst) {
    const state: PlanState = { ...base, phase: 'baseline', waiting: 'baseline floor: measuring' };
    return { state, actions: [{ type: 'baseline', percent: plan.baselinePercent }], events: [] };
  }
  return firstStep(plan, base, now);
}

function baselineStep(plan: Plan, state: PlanState, evidence: Evidence | null, now: number): Transition {
  const missing = missingFloors(plan, evidence);
  if (missing.length > 0) {
    return {
      state: { ...state, status: 'waiting-evidence', waiting: missing.join('; ') },
      actions: [],
      events: [],
    };
  }
  return firstStep(plan, { ...state, phase: 'ramp' }, now);
}

function firstStep(plan: Plan, state: PlanState, now: number): Transition {
  const next = enter(plan, state, 0, now);
  return {
    state: next,
    actions: [
      { type: 'shadow', percent: plan.shadowPercent },
      { type: 'rollout', percent: plan.steps[0]! },
    ],
    events: [planEvent('step-advanced', plan, next, now)],
  };
}

function enter(plan: Plan, state: PlanState, index: number, now: number): PlanState {
  const entry: HistoryEntry = {
    percent: plan.steps[index]!,
    enteredAt: iso(now),
    leftAt: null,
    evidence: null,
  };
  return {
    ...state,
    status: 'running',
    step: index,
    since: now,
    waiting: null,
    approved: false,
    history: [...state.history, entry],
  };
}

/** The current step's entry carries the latest evidence seen. */
function withEvidence(history: readonly HistoryEntry[], evidence: Evidence | null): readonly HistoryEntry[] {
  const last = history.at(-1);
  if (last === undefined || evidence === null) return history;
  return [...history.slice(0, -1), { ...last, evidence: stepEvidence(evidence) }];
}

function leave(history: readonly HistoryEntry[], now: number): readonly HistoryEntry[] {
  const last = history.at(-1);
  if (last === undefined) return history;
  return [...history.slice(0, -1), { ...last, leftAt: iso(now) }];
}

/** Ends an active or paused plan when the rollback switch is engaged (by the guard or anyone). */
export function rolledBack(plan: Plan, state: PlanState, reason: string, now: number): Transition {
  if (!ACTIVE.has(state.status) && state.status !== 'paused') return { state, actions: [], events: [] };
  const next: PlanState = {
    ...state,
    status: 'rolled-back',
    waiting: null,
    since: now,
    reason,
    pausedFrom: null,
    history: leave(state.history, now),
  };
  return { state: next, actions: [], events: [planEvent('rolled-back', plan, next, now, reason)] };
}

/** Whether a look changed more than the evidence it keeps (which alone is not worth a write). */
export function worthStoring(a: PlanState, b: PlanState): boolean {
  if (a === b) return false;
  return (
    a.status !== b.status ||
    a.step !== b.step ||
    a.phase !== b.phase ||
    a.waiting !== b.waiting ||
    a.history.length !== b.history.length
  );
}
