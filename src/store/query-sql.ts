import type { AuditQuery, DivergenceQuery, PageCursor } from './types.js';

/** One SQL text and its parameters; `$n` placeholders (SQLite accepts them too). */
export interface Sql {
  readonly text: string;
  readonly params: unknown[];
}

const COLUMNS = 'd.id, d.at, d.instance, d.source, d.body';

/**
 * The divergence search, newest first with keyset paging. A `kind` search walks the tag index
 * (tag, at, id) and joins the rows, so it reads only the page it returns; the other filters
 * apply to the joined rows. One more row than `limit` is read to tell whether a next page exists.
 */
export function divergenceSearch(q: DivergenceQuery): Sql {
  const params: unknown[] = [];
  const p = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const byTag = q.kind !== undefined;
  const t = byTag ? 't' : 'd';
  const where: string[] = [];
  if (byTag) where.push(`t.tag = ${p(q.kind)}`);
  if (q.since !== undefined) where.push(`${t}.at >= ${p(q.since)}`);
  if (q.until !== undefined) where.push(`${t}.at < ${p(q.until)}`);
  if (q.cursor !== undefined) where.push(before(t, q.cursor, p));
  if (q.route !== undefined) where.push(`d.route = ${p(q.route)}`);
  if (q.engine !== undefined) {
    const engine = p(q.engine);
    where.push(`(d.control_engine = ${engine} OR d.candidate_engine = ${engine})`);
  }
  if (q.source !== undefined) where.push(`d.source = ${p(q.source)}`);
  const from = byTag ? 'divergence_tags t JOIN divergences d ON d.id = t.id' : 'divergences d';
  const text =
    `SELECT ${COLUMNS} FROM ${from}` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY ${t}.at DESC, ${t}.id DESC LIMIT ${p(q.limit + 1)}`;
  return { text, params };
}

export function auditSearch(q: AuditQuery): Sql {
  const params: unknown[] = [];
  const p = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (q.since !== undefined) where.push(`at >= ${p(q.since)}`);
  if (q.cursor !== undefined) {
    const at = p(q.cursor.at);
    where.push(`(at < ${at} OR (at = ${at} AND seq < ${p(Number(q.cursor.id))}))`);
  }
  const text =
    'SELECT seq, at, instance, action, role, actor, address, before, after, reason, failed FROM audit' +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY at DESC, seq DESC LIMIT ${p(q.limit + 1)}`;
  return { text, params };
}

function before(t: string, cursor: PageCursor, p: (v: unknown) => string): string {
  const at = p(cursor.at);
  return `(${t}.at < ${at} OR (${t}.at = ${at} AND ${t}.id < ${p(cursor.id)}))`;
}

/** Cuts the extra row off and makes the cursor for the next page. */
export function toPage<T>(rows: T[], limit: number, key: (row: T) => PageCursor) {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return more && last !== undefined ? { items, next: key(last) } : { items };
}
