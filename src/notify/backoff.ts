/** How hard a worker tries to deliver one webhook (config `notify`, docs/notifications.md). */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** No attempt starts later than this after the event. */
  readonly maxAgeMs: number;
  /** The delay after the first failed attempt, before jitter; it doubles at each further one. */
  readonly baseDelayMs: number;
  /** The doubling stops here. */
  readonly maxDelayMs: number;
}

/**
 * The wait after failed attempt number `attempt` (1-based): exponential, capped, with "equal
 * jitter" (between half and all of the step) so that many replicas do not retry in step.
 * `random` returns [0, 1).
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** A Retry-After header (delay seconds or an HTTP date) in milliseconds from `nowMs`; null if absent or bad. */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date (RFC 9110 5.6.7) ends in GMT; Date.parse alone would take "-5" for a year.
  const at = /GMT$/.test(value) ? Date.parse(value) : NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
