/** Callbacks that can each be removed: run-end and close notifications of a session. */
export class Listeners {
  private readonly set = new Set<() => void>();

  /** Adds `fn`; returns the function that removes it again. */
  add(fn: () => void): () => void {
    this.set.add(fn);
    return () => void this.set.delete(fn);
  }

  emit(): void {
    for (const fn of [...this.set]) fn();
  }

  clear(): void {
    this.set.clear();
  }

  get size(): number {
    return this.set.size;
  }
}
