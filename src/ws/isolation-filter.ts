import type { Logger } from 'pino';
import type { Evidence, SessionIsolation } from '../isolation/session-isolation.js';
import type { Metrics } from '../metrics/catalog.js';
import type { Engine } from '../routing/types.js';
import { peekType } from './frame-type.js';

export interface IsolationFilterInit {
  guard: SessionIsolation | null;
  limits: { isolation: 'block' | 'report' | 'off' };
  metrics: Metrics;
  log: Logger;
  userHash: string;
  onViolation?: ((engine: Engine, evidence: Evidence) => void) | undefined;
}

/** What to do with a client frame: refused frames are answered with an error frame, not sent. */
export type ClientVerdict = { refused: boolean; type: string | null };

/** What to do with an engine frame; `type` is undefined when the frame was not parsed. */
export type EngineVerdict = { deliver: boolean; leaked: boolean; type: string | null | undefined };

/**
 * The isolation guard applied to a session's frames, text and binary, with its metrics and logging:
 * one JSON parse at most per frame, only for frames that can name an id. A leaked engine frame is blocked
 * (or, by configuration, delivered and only reported), counted by engine and action, and logged
 * without its content; a client frame naming another user is refused.
 */
export class IsolationFilter {
  private logged = false;

  constructor(private readonly init: IsolationFilterInit) {}

  clientFrame(data: Buffer, isBinary: boolean, engine: Engine): ClientVerdict {
    const verdict = this.init.guard?.checkClientFrame(data, isBinary);
    const parsed = verdict?.type;
    const type = parsed === undefined ? (isBinary ? null : peekType(data)) : parsed;
    if (verdict === undefined || verdict.ok) return { refused: false, type };
    this.init.metrics.isolationViolations.labels(engine, 'refuse').inc();
    return { refused: true, type };
  }

  engineFrame(data: Buffer, isBinary: boolean, engine: Engine): EngineVerdict {
    const verdict = this.init.guard?.checkEngineFrame(data, isBinary);
    if (verdict === undefined) return { deliver: true, leaked: false, type: undefined };
    if (verdict.ok) return { deliver: true, leaked: false, type: verdict.type };
    const action = this.init.limits.isolation === 'report' ? 'report' : 'block';
    this.init.metrics.isolationViolations.labels(engine, action).inc();
    this.init.onViolation?.(engine, verdict.evidence);
    // One line per session, not per frame: a leaking engine must not flood the log. The session's
    // close line carries the count.
    if (!this.logged) {
      this.logged = true;
      this.init.log.warn(
        { engine, user: this.init.userHash, evidence: verdict.evidence, action },
        'isolation violation: a frame for another user (further ones on this session are counted, not logged)',
      );
    }
    return { deliver: action === 'report', leaked: true, type: verdict.type };
  }
}
