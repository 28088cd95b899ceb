import type { Cancel, Clock } from '../../src/ws/clock.js';

interface Due {
  at: number;
  seq: number;
  fn: () => void;
  every: number | null;
}

/**
 * A clock that moves only when the test says so: `advance(ms)` runs every callback that falls
 * due, in time order, each seeing `now()` at its own due time.
 */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly queue = new Set<Due>();

  constructor(start = 1_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  after(ms: number, fn: () => void): Cancel {
    return this.schedule(Math.max(0, ms), fn, null);
  }

  every(ms: number, fn: () => void): Cancel {
    return this.schedule(ms, fn, ms);
  }

  /** Callbacks still to come. */
  pending(): number {
    return this.queue.size;
  }

  advance(ms: number): void {
    const until = this.time + ms;
    for (let next = this.nextDue(until); next !== undefined; next = this.nextDue(until)) {
      this.time = next.at;
      if (next.every === null) this.queue.delete(next);
      else next.at += next.every;
      next.fn();
    }
    this.time = until;
  }

  private schedule(ms: number, fn: () => void, every: number | null): Cancel {
    const due: Due = { at: this.time + ms, seq: this.seq++, fn, every };
    this.queue.add(due);
    return () => void this.queue.delete(due);
  }

  private nextDue(until: number): Due | undefined {
    let first: Due | undefined;
    for (const d of this.queue)
      if (
        d.at <= until &&
        (first === undefined || d.at < first.at || (d.at === first.at && d.seq < first.seq))
      )
        first = d;
    return first;
  }
}
