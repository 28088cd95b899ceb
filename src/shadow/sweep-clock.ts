/** Something with state that ages: a shadow session whose runs can time out. */
export interface Sweepable {
  sweep(now: number): void;
}

/**
 * One timer for every live shadow session, so that a thousand sessions cost one interval and
 * not a thousand. It runs only while something is registered, is unref'd (it never keeps the
 * process alive), and a failing sweep never stops the others.
 */
export class SweepClock {
  private readonly members = new Set<Sweepable>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.members.size;
  }

  add(member: Sweepable): void {
    this.members.add(member);
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  delete(member: Sweepable): void {
    this.members.delete(member);
    if (this.members.size === 0) this.stop();
  }

  /** Sweeps every member now (the timer calls this; tests may too). */
  tick(): void {
    const now = this.now();
    for (const member of [...this.members]) {
      try {
        member.sweep(now);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
