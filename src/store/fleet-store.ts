import type { Logger } from 'pino';
import type { Divergence } from '../compare/index.js';
import type { StoreMetrics } from './store-metrics.js';
import type { AuditEntry, DivergenceRecord, InstanceBeat, Store } from './types.js';
import { WriteQueue } from './write-queue.js';

const DAY_MS = 86_400_000;
/** How often retention runs, and how long to wait before retrying a failed migration. */
const PRUNE_EVERY_MS = 3_600_000;
const MIGRATE_RETRY_MS = 5_000;
const STOP_FLUSH_MS = 2_000;

export interface FleetStoreOptions {
  readonly store: Store;
  readonly metrics: StoreMetrics;
  readonly log: Logger;
  /** This process's id in the registry and on every record it writes. */
  readonly instance: string;
  readonly version: string;
  readonly retentionDays: number;
  readonly heartbeatMs: number;
  readonly queueCapacity: number;
  /** Bytes of JSON held for writing per kind; a record that would pass it is shed. */
  readonly queueMaxBytes: number;
  /** What the heartbeat reports about this instance now. */
  readonly describe: () => Pick<InstanceBeat, 'flagSource' | 'liveSessions' | 'guardMode'>;
  readonly now?: () => number;
}

/**
 * This instance's side of the durable store: the write queues the hot path feeds, the heartbeat,
 * retention, and migrations that retry in the background. Nothing here is awaited by traffic or
 * by `/readyz`: with the store down, records are shed and counted, and the proxy serves on.
 */
export class FleetStore {
  readonly startedAt: number;
  private readonly now: () => number;
  private readonly divergences: WriteQueue<DivergenceRecord>;
  private readonly audit: WriteQueue<AuditEntry>;
  private sequence = 0;
  private migrated = false;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private migration: Promise<void> = Promise.resolve();

  constructor(private readonly options: FleetStoreOptions) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    const { store, metrics, queueCapacity, queueMaxBytes } = options;
    const onError = (err: Error) => this.failed('store write failed', err);
    this.divergences = new WriteQueue({
      kind: 'divergence',
      metrics,
      capacity: queueCapacity,
      maxBytes: queueMaxBytes,
      sizeOf: (r) => Buffer.byteLength(r.body ?? ''),
      onError,
      write: (batch) => this.whenMigrated(() => store.addDivergences(batch)),
    });
    this.audit = new WriteQueue({
      kind: 'audit',
      metrics,
      capacity: queueCapacity,
      maxBytes: queueMaxBytes,
      // Audit entries are rare (one per admin change): measured by serialising, written as columns.
      sizeOf: (e) => Buffer.byteLength(JSON.stringify(e)),
      onError,
      write: (batch) => this.whenMigrated(() => store.appendAudit(batch)),
    });
  }

  get store(): Store {
    return this.options.store;
  }

  get instance(): string {
    return this.options.instance;
  }

  /** True once the schema is migrated: before, every write would fail. */
  get ready(): boolean {
    return this.migrated;
  }

  /** Migrates (retrying in the background on failure), then beats and prunes on timers. */
  start(): void {
    this.migration = this.migrate();
    this.every(this.options.heartbeatMs, () => this.beat());
    this.every(PRUNE_EVERY_MS, () => this.prune());
  }

  /**
   * Never waits: the record joins the queue or is shed and counted. The divergence is serialised
   * here, once: its size bounds the queue, and the store writes that text.
   */
  recordDivergence(divergence: Divergence): void {
    this.sequence += 1;
    const at = Date.parse(divergence.at);
    this.divergences.push({
      id: `${this.options.instance}:${this.sequence}`,
      at: Number.isFinite(at) ? at : this.now(),
      instance: this.options.instance,
      source: divergence.source,
      divergence,
      body: JSON.stringify(divergence),
    });
  }

  recordAudit(entry: Omit<AuditEntry, 'at' | 'instance'>): void {
    this.audit.push({ ...entry, at: this.now(), instance: this.options.instance });
  }

  /** Writes what this instance has queued (bounded wait): an admin read sees its own records. */
  async settle(maxMs = 1_000): Promise<void> {
    const written = this.migration.then(() => Promise.all([this.divergences.flush(), this.audit.flush()]));
    await Promise.race([written, new Promise((r) => setTimeout(r, maxMs).unref())]);
  }

  /** Writes what is queued, then closes the store. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    // A store that is down must not hold the stop up: what is not written in time is lost.
    await this.settle(STOP_FLUSH_MS);
    await this.options.store.close().catch(() => undefined);
  }

  /** Runs retention now (also hourly). */
  async prune(): Promise<void> {
    if (!this.migrated) return;
    const before = this.now() - this.options.retentionDays * DAY_MS;
    const removed = await this.options.store.prune(before);
    this.options.log.info({ before: new Date(before).toISOString(), ...removed }, 'store retention');
  }

  async beat(): Promise<void> {
    if (!this.migrated) return;
    await this.options.store.heartbeat({
      id: this.options.instance,
      version: this.options.version,
      startedAt: this.startedAt,
      at: this.now(),
      intervalMs: this.options.heartbeatMs,
      ...this.options.describe(),
    });
    this.options.metrics.up.set(1);
  }

  private async migrate(): Promise<void> {
    while (!this.stopped && !this.migrated) {
      try {
        await this.options.store.migrate();
        this.migrated = true;
        this.options.metrics.up.set(1);
        await this.beat();
      } catch (err) {
        this.failed('store migration failed; retrying', err as Error);
        await new Promise((r) => setTimeout(r, MIGRATE_RETRY_MS).unref());
      }
    }
  }

  private whenMigrated(write: () => Promise<void>): Promise<void> {
    return this.migrated ? write() : Promise.reject(new Error('the store schema is not migrated yet'));
  }

  private every(ms: number, task: () => Promise<void>): void {
    const timer = setInterval(() => {
      task().catch((err: unknown) => this.failed('store task failed', err as Error));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private failed(what: string, err: Error): void {
    this.options.metrics.up.set(0);
    this.options.log.warn({ err: err.message, store: this.options.store.kind }, what);
  }
}
