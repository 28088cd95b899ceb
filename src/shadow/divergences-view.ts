import { badRequest } from '../errors/switchyard-error.js';
import {
  COMPARISON_RESULTS,
  MISMATCH_KINDS,
  type Divergence,
  type DivergenceStore,
} from '../compare/index.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** The filters `kind=` accepts: a result other than match, or a mismatch kind. */
const KINDS: ReadonlySet<string> = new Set([
  ...COMPARISON_RESULTS.filter((r) => r !== 'match'),
  ...MISMATCH_KINDS,
]);

/**
 * `GET /admin/divergences?limit=&kind=&source=`: `{items}` of one book (the caller picks the
 * store by `source`, checked here), newest first, in the shape of
 * README.md, "Admin API" (ids already hashed and free text redacted by the store). `limit` is 1..200
 * (default 50); anything else, or an unknown kind, is a 400.
 */
export function divergencesView(
  store: DivergenceStore,
  query: Readonly<Record<string, unknown>>,
): { items: Divergence[] } {
  const limit = parseLimit(query['limit']);
  const source = query['source'];
  if (source !== undefined && source !== 'cross' && source !== 'baseline') {
    throw badRequest('source must be cross or baseline');
  }
  const kind = query['kind'];
  if (kind !== undefined && (typeof kind !== 'string' || !KINDS.has(kind))) {
    throw badRequest(`kind must be one of ${[...KINDS].join(', ')}`);
  }
  return { items: store.list(kind === undefined ? { limit } : { limit, kind }) };
}

function parseLimit(raw: unknown): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  const limit = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw badRequest(`limit must be an integer in 1..${MAX_LIMIT}`);
  }
  return limit;
}
