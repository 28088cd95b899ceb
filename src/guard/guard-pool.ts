import type { Logger } from 'pino';
import type { StoreMetrics } from '../store/store-metrics.js';
import type { SliceRecord, Store } from '../store/types.js';
import { WriteQueue } from '../store/write-queue.js';
import { parseSlice, type GuardSlice } from './gates/slice.js';
import type { SampleWindow } from './gates/window.js';
import type { GuardScope, ScopeSource } from './guard-scope.js';
import type { GuardClock } from './rollback-guard.js';

/** Slices are kept this long past the window, then the judge prunes them. */
const MARGIN_SECONDS = 30;
const PRUNE_EVERY_SECONDS = 10;
/**
 * The judge rereads only the seconds since its last read minus this much (a replica writes a
 * second 1 to 3 s after it ends): a slice written later than this is missed, which errs on the
 * side of not acting. A new judge reads the whole window once.
 */
const REREAD_SECONDS = 15;

type Step = 'write' | 'judge' | 'read';

export interface GuardPoolOptions {
  readonly store: Pick<Store, 'addSlices' | 'readSlices' | 'pruneSlices' | 'tryJudge' | 'resign'>;
  /** False until the store's schema is migrated (FleetStore). */
  readonly ready: () => boolean;
  readonly instance: string;
  /** This replica's guard window: its completed seconds are written as slices. */
  readonly window: SampleWindow;
  readonly metrics: StoreMetrics;
  readonly log: Logger;
  readonly clock: GuardClock;
  /** How often slices are written (and the judge reads the fleet's). Default 2000. */
  readonly writeMs?: number;
  /** How often the judge's lock is tried, or checked by its holder. Default 3000. */
  readonly judgePollMs?: number;
}

/**
 * A replica's share of the pooled guard. Every `writeMs` its completed seconds go to a bounded
 * queue (shed and counted as `kind="slice"`, never waited on); every `judgePollMs` it tries the
 * judge's lock. The judge reads the other replicas' slices of the window on the same timer and
 * prunes old ones. Any store step failing puts the replica in local scope until it works again.
 */
export class GuardPool implements ScopeSource {
  private judge = false;
  private remote: GuardSlice[] = [];
  private remoteInstances = 0;
  /** The other replicas' slices of the window, by `instance/second`; refreshed by each read. */
  private readonly cache = new Map<string, { readonly instance: string; readonly slice: GuardSlice }>();
  /** The second of the last read that worked. */
  private readAt = -Infinity;
  private written = -Infinity;
  private lastPrune = -Infinity;
  private polling = false;
  private reading = false;
  private readonly failures = new Map<Step, string>();
  private readonly queue: WriteQueue<SliceRecord>;
  private stops: Array<() => void> = [];

  constructor(private readonly options: GuardPoolOptions) {
    this.queue = new WriteQueue({
      kind: 'slice',
      metrics: options.metrics,
      capacity: options.window.windowSeconds * 2,
      flushMs: 20,
      write: (batch) => this.step('write', () => options.store.addSlices(batch)),
    });
  }

  start(): void {
    const { clock } = this.options;
    this.stops.push(
      clock.every(this.options.writeMs ?? 2_000, () => {
        this.writeSlices();
        void this.read();
      }),
      clock.every(this.options.judgePollMs ?? 3_000, () => void this.poll()),
    );
    void this.poll();
  }

  /** Stops the timers and hands the judge's role on at once, before the replica's drain. */
  stop(): void {
    for (const stop of this.stops) stop();
    this.stops = [];
    if (this.judge) {
      this.judge = false;
      this.options.store.resign().catch(() => undefined);
    }
  }

  /** Writes the slices queued now (in tests). */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  isJudge(): boolean {
    return this.judge;
  }

  scope(): GuardScope {
    const fallback = this.options.ready()
      ? ([...this.failures.values()][0] ?? null)
      : 'the store is not ready (schema not migrated yet)';
    if (fallback !== null) return { scope: 'local', judge: this.judge, instances: 1, fallback, remote: [] };
    return this.judge
      ? { scope: 'fleet', judge: true, instances: this.remoteInstances + 1, fallback, remote: this.remote }
      : { scope: 'fleet', judge: false, instances: 1, fallback, remote: [] };
  }

  /** Queues the seconds completed since the last write (O(window), on the timer). */
  writeSlices(): void {
    if (!this.options.ready()) return;
    const { window, instance } = this.options;
    const now = Math.floor(this.options.clock.now() / 1000);
    const after = Math.max(this.written, now - window.windowSeconds);
    for (const slice of window.slicesBetween(after, now))
      this.queue.push({ instance, second: slice.second, data: slice });
    this.written = now - 1;
  }

  /** Tries (or checks) the judge's lock; a new judge reads the fleet's slices at once. */
  async poll(): Promise<void> {
    if (this.polling || !this.options.ready()) return;
    this.polling = true;
    const was = this.judge;
    try {
      this.judge = await this.step('judge', () => this.options.store.tryJudge());
      // The store answers: a failed read of a former judge, or a write with nothing since, is stale.
      if (!this.judge) this.failures.delete('read');
      if (this.queue.length === 0) this.failures.delete('write');
    } catch {
      this.judge = false;
    } finally {
      this.polling = false;
    }
    if (this.judge === was) return;
    this.options.log.warn(
      { instance: this.options.instance },
      this.judge ? 'this replica is now the guard judge' : 'this replica is no longer the guard judge',
    );
    if (this.judge) await this.read();
    else this.forget();
  }

  /** The judge's read of the other replicas' slices of the window, and the occasional prune. */
  async read(): Promise<void> {
    if (!this.judge || this.reading) return;
    this.reading = true;
    const { store, window, instance } = this.options;
    const now = Math.floor(this.options.clock.now() / 1000);
    try {
      const first = now - window.windowSeconds;
      const since = Math.max(first + 1, this.readAt - REREAD_SECONDS);
      const rows = await this.step('read', () => store.readSlices(since, instance));
      let ignored = 0;
      for (const row of rows) {
        const slice = parseSlice(row.data);
        if (slice === null || slice.second !== row.second) ignored += 1;
        else this.cache.set(`${row.instance}/${row.second}`, { instance: row.instance, slice });
      }
      if (ignored > 0) this.options.log.warn({ ignored }, 'guard slices ignored: not slices');
      for (const [key, held] of this.cache) if (held.slice.second <= first) this.cache.delete(key);
      this.readAt = now;
      const held = [...this.cache.values()];
      this.remote = held.map((h) => h.slice);
      this.remoteInstances = new Set(held.map((h) => h.instance)).size;
      if (now - this.lastPrune >= PRUNE_EVERY_SECONDS) {
        this.lastPrune = now;
        await store.pruneSlices(first - MARGIN_SECONDS);
      }
    } catch {
      this.forget();
    } finally {
      this.reading = false;
    }
  }

  private forget(): void {
    this.cache.clear();
    this.readAt = -Infinity;
    this.remote = [];
    this.remoteInstances = 0;
  }

  /** Runs a store step, remembering whether it failed (local scope) or worked (fleet again). */
  private async step<T>(name: Step, work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      if (this.failures.delete(name))
        this.options.log.warn({ step: name }, 'pooled guard: the store answers again');
      return result;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!this.failures.has(name)) {
        this.options.log.warn(
          { step: name, err: message },
          'pooled guard: store unreachable, judging local traffic',
        );
      }
      this.failures.set(
        name,
        `store unreachable (${name === 'judge' ? 'judge lock' : `slice ${name}`}: ${message})`,
      );
      throw err;
    }
  }
}
