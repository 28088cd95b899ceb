import { graver } from './error-rate.js';
import { above, count, limit, percent } from './format.js';
import type { GuardLimits } from './limits.js';
import { significantlyAbove } from './stats.js';
import type { Channel, ChannelTotals, GateReport } from './types.js';
import type { SampleWindow } from './window.js';

/**
 * The `user_error_rate` gate: the user engine's own failure rate, for when there is nothing to
 * compare it with (100% rollout, or legacy serving too few requests), where `error_rate` can only
 * say `insufficient`. Per channel, as `error_rate`: the user engine's failed fraction must be past
 * GUARD_MAX_ERROR_RATE, significantly so (one-sided one-proportion test against the limit), over
 * at least GUARD_MIN_REQUESTS samples, with failures from at least GUARD_MIN_USERS distinct users.
 * While legacy has GUARD_MIN_REQUESTS samples the comparative gate judges and this one stands
 * aside (`insufficient`): a failure both engines share is not the user engine's doing.
 */
export function userErrorRateGate(window: SampleWindow, limits: GuardLimits, nowMs: number): GateReport {
  const seconds = window.windowSeconds;
  const http = judge('http', window.http('legacy', nowMs), window.http('user', nowMs), limits, seconds);
  const ws = judge('ws', window.ws('legacy', nowMs), window.ws('user', nowMs), limits, seconds);
  return graver(http, ws);
}

function judge(
  channel: Channel,
  legacy: ChannelTotals,
  user: ChannelTotals,
  limits: GuardLimits,
  windowSeconds: number,
): GateReport {
  const users = user.failedUsers;
  const base = {
    name: 'user_error_rate',
    limit: limits.maxErrorRate,
    samples: { legacy: legacy.requests, user: user.requests },
    users,
    channel,
    reason: null,
  } as const;
  if (user.requests === 0) return { ...base, value: null, verdict: 'insufficient' };
  const value = user.failed / user.requests;
  if (user.requests < limits.minRequests) return { ...base, value, verdict: 'insufficient' };
  const bad =
    above(value, limits.maxErrorRate) &&
    significantlyAbove(user.failed, user.requests, limits.maxErrorRate, limits.confidence);
  if (!bad) return { ...base, value, verdict: 'ok' };
  const comparable = legacy.requests >= limits.minRequests;
  if (comparable || users < limits.minUsers) return { ...base, value, verdict: 'insufficient' };
  const unit = channel === 'http' ? 'requests' : 'WebSocket sessions';
  const reason =
    `user_error_rate: user ${percent(value)} of ${user.requests} ${unit} failed ` +
    `(> ${limit(limits.maxErrorRate * 100)}%) over ${windowSeconds} s with ${legacy.requests} on legacy ` +
    `to compare, ${count(users, 'user')}`;
  return { ...base, value, verdict: 'breach', reason };
}
