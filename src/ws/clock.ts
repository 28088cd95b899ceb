/** Cancels a scheduled callback; calling it again, or after the callback ran, does nothing. */
export type Cancel = () => void;

/**
 * The time and the timers a long-lived part of the WebSocket side runs on. Injected so that a
 * test drives the ticks itself instead of sleeping around real intervals.
 */
export interface Clock {
  now(): number;
  /** Calls `fn` once after `ms` (at once when `ms` <= 0). */
  after(ms: number, fn: () => void): Cancel;
  /** Calls `fn` every `ms`. */
  every(ms: number, fn: () => void): Cancel;
}

/** The process's clock; its timers never keep the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return () => clearTimeout(t);
  },
  every(ms, fn) {
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
};
