import { above, count, limit, percent, signed } from './format.js';
import type { GuardLimits } from './limits.js';
import { differenceLowerBound } from './stats.js';
import type { Channel, ChannelTotals, GateReport, Verdict } from './types.js';
import type { SampleWindow } from './window.js';

/**
 * The `error_rate` gate. HTTP requests and WebSocket sessions are counted apart and judged
 * apart (a session is not a request: pooling them would let plentiful HTTP traffic dilute a
 * WebSocket failure); the gate breaches when either channel does. Per channel: the user
 * engine's failure rate minus legacy's must be past the limit by more than noise (its one-sided
 * lower confidence bound is past the limit), with enough samples on each side and failures from
 * enough distinct users. The report carries the deciding channel: a breach, else an `ok`, else
 * an `insufficient` one, HTTP first on a tie.
 */
export function errorRateGate(window: SampleWindow, limits: GuardLimits, nowMs: number): GateReport {
  const http = judge(
    'http',
    window.http('legacy', nowMs),
    window.http('user', nowMs),
    limits,
    window.windowSeconds,
  );
  const ws = judge('ws', window.ws('legacy', nowMs), window.ws('user', nowMs), limits, window.windowSeconds);
  return graver(http, ws);
}

const RANK: Record<Verdict, number> = { breach: 0, ok: 1, insufficient: 2 };

/** The deciding channel's report: a breach, else an `ok`, else an `insufficient`; HTTP on a tie. */
export function graver(http: GateReport, ws: GateReport): GateReport {
  return RANK[ws.verdict] < RANK[http.verdict] ? ws : http;
}

function judge(
  channel: Channel,
  legacy: ChannelTotals,
  user: ChannelTotals,
  limits: GuardLimits,
  windowSeconds: number,
): GateReport {
  const samples = { legacy: legacy.requests, user: user.requests };
  const users = user.failedUsers;
  const base = {
    name: 'error_rate',
    limit: limits.maxErrorRateDelta,
    samples,
    users,
    channel,
    reason: null,
  } as const;
  if (legacy.requests === 0 || user.requests === 0) return { ...base, value: null, verdict: 'insufficient' };
  const pUser = user.failed / user.requests;
  const pLegacy = legacy.failed / legacy.requests;
  const value = (pUser - pLegacy) * 100;
  if (legacy.requests < limits.minRequests || user.requests < limits.minRequests) {
    return { ...base, value, verdict: 'insufficient' };
  }
  const atLeast =
    differenceLowerBound(user.failed, user.requests, legacy.failed, legacy.requests, limits.confidence) * 100;
  const bad = above(atLeast, limits.maxErrorRateDelta);
  if (!bad) return { ...base, value, verdict: 'ok' };
  if (users < limits.minUsers) return { ...base, value, verdict: 'insufficient' };
  const unit = channel === 'http' ? 'requests' : 'WebSocket sessions';
  const reason =
    `error_rate: user ${percent(pUser)} vs legacy ${percent(pLegacy)} ` +
    `(${signed(value)} pts > ${limit(limits.maxErrorRateDelta)}; ` +
    `at least ${signed(atLeast)} at ${limit(limits.confidence * 100)}% confidence) over ${windowSeconds} s, ` +
    `${user.requests}/${legacy.requests} ${unit}, ${count(users, 'user')}`;
  return { ...base, value, verdict: 'breach', reason };
}
