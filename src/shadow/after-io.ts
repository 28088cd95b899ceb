/**
 * Shadow work deferred until the I/O of the current event-loop turn is done: jobs queued during
 * a turn run together from one `setImmediate` (the loop's check phase, after its poll phase has
 * run every ready socket callback). So the primary requests that are ready when a shadow job is
 * queued are served before it, not interleaved with shadow copies and comparisons. Jobs a job
 * queues run in the next turn. No budget per turn: a queue that ran less than it was given would
 * hold shadow places longer and shed comparisons under load (measured: bench/results/PROFILE.md,
 * fourth pass). A failing job is reported and never stops the others.
 */
export class AfterIo {
  private jobs: Array<() => void> = [];

  constructor(private readonly onError: (error: unknown) => void = () => undefined) {}

  get pending(): number {
    return this.jobs.length;
  }

  run(job: () => void): void {
    this.jobs.push(job);
    if (this.jobs.length === 1) setImmediate(this.turn);
  }

  private readonly turn = (): void => {
    const batch = this.jobs;
    this.jobs = [];
    for (const job of batch) {
      try {
        job();
      } catch (error) {
        this.onError(error);
      }
    }
  };
}
