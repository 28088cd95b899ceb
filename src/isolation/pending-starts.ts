/** A run the client asked for that the engine has not named yet; `thread` when the client named one. */
interface PendingStart {
  thread: string | null;
  at: number;
}

const MAX_PENDING = 16;
/** Longer than either engine's run timeout (30 s, 25 s): a start never answered stops waiting. */
const PENDING_TTL_MS = 60_000;

/**
 * The runs a session's client started and has no run id for yet, oldest first. The first new run
 * id the engine sends on the session binds to the oldest start whose thread fits (the client
 * named none, or the frame carries that thread or none). A session with nothing pending binds no
 * run: an unknown run id arriving there is another user's (PROTOCOL.md, "What a leak is").
 */
export class PendingStarts {
  private readonly queue: PendingStart[] = [];

  constructor(private readonly now: () => number) {}

  get size(): number {
    return this.queue.length;
  }

  push(thread: string | null): void {
    if (this.queue.length >= MAX_PENDING) this.queue.shift();
    this.queue.push({ thread, at: this.now() });
  }

  /** The index of the start a new run naming `threads` would bind to, or -1. */
  find(threads: readonly string[]): number {
    this.expire();
    return this.queue.findIndex(
      (s) => s.thread === null || threads.length === 0 || threads.includes(s.thread),
    );
  }

  take(index: number): void {
    if (index >= 0) this.queue.splice(index, 1);
  }

  private expire(): void {
    const cutoff = this.now() - PENDING_TTL_MS;
    while (this.queue.length > 0 && this.queue[0]!.at < cutoff) this.queue.shift();
  }
}
