import murmur from 'murmurhash3js';
import type { Logger } from 'pino';
import type { Switchboard } from '../switchboard/switchboard.js';
import type { Metrics } from '../metrics/catalog.js';
import type { Engine } from '../routing/types.js';
import {
  BreachTracker,
  evaluateGates,
  SampleWindow,
  type ComparisonResult,
  type GateReport,
  type GuardLimits,
  type GuardMode,
  type IsolationEvidence,
} from './gates/index.js';
import { sumFleet } from './gates/fleet-sum.js';
import { LOCAL_SCOPE, withFleetFigures, type GuardScope, type ScopeSource } from './guard-scope.js';

/** A user id as the window's distinct-user sketch takes it: a 32-bit hash, never the id. */
export const userHash32 = (userId: string): number => murmur.x86.hash32(userId, 0x5eed);

/** The guard's figures as the release plan reads them (`RollbackGuard.evidence`). */
export interface GuardEvidence {
  /** Epoch ms of the window's end. */
  readonly at: number;
  readonly mode: GuardMode;
  readonly gates: readonly GateReport[];
  /** Cross-engine comparisons judged match or mismatch in the window. */
  readonly comparisons: number;
  /** Distinct users the user engine served in the window (lower bound). */
  readonly users: number;
  /** Judged baseline comparisons per engine (the noise floors' samples). */
  readonly floors: { readonly legacy: number; readonly user: number };
}

