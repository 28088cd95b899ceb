import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { MIGRATIONS, SCHEMA_TABLE } from './migrations.js';
import { auditSearch, divergenceSearch, toPage, type Sql } from './query-sql.js';
import { auditRow, auditValues, divergenceRow, divergenceValues, instanceRow } from './rows.js';
import { sqliteAddSlices, sqlitePruneSlices, sqliteReadSlices } from './slices-sql.js';
import {
  tagsOf,
  type AuditEntry,
  type AuditQuery,
  type DivergenceQuery,
  type DivergenceRecord,
  type InstanceBeat,
  type SliceRecord,
  type Store,
} from './types.js';

/** Rows deleted per retention statement: each is a short write transaction. */
const PRUNE_BATCH = 2_000;

/**
 * The embedded store: one SQLite file (WAL) through `node:sqlite`. Calls are synchronous under the
 * promise; the write queue batches them into one short transaction, off the request path.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private opened: DatabaseSync | null = null;

  constructor(private readonly path: string) {}

  /** Opens the file on first use (`node:sqlite` is loaded only when the embedded store is). */
  async migrate(): Promise<void> {
    if (this.opened === null) {
      const { DatabaseSync } = await import('node:sqlite');
      if (this.path !== ':memory:') mkdirSync(dirname(this.path), { recursive: true });
      const db = new DatabaseSync(this.path);
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
      this.opened = db;
    }
    return this.run(() => {
      // BEGIN IMMEDIATE takes the write lock first: a second process waits, then sees the steps done.
      this.db.exec(SCHEMA_TABLE);
      this.transaction(() => {
        const done = new Set(
          this.db
            .prepare('SELECT version FROM schema_migrations')
            .all()
            .map((r) => Number(r['version'])),
        );
        for (const m of MIGRATIONS) {
          if (done.has(m.version)) continue;
          this.db.exec(m.sqlite);
          this.db
            .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
            .run(m.version, m.name, Date.now());
        }
      });
    });
  }

  addDivergences(records: readonly DivergenceRecord[]): Promise<void> {
    return this.run(() => {
      const row = this.db.prepare(
        `INSERT OR IGNORE INTO divergences (id, at, instance, source, result, route, control_engine,
          candidate_engine, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const tag = this.db.prepare('INSERT OR IGNORE INTO divergence_tags (tag, at, id) VALUES (?, ?, ?)');
      this.transaction(() => {
        for (const r of records) {
          row.run(...(divergenceValues(r) as SQLInputValue[]));
          for (const t of tagsOf(r.divergence)) tag.run(t, r.at, r.id);
        }
      });
    });
  }

  searchDivergences(query: DivergenceQuery) {
    return this.run(() =>
      toPage(this.all(divergenceSearch(query)).map(divergenceRow), query.limit, (r) => r),
    );
  }

  appendAudit(entries: readonly AuditEntry[]): Promise<void> {
    return this.run(() => {
      const insert = this.db.prepare(
        `INSERT INTO audit (at, instance, action, role, actor, address, before, after, reason, failed)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      this.transaction(() => {
        for (const e of entries) insert.run(...(auditValues(e) as SQLInputValue[]));
      });
    });
  }

  listAudit(query: AuditQuery) {
    return this.run(() => toPage(this.all(auditSearch(query)).map(auditRow), query.limit, (e) => e));
  }

  heartbeat(b: InstanceBeat): Promise<void> {
    return this.run(() => {
      this.db
        .prepare(
          `INSERT INTO instances (id, version, started_at, heartbeat_at, interval_ms, flag_source,
            live_sessions, guard_mode) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at,
            interval_ms = excluded.interval_ms, flag_source = excluded.flag_source,
            live_sessions = excluded.live_sessions, guard_mode = excluded.guard_mode`,
        )
        .run(
          b.id,
          b.version,
          b.startedAt,
          b.at,
          b.intervalMs,
          JSON.stringify(b.flagSource ?? null),
          b.liveSessions,
          b.guardMode,
        );
    });
  }

  listInstances(now: number) {
    return this.run(() =>
      this.db
        .prepare('SELECT * FROM instances ORDER BY started_at, id')
        .all()
        .map((r) => instanceRow(r, now)),
    );
  }

  getState(key: string) {
    return this.run(() => {
      const row = this.db.prepare('SELECT value, version, updated_at FROM state WHERE key = ?').get(key);
      if (row === undefined) return null;
      return {
        value: JSON.parse(String(row['value'])) as unknown,
        version: Number(row['version']),
        updatedAt: Number(row['updated_at']),
      };
    });
  }

  putState(key: string, value: unknown, ifVersion: number, now: number) {
    return this.run(() => {
      const text = JSON.stringify(value);
      const result =
        ifVersion === 0
          ? this.db
              .prepare('INSERT OR IGNORE INTO state (key, value, version, updated_at) VALUES (?, ?, 1, ?)')
              .run(key, text, now)
          : this.db
              .prepare(
                'UPDATE state SET value = ?, version = version + 1, updated_at = ? WHERE key = ? AND version = ?',
              )
              .run(text, now, key, ifVersion);
      return Number(result.changes) === 1;
    });
  }

  prune(before: number) {
    return this.run(() => this.pruneNow(before));
  }

  private pruneNow(before: number) {
    this.batched(
      `DELETE FROM divergence_tags WHERE (tag, at, id) IN
        (SELECT tag, at, id FROM divergence_tags WHERE at < ? LIMIT ?)`,
      before,
    );
    return {
      divergences: this.batched(
        'DELETE FROM divergences WHERE id IN (SELECT id FROM divergences WHERE at < ? LIMIT ?)',
        before,
      ),
      audit: this.batched(
        'DELETE FROM audit WHERE seq IN (SELECT seq FROM audit WHERE at < ? LIMIT ?)',
        before,
      ),
      instances: Number(this.db.prepare('DELETE FROM instances WHERE heartbeat_at < ?').run(before).changes),
    };
  }

  addSlices(slices: readonly SliceRecord[]): Promise<void> {
    return this.run(() => this.transaction(() => sqliteAddSlices(this.db, slices)));
  }

  readSlices(sinceSecond: number, except?: string): Promise<SliceRecord[]> {
    return this.run(() => sqliteReadSlices(this.db, sinceSecond, except));
  }

  pruneSlices(beforeSecond: number): Promise<number> {
    return this.run(() => sqlitePruneSlices(this.db, beforeSecond));
  }

  /** One instance: it is always its own judge (once open). */
  tryJudge(): Promise<boolean> {
    return this.run(() => this.db !== null);
  }

  resign(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return this.run(() => {
      if (this.opened?.isOpen === true) this.opened.close();
      this.opened = null;
    });
  }

  /** Deletes `LIMIT` rows at a time until none is left: no long write lock. */
  private batched(sql: string, before: number): number {
    const statement = this.db.prepare(sql);
    let total = 0;
    for (;;) {
      const n = Number(statement.run(before, PRUNE_BATCH).changes);
      total += n;
      if (n < PRUNE_BATCH) return total;
    }
  }

  private all(sql: Sql): Record<string, unknown>[] {
    // `$n` is a named parameter in SQLite; `?n` is the numbered one the builder means.
    const text = sql.text.replace(/\$(\d+)/g, '?$1');
    return this.db.prepare(text).all(...(sql.params as SQLInputValue[]));
  }

  private get db(): DatabaseSync {
    if (this.opened === null) throw new Error('the embedded store is not open (migrate first)');
    return this.opened;
  }

  private transaction(body: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      body();
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  private run<T>(body: () => T): Promise<T> {
    try {
      return Promise.resolve(body());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
