/**
 * The store's schema, one numbered step at a time. A step is never edited once released: a change
 * is a new step. Both engines get the same tables; the types differ where they must.
 * Retention deletes in small batches by time (indexes on `at`), see docs/fleet.md, "Retention".
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sqlite: string;
  readonly postgres: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'divergences, audit, instances, state',
    sqlite: `
      CREATE TABLE divergences (
        id TEXT PRIMARY KEY, at INTEGER NOT NULL, instance TEXT NOT NULL, source TEXT NOT NULL,
        result TEXT NOT NULL, route TEXT, control_engine TEXT NOT NULL, candidate_engine TEXT NOT NULL,
        body TEXT NOT NULL);
      CREATE INDEX divergences_at ON divergences (at, id);
      CREATE INDEX divergences_route ON divergences (route, at);
      CREATE TABLE divergence_tags (
        tag TEXT NOT NULL, at INTEGER NOT NULL, id TEXT NOT NULL, PRIMARY KEY (tag, at, id)) WITHOUT ROWID;
      CREATE INDEX divergence_tags_at ON divergence_tags (at);
      CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, instance TEXT NOT NULL,
        action TEXT NOT NULL, role TEXT NOT NULL, actor TEXT, address TEXT, before TEXT, after TEXT,
        reason TEXT, failed TEXT);
      CREATE INDEX audit_at ON audit (at, seq);
      CREATE TABLE instances (
        id TEXT PRIMARY KEY, version TEXT NOT NULL, started_at INTEGER NOT NULL,
        heartbeat_at INTEGER NOT NULL, interval_ms INTEGER NOT NULL, flag_source TEXT NOT NULL,
        live_sessions INTEGER NOT NULL, guard_mode TEXT NOT NULL);
      CREATE TABLE state (
        key TEXT PRIMARY KEY, value TEXT NOT NULL, version INTEGER NOT NULL, updated_at INTEGER NOT NULL);`,
    postgres: `
      CREATE TABLE divergences (
        id TEXT PRIMARY KEY, at BIGINT NOT NULL, instance TEXT NOT NULL, source TEXT NOT NULL,
        result TEXT NOT NULL, route TEXT, control_engine TEXT NOT NULL, candidate_engine TEXT NOT NULL,
        body JSONB NOT NULL);
      CREATE INDEX divergences_at ON divergences (at, id);
      CREATE INDEX divergences_route ON divergences (route, at);
      CREATE TABLE divergence_tags (
        tag TEXT NOT NULL, at BIGINT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (tag, at, id));
      CREATE INDEX divergence_tags_at ON divergence_tags (at);
      CREATE TABLE audit (
        seq BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, instance TEXT NOT NULL,
        action TEXT NOT NULL, role TEXT NOT NULL, actor TEXT, address TEXT, before JSONB, after JSONB,
        reason TEXT, failed TEXT);
      CREATE INDEX audit_at ON audit (at, seq);
      CREATE TABLE instances (
        id TEXT PRIMARY KEY, version TEXT NOT NULL, started_at BIGINT NOT NULL,
        heartbeat_at BIGINT NOT NULL, interval_ms INTEGER NOT NULL, flag_source JSONB NOT NULL,
        live_sessions INTEGER NOT NULL, guard_mode TEXT NOT NULL);
      CREATE TABLE state (
        key TEXT PRIMARY KEY, value JSONB NOT NULL, version INTEGER NOT NULL, updated_at BIGINT NOT NULL);`,
  },
  {
    version: 2,
    // Each slice lives a guard window: no WAL for them in PostgreSQL (lost on a crash, rewritten in seconds).
    name: 'guard slices',
    sqlite: `
      CREATE TABLE guard_slices (
        second INTEGER NOT NULL, instance TEXT NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (second, instance)) WITHOUT ROWID;`,
    postgres: `
      CREATE UNLOGGED TABLE guard_slices (
        second BIGINT NOT NULL, instance TEXT NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (second, instance));`,
  },
];

export const SCHEMA_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`;
