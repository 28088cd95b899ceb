import { inPercent } from './bucket.js';
import type { Assignment, Engine, FlagState, ShadowTarget } from './types.js';

const ROLLED_BACK: Assignment = { serve: 'legacy', shadow: 'none', reason: 'rollback' };
const ANONYMOUS: Assignment = { serve: 'legacy', shadow: 'none', reason: 'anonymous' };
const FLAGS_UNAVAILABLE: Assignment = { serve: 'legacy', shadow: 'none', reason: 'flags-unavailable' };

export function otherEngine(engine: Engine): Engine {
  return engine === 'legacy' ? 'user' : 'legacy';
}

/**
 * The one routing decision, in this order: anonymous, no flags known, rollback switch, per-user
 * override, rollout flag; for an override or the rollout flag the shadow flag then picks whether
 * the engine that does not serve the user gets a copy (docs/design.md, "The decision"). Pure.
 */
export function decide(userId: string | null, flags: FlagState | null): Assignment {
  if (userId === null) return ANONYMOUS;
  if (flags === null) return FLAGS_UNAVAILABLE;
  if (flags.rollback.engaged) return ROLLED_BACK;
  const shadowed = inPercent(flags.shadow, userId);
  const override = flags.overrides.get(userId);
  if (override !== undefined) {
    return { serve: override.serve, shadow: shadowFor(override.serve, shadowed), reason: 'override' };
  }
  const serve: Engine = inPercent(flags.rollout, userId) ? 'user' : 'legacy';
  return {
    serve,
    shadow: shadowFor(serve, shadowed),
    reason: serve === 'user' ? 'rollout' : 'not-in-rollout',
  };
}

function shadowFor(serve: Engine, shadowed: boolean): ShadowTarget {
  return shadowed ? otherEngine(serve) : 'none';
}
