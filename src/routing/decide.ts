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
 * the engine that does not serve the user gets a copy, or (baseline flag, checked first) the
 * serving engine itself gets one (docs/design.md, "The decision"). Pure.
 */
export function decide(userId: string | null, flags: FlagState | null): Assignment {
  if (userId === null) return ANONYMOUS;
  if (flags === null) return FLAGS_UNAVAILABLE;
  if (flags.rollback.engaged) return ROLLED_BACK;
  const copy = copyOf(flags, userId);
  const override = flags.overrides.get(userId);
  if (override !== undefined) {
    return { serve: override.serve, shadow: shadowFor(override.serve, copy), reason: 'override' };
  }
  const serve: Engine = inPercent(flags.rollout, userId) ? 'user' : 'legacy';
  return {
    serve,
    shadow: shadowFor(serve, copy),
    reason: serve === 'user' ? 'rollout' : 'not-in-rollout',
  };
}

/** A baseline copy goes to the serving engine itself. */
export function isBaseline(a: Assignment): boolean {
  return a.shadow === a.serve;
}

type Copy = 'none' | 'baseline' | 'cross';

/** A user is in at most one of baseline and shadow: baseline first. */
function copyOf(flags: FlagState, userId: string): Copy {
  if (flags.baseline !== undefined && inPercent(flags.baseline, userId)) return 'baseline';
  return inPercent(flags.shadow, userId) ? 'cross' : 'none';
}

function shadowFor(serve: Engine, copy: Copy): ShadowTarget {
  if (copy === 'none') return 'none';
  return copy === 'baseline' ? serve : otherEngine(serve);
}
