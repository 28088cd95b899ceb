import type { FlagState, Stage } from './types.js';

/** Stages are names for flag states, not extra state (docs/design.md, "Stages"). */
export function stageOf(flags: FlagState): Stage {
  if (flags.rollback.engaged) return 'rolled-back';
  if (flags.rollout.percent >= 100) return 'complete';
  if (flags.rollout.percent > 0) return 'canary';
  return flags.shadow.percent > 0 ? 'shadow' : 'legacy';
}
