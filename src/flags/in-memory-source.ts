import type { FlagState } from '../routing/types.js';
import { emptyState, type FlagNames } from './document.js';
import { PersistedFlags } from './persisted-flags.js';
import type { FlagSource, FlagSourceStatus } from './source.js';

export interface InMemoryFlagSourceOptions {
  /** The starting state; `null` starts with the flags unknown. Default: 0%, no overrides. */
  initial?: FlagState | null;
  /** Stands in for the store's write; reject to simulate a failed write. Default: succeeds. */
  persist?: (state: FlagState) => Promise<void>;
}

/**
 * A flag source with no store behind it, for tests that need no disk and for embedding. It
 * follows the same order as the file source (written, then published; a rollback at once).
 */
export class InMemoryFlagSource implements FlagSource {
  readonly kind = 'memory' as const;
  /** Every state persisted, in order. */
  readonly written: FlagState[] = [];
  private readonly flags: PersistedFlags;
  private readonly listeners: Array<(state: FlagState) => void> = [];

  constructor(names: FlagNames, options: InMemoryFlagSourceOptions = {}) {
    const persist = options.persist ?? (() => Promise.resolve());
    this.flags = new PersistedFlags(
      options.initial === undefined ? emptyState(names) : options.initial,
      async (state) => {
        await persist(state);
        this.written.push(state);
      },
      (state) => this.listeners.forEach((l) => l(state)),
    );
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  current(): FlagState | null {
    return this.flags.current();
  }

  status(): FlagSourceStatus {
    const ready = this.flags.current() !== null;
    return { kind: 'memory', ready, up: true, lastSync: null, problem: ready ? null : 'flags not loaded' };
  }

  onChange(listener: (state: FlagState) => void): void {
    this.listeners.push(listener);
  }

  update(change: (state: FlagState) => FlagState): Promise<FlagState> {
    return this.flags.update(change);
  }

  /** Nothing to re-read: the state lives here. */
  refresh(): void {}

  /** A state from outside (as an edit of the file by hand). */
  load(state: FlagState): void {
    this.flags.load(state);
  }

  close(): Promise<void> {
    return this.flags.idle();
  }
}
