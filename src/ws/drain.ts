import type { Logger } from 'pino';
import type { Metrics } from '../metrics/catalog.js';
import type { Engine } from '../routing/types.js';
import { ATTR, EVENT } from '../tracing/attributes.js';
import { systemClock, type Cancel, type Clock } from './clock.js';
import type { RelaySession } from './relay-session.js';
import type { SessionRegistry } from './session-registry.js';

export interface DrainPolicy {
  policy: 'spread' | 'finish-run';
  /** Never close a session younger than this: the web client refuses to reconnect sooner. */
  minAgeMs: number;
  /** Closes are spread over this window: every client reconnects at the same instant otherwise. */
  windowMs: number;
  /** `spread`: a session in a run is closed after its terminal event or this deadline. */
  runDeadlineMs: number;
  /** `finish-run`: the bound on waiting for a run to end. */
  finishRunMaxMs: number;
}

/**
 * After routing has flipped to legacy, closes the sessions still on the `user` engine with 1012
 * so the web client reconnects (to legacy) at once. Sessions get slots spread over the window,
 * idle ones first, and no slot comes before a session is minAgeMs old; a session in a run at its
 * slot is closed after the run's terminal event has reached it, or at the deadline (counted from
 * the rollback). A session registered after the flip but routed before it is drained too. A
 * resume cancels everything left; nothing is kept for a session once it has closed.
 */
export class SessionDrainer {
  private draining: Engine | null = null;
  private startedAt = 0;
  private readonly planned = new Map<RelaySession, () => void>();

  constructor(
    private readonly registry: SessionRegistry,
    private readonly policy: DrainPolicy,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
  ) {
    registry.onAdd((session) => {
      if (session.engine === this.draining) this.plan(session, clock.now(), policy.windowMs);
    });
  }

  drain(engine: Engine = 'user'): number {
    this.draining = engine;
    this.startedAt = this.clock.now();
    const sessions = this.registry
      .all()
      .filter((s) => s.engine === engine && !s.closed && !this.planned.has(s));
    sessions.sort((a, b) => Number(a.runs.inRun) - Number(b.runs.inRun) || a.openedAt - b.openedAt);
    const last = Math.max(1, sessions.length - 1);
    sessions.forEach((s, i) => this.plan(s, this.startedAt, (this.policy.windowMs * i) / last));
    if (sessions.length > 0)
      this.log.warn(
        { engine, sessions: sessions.length, windowMs: this.policy.windowMs, policy: this.policy.policy },
        'draining sessions after rollback',
      );
    return sessions.length;
  }

  /** Resume: nothing more is closed. */
  cancel(): void {
    this.draining = null;
    for (const cancel of [...this.planned.values()]) cancel();
  }

  /** Sessions with a close still to come. */
  pending(): number {
    return this.planned.size;
  }

  private plan(session: RelaySession, now: number, offset: number): void {
    if (this.planned.has(session) || session.closed) return;
    const timers: Cancel[] = [];
    const after = (ms: number, fn: () => void): void => void timers.push(this.clock.after(ms, fn));
    let offRunEnd = (): void => undefined;
    const cancel = (): void => {
      for (const clear of timers) clear();
      offRunEnd();
      offClose();
      this.planned.delete(session);
    };
    const offClose = session.onClose(cancel);
    const finish = (): void => {
      cancel();
      this.close(session);
    };
    const slot = Math.max(now, session.openedAt + this.policy.minAgeMs) + offset;
    after(slot - now, () => {
      if (!session.runs.inRun) return finish();
      // Deferred: the terminal event is written to the client before the close frame.
      offRunEnd = session.runs.onEnd(() => after(0, finish));
      const bound =
        this.policy.policy === 'finish-run' ? this.policy.finishRunMaxMs : this.policy.runDeadlineMs;
      after(this.startedAt + bound - this.clock.now(), finish);
    });
    this.planned.set(session, cancel);
  }

  private close(session: RelaySession): void {
    if (session.closed) return;
    this.metrics.wsDrained.labels(session.engine).inc();
    session.trace?.event(EVENT.drain, {
      [ATTR.engine]: session.engine,
      'switchyard.drain.in_run': session.runs.inRun,
    });
    session.close(1012, 'engine rollback');
  }
}
