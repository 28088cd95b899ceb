import { isRunStart, isTerminal } from '../compare/index.js';
import { Listeners } from './listeners.js';
import { peekType } from './frame-type.js';

/** Told of run starts and ends (the run spans of src/tracing/ws-trace.ts); never per frame. */
export interface RunObserver {
  runStarted(type: string): void;
  /** `how`: the terminal event's type, or `stop_agent`. */
  runsEnded(count: number, how: string): void;
}

/**
 * Whether a session is in a run, for the rollback drain: counts the runs the client started and
 * the terminal events the engine sent back (several runs may overlap). A run the engine never
 * ends keeps the count up; the drain bounds its wait with a deadline.
 */
export class RunTracker {
  private active = 0;
  private readonly ended = new Listeners();
  observer: RunObserver | null = null;

  get inRun(): boolean {
    return this.active > 0;
  }

  /** A client frame of this type was forwarded to the engine. */
  clientFrame(type: string | null): void {
    if (type === null) return;
    if (isRunStart(type)) {
      this.active++;
      this.observer?.runStarted(type);
    } else if (type === 'stop_agent' && this.active > 0) this.end(this.active, type);
  }

  /** An engine text frame was delivered; `type` when the guard parsed it, else it is peeked. */
  engineFrame(data: Buffer, type: string | null | undefined): void {
    if (this.active === 0) return;
    const t = type === undefined ? peekType(data) : type;
    if (t !== null && isTerminal(t)) this.end(1, t);
  }

  /** Called once each time the session goes from in a run to idle; returns the remover. */
  onEnd(fn: () => void): () => void {
    return this.ended.add(fn);
  }

  dispose(): void {
    this.ended.clear();
  }

  private end(runs: number, how: string): void {
    this.observer?.runsEnded(runs, how);
    this.active = Math.max(0, this.active - runs);
    if (this.active === 0) this.ended.emit();
  }
}
