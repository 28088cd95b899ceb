import { SwitchyardError } from '../errors/switchyard-error.js';
import { ACTIVE, begin } from './step.js';
import type { Plan, PlanState, Transition } from './types.js';

/** A control call that does not fit the plan's state: 409, saying why. */
export const planConflict = (message: string) => new SwitchyardError(409, 'plan_conflict', message);

export type PlanCommand = 'start' | 'approve' | 'pause' | 'resume' | 'abort';
export const PLAN_COMMANDS: readonly PlanCommand[] = ['start', 'approve', 'pause', 'resume', 'abort'];

/** What the flags look like when a plan starts (start refuses what it cannot do safely). */
export interface StartContext {
  readonly rollout: number;
  readonly rollbackEngaged: boolean;
  readonly guardOff: boolean;
}

const quiet = (state: PlanState): Transition => ({ state, actions: [], events: [] });

/** The pure effect of a control call (`POST /admin/plan/<command>`), or a 409. */
export function control(
  command: PlanCommand,
  plan: Plan | null,
  state: PlanState,
  now: number,
  ctx: StartContext,
): Transition {
  if (plan === null) throw planConflict('no plan is set: PUT /admin/plan first');
  switch (command) {
    case 'start': {
      if (ACTIVE.has(state.status) || state.status === 'paused') {
        throw planConflict(`the plan is already ${state.status}`);
      }
      if (ctx.guardOff) throw planConflict("GUARD_MODE is off: a plan advances only on the guard's evidence");
      if (ctx.rollbackEngaged)
        throw planConflict('the rollback switch is engaged: resume it before starting a plan');
      const first = plan.steps[0]!;
      if (ctx.rollout > first) {
        throw planConflict(
          `the rollout is at ${ctx.rollout}%, above the plan's first step ${first}%: a plan only adds users`,
        );
      }
      return begin(plan, now);
    }
    case 'approve': {
      if (state.status !== 'waiting-approval') {
        throw planConflict(`nothing to approve: the plan is ${state.status}`);
      }
      return quiet({ ...state, approved: true });
    }
    case 'pause': {
      if (!ACTIVE.has(state.status)) throw planConflict(`cannot pause: the plan is ${state.status}`);
      return quiet({
        ...state,
        status: 'paused',
        pausedFrom: state.status,
        waiting: 'paused by an operator',
      });
    }
    case 'resume': {
      if (state.status !== 'paused')
        throw planConflict(`cannot resume: the plan is ${state.status}, not paused`);
      return quiet({ ...state, status: state.pausedFrom ?? 'running', pausedFrom: null, waiting: null });
    }
    case 'abort': {
      if (!ACTIVE.has(state.status) && state.status !== 'paused') {
        throw planConflict(`cannot abort: the plan is ${state.status}`);
      }
      // The percentage stays where it is: aborting stops the ramp, it does not roll back.
      const next: PlanState = { ...state, status: 'aborted', waiting: null, since: now, pausedFrom: null };
      return { state: next, actions: [], events: [] };
    }
  }
}

/** `PUT /admin/plan` replaces the plan only when none is moving. */
export function canReplace(state: PlanState): void {
  if (ACTIVE.has(state.status) || state.status === 'paused') {
    throw planConflict(`the plan is ${state.status}: abort it before setting a new one`);
  }
}
