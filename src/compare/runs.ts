import { isTerminal, outcomeOf, type CanonicalEvent, type Outcome } from './canonical.js';

/** Client frame types that start a run, aliases included (docs/design.md, "Client frames"). */
const RUN_STARTS: ReadonlySet<string> = new Set([
  'user_message',
  'chat_message',
  'user',
  'message',
  'start_agent',
  'execute_agent',
]);

/** Server frames that are never part of a run: heartbeats, acks, the welcome. */
const NOT_RUN_EVENTS: ReadonlySet<string> = new Set([
  'pong',
  'ping',
  'heartbeat',
  'ack',
  'system_message',
  'connect',
  'connection_established',
]);

export function isRunStart(clientFrameType: string): boolean {
  return RUN_STARTS.has(clientFrameType);
}

/** Why a run stopped being recorded: its terminal event, or the comparator gave up on it. */
export type RunEnd = 'terminal' | 'timeout' | 'closed' | 'evicted';

/** One side's events between the client frame that started a run and its end. */
export interface Run {
  readonly startedAt: number;
  readonly events: readonly CanonicalEvent[];
  readonly firstEventAt: number | null;
  readonly endedAt: number;
  readonly terminal: Outcome | null;
  /** True when the run ended with its terminal event. */
  readonly complete: boolean;
  readonly end: RunEnd;
  /** Events past the per-run cap, not recorded (the terminal event is always recorded). */
  readonly droppedEvents: number;
}

interface OpenRun {
  readonly key: number;
  readonly startedAt: number;
  readonly events: CanonicalEvent[];
  runId: string | null;
  droppedEvents: number;
}

const RETIRED_RUN_IDS = 64;

/**
 * Splits one side's event stream into runs. Runs are opened by the caller (under a key shared
 * with the other side) when the client starts one. An event joins the open run with its run id;
 * failing that, a run id not seen yet binds to the oldest open run that has none (so concurrent
 * runs are told apart); an event without a run id joins the oldest open run. Late events of a
 * run that already ended, and events when no run is open, are ignored and counted as strays.
 */
export class RunSplitter {
  private readonly open: OpenRun[] = [];
  private readonly retired: string[] = [];
  private strays = 0;

  constructor(private readonly maxEventsPerRun = 500) {}

  get openRuns(): number {
    return this.open.length;
  }

  get strayEvents(): number {
    return this.strays;
  }

  /** One run open, already past the event cap: further events change nothing but its end. */
  get soleRunOverflowed(): boolean {
    return this.open.length === 1 && this.open[0]!.droppedEvents > 0;
  }

  /** An event known not to end a run, counted as dropped by the sole open run without being read. */
  dropUnread(): void {
    const run = this.open[0];
    if (run !== undefined) run.droppedEvents += 1;
  }

  start(key: number, at: number): void {
    this.open.push({ key, startedAt: at, events: [], runId: null, droppedEvents: 0 });
  }

  /** Records an event; returns `[key, run]` when the event ended a run. */
  push(event: CanonicalEvent): readonly [number, Run] | null {
    if (NOT_RUN_EVENTS.has(event.type)) return null;
    const run = this.runFor(event.runId);
    if (run === undefined) {
      this.strays += 1;
      return null;
    }
    if (run.events.length < this.maxEventsPerRun || isTerminal(event.type)) run.events.push(event);
    else run.droppedEvents += 1;
    return isTerminal(event.type) ? [run.key, this.finish(run, 'terminal', event.at, event)] : null;
  }

  /** Stops recording the run under `key`, e.g. on timeout; null when it is not open. */
  end(key: number, why: Exclude<RunEnd, 'terminal'>, at: number): Run | null {
    const run = this.open.find((r) => r.key === key);
    return run === undefined ? null : this.finish(run, why, at, null);
  }

  private runFor(runId: string | null): OpenRun | undefined {
    if (runId === null) return this.open[0];
    if (this.retired.includes(runId)) return undefined;
    const bound = this.open.find((r) => r.runId === runId);
    if (bound !== undefined) return bound;
    const unbound = this.open.find((r) => r.runId === null);
    if (unbound !== undefined) unbound.runId = runId;
    return unbound;
  }

  private finish(run: OpenRun, end: RunEnd, at: number, terminal: CanonicalEvent | null): Run {
    this.open.splice(this.open.indexOf(run), 1);
    if (run.runId !== null) {
      this.retired.push(run.runId);
      if (this.retired.length > RETIRED_RUN_IDS) this.retired.shift();
    }
    return {
      startedAt: run.startedAt,
      events: run.events,
      firstEventAt: run.events[0]?.at ?? null,
      endedAt: at,
      terminal: terminal === null ? null : outcomeOf(terminal),
      complete: end === 'terminal',
      end,
      droppedEvents: run.droppedEvents,
    };
  }
}
