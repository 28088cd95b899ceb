import { count } from './format.js';
import type { GuardLimits } from './limits.js';
import type { GateReport } from './types.js';
import type { SampleWindow } from './window.js';

/**
 * The `isolation` gate. Only the user engine's violations count (legacy's are blocked by the
 * isolation guard and are shown in `samples.legacy`, never held against the new engine).
 * A frame carrying another user's `user_id` is proof: one in the window breaches, no minimum.
 * A violation inferred only from run or thread ownership can be provoked by a client sending
 * someone else's thread id, so those breach only from GUARD_MIN_USERS distinct sessions; fewer
 * are reported `insufficient`. `value` is the user engine's violations, `users` their sessions.
 */
export function isolationGate(window: SampleWindow, limits: GuardLimits, nowMs: number): GateReport {
  const legacy = window.isolation('legacy', nowMs);
  const user = window.isolation('user', nowMs);
  const value = user.userId + user.ownership;
  const base = {
    name: 'isolation',
    limit: 0,
    value,
    samples: { legacy: legacy.userId + legacy.ownership, user: value },
    users: user.sessions,
    channel: null,
  } as const;
  const over = `within ${window.windowSeconds} s`;
  if (user.userId > 0) {
    const reason =
      `isolation: the user engine sent ${count(user.userId, 'frame')} carrying another user's user_id ` +
      `${over} (limit 0), ${count(user.sessions, 'session')}`;
    return { ...base, verdict: 'breach', reason };
  }
  if (user.ownership === 0) return { ...base, verdict: 'ok', reason: null };
  if (user.sessions < limits.minUsers) return { ...base, verdict: 'insufficient', reason: null };
  const reason =
    `isolation: ${count(user.ownership, 'ownership violation')} by the user engine ` +
    `from ${count(user.sessions, 'session')} (>= ${limits.minUsers}) ${over}`;
  return { ...base, verdict: 'breach', reason };
}
