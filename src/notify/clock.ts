/** Cancels a scheduled callback; calling it again, or after the callback ran, does nothing. */
export type Cancel = () => void;

/**
 * Time and one-shot timers for the webhook workers (backoff waits, attempt timeouts), injected so
 * that tests advance them instead of sleeping. test/support/manual-clock.ts fits it.
 */
export interface NotifyClock {
  now(): number;
  after(ms: number, fn: () => void): Cancel;
}

export const systemNotifyClock: NotifyClock = {
  now: () => Date.now(),
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return () => clearTimeout(t);
  },
};
