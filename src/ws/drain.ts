import type { Logger } from 'pino';
import type { Metrics } from '../metrics/catalog.js';
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
 * so the web client reconnects (to legacy) at once: idle sessions first, spread over a window,
 * none younger than minAgeMs, sessions in a run after their run. A resume cancels what is left.
 */
export class SessionDrainer {
  private timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly registry: SessionRegistry,
    private readonly policy: DrainPolicy,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  drain(engine: 'user' | 'legacy' = 'user'): number {
    const sessions = this.registry.all().filter((s) => s.engine === engine && !s.closed);
    sessions.sort((a, b) => Number(a.inRun) - Number(b.inRun));
    const now = Date.now();
    sessions.forEach((session, i) => {
      const offset = sessions.length <= 1 ? 0 : (this.policy.windowMs * i) / (sessions.length - 1);
      const at = Math.max(now + offset, session.openedAt + this.policy.minAgeMs);
      this.schedule(at - now, () => this.closeWhenRunEnds(session));
    });
    if (sessions.length > 0)
      this.log.warn(
        { engine, sessions: sessions.length, windowMs: this.policy.windowMs },
        'draining sessions after rollback',
      );
    return sessions.length;
  }

  cancel(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private closeWhenRunEnds(session: RelaySession): void {
    if (session.closed) return;
    if (!session.inRun) return this.close(session);
    const bound =
      this.policy.policy === 'finish-run' ? this.policy.finishRunMaxMs : this.policy.runDeadlineMs;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.close(session);
    };
    session.onRunEnd(() => this.schedule(0, finish));
    this.schedule(bound, finish);
  }

  private close(session: RelaySession): void {
    if (session.closed) return;
    this.metrics.wsDrained.labels(session.engine).inc();
    session.close(1012, 'engine rollback');
  }

  private schedule(ms: number, fn: () => void): void {
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        fn();
      },
      Math.max(0, ms),
    );
    t.unref();
    this.timers.add(t);
  }
}
