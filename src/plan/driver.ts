import type { Logger } from 'pino';
import type { GuardClock } from '../guard/rollback-guard.js';
import type { Metrics } from '../metrics/catalog.js';
import type { AuditEntry, Store } from '../store/types.js';
import type { Switchboard } from '../switchboard/switchboard.js';
import { canReplace, control, planConflict, type PlanCommand } from './control.js';
import type { Evidence } from './evidence.js';
import { EMPTY_RECORD, PLAN_KEY, planView, readRecord, type PlanRecord, type PlanView } from './record.js';
import { applyAction, holdStep } from './apply.js';
import type { StepSeries } from './series.js';
import { SeriesKeeper } from './series-keeper.js';
import { ACTIVE, rolledBack, step, worthStoring } from './step.js';
import { IDLE, PLAN_STATES, type OnPlanEvent, type Plan, type Transition } from './types.js';

export const PLAN_TICK_MS = 1000;

export interface PlanDriverOptions {
  readonly store: Store;
  readonly switchboard: Switchboard;
  /** The guard's figures now, or null when the guard is off (RollbackGuard.evidence). */
  readonly evidence: () => Evidence | null;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly clock: GuardClock;
  /** Whether this replica drives the plan (the fleet's judge); the others only read it. */
  readonly isDriver?: () => boolean;
  readonly onEvent?: OnPlanEvent;
  /** The plan's own changes to the flags, for the audit trail (actor `plan`). */
  readonly onAudit?: (entry: Omit<AuditEntry, 'at' | 'instance'>) => void;
  readonly tickMs?: number;
}

/** Who asked for a change, for the audit trail. */
export interface PlanActor {
  readonly role: string;
  readonly actor: string | null;
  readonly address: string | null;
  readonly reason?: string | null;
}

/**
 * Runs the release plan: every tick it reads the plan from the store, looks at the guard's
 * evidence (step.ts decides), applies the plan's changes through the switchboard and writes the
 * new position back with compare-and-set. Only the replica for which `isDriver()` holds moves
 * the plan; every replica serves it and takes control calls (they go through the store).
 */
export class PlanDriver {
  private record: PlanRecord = EMPTY_RECORD;
  private version = 0;
  private readonly series: SeriesKeeper;
  private chain: Promise<void> = Promise.resolve();
  private stopTimer: (() => void) | null = null;
  private queued = false;
  private lastFailure: string | null = null;
  private readonly isDriver: () => boolean;

  constructor(private readonly o: PlanDriverOptions) {
    this.isDriver = o.isDriver ?? (() => true);
    this.series = new SeriesKeeper(o.store);
    o.switchboard.onRollback(() => this.schedule());
  }

  start(): void {
    this.publish();
    this.stopTimer ??= this.o.clock.every(this.o.tickMs ?? PLAN_TICK_MS, () => this.schedule());
    this.schedule();
  }

  stop(): Promise<void> {
    this.stopTimer?.();
    this.stopTimer = null;
    return this.chain;
  }

  view(): PlanView {
    return planView(this.record);
  }

  /** The plan as stored now (`GET /admin/plan`); the last one read when the store fails. */
  async freshView(): Promise<PlanView> {
    await this.serial(() => this.load()).catch((err: unknown) => {
      this.o.log.warn(
        { err: (err as Error).message },
        'release plan: store unreadable, serving the last read',
      );
    });
    return this.view();
  }

  seriesView(): StepSeries {
    return this.series.current;
  }

  /** One look at the plan; ticks never overlap (a tick waits for the one before). */
  tick(): Promise<void> {
    return this.serial(() => this.look());
  }

  /** `PUT /admin/plan`: a new plan, idle; refused (409) while one is moving. */
  setPlan(plan: Plan, who: PlanActor): Promise<PlanView> {
    return this.serial(async () => {
      await this.load();
      const before = this.view();
      canReplace(this.record.state);
      await this.save({ plan, state: IDLE });
      this.audit('plan-set', who, before, null);
      return this.view();
    });
  }

