/**
 * A fixed number of places for one kind of shadow work (sessions, HTTP requests in flight).
 * Taking a place never waits: when none is free the work is shed, and the caller counts it.
 * The in-flight gauge follows the places taken.
 */
export class Slots {
  private taken = 0;

  constructor(
    private readonly capacity: number,
    private readonly gauge: { set(value: number): void } | null = null,
  ) {}

  get inUse(): number {
    return this.taken;
  }

  /** A release function when a place was free, else null; releasing twice frees one place only. */
  tryTake(): (() => void) | null {
    if (this.taken >= this.capacity) return null;
    this.taken++;
    this.gauge?.set(this.taken);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.taken--;
      this.gauge?.set(this.taken);
    };
  }
}
