import type { Engine } from '../routing/types.js';
import type { CanonicalEvent, CanonicalField, Outcome } from './canonical.js';

/** The four results of comparing one run; a fixed set, used as a metric label. */
export type ComparisonResult = 'match' | 'mismatch' | 'incomplete' | 'isolation';
export const COMPARISON_RESULTS: readonly ComparisonResult[] = [
  'match',
  'mismatch',
  'incomplete',
  'isolation',
];

/** What differs in a mismatch; a fixed set, used as a metric label. */
export type MismatchKind = 'missing_event' | 'extra_event' | 'order' | 'tool' | 'status' | 'error' | 'field';
export const MISMATCH_KINDS: readonly MismatchKind[] = [
  'missing_event',
  'extra_event',
  'order',
  'tool',
  'status',
  'error',
  'field',
];

/**
 * A divergence is a comparison that did not match, one word across the store, the admin API and
 * `switchyard_divergences_total`. Its kinds are the mismatch kinds, or its result itself when the
 * run could not be compared (`incomplete`) or a side leaked (`isolation`).
 */
export type DivergenceKind = MismatchKind | 'incomplete' | 'isolation';
export const DIVERGENCE_KINDS: readonly DivergenceKind[] = [...MISMATCH_KINDS, 'incomplete', 'isolation'];

export function divergenceKinds(
  result: ComparisonResult,
  kinds: readonly MismatchKind[],
): readonly DivergenceKind[] {
  if (result === 'match') return [];
  return result === 'mismatch' ? kinds : [result];
}

/** Scientist's words: control is what the user got, the candidate is the shadow. */
export type Side = 'control' | 'candidate';

/** Why a run could not be compared: a side timed out, the session closed, the queue was full, or a side overran the event cap. */
export type IncompleteReason = 'timeout' | 'closed' | 'evicted' | 'overflow';

export interface Timing {
  /** From the client frame that started the run to the side's first event; null without one. */
  readonly firstEventMs: number | null;
  /** From the client frame to the terminal event; null when the side did not complete. */
  readonly durationMs: number | null;
}

export interface JudgedSide {
  readonly engine: Engine;
  readonly events: readonly CanonicalEvent[];
  readonly terminal: Outcome | null;
  readonly complete: boolean;
  readonly droppedEvents: number;
}

/** Where a mismatch lies, for people reading the divergence store. */
export interface MismatchDetails {
  readonly missing: readonly string[];
  readonly extra: readonly string[];
  readonly moved: readonly string[];
  /** `<type>#<nth>.<field>` for configured fields, `timing.<name>` for a latency over the ratio. */
  readonly fields: readonly string[];
}

export interface Judgement {
  readonly result: ComparisonResult;
  /** Non-empty exactly when the result is `mismatch`, in MISMATCH_KINDS order. */
  readonly kinds: readonly MismatchKind[];
  readonly details: MismatchDetails;
  /** Set with `isolation`: the engine(s) that leaked, so one engine's leak never counts against the other. */
  readonly leakedBy?: readonly Engine[];
  /** Set with `incomplete`. */
  readonly incompleteReason?: IncompleteReason;
  readonly control: JudgedSide;
  readonly candidate: JudgedSide;
  readonly timings: { readonly control: Timing; readonly candidate: Timing };
}

export interface DiffOptions {
  /**
   * Canonical fields to compare, per event type (`'*'` for every type): the nth event of a type
   * on one side against the nth of that type on the other. `agent_error` counts as
   * `agent_completed`. Default: none (type sequence, tools, outcome and errors are always compared).
   */
  readonly fields?: Readonly<Record<string, readonly CanonicalField[]>>;
  /**
   * When set, a candidate slower than control by more than this ratio (time to first event or
   * run duration) is a mismatch of kind `field`, detail `timing.firstEventMs|durationMs`.
   * Unset (the default), timings are only reported.
   */
  readonly maxLatencyRatio?: number;
  /** With `maxLatencyRatio`: a slowdown under this many milliseconds never counts. Default 100. */
  readonly minLatencyDeltaMs?: number;
}
