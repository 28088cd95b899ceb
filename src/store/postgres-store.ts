import pg from 'pg';
import { MIGRATIONS, SCHEMA_TABLE } from './migrations.js';
import { PostgresJudgeLock } from './postgres-judge.js';
import { auditSearch, divergenceSearch, toPage } from './query-sql.js';
import { auditRow, auditValues, divergenceJson, divergenceRow, instanceRow } from './rows.js';
import { pgAddSlices, pgPruneSlices, pgReadSlices } from './slices-sql.js';
import {
  type AuditEntry,
  type AuditQuery,
  type DivergenceQuery,
  type DivergenceRecord,
  type InstanceBeat,
  type SliceRecord,
  type Store,
} from './types.js';

/** `pg_advisory_xact_lock` key for migrations: one replica migrates, the others wait and find it done. */
const MIGRATION_LOCK = 0x5357_0001;
const PRUNE_BATCH = 5_000;

/** A batch of divergences and their tags (rows.ts, `divergenceJson`); a single statement is atomic. */
const INSERT_DIVERGENCES = `
  WITH batch AS (
    SELECT * FROM json_to_recordset($1::json) AS r(id text, at bigint, instance text, source text,
      result text, route text, control_engine text, candidate_engine text, tags json, body jsonb)
  ), stored AS (
    INSERT INTO divergences (id, at, instance, source, result, route, control_engine, candidate_engine, body)
    SELECT id, at, instance, source, result, route, control_engine, candidate_engine, body FROM batch
    ON CONFLICT (id) DO NOTHING
  )
  INSERT INTO divergence_tags (tag, at, id)
  SELECT t.tag, b.at, b.id FROM batch b CROSS JOIN LATERAL json_array_elements_text(b.tags) AS t(tag)
  ON CONFLICT DO NOTHING`;

export interface PostgresStoreOptions {
  readonly url: string;
  /** Pool size; a replica's writes are batched, so a few connections are plenty. Default 4. */
  readonly max?: number;
  /** A statement running longer than this is cancelled. Default 5000. */
  readonly statementTimeoutMs?: number;
}

/** The fleet's store: PostgreSQL through a `pg` pool, shared by every replica. */
export class PostgresStore implements Store {
  readonly kind = 'postgres';
  private readonly pool: pg.Pool;
  private readonly judge: PostgresJudgeLock;

