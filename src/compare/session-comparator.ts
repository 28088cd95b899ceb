import type { Engine } from '../routing/types.js';
import type { CanonicalEvent } from './canonical.js';
import { diffRuns } from './diff.js';
import type { DiffOptions, Judgement, Side } from './judgement.js';
import { isRunStart, RunSplitter, type Run, type RunEnd } from './runs.js';

export interface SessionComparatorOptions {
  /** The engine that serves the user. */
  readonly control: Engine;
  /** The engine that gets the shadow copy. */
  readonly candidate: Engine;
  /** Called once per run, as soon as it is judged; `runIndex` counts the session's runs from 0. */
  readonly onJudgement: (judgement: Judgement, runIndex: number) => void;
  /** Called if judging or `onJudgement` throws; the comparator itself never throws to its caller. */
  readonly onError?: (error: unknown) => void;
  /** A run not judged this long after it started is `incomplete` (timeout). Default 30 000. */
  readonly runTimeoutMs?: number;
  /** Runs in flight at once; starting one more judges the oldest `incomplete` (evicted). Default 20. */
  readonly maxPendingRuns?: number;
  /** Events recorded per run and side; more make the run `incomplete` (overflow). Default 500. */
  readonly maxEventsPerRun?: number;
  readonly diff?: DiffOptions;
}

interface PendingRun {
  readonly index: number;
  readonly startedAt: number;
  control: Run | null;
  candidate: Run | null;
  readonly leaked: { control: boolean; candidate: boolean };
}

const SIDES: readonly Side[] = ['control', 'candidate'];

/**
 * Compares one session's two streams run by run. The client frame that starts a run starts it
 * on both sides under one index, so the nth control run is paired with the nth candidate run.
 * A run is judged as soon as both sides reach their terminal event, or is judged `incomplete`
 * when it times out, is evicted or the session closes; its state is released when judged.
 * The clock is the caller's: every time is a number passed in.
 */
export class SessionComparator {
  private readonly pending = new Map<number, PendingRun>();
  private readonly splitters: Readonly<Record<Side, RunSplitter>>;
  private readonly runTimeoutMs: number;
  private readonly maxPendingRuns: number;
  private nextIndex = 0;
  private closed = false;

  constructor(private readonly options: SessionComparatorOptions) {
    this.runTimeoutMs = options.runTimeoutMs ?? 30_000;
    this.maxPendingRuns = Math.max(1, options.maxPendingRuns ?? 20);
    const maxEvents = Math.max(1, options.maxEventsPerRun ?? 500);
    this.splitters = { control: new RunSplitter(maxEvents), candidate: new RunSplitter(maxEvents) };
  }

  /** Runs started and not judged yet. */
  pendingRuns(): number {
    return this.pending.size;
  }

  /** A frame the client sent (to both engines); returns true when it started a run. */
  onClientFrame(type: string, at: number): boolean {
    if (this.closed || !isRunStart(type)) return false;
    this.expire(at);
    for (const oldest of this.pending.values()) {
      if (this.pending.size < this.maxPendingRuns) break;
      this.giveUp(oldest, 'evicted', at);
    }
    const index = this.nextIndex++;
    this.pending.set(index, {
      index,
      startedAt: at,
      control: null,
      candidate: null,
      leaked: { control: false, candidate: false },
    });
    for (const side of SIDES) this.splitters[side].start(index, at);
    return true;
  }

  /**
   * True when `side` has a run open: an event outside every run is ignored, so its frame need
   * not be parsed at all (the shadow path skips the parse: measured in bench/results/PROFILE.md).
   */
  inRun(side: Side): boolean {
    return !this.closed && this.splitters[side].openRuns > 0;
  }

  /**
   * True when `side` has one run open and it is already past `maxEventsPerRun`: the run will be
   * judged `overflow`, so only its terminal event still matters (see `dropUnread`).
   */
  overflowed(side: Side): boolean {
    return !this.closed && this.splitters[side].soleRunOverflowed;
  }

  /** An event of an overflowed side that cannot end its run: counted, never parsed. */
  dropUnread(side: Side): void {
    this.splitters[side].dropUnread();
  }

  onControl(event: CanonicalEvent): void {
    this.onEvent('control', event);
  }

  onCandidate(event: CanonicalEvent): void {
    this.onEvent('candidate', event);
  }

  onEvent(side: Side, event: CanonicalEvent): void {
    if (this.closed) return;
    this.expire(event.at);
    const ended = this.splitters[side].push(event);
    if (ended === null) return;
    const pending = this.pending.get(ended[0]);
    if (pending === undefined) return;
    pending[side] = ended[1];
    if (pending.control !== null && pending.candidate !== null) this.judge(pending);
  }

  /**
   * The isolation guard saw `side` deliver another user's frame. It counts against the oldest
   * run that side is still in, else the newest run in flight; false when no run is in flight.
   */
  markLeak(side: Side): boolean {
    if (this.closed) return false;
    let target: PendingRun | undefined;
    for (const run of this.pending.values()) {
      target = run;
      if (run[side] === null) break;
    }
    if (target === undefined) return false;
    target.leaked[side] = true;
    return true;
  }

  /** Judges every run older than the timeout as `incomplete`; returns how many. */
  expire(now: number): number {
    let judged = 0;
    for (const run of this.pending.values()) {
      if (now - run.startedAt < this.runTimeoutMs) continue;
      this.giveUp(run, 'timeout', now);
      judged++;
    }
    return judged;
  }

  /** The session ended: what is left is judged `incomplete`, and nothing more is accepted. */
  close(now: number): void {
    if (this.closed) return;
    for (const run of this.pending.values()) this.giveUp(run, 'closed', now);
    this.closed = true;
  }

  private giveUp(pending: PendingRun, why: Exclude<RunEnd, 'terminal'>, now: number): void {
    for (const side of SIDES) {
      pending[side] ??= this.splitters[side].end(pending.index, why, now) ?? lost(pending, why, now);
    }
    this.judge(pending);
  }

  private judge(pending: PendingRun): void {
    this.pending.delete(pending.index);
    const { control, candidate } = pending;
    if (control === null || candidate === null) return;
    try {
      const judgement = diffRuns(
        { engine: this.options.control, run: control, leaked: pending.leaked.control },
        { engine: this.options.candidate, run: candidate, leaked: pending.leaked.candidate },
        this.options.diff,
      );
      this.options.onJudgement(judgement, pending.index);
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}

/** A side whose splitter no longer holds the run (cannot happen; judged empty rather than lost). */
function lost(pending: PendingRun, end: RunEnd, at: number): Run {
  return {
    startedAt: pending.startedAt,
    events: [],
    firstEventAt: null,
    endedAt: at,
    terminal: null,
    complete: false,
    end,
    droppedEvents: 0,
  };
}
