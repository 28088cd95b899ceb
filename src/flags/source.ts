import type { FlagState } from '../routing/types.js';

export type FlagSourceKind = 'file' | 'unleash';

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
 * `onChange` listeners; `update` applies the change in memory before it persists it, so the
 * instance that makes a change obeys it at once.
 */
export interface FlagSource {
  readonly kind: FlagSourceKind;
  start(): Promise<void>;
  current(): FlagState | null;
  status(): FlagSourceStatus;
  onChange(listener: (state: FlagState) => void): void;
  update(change: (state: FlagState) => FlagState): Promise<FlagState>;
  close(): Promise<void>;
}
