import type { Logger } from 'pino';
import type { FlagSource } from '../flags/source.js';
import type { Metrics } from '../metrics/catalog.js';
import { STAGES } from '../metrics/catalog.js';
import { decide } from '../routing/decide.js';
import { stageOf } from '../routing/stage.js';
import {
  ROLLBACK_TRIGGERS,
  type Assignment,
  type FlagState,
  type Override,
  type RollbackTrigger,
} from '../routing/types.js';

export interface RollbackEvent {
  trigger: RollbackTrigger;
  reason: string | null;
}

/**
 * The migration's state as ops change it: percentages, overrides and the rollback switch, on top
 * of a flag source. A change takes effect once the source has persisted it, and not at all if it
 * cannot be (the promise rejects); engaging the rollback is the exception: it takes effect at
 * once and holds on this instance even when it cannot be persisted (FlagSource). Rollback and
 * resume are idempotent.
 */
export class Switchboard {
  private readonly rollbackListeners: Array<(e: RollbackEvent) => void> = [];
  private readonly resumeListeners: Array<() => void> = [];
  private engaged = false;

  constructor(
    private readonly source: FlagSource,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    source.onChange((state) => this.observe(state));
  }

  /** Called once the source has started, to publish its initial state. */
  init(): void {
    const state = this.source.current();
    if (state !== null) this.observe(state);
    this.refreshSourceMetrics();
  }

  flags(): FlagState | null {
    return this.source.current();
  }

  decide(userId: string | null): Assignment {
    return decide(userId, this.source.current());
  }

  onRollback(listener: (e: RollbackEvent) => void): void {
    this.rollbackListeners.push((e) => this.safely('rollback', () => listener(e)));
  }

  onResume(listener: () => void): void {
    this.resumeListeners.push(() => this.safely('resume', listener));
  }

  /** A listener's throw is logged: it must stop neither the other listeners nor the change. */
  private safely(event: string, listener: () => void): void {
    try {
      listener();
    } catch (err) {
      this.log.error({ event, err: (err as Error).message }, 'rollout listener failed');
    }
  }

  async setRollout(percent: number): Promise<FlagState> {
    return this.source.update((s) => ({ ...s, rollout: { ...s.rollout, percent } }));
  }

  async setShadow(percent: number): Promise<FlagState> {
    return this.source.update((s) => ({ ...s, shadow: { ...s.shadow, percent } }));
  }

  async setOverride(userId: string, override: Override | null): Promise<FlagState> {
    return this.source.update((s) => {
      const overrides = new Map(s.overrides);
      if (override === null) overrides.delete(userId);
      else overrides.set(userId, override);
      return { ...s, overrides };
    });
  }

  /** Engages the switch; a repeated call changes nothing, not even the recorded time. */
  async rollback(trigger: RollbackTrigger, reason: string | null): Promise<FlagState> {
    const current = this.source.current();
    if (current?.rollback.engaged === true) return current;
    return this.source.update((s) =>
      s.rollback.engaged
        ? s
        : { ...s, rollback: { engaged: true, trigger, reason, at: this.now().toISOString() } },
    );
  }

  async resume(): Promise<FlagState> {
    const current = this.source.current();
    if (current !== null && !current.rollback.engaged) return current;
    return this.source.update((s) => ({
      ...s,
      rollback: { engaged: false, trigger: null, reason: null, at: null },
    }));
  }

  refreshSourceMetrics(): void {
    const status = this.source.status();
    this.metrics.flagSourceUp.set(status.up ? 1 : 0);
    if (status.lastSync !== null) this.metrics.flagLastSync.set(Date.parse(status.lastSync) / 1000);
  }

  private observe(state: FlagState): void {
    const m = this.metrics;
    m.rolloutPercent.set(state.rollout.percent);
    m.shadowPercent.set(state.shadow.percent);
    m.rollbackEngaged.set(state.rollback.engaged ? 1 : 0);
    for (const t of ROLLBACK_TRIGGERS) m.rollbackTrigger.labels(t).set(state.rollback.trigger === t ? 1 : 0);
    const stage = stageOf(state);
    for (const s of STAGES) m.stage.labels(s).set(s === stage ? 1 : 0);
    m.overrides.set(state.overrides.size);
    this.refreshSourceMetrics();
    const wasEngaged = this.engaged;
    this.engaged = state.rollback.engaged;
    if (!wasEngaged && state.rollback.engaged) {
      const trigger = state.rollback.trigger ?? 'external';
      m.rollbacks.labels(trigger).inc();
      this.log.warn(
        { trigger, reason: state.rollback.reason },
        'rollback switch engaged: every user now goes to legacy',
      );
      for (const l of this.rollbackListeners) l({ trigger, reason: state.rollback.reason });
    } else if (wasEngaged && !state.rollback.engaged) {
      this.log.warn('rollback switch released: routing follows the rollout flag again');
      for (const l of this.resumeListeners) l();
    }
  }
}
