/**
 * Writes to Unleash one after the other, in the order they were asked for, so that Unleash ends
 * with the last change made here whatever each call's timing; a failed write does not stop the next.
 */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(write: () => Promise<T>): Promise<T> {
    const run = this.tail.then(write);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves once the writes asked for so far are done, or after `ms`. */
  async drain(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    await Promise.race([this.tail, late]);
    clearTimeout(timer);
  }
}
