import type { EngineFigures, SummaryView } from '../../../console/src/api-types.js';
import { share } from './text.js';

const ms = (v: number | null): string => (v === null ? '-' : `${v >= 10 ? Math.round(v) : v.toFixed(1)} ms`);

function errors(f: EngineFigures): string {
  return `${f.errors}${f.requests > 0 ? ` (${share(f.errors, f.requests)})` : ''}`;
}

/** mismatch / (match + mismatch), as the guard's mismatch gate counts it. */
export function mismatchRate(c: SummaryView['comparisons']): string {
  return share(c.mismatch, c.match + c.mismatch);
}

/** The last window's traffic for `status`, as label/value rows (`GET /admin/summary`). */
export function summaryRows(s: SummaryView): string[][] {
  const { legacy, user, comparisons: c } = s;
  const requests = legacy.requests + user.requests;
  const sessions = legacy.sessions + user.sessions;
  const compared = c.match + c.mismatch + c.incomplete + c.isolation;
  return [
    [
      'traffic',
      `last ${s.windowSeconds}s: legacy ${legacy.requests} req (${share(legacy.requests, requests)}), user ${user.requests} req (${share(user.requests, requests)})`,
    ],
    [
      'sessions',
      `legacy ${legacy.sessions} (${share(legacy.sessions, sessions)}), user ${user.sessions} (${share(user.sessions, sessions)})`,
    ],
    ['errors', `legacy ${errors(legacy)}, user ${errors(user)}`],
    ['p95', `legacy ${ms(legacy.p95Ms)}, user ${ms(user.p95Ms)}`],
    [
      'compared',
      `${compared} (${c.match} match, ${c.mismatch} mismatch, ${c.incomplete} incomplete, ${c.isolation} isolation); mismatch rate ${mismatchRate(c)}`,
    ],
    [
      'isolation',
      `violations: legacy ${legacy.violations}, user ${user.violations}${user.violations > 0 ? '  <- grounds for rollback' : ''}`,
    ],
  ];
}