  constructor(options: PostgresStoreOptions) {
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.max ?? 4,
      connectionTimeoutMillis: 3_000,
      statement_timeout: options.statementTimeoutMs ?? 5_000,
      application_name: 'switchyard',
    });
    // An idle client's error (the server restarted) must not end the process; the next query reconnects.
    this.pool.on('error', () => undefined);
    this.judge = new PostgresJudgeLock(this.pool);
  }

  async migrate(): Promise<void> {
    await this.transaction(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await c.query(SCHEMA_TABLE);
      const done = new Set(
        (await c.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) =>
          Number(r.version),
        ),
      );
      for (const m of MIGRATIONS) {
        if (done.has(m.version)) continue;
        await c.query(m.postgres);
        await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          Date.now(),
        ]);
      }
    });
  }

  /**
   * One statement, one parameter: the batch as a JSON array of rows, unpacked by PostgreSQL.
   * No transaction round trips, no per-value array escaping, each divergence serialised once.
   */
  async addDivergences(records: readonly DivergenceRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.pool.query(INSERT_DIVERGENCES, [`[${records.map(divergenceJson).join(',')}]`]);
  }

  async searchDivergences(query: DivergenceQuery) {
    const { text, params } = divergenceSearch(query);
    const rows = (await this.pool.query(text, params)).rows as Record<string, unknown>[];
    return toPage(rows.map(divergenceRow), query.limit, (r) => r);
  }

  async appendAudit(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.pool.query(
      `INSERT INTO audit (at, instance, action, role, actor, address, before, after, reason, failed)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
         $7::jsonb[], $8::jsonb[], $9::text[], $10::text[])`,
      columns(entries.map(auditValues), 10),
    );
  }

  async listAudit(query: AuditQuery) {
    const { text, params } = auditSearch(query);
    const rows = (await this.pool.query(text, params)).rows as Record<string, unknown>[];
    return toPage(rows.map(auditRow), query.limit, (e) => e);
  }

  async heartbeat(b: InstanceBeat): Promise<void> {
    await this.pool.query(
      `INSERT INTO instances (id, version, started_at, heartbeat_at, interval_ms, flag_source,
         live_sessions, guard_mode) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at,
         interval_ms = excluded.interval_ms, flag_source = excluded.flag_source,
         live_sessions = excluded.live_sessions, guard_mode = excluded.guard_mode`,
      [
        b.id,
        b.version,
        b.startedAt,
        b.at,
        b.intervalMs,
        JSON.stringify(b.flagSource ?? null),
        b.liveSessions,
        b.guardMode,
      ],
    );
  }

  async listInstances(now: number) {
    const rows = (await this.pool.query('SELECT * FROM instances ORDER BY started_at, id')).rows as Record<
      string,
      unknown
    >[];
    return rows.map((r) => instanceRow(r, now));
  }

  async getState(key: string) {
    const row = (
      await this.pool.query<{ value: unknown; version: number; updated_at: string }>(
        'SELECT value, version, updated_at FROM state WHERE key = $1',
        [key],
      )
    ).rows[0];
    if (row === undefined) return null;
    return { value: row.value, version: Number(row.version), updatedAt: Number(row.updated_at) };
  }

  async putState(key: string, value: unknown, ifVersion: number, now: number) {
    const text = JSON.stringify(value);
    const result =
      ifVersion === 0
        ? await this.pool.query(
            `INSERT INTO state (key, value, version, updated_at) VALUES ($1, $2, 1, $3)
             ON CONFLICT (key) DO NOTHING`,
            [key, text, now],
          )
        : await this.pool.query(
            `UPDATE state SET value = $1, version = version + 1, updated_at = $2
             WHERE key = $3 AND version = $4`,
            [text, now, key, ifVersion],
          );
    return result.rowCount === 1;
  }

  async prune(before: number) {
    await this.batched(
      'DELETE FROM divergence_tags WHERE ctid = ANY(ARRAY(SELECT ctid FROM divergence_tags WHERE at < $1 LIMIT $2))',
      before,
    );
    return {
      divergences: await this.batched(
        'DELETE FROM divergences WHERE id = ANY(ARRAY(SELECT id FROM divergences WHERE at < $1 LIMIT $2))',
        before,
      ),
      audit: await this.batched(
        'DELETE FROM audit WHERE seq = ANY(ARRAY(SELECT seq FROM audit WHERE at < $1 LIMIT $2))',
        before,
      ),
      instances:
        (await this.pool.query('DELETE FROM instances WHERE heartbeat_at < $1', [before])).rowCount ?? 0,
    };
  }

  addSlices(slices: readonly SliceRecord[]): Promise<void> {
    return pgAddSlices(this.pool, slices);
  }

  readSlices(sinceSecond: number, except?: string): Promise<SliceRecord[]> {
    return pgReadSlices(this.pool, sinceSecond, except);
  }

  pruneSlices(beforeSecond: number): Promise<number> {
    return pgPruneSlices(this.pool, beforeSecond);
  }

  tryJudge(): Promise<boolean> {
    return this.judge.tryJudge();
  }

  resign(): Promise<void> {
    return this.judge.release();
  }

  async close(): Promise<void> {
    await this.judge.release();
    await this.pool.end();
  }

  /** Each batch is its own short statement (autocommit): row locks for a moment, never the table. */
  private async batched(sql: string, before: number): Promise<number> {
    let total = 0;
    for (;;) {
      const n = (await this.pool.query(sql, [before, PRUNE_BATCH])).rowCount ?? 0;
      total += n;
      if (n < PRUNE_BATCH) return total;
    }
  }

  private async transaction(body: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    // A checked-out client has no pool listener: a socket error between two queries would
    // otherwise be an unhandled 'error' event and end the process. The broken client is destroyed.
    let broken: Error | null = null;
    const onError = (err: Error) => {
      broken = err;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      await body(client);
      await client.query('COMMIT');
    } catch (err) {
      if (broken === null) await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.off('error', onError);
      client.release(broken ?? undefined);
    }
  }
}

/** Row-major values to column arrays, for one `unnest` insert per batch. */
function columns(rows: readonly unknown[][], width: number): unknown[][] {
  const out: unknown[][] = Array.from({ length: width }, () => []);
  for (const row of rows) row.forEach((v, i) => out[i]!.push(v));
  return out;
}
