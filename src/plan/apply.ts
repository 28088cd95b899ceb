import type { Logger } from 'pino';
import type { AuditEntry } from '../store/types.js';
import type { Switchboard } from '../switchboard/switchboard.js';
import type { FlagState } from '../routing/types.js';
import { ACTIVE } from './step.js';
import type { Plan, PlanAction, PlanState } from './types.js';

export type PlanAudit = (entry: Omit<AuditEntry, 'at' | 'instance'>) => void;

const figure = (flags: FlagState | null, action: PlanAction): number | null => {
  if (flags === null) return null;
  if (action.type === 'rollout') return flags.rollout.percent;
  if (action.type === 'shadow') return flags.shadow.percent;
  return flags.baseline?.percent ?? 0;
};

/**
 * One of the plan's flag changes, through the switchboard (as the admin API's own), with its
 * audit entry: role and actor `plan`, the percentage before and after, the failure if any. A
 * change that cannot be persisted is logged and audited, not thrown: the plan's position is
 * already stored, and the operator sees the failure in the audit trail.
 */
export async function applyAction(
  action: PlanAction,
  switchboard: Switchboard,
  log: Logger,
  onAudit: PlanAudit | undefined,
): Promise<void> {
  const before = switchboard.flags();
  let failed: string | null = null;
  try {
    if (action.type === 'rollout') await switchboard.setRollout(action.percent);
    else if (action.type === 'shadow') await switchboard.setShadow(action.percent);
    else await switchboard.setBaseline(action.percent);
  } catch (err) {
    failed = (err as Error).message;
    log.error({ action: action.type, percent: action.percent, err: failed }, 'release plan change failed');
  }
  onAudit?.({
    action: action.type,
    role: 'plan',
    actor: 'plan',
    address: null,
    before: { [action.type]: figure(before, action) },
    after: { [action.type]: figure(switchboard.flags(), action) },
    reason: 'release plan',
    failed,
  });
}

/**
 * While the plan moves, the rollout stays at least at its step's percentage: a flag write that
 * failed, or a crash between storing a step and setting its flag, is made good at the next look.
 * (To lower the rollout by hand, pause or abort the plan first.)
 */
export async function holdStep(
  plan: Plan,
  state: PlanState,
  switchboard: Switchboard,
  log: Logger,
  onAudit: PlanAudit | undefined,
): Promise<void> {
  if (!ACTIVE.has(state.status) || state.phase !== 'ramp' || state.step === null) return;
  const want = plan.steps[state.step];
  const rollout = switchboard.flags()?.rollout.percent ?? 0;
  if (want === undefined || rollout >= want) return;
  log.warn({ rollout, step: want }, 'release plan: rollout below the current step, setting it again');
  await applyAction({ type: 'rollout', percent: want }, switchboard, log, onAudit);
}
