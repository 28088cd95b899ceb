import { retryAfterMs } from './backoff.js';
import type { NotifyClock } from './clock.js';
import type { NotifyFailureReason } from './notify-metrics.js';

export type AttemptOutcome =
  { ok: true } | { ok: false; reason: NotifyFailureReason; retryable: boolean; retryAfterMs: number | null };

export interface AttemptRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  clock: NotifyClock;
  /** Aborts the attempt from outside (shutdown). */
  signal: AbortSignal;
}

/**
 * One POST of a webhook. A 2xx is delivered; network errors, timeouts, 5xx and 429 may be retried
 * (with the 429's or 503's Retry-After); any other answer is refused for good. Redirects are not
 * followed: the signed body goes to the configured address only. Never throws.
 */
export async function postWebhook(req: AttemptRequest): Promise<AttemptOutcome> {
  if (req.signal.aborted) return { ok: false, reason: 'network', retryable: false, retryAfterMs: null };
  const controller = new AbortController();
  let timedOut = false;
  const cancelTimeout = req.clock.after(req.timeoutMs, () => {
    timedOut = true;
    controller.abort();
  });
  const onOuterAbort = () => controller.abort();
  req.signal.addEventListener('abort', onOuterAbort, { once: true });
  try {
    const res = await fetch(req.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'switchyard-webhook', ...req.headers },
      body: req.body,
      redirect: 'manual',
      signal: controller.signal,
    });
    // The answer's body is not needed; cancelling it frees the connection.
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true };
    const retryAfter = retryAfterMs(res.headers.get('retry-after'), req.clock.now());
    if (res.status === 429)
      return { ok: false, reason: 'rate_limited', retryable: true, retryAfterMs: retryAfter };
    if (res.status >= 500) {
      return { ok: false, reason: 'server_error', retryable: true, retryAfterMs: retryAfter };
    }
    return { ok: false, reason: 'rejected', retryable: false, retryAfterMs: null };
  } catch {
    return { ok: false, reason: timedOut ? 'timeout' : 'network', retryable: true, retryAfterMs: null };
  } finally {
    cancelTimeout();
    req.signal.removeEventListener('abort', onOuterAbort);
  }
}
