import type { DatabaseSync } from 'node:sqlite';
import type pg from 'pg';
import type { SliceRecord } from './types.js';

/**
 * The guard slices' statements for both engines. The primary key leads with `second`, so the
 * judge's read (`second >= $1`) and the prune (`second < $1`) are range scans of one index.
 */

/** One row per (second, instance), the last one written in a batch winning. */
function latest(slices: readonly SliceRecord[]): SliceRecord[] {
  const byKey = new Map<string, SliceRecord>();
  for (const s of slices) byKey.set(`${s.second}\u0000${s.instance}`, s);
  return [...byKey.values()];
}

function record(row: Record<string, unknown>): SliceRecord {
  return {
    instance: String(row['instance']),
    second: Number(row['second']),
    data: JSON.parse(String(row['body'])) as unknown,
  };
}

export async function pgAddSlices(pool: pg.Pool, slices: readonly SliceRecord[]): Promise<void> {
  const rows = latest(slices);
  if (rows.length === 0) return;
  await pool.query(
    `INSERT INTO guard_slices (second, instance, body)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])
     ON CONFLICT (second, instance) DO UPDATE SET body = excluded.body`,
    [rows.map((s) => s.second), rows.map((s) => s.instance), rows.map((s) => JSON.stringify(s.data))],
  );
}

export async function pgReadSlices(pool: pg.Pool, since: number, except = ''): Promise<SliceRecord[]> {
  const { rows } = await pool.query(
    'SELECT second, instance, body FROM guard_slices WHERE second >= $1 AND instance <> $2 ORDER BY second',
    [since, except],
  );
  return (rows as Record<string, unknown>[]).map(record);
}

export async function pgPruneSlices(pool: pg.Pool, before: number): Promise<number> {
  return (await pool.query('DELETE FROM guard_slices WHERE second < $1', [before])).rowCount ?? 0;
}

export function sqliteAddSlices(db: DatabaseSync, slices: readonly SliceRecord[]): void {
  const insert = db.prepare(
    `INSERT INTO guard_slices (second, instance, body) VALUES (?, ?, ?)
     ON CONFLICT (second, instance) DO UPDATE SET body = excluded.body`,
  );
  for (const s of latest(slices)) insert.run(s.second, s.instance, JSON.stringify(s.data));
}

export function sqliteReadSlices(db: DatabaseSync, since: number, except = ''): SliceRecord[] {
  return db
    .prepare(
      'SELECT second, instance, body FROM guard_slices WHERE second >= ? AND instance <> ? ORDER BY second',
    )
    .all(since, except)
    .map(record);
}

export function sqlitePruneSlices(db: DatabaseSync, before: number): number {
  return Number(db.prepare('DELETE FROM guard_slices WHERE second < ?').run(before).changes);
}
