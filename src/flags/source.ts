import type { AnnouncedFlags, FlagState } from '../routing/types.js';

export type FlagSourceKind = 'file' | 'unleash' | 'memory';

export interface FlagSourceStatus {
  kind: FlagSourceKind;
  /** Flags are known (from the source, or a backup). */
  ready: boolean;
  /** The last read or poll succeeded. */
  up: boolean;
  /** ISO time of the last successful read or poll. */
  lastSync: string | null;
  /** Why it is not ready or not up, in words; never holds a secret. */
  problem: string | null;
}

/**
 * Where the flags live. A change (from the source, or written through `update`) is published to
 * `onChange` listeners. `current()` is null while the flags are unknown (everyone is then served
 * by legacy, reason `flags-unavailable`).
 *
 * `update` (the file and in-memory sources): changes apply one at a time, each to the state the
 * previous one left, and each is persisted *before* it is published; a change that cannot be
 * persisted rejects with FlagPersistError and leaves the state as it was. The one exception is
 * engaging the rollback, a safety action: it is published at once and holds in memory even when
 * it cannot be persisted (the error then says so). The Unleash source applies a change locally
 * while it writes it to Unleash and takes it back if the write fails (src/flags/unleash/).
 */
export interface FlagSource {
  readonly kind: FlagSourceKind;
  start(): Promise<void>;
  current(): FlagState | null;
  status(): FlagSourceStatus;
  onChange(listener: (state: FlagState) => void): void;
  update(change: (state: FlagState) => FlagState): Promise<FlagState>;
  /**
   * Re-read the source now, not at the next poll (another replica changed it: the fleet fan-out,
   * docs/fleet.md). `announced`: what that replica wrote and its source accepted; a source that
   * shows changes late (Unleash) obeys it at once, until a read reflects it or its grace passes.
   * Never waits and never throws; calls that overlap are coalesced.
   */
  refresh(announced?: AnnouncedFlags): void;
  close(): Promise<void>;
}

/** A change could not be persisted. `heldInMemory`: it was a rollback, engaged here regardless. */
export class FlagPersistError extends Error {
  constructor(
    cause: unknown,
    readonly heldInMemory: boolean,
  ) {
    const why = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    super(
      heldInMemory
        ? `the rollback is engaged on this instance but could not be persisted (${why})`
        : `nothing changed: the flags could not be persisted (${why})`,
      { cause },
    );
  }
}

/** A change was asked for while the flags are unknown (a corrupt or incomplete source). */
export class FlagsUnavailableError extends Error {
  constructor(problem: string | null) {
    super(`the flags are unknown${problem === null ? '' : ` (${problem})`}: nothing changed`);
  }
}
