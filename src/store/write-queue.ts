import type { StoreKind, StoreMetrics } from './store-metrics.js';

export interface WriteQueueOptions<T> {
  /** The store-metrics label of this queue. */
  readonly kind: StoreKind;
  /** Writes one batch; a rejection drops the batch (counted). */
  readonly write: (batch: readonly T[]) => Promise<void>;
  readonly metrics: StoreMetrics;
  /** Records held at most; one more is shed. Default 10 000. */
  readonly capacity?: number;
  /** Bytes held at most (as `sizeOf` counts them); a record that would pass it is shed. Default: no bound. */
  readonly maxBytes?: number;
  /** A record's size in bytes, read once when it is pushed. Default: 0 (only the count bounds). */
  readonly sizeOf?: (item: T) => number;
  /** Records per write. Default 500. */
  readonly batchSize?: number;
  /** How long a record may wait for a batch to fill. Default 250 ms. */
  readonly flushMs?: number;
  readonly onError?: (err: Error) => void;
}

/**
 * A bounded queue between the hot path and the store. `push` is O(1) and never waits: when the
 * queue is full (by count, or by bytes) the record is shed and counted. One write is in flight at a time, so a slow
 * store fills the queue instead of piling up connections.
 */
export class WriteQueue<T> {
  private items: T[] = [];
  /** Each queued item's size, in step with `items`. */
  private sizes: number[] = [];
  private held = 0;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private readonly capacity: number;
  private readonly maxBytes: number;
  private readonly batchSize: number;
  private readonly flushMs: number;

  constructor(private readonly options: WriteQueueOptions<T>) {
    this.capacity = options.capacity ?? 10_000;
    this.maxBytes = options.maxBytes ?? Infinity;
    this.batchSize = options.batchSize ?? 500;
    this.flushMs = options.flushMs ?? 250;
  }

  get length(): number {
    return this.items.length;
  }

  /** Bytes held now, as `sizeOf` counts them. */
  get bytes(): number {
    return this.held;
  }

  push(item: T): void {
    const size = this.items.length >= this.capacity ? Infinity : (this.options.sizeOf?.(item) ?? 0);
    if (this.held + size > this.maxBytes || size === Infinity) {
      this.options.metrics.dropped.labels(this.options.kind).inc();
      return;
    }
    this.items.push(item);
    this.sizes.push(size);
    this.held += size;
    if (this.writing === null && this.items.length >= this.batchSize) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.flushMs).unref();
  }

  /** Writes everything queued now (at close, and in tests). */
  async flush(): Promise<void> {
    while (this.writing !== null || this.items.length > 0) {
      if (this.writing === null) this.kick();
      await this.writing;
    }
  }

  private kick(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.writing !== null || this.items.length === 0) return;
    const batch = this.items.splice(0, this.batchSize);
    for (const size of this.sizes.splice(0, batch.length)) this.held -= size;
    this.writing = this.writeBatch(batch).finally(() => {
      this.writing = null;
      if (this.items.length >= this.batchSize) this.kick();
      else if (this.items.length > 0) this.timer ??= setTimeout(() => this.kick(), this.flushMs).unref();
    });
  }

  private async writeBatch(batch: T[]): Promise<void> {
    const { metrics, kind } = this.options;
    const end = metrics.writeSeconds.labels(kind).startTimer();
    try {
      await this.options.write(batch);
      end();
      metrics.up.set(1);
    } catch (err) {
      metrics.dropped.labels(kind).inc(batch.length);
      metrics.up.set(0);
      this.options.onError?.(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
