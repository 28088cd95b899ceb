import type { Engine } from '../routing/types.js';
import { isTerminal, outcomeOf, type CanonicalEvent } from './canonical.js';
import { compareFields } from './fields.js';
import type {
  DiffOptions,
  IncompleteReason,
  JudgedSide,
  Judgement,
  MismatchKind,
  Timing,
} from './judgement.js';
import { MISMATCH_KINDS } from './judgement.js';
import type { Run } from './runs.js';
import { diffSequences, typeSequence } from './sequence.js';

export interface RunSide {
  readonly engine: Engine;
  readonly run: Run;
  /** The isolation guard saw this side deliver a frame of another user during the run. */
  readonly leaked?: boolean;
}

const NO_DETAILS = { missing: [], extra: [], moved: [], fields: [] } as const;

/**
 * Judges one run of control against the same run of the candidate. In order: a leak on either
 * side is `isolation` (attributed to the engine that leaked); a side that did not reach its
 * terminal event, or overran the event cap, is `incomplete`; otherwise any difference in event
 * types, tools, outcome, errors or configured fields (or latency, if a ratio is configured) is a
 * `mismatch` with its kinds, and none is a `match`. Ids, timestamps and envelopes never count.
 */
export function diffRuns(control: RunSide, candidate: RunSide, options: DiffOptions = {}): Judgement {
  const base = {
    control: judgedSide(control),
    candidate: judgedSide(candidate),
    timings: { control: timing(control.run), candidate: timing(candidate.run) },
  };
  const leakedBy = [control, candidate].filter((s) => s.leaked === true).map((s) => s.engine);
  if (leakedBy.length > 0) return { ...base, result: 'isolation', kinds: [], details: NO_DETAILS, leakedBy };
  const incompleteReason = incomplete(control.run) ?? incomplete(candidate.run);
  if (incompleteReason !== null) {
    return { ...base, result: 'incomplete', kinds: [], details: NO_DETAILS, incompleteReason };
  }

  const kinds = new Set<MismatchKind>();
  const a = control.run.events;
  const b = candidate.run.events;
  const sequence = diffSequences(typeSequence(a), typeSequence(b));
  if (sequence.missing.length > 0) kinds.add('missing_event');
  if (sequence.extra.length > 0) kinds.add('extra_event');
  if (sequence.moved.length > 0) kinds.add('order');
  if (!sameList(tools(a), tools(b))) kinds.add('tool');
  if (control.run.terminal !== candidate.run.terminal) kinds.add('status');
  if (hasError(a) !== hasError(b)) kinds.add('error');
  const fields = [...compareFields(a, b, options.fields ?? {}), ...slower(base.timings, options)];
  if (fields.length > 0) kinds.add('field');

  const sorted = MISMATCH_KINDS.filter((k) => kinds.has(k));
  return {
    ...base,
    result: sorted.length > 0 ? 'mismatch' : 'match',
    kinds: sorted,
    details: { ...sequence, fields },
  };
}

function judgedSide(side: RunSide): JudgedSide {
  const { events, terminal, complete, droppedEvents } = side.run;
  return { engine: side.engine, events, terminal, complete, droppedEvents };
}

function timing(run: Run): Timing {
  return {
    firstEventMs: run.firstEventAt === null ? null : run.firstEventAt - run.startedAt,
    durationMs: run.complete ? run.endedAt - run.startedAt : null,
  };
}

function incomplete(run: Run): IncompleteReason | null {
  if (run.end !== 'terminal') return run.end;
  return run.droppedEvents > 0 ? 'overflow' : null;
}

function tools(events: readonly CanonicalEvent[]): string[] {
  return events.filter((e) => e.type === 'tool_executing').map((e) => e.tool ?? '?');
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** An error frame or an error on any event, except the failed terminal event (that is `status`). */
function hasError(events: readonly CanonicalEvent[]): boolean {
  return events.some(
    (e) =>
      (e.type === 'error_message' || e.error !== null) && !(isTerminal(e.type) && outcomeOf(e) === 'failed'),
  );
}

/**
 * Latency is a mismatch only when configured, and then as kind `field`: the kinds are a fixed
 * metric label set, and a run time is one more compared field. Directional on purpose: only a
 * candidate slower than control counts (a faster one that skipped work shows up elsewhere).
 */
function slower(timings: { control: Timing; candidate: Timing }, options: DiffOptions): string[] {
  const ratio = options.maxLatencyRatio;
  if (ratio === undefined) return [];
  const floor = options.minLatencyDeltaMs ?? 100;
  const names = ['firstEventMs', 'durationMs'] as const;
  return names
    .filter((name) => {
      const c = timings.control[name];
      const k = timings.candidate[name];
      return c !== null && k !== null && k - c >= floor && k > c * ratio;
    })
    .map((name) => `timing.${name}`);
}
