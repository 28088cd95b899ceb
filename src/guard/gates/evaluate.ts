import { errorRateGate } from './error-rate.js';
import { isolationGate } from './isolation.js';
import { latencyGate } from './latency.js';
import type { GuardLimits } from './limits.js';
import { mismatchRateGate } from './mismatch.js';
import type { GateReport } from './types.js';
import { userErrorRateGate } from './user-error-rate.js';
import type { SampleWindow } from './window.js';

/**
 * Every gate's verdict over the window ending at `nowMs`, in a fixed order: error_rate,
 * user_error_rate, latency, mismatch_rate, isolation. Pure: the window is only read. Meant to run on a timer
 * (every second), off the request path; it costs a few passes over the ring (~65 µs for 60 s).
 * When `recordIsolation` returns true, the caller should also run it at once.
 */
export function evaluateGates(window: SampleWindow, limits: GuardLimits, nowMs: number): GateReport[] {
  return [
    errorRateGate(window, limits, nowMs),
    userErrorRateGate(window, limits, nowMs),
    latencyGate(window, limits, nowMs),
    mismatchRateGate(window, limits, nowMs),
    isolationGate(window, limits, nowMs),
  ].map(inOrder);
}

/** The same report with its keys in the documented order, so `/admin/guard` reads the same every time. */
function inOrder(r: GateReport): GateReport {
  const { name, limit, value, samples, users, verdict, reason, channel, basis, floor, noisyKinds } = r;
  return {
    name,
    limit,
    value,
    samples,
    users,
    verdict,
    reason,
    channel,
    ...(basis !== undefined && { basis }),
    ...(floor !== undefined && { floor }),
    ...(noisyKinds !== undefined && { noisyKinds }),
  };
}
