import type { Counter } from 'prom-client';
import type { Metrics } from '../metrics/catalog.js';
import type { Engine } from '../routing/types.js';

/** A session's counts and its share of the metrics, labelled by the engine serving it now. */
export class SessionStats {
  private framesIn = 0;
  private framesOut = 0;
  private blocked = 0;
  private toEngine!: Counter.Internal;
  private toClient!: Counter.Internal;
  engineCode: number | null = null;

  constructor(
    private readonly metrics: Metrics,
    private engine: Engine,
  ) {
    this.label(engine);
    metrics.wsConnections.labels(engine).inc();
  }

  /** The session moved to another engine (fallback). */
  moved(engine: Engine): void {
    this.metrics.wsConnections.labels(this.engine).dec();
    this.metrics.wsConnections.labels(engine).inc();
    this.label(engine);
  }

  clientFrame(): void {
    this.framesIn++;
    this.toEngine.inc();
  }

  engineFrame(): void {
    this.framesOut++;
    this.toClient.inc();
  }

  blockedFrame(): void {
    this.blocked++;
  }

  /** Closes the session's metrics; returns the summary to log (counts only, no content). */
  closed(openedAt: number): Record<string, number | string | null> {
    const seconds = (Date.now() - openedAt) / 1000;
    this.metrics.wsConnections.labels(this.engine).dec();
    this.metrics.wsSessionDuration.labels(this.engine).observe(seconds);
    return {
      engine: this.engine,
      engineCode: this.engineCode,
      framesIn: this.framesIn,
      framesOut: this.framesOut,
      blocked: this.blocked,
      seconds: Math.round(seconds * 10) / 10,
    };
  }

  private label(engine: Engine): void {
    this.engine = engine;
    this.toEngine = this.metrics.wsFrames.labels(engine, 'client_to_engine');
    this.toClient = this.metrics.wsFrames.labels(engine, 'engine_to_client');
  }
}
