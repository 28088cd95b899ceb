import type { GuardSlice } from './slice.js';
import type { SampleWindow } from './window.js';

/**
 * The fleet's evidence as one window, for the pure gates: `into` is emptied, then given this
 * replica's live seconds and the other replicas' slices of the window ending at `nowMs`
 * (those after `afterSecond` only: a resume starts the fleet's evidence afresh, as it does the
 * local window's). Counts add up; hashed-user sets are united per second, so a user served by
 * two replicas counts once. The result equals a window fed every replica's samples.
 */
export function sumFleet(
  into: SampleWindow,
  local: SampleWindow,
  remote: readonly GuardSlice[],
  nowMs: number,
  afterSecond = -Infinity,
): SampleWindow {
  into.reset();
  const now = Math.floor(nowMs / 1000);
  const first = Math.max(now - into.windowSeconds, afterSecond);
  for (const s of local.slicesBetween(first, now + 1)) into.addSlice(s);
  for (const s of remote) if (s.second > first && s.second <= now) into.addSlice(s);
  return into;
}