  /** `POST /admin/plan/<command>`: the pure transition, stored, then applied. */
  command(command: PlanCommand, who: PlanActor): Promise<PlanView> {
    return this.serial(async () => {
      await this.load();
      const before = this.view();
      const flags = this.o.switchboard.flags();
      const t = control(command, this.record.plan, this.record.state, this.o.clock.now(), {
        rollout: flags?.rollout.percent ?? 0,
        rollbackEngaged: flags?.rollback.engaged ?? false,
        guardOff: this.o.evidence() === null,
      });
      await this.commit(t);
      // An approval (or a resume) is acted on at once, not at the next tick.
      if (command === 'approve' || command === 'resume') await this.look();
      this.audit(`plan-${command}`, who, before, null);
      return this.view();
    });
  }

  /** A timer's tick: at most one waits behind the running one (a slow store does not pile them up). */
  private schedule(): void {
    if (this.queued) return;
    this.queued = true;
    void this.serial(() => {
      this.queued = false;
      return this.look();
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work);
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async look(): Promise<void> {
    try {
      await this.load();
      this.lastFailure = null;
      const { plan, state } = this.record;
      if (plan === null) return;
      if (!this.isDriver()) return await this.series.refresh();
      const now = this.o.clock.now();
      const flags = this.o.switchboard.flags();
      if (flags?.rollback.engaged === true) {
        const r = flags.rollback;
        const reason = `${r.trigger ?? 'external'}: ${r.reason ?? 'no reason given'}`;
        const t = rolledBack(plan, state, reason, now);
        if (t.state !== state) await this.commit(t);
        return;
      }
      await holdStep(plan, state, this.o.switchboard, this.o.log, this.o.onAudit);
      const evidence = this.o.evidence();
      const t = step(plan, state, evidence, now);
      if (worthStoring(state, t.state)) await this.commit(t);
      if (evidence !== null && ACTIVE.has(t.state.status))
        await this.series.sample(this.record, evidence, now);
    } catch (err) {
      // Once per distinct failure: a store that is down (or not migrated yet) fails every second.
      const message = (err as Error).message;
      if (message !== this.lastFailure) this.o.log.error({ err: message }, 'release plan look failed');
      this.lastFailure = message;
    }
  }

  /** Stores the transition, then applies its flag changes and tells its events. */
  private async commit(t: Transition): Promise<void> {
    await this.save({ plan: this.record.plan, state: t.state });
    for (const action of t.actions) await applyAction(action, this.o.switchboard, this.o.log, this.o.onAudit);
    for (const event of t.events) {
      this.o.log.info({ event: event.type, percent: event.percent, reason: event.reason }, 'release plan');
      try {
        this.o.onEvent?.(event);
      } catch (err) {
        this.o.log.error({ err: (err as Error).message }, 'release plan event listener failed');
      }
    }
  }

  private audit(action: string, who: PlanActor, before: PlanView, failed: string | null): void {
    const after = this.view();
    const brief = (v: PlanView) => ({ state: v.state, step: v.step, percent: v.percent });
    const { role, actor, address } = who;
    const entry = { action, role, actor, address, before: brief(before), after: brief(after) };
    this.o.onAudit?.({ ...entry, reason: who.reason ?? null, failed });
  }

  private async load(): Promise<void> {
    const stored = await this.o.store.getState(PLAN_KEY);
    if (stored === null) {
      this.version = 0;
      this.record = EMPTY_RECORD;
    } else if (stored.version !== this.version) {
      const record = readRecord(stored.value);
      if (record === null) this.o.log.error('the stored release plan is unreadable: treated as none');
      this.record = record ?? EMPTY_RECORD;
      this.version = stored.version;
    }
    this.publish();
  }

  /** Compare-and-set; losing means another replica wrote first: reload and report a conflict. */
  private async save(record: PlanRecord): Promise<void> {
    const ok = await this.o.store.putState(PLAN_KEY, record, this.version, this.o.clock.now());
    if (!ok) {
      await this.load();
      throw planConflict('the release plan changed meanwhile (another replica wrote it): try again');
    }
    this.record = record;
    this.version += 1;
    this.publish();
  }

  private publish(): void {
    const { state } = this.record;
    this.o.metrics.planStep.set(state.step === null ? 0 : state.step + 1);
    for (const s of PLAN_STATES) this.o.metrics.planState.labels(s).set(s === state.status ? 1 : 0);
  }
}