/** The guard's time: what `now` is, and how its evaluation is repeated. Tests inject a manual one. */
export interface GuardClock {
  now(): number;
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

export const SYSTEM_CLOCK: GuardClock = {
  now: () => Date.now(),
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

const EVALUATE_EVERY_MS = 1000;

/**
 * The automatic rollback guard: records samples on the request path (O(1), no allocation),
 * evaluates the gates every second on the clock's timer (or when `evaluate()` is called), and in
 * enforce mode engages the same rollback
 * switch as `POST /admin/rollback`, trigger `guard`. It never resumes by itself; after a resume
 * its window starts empty.
 */
export class RollbackGuard {
  readonly window: SampleWindow;
  private readonly tracker: BreachTracker;
  private reports: GateReport[] = [];
  private stopTimer: (() => void) | null = null;
  /** Off: nothing is recorded or evaluated (and `/admin/summary` has no figures). */
  private readonly recording: boolean;
  /** In a fleet: the pool that says whose evidence to judge (src/guard/guard-pool.ts). */
  private pool: ScopeSource | null = null;
  private current: GuardScope = LOCAL_SCOPE;
  /** The judge's scratch window for the fleet's summed evidence. */
  private fleetWindow: SampleWindow | null = null;
  /** Other replicas' seconds up to this one predate the last resume: not evidence any more. */
  private resetSecond = -Infinity;

  constructor(
    private readonly limits: GuardLimits,
    readonly mode: GuardMode,
    private readonly switchboard: Switchboard,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly clock: GuardClock = SYSTEM_CLOCK,
  ) {
    this.window = new SampleWindow(limits.windowSeconds);
    this.tracker = new BreachTracker(mode);
    this.recording = mode !== 'off';
    switchboard.onResume(() => this.reset());
  }

  /** Judges with the fleet: from now on the pool decides the scope (docs/fleet.md, "Pooled guard"). */
  pooled(pool: ScopeSource): void {
    this.pool = pool;
  }

  /** Whether this replica is the judge: it holds the lock, or it is alone (no pool). */
  isJudge(): boolean {
    return this.pool?.isJudge() ?? true;
  }

  /**
   * Whether this replica speaks for the fleet (sends its notifications): the judge, or any
   * replica judging its own traffic because the store is out (duplicates then beat silence).
   */
  speaksForFleet(): boolean {
    return this.current.scope === 'local' || this.current.judge;
  }

  start(): void {
    if (!this.recording) return;
    this.stopTimer ??= this.clock.every(EVALUATE_EVERY_MS, () => this.evaluate());
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = null;
  }

  recordHttp(engine: Engine, durationMs: number, status: number, userId: string | null): void {
    if (!this.recording) return;
    this.window.recordHttp(
      engine,
      this.now(),
      durationMs,
      status >= 500,
      userId === null ? 0 : userHash32(userId),
    );
  }

  recordWsSession(engine: Engine, failed: boolean, userHash: number): void {
    if (!this.recording) return;
    this.window.recordWsSession(engine, this.now(), failed, userHash);
  }

  /** A comparison; `baseline` names the engine of a baseline one (it feeds that engine's floor). */
  recordComparison(
    result: ComparisonResult,
    userId: string,
    kinds: readonly string[] = [],
    baseline: Engine | null = null,
  ): void {
    if (!this.recording) return;
    this.window.recordComparison(this.now(), result, userHash32(userId), kinds, baseline);
  }

  /**
   * An isolation violation by `engine`, seen on the session `sessionKey` (unique per session) of
   * the user `userKey` (the recipient: an id or its hash), both hashed before they are counted.
   */
  recordIsolation(engine: Engine, evidence: IsolationEvidence, sessionKey: string, userKey: string): void {
    if (!this.recording) return;
    const actNow = this.window.recordIsolation(
      engine,
      this.now(),
      evidence,
      userHash32(sessionKey),
      userHash32(userKey),
    );
    if (actNow) this.evaluate();
  }

  /**
   * Runs every gate once over the window ending now; the timer calls it every second. The
   * fleet's judge judges the summed slices of every replica; another replica in fleet scope
   * acts only on the isolation gate (a frame with another user's id trips at once anywhere).
   */
  evaluate(): void {
    const now = this.now();
    const scope = this.pool?.scope() ?? LOCAL_SCOPE;
    this.current = scope;
    const judging = scope.scope === 'fleet' && scope.judge;
    const evidence = judging ? this.fleetEvidence(scope, now) : this.window;
    const reports = evaluateGates(evidence, this.limits, now);
    this.reports = judging ? withFleetFigures(reports, evidence, now, scope.instances) : reports;
    for (const r of this.reports) {
      this.metrics.guardGateValue.labels(r.name).set(r.value ?? Number.NaN);
      this.metrics.guardGateBreaching.labels(r.name).set(r.verdict === 'breach' ? 1 : 0);
    }
    this.metrics.guardJudge.set(scope.judge ? 1 : 0);
    this.metrics.guardInstances.set(scope.instances);
    this.metrics.guardScope.labels('fleet').set(scope.scope === 'fleet' ? 1 : 0);
    this.metrics.guardScope.labels('local').set(scope.scope === 'local' ? 1 : 0);
    const acted =
      scope.scope === 'fleet' && !scope.judge
        ? this.reports.filter((r) => r.name === 'isolation')
        : this.reports;
    const step = this.tracker.observe(acted, now);
    for (const r of step.started) {
      this.metrics.guardBreaches.labels(r.name, this.mode).inc();
      this.log.warn({ gate: r.name, mode: this.mode, reason: r.reason }, 'guard gate in breach');
    }
    const trip = step.trip;
    if (trip === null) return;
    if (trip.dryRun) {
      this.log.error({ gate: trip.gate, reason: trip.reason }, 'guard would roll back (dry-run)');
      return;
    }
    this.log.error({ gate: trip.gate, reason: trip.reason }, 'guard tripped: rolling back to legacy');
    // A rollback that cannot be persisted still holds on this instance (FlagSource); the error says so.
    this.switchboard.rollback('guard', trip.reason).catch((err: unknown) => {
      this.log.error({ err: (err as Error).message }, 'guard rollback not persisted');
    });
  }

  /**
   * What the release plan judges a step by (src/plan/): every gate over the window ending now,
   * the judged cross-engine comparisons, the distinct users the user engine served, and each
   * engine's baseline floor sample. Read-only: it neither trips nor records anything.
   */
  evidence(): GuardEvidence {
    const now = this.now();
    // The judge of a fleet answers with the fleet's evidence, as its gates judge it.
    const scope = this.current;
    const w = scope.scope === 'fleet' && scope.judge ? this.fleetEvidence(scope, now) : this.window;
    const c = w.comparisons(now);
    return {
      at: now,
      mode: this.mode,
      gates: evaluateGates(w, this.limits, now),
      comparisons: c.match + c.mismatch,
      users: w.servedUsers('user', now),
      floors: w.floorSamples(now),
    };
  }

  /** `GET /admin/guard`. */
  report() {
    const reports =
      this.reports.length > 0 ? this.reports : evaluateGates(this.window, this.limits, this.now());
    const last = this.tracker.lastTrip;
    const { scope, judge, instances, fallback } = this.current;
    return {
      mode: this.mode,
      windowSeconds: this.limits.windowSeconds,
      scope,
      judge,
      instances,
      fallback,
      gates: reports.map((r) => ({
        name: r.name,
        limit: r.limit,
        value: r.value,
        samples: r.samples,
        users: r.users,
        verdict: r.verdict,
        reason: r.reason,
        ...(r.basis !== undefined && {
          basis: r.basis,
          floor: r.floor ?? null,
          noisyKinds: r.noisyKinds ?? [],
        }),
      })),
      lastTrip:
        last === null
          ? null
          : {
              gate: last.gate,
              reason: last.reason,
              at: new Date(last.atMs).toISOString(),
              dryRun: last.dryRun,
            },
    };
  }

  private now(): number {
    return this.clock.now();
  }

  /** This replica's live window plus the others' slices since the last resume. */
  private fleetEvidence(scope: GuardScope, now: number): SampleWindow {
    if (scope.remote.length === 0) return this.window;
    this.fleetWindow ??= new SampleWindow(this.limits.windowSeconds);
    return sumFleet(this.fleetWindow, this.window, scope.remote, now, this.resetSecond);
  }

  private reset(): void {
    this.resetSecond = Math.floor(this.now() / 1000);
    this.window.reset();
    this.tracker.reset();
    this.reports = [];
  }
}
