import { count } from './format.js';
import type { GuardLimits } from './limits.js';
import type { GateReport } from './types.js';
import type { SampleWindow } from './window.js';

/**
 * The `isolation` gate. Only the user engine's violations count (legacy's are blocked by the
 * isolation guard and are shown in `samples.legacy`, never held against the new engine).
 * A frame carrying the id of another user known to this instance is proof: one in the window
 * breaches, no minimum. A violation inferred from run or thread ownership (or naming an id no one
 * here signed in with) can be provoked by a client, and one account can open many sessions, so
 * those breach only when they reached at least GUARD_MIN_USERS distinct users *and* as many
 * distinct sessions; fewer are reported `insufficient`. `value` is the user engine's violations,
 * `users` the distinct users that received them.
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
    users: user.users,
    channel: null,
  } as const;
  const over = `within ${window.windowSeconds} s`;
  const reached = `${count(user.users, 'user')}, ${count(user.sessions, 'session')}`;
  if (user.userId > 0) {
    const reason =
      `isolation: the user engine sent ${count(user.userId, 'frame')} carrying another user's user_id ` +
      `${over} (limit 0), ${reached}`;
    return { ...base, verdict: 'breach', reason };
  }
  if (user.ownership === 0) return { ...base, verdict: 'ok', reason: null };
  if (user.users < limits.minUsers || user.sessions < limits.minUsers) {
    return { ...base, verdict: 'insufficient', reason: null };
  }
  const reason =
    `isolation: ${count(user.ownership, 'ownership violation')} by the user engine ` +
    `reaching ${reached} (>= ${limits.minUsers} each) ${over}`;
  return { ...base, verdict: 'breach', reason };
}
