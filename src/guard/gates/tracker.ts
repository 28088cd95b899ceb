import type { GateName, GateReport } from './types.js';

/** enforce: a breach engages the rollback; dry-run: only reports it would; off: nothing. */
export type GuardMode = 'enforce' | 'dry-run' | 'off';
export const GUARD_MODES: readonly GuardMode[] = ['enforce', 'dry-run', 'off'];

export interface GuardTrip {
  readonly gate: GateName;
  readonly reason: string;
  /** The `nowMs` of the evaluation that tripped. */
  readonly atMs: number;
  /** True when the mode was dry-run: the rollback was not engaged. */
  readonly dryRun: boolean;
}

export interface TrackerStep {
  /** Gates whose breach episode began at this evaluation: one WARN each. */
  readonly started: readonly GateReport[];
  /** Gates whose breach episode ended at this evaluation. */
  readonly ended: readonly GateName[];
  /** Set when the caller should engage the rollback (enforce) or report that it would (dry-run). */
  readonly trip: GuardTrip | null;
}

/** When several gates breach together, the trip names the gravest. */
const PRIORITY: readonly GateName[] = [
  'isolation',
  'error_rate',
  'user_error_rate',
  'latency',
  'mismatch_rate',
];

const NOTHING: TrackerStep = Object.freeze({ started: [], ended: [], trip: null });

/**
 * Turns per-second verdicts into breach episodes (so the caller logs once per episode, not once
 * a second) and decides when to trip. In enforce mode it trips once and stays latched until
 * `reset()` (the guard never resumes by itself; after a person resumes, the caller resets the
 * window and the tracker). In dry-run it reports a would-be trip once per period of breaching,
 * a period ending when no gate breaches. Switching from dry-run to enforce during a breach
 * trips at the next evaluation. In off mode it tracks nothing.
 */
export class BreachTracker {
  private readonly breaching = new Set<GateName>();
  private enforceLatched = false;
  private dryRunLatched = false;
  private last: GuardTrip | null = null;

  constructor(public mode: GuardMode) {}

  /** The latest trip, real or dry-run; kept across `reset()` as history. */
  get lastTrip(): GuardTrip | null {
    return this.last;
  }

  /** True once enforce mode has tripped, until `reset()`. */
  get tripped(): boolean {
    return this.enforceLatched;
  }

  observe(reports: readonly GateReport[], nowMs: number): TrackerStep {
    if (this.mode === 'off') {
      this.breaching.clear();
      this.dryRunLatched = false;
      return NOTHING;
    }
    const started: GateReport[] = [];
    const ended: GateName[] = [];
    const now = new Set<GateName>();
    for (const r of reports) {
      if (r.verdict !== 'breach') continue;
      now.add(r.name);
      if (!this.breaching.has(r.name)) started.push(r);
    }
    for (const name of this.breaching) if (!now.has(name)) ended.push(name);
    this.breaching.clear();
    for (const name of now) this.breaching.add(name);
    if (now.size === 0) this.dryRunLatched = false;
    return { started, ended, trip: this.decide(reports, nowMs) };
  }

  /** Forgets episodes and releases the latch (after a resume). `lastTrip` is kept. */
  reset(): void {
    this.breaching.clear();
    this.enforceLatched = false;
    this.dryRunLatched = false;
  }

  private decide(reports: readonly GateReport[], nowMs: number): GuardTrip | null {
    const dryRun = this.mode === 'dry-run';
    if (dryRun ? this.dryRunLatched : this.enforceLatched) return null;
    const gravest = PRIORITY.map((name) =>
      reports.find((r) => r.name === name && r.verdict === 'breach'),
    ).find((r) => r !== undefined);
    if (gravest === undefined) return null;
    if (dryRun) this.dryRunLatched = true;
    else this.enforceLatched = true;
    this.last = {
      gate: gravest.name,
      reason: gravest.reason ?? `${gravest.name}: breach`,
      atMs: nowMs,
      dryRun,
    };
    return this.last;
  }
}
