import { renderEvent, type RunContext } from './envelopes.js';
import type { ScriptedStep, Step } from './steps.js';

/** Where a frame goes; a closed destination drops it. */
export interface FrameSink {
  send(frame: object): void;
}

/**
 * One run: sends its scripted steps one after another, each to whatever sink `target()`
 * names at that moment (the legacy engine's leak lives in that lookup). `onSettled` runs once,
 * after the terminal event or on cancel; a cancelled run leaves no timer behind.
 */
export class Run {
  private timer: NodeJS.Timeout | undefined;
  private index = 0;
  private settled = false;
  private readonly startedAt = Date.now();
  private toolStartedAt = this.startedAt;

  constructor(
    readonly ctx: RunContext,
    private readonly script: ScriptedStep[],
    private readonly target: () => FrameSink | undefined,
    private readonly onSettled: () => void,
  ) {}

  start(): void {
    this.advance();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.settle();
  }

  private advance(): void {
    while (!this.settled) {
      const next = this.script[this.index];
      if (next === undefined) return this.settle();
      if (next.delayMs > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.emit(next.step);
          this.advance();
        }, next.delayMs);
        return;
      }
      this.emit(next.step);
    }
  }

  private emit(step: Step): void {
    this.index += 1;
    const now = Date.now();
    if (step.type === 'tool_executing') this.toolStartedAt = now;
    const elapsed = now - (step.type === 'tool_completed' ? this.toolStartedAt : this.startedAt);
    this.target()?.send(renderEvent(this.ctx, step, elapsed));
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.onSettled();
  }
}
