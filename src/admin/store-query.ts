import { COMPARISON_RESULTS, MISMATCH_KINDS } from '../compare/index.js';
import { badRequest } from '../errors/switchyard-error.js';
import { ENGINES } from '../routing/types.js';
import {
  DIVERGENCE_SOURCES,
  type AuditQuery,
  type DivergenceQuery,
  type PageCursor,
} from '../store/types.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;
const KINDS: ReadonlySet<string> = new Set([
  ...COMPARISON_RESULTS.filter((r) => r !== 'match'),
  ...MISMATCH_KINDS,
]);
const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

type Query = Readonly<Record<string, unknown>>;

/** `since=&until=&kind=&route=&engine=&source=&limit=&cursor=`; anything malformed is a 400. */
export function divergenceQuery(query: Query, now: number): DivergenceQuery {
  const kind = oneOf(query, 'kind', KINDS);
  const engine = oneOf(query, 'engine', new Set(ENGINES));
  const source = oneOf(query, 'source', new Set(DIVERGENCE_SOURCES));
  const route = text(query, 'route');
  if (route !== undefined && !/^[a-z0-9_]{1,64}$/.test(route)) throw badRequest('route must be a route name');
  const since = time(query, 'since', now);
  const until = time(query, 'until', now);
  const cursor = cursorOf(query);
  return {
    limit: limitOf(query),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    ...(kind === undefined ? {} : { kind }),
    ...(route === undefined ? {} : { route }),
    ...(engine === undefined ? {} : { engine }),
    ...(source === undefined ? {} : { source: source as DivergenceQuery['source'] & string }),
    ...(cursor === undefined ? {} : { cursor }),
  };
}

/** `since=&limit=&cursor=`. */
export function auditQuery(query: Query, now: number): AuditQuery {
  const since = time(query, 'since', now);
  const cursor = cursorOf(query);
  return {
    limit: limitOf(query),
    ...(since === undefined ? {} : { since }),
    ...(cursor === undefined ? {} : { cursor }),
  };
}

/** The `next` a page hands out: opaque to clients. */
export const encodeCursor = (c: PageCursor): string =>
  Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url');

function cursorOf(query: Query): PageCursor | undefined {
  const raw = text(query, 'cursor');
  if (raw === undefined) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'number' && Number.isFinite(at) && typeof id === 'string') return { at, id };
  } catch {
    // falls through to the 400
  }
  throw badRequest('cursor is not one this server handed out');
}

/** An ISO-8601 time, epoch milliseconds, or a duration back from now (`90s`, `15m`, `2h`, `7d`). */
function time(query: Query, name: string, now: number): number | undefined {
  const raw = text(query, name);
  if (raw === undefined) return undefined;
  const ago = /^(\d{1,9})([smhd])$/.exec(raw);
  if (ago !== null) return now - Number(ago[1]) * UNIT_MS[ago[2]!]!;
  const value = /^\d{1,15}$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(value)) {
    throw badRequest(`${name} must be an ISO-8601 time, epoch milliseconds or a duration like 15m`);
  }
  return value;
}

function limitOf(query: Query): number {
  const raw = text(query, 'limit');
  if (raw === undefined) return DEFAULT_LIMIT;
  const limit = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw badRequest(`limit must be an integer in 1..${MAX_LIMIT}`);
  }
  return limit;
}

function oneOf(query: Query, name: string, allowed: ReadonlySet<string>): string | undefined {
  const value = text(query, name);
  if (value !== undefined && !allowed.has(value)) {
    throw badRequest(`${name} must be one of ${[...allowed].join(', ')}`);
  }
  return value;
}

function text(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 512) throw badRequest(`${name} must be given once`);
  return value;
}
