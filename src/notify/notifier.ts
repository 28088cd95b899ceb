import type { Logger } from 'pino';
import type { NotifySettings } from '../config/notify.js';
import { systemNotifyClock, type NotifyClock } from './clock.js';
import type { NotifyEvent } from './events.js';
import type { NotifyMetrics } from './notify-metrics.js';
import { webhookBody } from './payload.js';
import { UrlWorker, type DeliveryPolicy } from './url-worker.js';

export interface NotifierOptions {
  /** The webhook URLs (http or https, validated by the config); none: notify() does nothing. */
  urls: readonly string[];
  /** Keys the signature header; required by the config whenever there are URLs. */
  secret: string;
  /** Which replica speaks: the webhook body's `instance`. */
  instance: string;
  policy: DeliveryPolicy;
  metrics: NotifyMetrics;
  log: Logger;
  clock?: NotifyClock;
  /** [0, 1): the backoff jitter. */
  random?: () => number;
}

/**
 * Sends events as signed JSON webhooks (docs/notifications.md), off the caller's path: `notify`
 * builds the body once, queues it for every URL and returns; one worker per URL delivers.
 */
export class Notifier {
  private readonly workers: UrlWorker[];
  private readonly clock: NotifyClock;

  constructor(private readonly options: NotifierOptions) {
    this.clock = options.clock ?? systemNotifyClock;
    const random = options.random ?? Math.random;
    this.workers = options.urls.map(
      (url) =>
        new UrlWorker({
          url,
          secret: options.secret,
          policy: options.policy,
          clock: this.clock,
          random,
          metrics: options.metrics,
          log: options.log,
        }),
    );
  }

  /** Queues `event` for every URL. Never throws, never waits. */
  notify(event: NotifyEvent): void {
    if (this.workers.length === 0) return;
    try {
      const createdAt = this.clock.now();
      const body = webhookBody(event, new Date(createdAt), this.options.instance);
      for (const worker of this.workers) worker.enqueue({ type: event.type, body, createdAt });
    } catch (err) {
      this.options.log.error({ type: event.type, err: (err as Error).message }, 'webhook not queued');
    }
  }

  /** Gives queued webhooks up to `graceMs` to go out, then abandons the rest. */
  async stop(graceMs: number): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop(graceMs)));
  }
}

/** The delivery policy the `notify` config section describes. */
export function deliveryPolicy(settings: NotifySettings): DeliveryPolicy {
  return {
    timeoutMs: settings.timeoutMs,
    maxAttempts: settings.maxAttempts,
    maxAgeMs: settings.maxAgeSeconds * 1000,
    baseDelayMs: settings.backoffBaseMs,
    maxDelayMs: settings.backoffMaxMs,
    queueCapacity: settings.queueCapacity,
  };
}
