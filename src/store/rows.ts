import type { Divergence } from '../compare/index.js';
import type { AuditEntry, DivergenceRecord, InstanceView, StoredAuditEntry } from './types.js';
import { isGone, tagsOf } from './types.js';

/** Rows as either driver returns them: SQLite gives JSON as text, PostgreSQL parses JSONB. */
type Row = Record<string, unknown>;

const json = (v: unknown): unknown => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function divergenceRow(row: Row): DivergenceRecord {
  return {
    id: String(row['id']),
    at: Number(row['at']),
    instance: String(row['instance']),
    source: row['source'] === 'baseline' ? 'baseline' : 'cross',
    divergence: json(row['body']) as Divergence,
  };
}

export function auditRow(row: Row): StoredAuditEntry {
  return {
    id: String(row['seq']),
    at: Number(row['at']),
    instance: String(row['instance']),
    action: String(row['action']),
    role: String(row['role']),
    actor: text(row['actor']),
    address: text(row['address']),
    before: row['before'] === null ? null : json(row['before']),
    after: row['after'] === null ? null : json(row['after']),
    reason: text(row['reason']),
    failed: text(row['failed']),
  };
}

export function instanceRow(row: Row, now: number): InstanceView {
  const beat = {
    id: String(row['id']),
    version: String(row['version']),
    startedAt: Number(row['started_at']),
    at: Number(row['heartbeat_at']),
    intervalMs: Number(row['interval_ms']),
    flagSource: json(row['flag_source']),
    liveSessions: Number(row['live_sessions']),
    guardMode: String(row['guard_mode']),
  };
  return { ...beat, gone: isGone(beat, now) };
}

/** The columns of a divergence row, in insert order. */
export function divergenceValues(r: DivergenceRecord): unknown[] {
  const d = r.divergence;
  return [
    r.id,
    r.at,
    r.instance,
    r.source,
    d.result,
    d.route ?? null,
    d.control.engine,
    d.candidate.engine,
    r.body ?? JSON.stringify(d),
  ];
}

/**
 * A divergence row as one JSON object (the divergence itself under `body`, spliced in as the text
 * it was serialised to once), for PostgreSQL's `json_to_recordset` (postgres-store.ts).
 */
export function divergenceJson(r: DivergenceRecord): string {
  const d = r.divergence;
  const head = JSON.stringify({
    id: r.id,
    at: r.at,
    instance: r.instance,
    source: r.source,
    result: d.result,
    route: d.route ?? null,
    control_engine: d.control.engine,
    candidate_engine: d.candidate.engine,
    tags: tagsOf(d),
  });
  return `${head.slice(0, -1)},"body":${r.body ?? JSON.stringify(d)}}`;
}

export function auditValues(e: AuditEntry): unknown[] {
  return [
    e.at,
    e.instance,
    e.action,
    e.role,
    e.actor,
    e.address,
    e.before === undefined ? null : JSON.stringify(e.before),
    e.after === undefined ? null : JSON.stringify(e.after),
    e.reason,
    e.failed,
  ];
}
