import type { Assignment, Reason } from '../../routing/types.js';

/** One flag OFREP answers: its key and which part of the proxy's decision is its value. */
export interface OfrepFlag {
  readonly key: string;
  readonly valueOf: (assignment: Assignment) => string;
}

/**
 * The flags the ops listener answers, named as the flag source names them. Adding a flag is one
 * line here (docs/design.md, "Where the ecosystem pieces sit").
 */
export function switchyardFlags(names: { rollout: string; shadow: string; baseline: string }): OfrepFlag[] {
  return [
    { key: names.rollout, valueOf: (a) => a.serve },
    // A copy to the serving engine itself is the noise baseline's, not the shadow flag's.
    { key: names.shadow, valueOf: (a) => (a.shadow === a.serve ? 'none' : a.shadow) },
    { key: names.baseline, valueOf: (a) => (a.shadow === a.serve ? a.shadow : 'none') },
  ];
}

/** OFREP's evaluationSuccess, string-typed: the value and the variant are the same string. */
export interface OfrepSuccess {
  key: string;
  value: string;
  variant: string;
  reason: 'SPLIT' | 'TARGETING_MATCH' | 'DISABLED' | 'UNKNOWN';
  metadata: { switchyardReason: Reason };
}

/** OFREP's evaluationFailure (and flagNotFound). */
export interface OfrepFailure {
  key: string;
  errorCode: 'PARSE_ERROR' | 'TARGETING_KEY_MISSING' | 'INVALID_CONTEXT' | 'GENERAL' | 'FLAG_NOT_FOUND';
  errorDetails: string;
}

const OFREP_REASON: Record<Reason, OfrepSuccess['reason'] | null> = {
  rollout: 'SPLIT',
  'not-in-rollout': 'SPLIT',
  override: 'TARGETING_MATCH',
  rollback: 'DISABLED',
  // The decision's fail-safe answer is not a flag value: the caller gets its default, reason ERROR.
  'flags-unavailable': null,
  // Neither comes out of decide() for a known user; kept total so a new reason cannot slip through.
  anonymous: null,
  fallback: 'UNKNOWN',
};

/** The OFREP answer for one flag, given the proxy's own decision for the user. Pure. */
export function evaluate(flag: OfrepFlag, assignment: Assignment): OfrepSuccess | OfrepFailure {
  const reason = OFREP_REASON[assignment.reason];
  if (reason === null) {
    return {
      key: flag.key,
      errorCode: 'GENERAL',
      errorDetails: `no decision: ${assignment.reason}`,
    };
  }
  const value = flag.valueOf(assignment);
  return { key: flag.key, value, variant: value, reason, metadata: { switchyardReason: assignment.reason } };
}

export const isFailure = (r: OfrepSuccess | OfrepFailure): r is OfrepFailure => 'errorCode' in r;

/** `context.targetingKey` as the user id, or the OFREP failure that says why not. */
export function targetingKeyOf(
  body: unknown,
  maxLength: number,
): { userId: string } | Pick<OfrepFailure, 'errorCode' | 'errorDetails'> {
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    return { errorCode: 'PARSE_ERROR', errorDetails: 'the request body must be a JSON object' };
  }
  const context = (body as { context?: unknown } | undefined)?.context;
  if (context !== undefined && (typeof context !== 'object' || context === null || Array.isArray(context))) {
    return { errorCode: 'INVALID_CONTEXT', errorDetails: 'context must be an object' };
  }
  const key = (context as { targetingKey?: unknown } | undefined)?.targetingKey;
  if (key === undefined || key === '') {
    return {
      errorCode: 'TARGETING_KEY_MISSING',
      errorDetails: 'context.targetingKey (the user id) is required',
    };
  }
  if (typeof key !== 'string') {
    return { errorCode: 'INVALID_CONTEXT', errorDetails: 'context.targetingKey must be a string' };
  }
  if (key.length > maxLength) {
    return {
      errorCode: 'INVALID_CONTEXT',
      errorDetails: `context.targetingKey is at most ${maxLength} characters`,
    };
  }
  return { userId: key };
}
