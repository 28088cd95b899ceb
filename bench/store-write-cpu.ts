import pg from 'pg';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { Divergence } from '../src/compare/index.js';
import { FleetStore } from '../src/store/fleet-store.js';
import { PostgresStore } from '../src/store/postgres-store.js';
import { divergenceValues } from '../src/store/rows.js';
import { createStoreMetrics } from '../src/store/store-metrics.js';
import { tagsOf, type DivergenceRecord } from '../src/store/types.js';
import { startPostgres } from './local-postgres.js';

/**
 * `node dist/bench/store-write-cpu.js`: what storing a divergence costs the process that records
 * it (its CPU, JS and syscalls; PostgreSQL's own processes not counted), through a FleetStore into
 * a local PostgreSQL 15, in batches of BENCH_BATCH (21: a proxy's 84 divergences/s in 250 ms),
 * for two shapes: the proxy's HTTP divergence and a run's (11-12 events a side). Beside it, the
 * batch insert this one replaced (a transaction of two `unnest` inserts of column arrays, each
 * divergence serialised at write), as the reference. Paired rounds, order alternating. The
 * reference also pays the serialisation FleetStore now does when it queues (which it did not):
 * that cost is printed apart (`JSON.stringify`), to subtract.
 */
const N = Number(process.env.BENCH_N ?? 10_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 21);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** The insert before json_to_recordset (commit f8ada31), for reference only. */
class UnnestPostgresStore extends PostgresStore {
  private readonly writer: pg.Pool;
  constructor(url: string) {
    super({ url });
    this.writer = new pg.Pool({ connectionString: url, max: 4 });
  }
  override async addDivergences(records: readonly DivergenceRecord[]): Promise<void> {
    const rows = records.map((r) => divergenceValues(r).slice(0, 8));
    const bodies = records.map((r) => JSON.stringify(r.divergence));
    const tags = records.flatMap((r) => tagsOf(r.divergence).map((t) => [t, r.at, r.id]));
    const col = (xs: unknown[][], i: number) => xs.map((x) => x[i]);
    const c = await this.writer.connect();
    try {
      await c.query('BEGIN');
      await c.query(
        `INSERT INTO divergences (id, at, instance, source, result, route, control_engine, candidate_engine, body)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[],
           $7::text[], $8::text[], $9::jsonb[]) ON CONFLICT (id) DO NOTHING`,
        [...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => col(rows, i)), bodies],
      );
      await c.query(
        `INSERT INTO divergence_tags (tag, at, id) SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])
         ON CONFLICT DO NOTHING`,
        [0, 1, 2].map((i) => col(tags, i)),
      );
      await c.query('COMMIT');
    } finally {
      c.release();
    }
  }
  override async close(): Promise<void> {
    await this.writer.end();
    await super.close();
  }
}

const side = (engine: string, events: unknown[], status?: number) => ({
  engine,
  events,
  omittedEvents: 0,
  ...(status !== undefined && { status }),
});
const httpDivergence = (n: number) =>
  ({
    id: String(n),
    source: 'cross',
    at: new Date().toISOString(),
    result: 'mismatch',
    kinds: ['field'],
    route: 'threads',
    details: { missing: [], extra: [], moved: [], fields: ['pad'] },
    control: side('legacy', [], 200),
    candidate: side('user', [], 200),
  }) as unknown as Divergence;
const TYPES = [
  'agent_started',
  'agent_thinking',
  'tool_call',
  'tool_result',
  'agent_response',
  'agent_completed',
];
const event = (i: number) => ({
  type: TYPES[i % TYPES.length],
  runId: 'a1b2c3d4e5f6a1b2',
  threadId: '0f1e2d3c4b5a0f1e',
  agent: 'research',
  tool: i % 6 === 2 ? 'search' : null,
  status: null,
  error: null,
  userId: '9a8b7c6d5e4f9a8b',
  at: 1_765_000_000_000 + i,
});
const events = (k: number) => Array.from({ length: k }, (_, i) => event(i));
const runDivergence = (n: number) =>
  ({
    id: String(n),
    source: 'cross',
    at: new Date().toISOString(),
    result: 'mismatch',
    kinds: ['missing_event'],
    session: '9a8b7c6d5e4f.1',
    runIndex: n % 20,
    details: { missing: [{ index: 11, type: 'agent_completed' }], extra: [], moved: [], fields: [] },
    control: side('legacy', events(12)),
    candidate: side('user', events(11)),
  }) as unknown as Divergence;

const postgres = await startPostgres();
const micros: Record<string, number[]> = {};
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const [shape, make] of [
      ['http', httpDivergence],
      ['run', runDivergence],
    ] as const) {
      const impls = [
        ['json_to_recordset', () => new PostgresStore({ url: postgres.url })],
        ['unnest (before)', () => new UnnestPostgresStore(postgres.url)],
      ] as const;
      for (const [impl, open] of round % 2 === 0 ? impls : [...impls].reverse()) {
        const fleet = new FleetStore({
          store: open(),
          metrics: createStoreMetrics(new Registry()),
          log: pino({ level: 'warn' }),
          instance: `${impl}-${shape}-${round}`,
          version: 'bench',
          retentionDays: 14,
          heartbeatMs: 60_000,
          queueCapacity: 10_000,
          queueMaxBytes: 1 << 30,
          describe: () => ({ flagSource: null, liveSessions: 0, guardMode: 'enforce' }),
        });
        fleet.start();
        await fleet.settle(10_000);
        const divergences = Array.from({ length: N }, (_, i) => make(i));
        const cpu = process.cpuUsage();
        for (let i = 0; i < N; i += BATCH) {
          for (const d of divergences.slice(i, i + BATCH)) fleet.recordDivergence(d);
          await fleet.settle(10_000);
        }
        const used = process.cpuUsage(cpu);
        (micros[`${shape} ${impl}`] ??= []).push((used.user + used.system) / N);
        await fleet.stop();
      }
      const cpu = process.cpuUsage();
      for (const d of Array.from({ length: N }, (_, i) => make(i))) JSON.stringify(d);
      const used = process.cpuUsage(cpu);
      (micros[`${shape} JSON.stringify (and building the object)`] ??= []).push(
        (used.user + used.system) / N,
      );
    }
  }
} finally {
  await postgres.stop();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [name, xs] of Object.entries(micros))
  console.log(
    `${name}: ${median(xs).toFixed(1)} µs CPU per divergence stored (median of ${ROUNDS}; ${xs.map((x) => x.toFixed(1)).join(', ')})`,
  );
