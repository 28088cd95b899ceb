import type { Divergence, DivergenceSource } from '../compare/index.js';

export type { DivergenceSource };
/** Which book a divergence is in: the engines against each other, or an engine against itself. */
export const DIVERGENCE_SOURCES: readonly DivergenceSource[] = ['cross', 'baseline'];

/** One divergence as the store keeps it: the stored entry (ids hashed) and where it was seen. */
export interface DivergenceRecord {
  /** Unique across the fleet: `<instance>:<n>`. */
  readonly id: string;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly instance: string;
  readonly source: DivergenceSource;
  readonly divergence: Divergence;
  /** `divergence` as JSON, when the writer serialised it already (the write queue's byte bound). */
  readonly body?: string;
}

export interface DivergenceQuery {
  /** Epoch ms, inclusive. */
  readonly since?: number;
  /** Epoch ms, exclusive. */
  readonly until?: number;
  /** A result (`isolation`) or a mismatch kind (`tool`). */
  readonly kind?: string;
  readonly route?: string;
  /** Either side's engine. */
  readonly engine?: string;
  readonly source?: DivergenceSource;
  readonly limit: number;
  /** From a previous page's `next`. */
  readonly cursor?: PageCursor;
}

/** Keyset position: the last row served (newest first, ties by id). */
export interface PageCursor {
  readonly at: number;
  readonly id: string;
}

export interface Page<T> {
  readonly items: T[];
  /** Present when there may be more. */
  readonly next?: PageCursor;
}

export interface AuditEntry {
  readonly at: number;
  readonly instance: string;
  readonly action: string;
  readonly role: string;
  readonly actor: string | null;
  readonly address: string | null;
  readonly before: unknown;
  readonly after: unknown;
  readonly reason: string | null;
  readonly failed: string | null;
}

export interface AuditQuery {
  readonly since?: number;
  readonly limit: number;
  readonly cursor?: PageCursor;
}

/** An audit entry as read back, with its position in the trail. */
export interface StoredAuditEntry extends AuditEntry {
  readonly id: string;
}

export interface InstanceBeat {
  readonly id: string;
  readonly version: string;
  readonly startedAt: number;
  readonly at: number;
  /** The heartbeat interval, so any reader can tell a silent instance. */
  readonly intervalMs: number;
  readonly flagSource: unknown;
  readonly liveSessions: number;
  readonly guardMode: string;
}

export interface InstanceView extends InstanceBeat {
  /** Silent for 3 heartbeats or more. */
  readonly gone: boolean;
}

/** A value under a key (a release plan's position), with a version for compare-and-set. */
export interface StateValue {
  readonly value: unknown;
  readonly version: number;
  readonly updatedAt: number;
}

/** One replica's guard evidence of one second (src/guard/gates/slice.ts), stored as JSON. */
export interface SliceRecord {
  readonly instance: string;
  /** Epoch seconds. */
  readonly second: number;
  readonly data: unknown;
}

/**
 * The durable store: divergences, the audit trail, the instance registry and small state.
 * SQLite (one instance) and PostgreSQL (a fleet) implement it and pass one contract suite
 * (test/integration/store/contract.ts). Every method may reject: callers off the hot path only.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Applies the migrations not yet applied; safe when several instances start at once. */
  migrate(): Promise<void>;
  addDivergences(records: readonly DivergenceRecord[]): Promise<void>;
  searchDivergences(query: DivergenceQuery): Promise<Page<DivergenceRecord>>;
  appendAudit(entries: readonly AuditEntry[]): Promise<void>;
  listAudit(query: AuditQuery): Promise<Page<StoredAuditEntry>>;
  heartbeat(beat: InstanceBeat): Promise<void>;
  listInstances(now: number): Promise<InstanceView[]>;
  getState(key: string): Promise<StateValue | null>;
  /** Writes when the stored version is `ifVersion` (0: absent); false when another writer won. */
  putState(key: string, value: unknown, ifVersion: number, now: number): Promise<boolean>;
  /** Deletes divergences, audit entries and gone instances older than `before`, in small batches. */
  prune(before: number): Promise<{ divergences: number; audit: number; instances: number }>;
  /** Writes guard slices; a slice written again for the same instance and second replaces it. */
  addSlices(slices: readonly SliceRecord[]): Promise<void>;
  /** Slices of seconds >= `sinceSecond`, but none of the instance `except`. */
  readSlices(sinceSecond: number, except?: string): Promise<SliceRecord[]>;
  /** Deletes slices of seconds before `beforeSecond` (one indexed statement); returns how many. */
  pruneSlices(beforeSecond: number): Promise<number>;
  /**
   * Whether this instance is the guard's judge: PostgreSQL takes (or checks it still holds) a
   * session-level advisory lock on a dedicated connection; SQLite, one instance, always is.
   */
  tryJudge(): Promise<boolean>;
  /** Gives the judge's role up at once (a stopping replica, before its drain); a no-op when not held. */
  resign(): Promise<void>;
  close(): Promise<void>;
}

/** Heartbeats an instance may miss before it is shown as gone. */
export const MISSED_BEATS = 3;

export const isGone = (beat: InstanceBeat, now: number): boolean =>
  now - beat.at > MISSED_BEATS * beat.intervalMs;

/** The tags a divergence is found by with `kind=`: its result and each mismatch kind. */
export const tagsOf = (d: Divergence): string[] => [...new Set<string>([d.result, ...d.kinds])];
