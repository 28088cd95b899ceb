import { Counter, type Registry } from 'prom-client';
import { NOTIFY_EVENT_TYPES } from './events.js';

/** Why a webhook was given up on: the last attempt's outcome. */
export const NOTIFY_FAILURE_REASONS = [
  'network',
  'timeout',
  'server_error',
  'rate_limited',
  'rejected',
] as const;
export type NotifyFailureReason = (typeof NOTIFY_FAILURE_REASONS)[number];

/** The webhook metrics (docs/notifications.md); every series exists at zero from the start. */
export function createNotifyMetrics(registry: Registry) {
  const registers = [registry];
  const m = {
    sent: new Counter({
      name: 'switchyard_notify_sent_total',
      help: 'Webhooks delivered (a 2xx answer), one per event and URL, by event type',
      labelNames: ['type'] as const,
      registers,
    }),
    failures: new Counter({
      name: 'switchyard_notify_failures_total',
      help: 'Webhooks given up on after their retries, by the last attempt’s outcome',
      labelNames: ['reason'] as const,
      registers,
    }),
    dropped: new Counter({
      name: 'switchyard_notify_dropped_total',
      help: 'Webhooks evicted from a full queue, or abandoned (queued or in flight) at shutdown, by event type',
      labelNames: ['type'] as const,
      registers,
    }),
  };
  for (const type of NOTIFY_EVENT_TYPES) {
    m.sent.labels(type).inc(0);
    m.dropped.labels(type).inc(0);
  }
  for (const reason of NOTIFY_FAILURE_REASONS) m.failures.labels(reason).inc(0);
  return m;
}

export type NotifyMetrics = ReturnType<typeof createNotifyMetrics>;
