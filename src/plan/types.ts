/** The release plan's data (docs/plan.md): what an operator sets, and where the ramp stands. */

export const PLAN_STATES = [
  'idle',
  'running',
  'waiting-evidence',
  'waiting-approval',
  'paused',
  'complete',
  'aborted',
  'rolled-back',
] as const;
export type PlanStatus = (typeof PLAN_STATES)[number];

/** A plan as `PUT /admin/plan` takes it, defaults filled in (validate.ts). */
export interface Plan {
  /** Rollout percentages, strictly increasing, 1..100. */
  readonly steps: readonly number[];
  readonly minStepSeconds: number;
  /** Judged cross-engine comparisons the guard window must hold (and each floor, with baselineFirst). */
  readonly minComparisons: number;
  /** Distinct users the user engine must have served in the guard window. */
  readonly minUsers: number;
  /** Step percentages that wait for `POST /admin/plan/approve` once their evidence is in. */
  readonly approvals: readonly number[];
  readonly baselineFirst: boolean;
  /** The noise baseline's percentage while `baselineFirst` measures the floors (kept on after). */
  readonly baselinePercent: number;
  /** The shadow percentage the plan sets when its ramp starts (comparisons are evidence). */
  readonly shadowPercent: number;
}

/** One gate as a step's evidence keeps it. */
export interface GateFigure {
  readonly name: string;
  readonly verdict: string;
  readonly value: number | null;
  readonly limit: number;
}

/** The guard's figures when the plan last looked at a step (the deciding ones when it left). */
export interface StepEvidence {
  /** ISO-8601. */
  readonly at: string;
  readonly comparisons: number;
  readonly users: number;
  readonly gates: readonly GateFigure[];
}

export interface HistoryEntry {
  readonly percent: number;
  /** ISO-8601. */
  readonly enteredAt: string;
  readonly leftAt: string | null;
  readonly evidence: StepEvidence | null;
}

/** Where the plan stands: everything the driver persists next to the plan. */
export interface PlanState {
  readonly status: PlanStatus;
  /** `baseline`: measuring the noise floors before the first step (baselineFirst). */
  readonly phase: 'baseline' | 'ramp';
  /** Index into `plan.steps`; null before the first step. */
  readonly step: number | null;
  /** Epoch ms the current step (or the baseline phase, or the end state) began. */
  readonly since: number | null;
  readonly waiting: string | null;
  /** The current step's approval was given. */
  readonly approved: boolean;
  /** The state `resume` returns to. */
  readonly pausedFrom: PlanStatus | null;
  /** Why the plan ended rolled-back or aborted. */
  readonly reason: string | null;
  readonly history: readonly HistoryEntry[];
}

/** A change the plan asks of the switchboard. */
export type PlanAction =
  | { readonly type: 'rollout'; readonly percent: number }
  | { readonly type: 'shadow'; readonly percent: number }
  | { readonly type: 'baseline'; readonly percent: number };

export type PlanEventType = 'step-advanced' | 'approval-needed' | 'plan-complete' | 'rolled-back';

/** What the plan tells a listener (the coordinator wires it to src/notify/). */
export interface PlanEvent {
  readonly type: PlanEventType;
  /** ISO-8601. */
  readonly at: string;
  /** The rollout percentage the event is about (null before the first step). */
  readonly percent: number | null;
  readonly step: number | null;
  readonly steps: readonly number[];
  readonly reason: string | null;
}

/** Called on step advanced, approval needed, plan complete, rolled back; must not throw. */
export type OnPlanEvent = (event: PlanEvent) => void;

/** A pure transition's result: the next state, what to apply, what to tell. */
export interface Transition {
  readonly state: PlanState;
  readonly actions: readonly PlanAction[];
  readonly events: readonly PlanEvent[];
}

export const IDLE: PlanState = {
  status: 'idle',
  phase: 'ramp',
  step: null,
  since: null,
  waiting: null,
  approved: false,
  pausedFrom: null,
  reason: null,
  history: [],
};
