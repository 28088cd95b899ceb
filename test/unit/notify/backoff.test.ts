import { backoffDelay, retryAfterMs, type RetryPolicy } from '../../../src/notify/backoff.js';

const policy: RetryPolicy = { maxAttempts: 8, maxAgeMs: 900_000, baseDelayMs: 1000, maxDelayMs: 60_000 };

describe('backoff', () => {
  it('doubles from the base up to the cap, each delay between half and all of its step', () => {
    const low = [1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoffDelay(a, policy, () => 0));
    const high = [1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoffDelay(a, policy, () => 0.999999));
    expect(low).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(high).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
  });

  it('spreads retries: different random draws give different delays within the step', () => {
    const delays = new Set([0.1, 0.3, 0.5, 0.7, 0.9].map((r) => backoffDelay(3, policy, () => r)));
    expect(delays.size).toBe(5);
    for (const d of delays) expect(d >= 2000 && d <= 4000).toBe(true);
  });

  it('reads Retry-After as seconds or an HTTP date; absent or unreadable is null', () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    expect(retryAfterMs('30', now)).toBe(30_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Mon, 07 Dec 2026 12:00:45 GMT', now)).toBe(45_000);
    expect(retryAfterMs('Mon, 07 Dec 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs('-5', now)).toBeNull();
  });
});
