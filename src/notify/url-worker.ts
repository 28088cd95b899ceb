import type { Logger } from 'pino';
import { postWebhook } from './attempt.js';
import { backoffDelay, type RetryPolicy } from './backoff.js';
import { BoundedQueue } from './bounded-queue.js';
import type { Cancel, NotifyClock } from './clock.js';
import type { NotifyEventType } from './events.js';
import type { NotifyMetrics } from './notify-metrics.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from './signature.js';

/** One event's body, ready to send. */
export interface Delivery {
  readonly type: NotifyEventType;
  readonly body: string;
  /** clock.now() when the event happened: the retries' max age counts from here. */
  readonly createdAt: number;
}

export interface DeliveryPolicy extends RetryPolicy {
  readonly timeoutMs: number;
  readonly queueCapacity: number;
}

export interface UrlWorkerDeps {
  url: string;
  secret: string;
  policy: DeliveryPolicy;
  clock: NotifyClock;
  random: () => number;
  metrics: NotifyMetrics;
  log: Logger;
}

/**
 * Delivers the webhooks of one URL, one at a time and in order: a delivery is retried (backoff
 * with jitter, Retry-After honoured) before the next one starts, so a receiver never sees an
 * older event after a newer one. A slow or dead URL holds up only its own queue.
 */
export class UrlWorker {
  private readonly queue: BoundedQueue<Delivery>;
  /** The URL's origin: enough to tell the URLs apart in logs (a Slack URL's path is its secret). */
  private readonly target: string;
  private readonly stopping = new AbortController();
  private running = false;
  private cancelWait: Cancel | null = null;
  private wake: (() => void) | null = null;
  private readonly idle: Array<() => void> = [];

  constructor(private readonly deps: UrlWorkerDeps) {
    this.queue = new BoundedQueue(deps.policy.queueCapacity);
    this.target = new URL(deps.url).origin;
  }

  /** Queues a delivery; returns at once (the worker starts on a later tick). */
  enqueue(delivery: Delivery): void {
    if (this.stopping.signal.aborted) return this.drop([delivery], 'stopped');
    const evicted = this.queue.push(delivery);
    if (evicted !== undefined) this.drop([evicted], 'queue full');
    if (!this.running) {
      this.running = true;
      queueMicrotask(() => void this.run());
    }
  }

  /** Lets queued deliveries go on for up to `graceMs`, then abandons the rest (counted as dropped). */
  async stop(graceMs: number): Promise<void> {
    if (this.running && graceMs > 0) {
      await new Promise<void>((resolve) => {
        const cancel = this.deps.clock.after(graceMs, resolve);
        this.idle.push(() => {
          cancel();
          resolve();
        });
      });
    }
    this.stopping.abort();
    this.cancelWait?.();
    this.wake?.();
    this.drop(this.queue.drain(), 'stopped');
  }

  private async run(): Promise<void> {
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        if (this.stopping.signal.aborted) return this.drop([next], 'stopped');
        await this.deliver(next);
      }
    } catch (err) {
      this.deps.log.error({ target: this.target, err: (err as Error).message }, 'webhook worker failed');
    } finally {
      this.running = false;
      for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  private async deliver(delivery: Delivery): Promise<void> {
    const { policy, clock, metrics } = this.deps;
    for (let attempt = 1; ; attempt++) {
      const timestamp = String(Math.floor(clock.now() / 1000));
      const outcome = await postWebhook({
        url: this.deps.url,
        body: delivery.body,
        headers: {
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signWebhook(this.deps.secret, timestamp, delivery.body),
        },
        timeoutMs: policy.timeoutMs,
        clock,
        signal: this.stopping.signal,
      });
      if (outcome.ok) {
        metrics.sent.labels(delivery.type).inc();
        return;
      }
      if (this.stopping.signal.aborted) return this.drop([delivery], 'stopped');
      const delay = Math.max(0, outcome.retryAfterMs ?? backoffDelay(attempt, policy, this.deps.random));
      const tooOld = clock.now() + delay - delivery.createdAt > policy.maxAgeMs;
      if (!outcome.retryable || attempt >= policy.maxAttempts || tooOld) {
        metrics.failures.labels(outcome.reason).inc();
        this.deps.log.warn(
          { type: delivery.type, target: this.target, reason: outcome.reason, attempts: attempt },
          'webhook not delivered: giving up',
        );
        return;
      }
      this.deps.log.debug(
        { type: delivery.type, target: this.target, reason: outcome.reason, attempt, retryInMs: delay },
        'webhook attempt failed: retrying',
      );
      await this.wait(delay);
      if (this.stopping.signal.aborted) return this.drop([delivery], 'stopped');
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      this.cancelWait = this.deps.clock.after(ms, resolve);
    }).finally(() => {
      this.wake = null;
      this.cancelWait = null;
    });
  }

  private drop(deliveries: readonly Delivery[], why: 'queue full' | 'stopped'): void {
    if (deliveries.length === 0) return;
    for (const d of deliveries) this.deps.metrics.dropped.labels(d.type).inc();
    this.deps.log.warn({ target: this.target, why, count: deliveries.length }, 'webhooks dropped');
  }
}
