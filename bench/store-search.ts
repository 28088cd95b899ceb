import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Divergence, MismatchKind } from '../src/compare/index.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { DivergenceQuery, DivergenceRecord } from '../src/store/types.js';

/**
 * `npm run bench:store`: the embedded store holding STORE_BENCH_RECORDS (default 1,000,000)
 * divergences over 14 days, then kind-and-time searches (a page of 50, newest first), timed.
 * Issue 22 asks for < 50 ms. Not part of CI.
 */
const RECORDS = Number(process.env.STORE_BENCH_RECORDS ?? 1_000_000);
const RUNS = 50;
const DAY = 86_400_000;
const KINDS: MismatchKind[][] = [
  ['tool'],
  ['order'],
  ['status'],
  ['field'],
  ['tool', 'order'],
  ['missing_event'],
];

const now = Date.now();
const dir = await mkdtemp(join(tmpdir(), 'switchyard-store-bench-'));
const store = new SqliteStore(join(dir, 'store.db'));
await store.migrate();

const event = (type: string) => ({
  type,
  runId: 'a1b2c3d4e5f6',
  threadId: '0f1e2d3c4b5a',
  userId: '9a8b7c6d5e4f',
  status: null,
  tool: type === 'tool_call' ? 'search' : null,
  error: null,
});
const events = ['agent_started', 'tool_call', 'tool_result', 'agent_completed'].map(event);

function make(n: number): DivergenceRecord {
  const at = now - Math.floor((n / RECORDS) * 14 * DAY);
  const isolation = n % 1000 === 7;
  const http = n % 4 === 0;
  const divergence = {
    id: String(n),
    at: new Date(at).toISOString(),
    result: isolation ? 'isolation' : 'mismatch',
    kinds: isolation ? [] : KINDS[n % KINDS.length]!,
    ...(http ? { route: `route_${n % 8}` } : { session: `9a8b7c6d5e4f.${n % 50}`, runIndex: n % 20 }),
    control: { engine: 'legacy', events, omittedEvents: 0 },
    candidate: { engine: 'user', events: events.slice(0, 3), omittedEvents: 0 },
  } as unknown as Divergence;
  return { id: `bench-1:${n}`, at, instance: 'bench-1', source: 'cross', divergence };
}

const fillStarted = performance.now();
for (let n = 0; n < RECORDS; n += 5_000) {
  const batch = Array.from({ length: Math.min(5_000, RECORDS - n) }, (_, i) => make(n + i));
  await store.addDivergences(batch);
}
const fillSeconds = (performance.now() - fillStarted) / 1000;
console.log(
  `filled ${RECORDS} records in ${fillSeconds.toFixed(1)} s (${Math.round(RECORDS / fillSeconds)}/s)`,
);

async function timed(name: string, query: DivergenceQuery): Promise<void> {
  const ms: number[] = [];
  let found = 0;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    found = (await store.searchDivergences(query)).items.length;
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(2);
  console.log(`${name.padEnd(44)} ${found} rows  median ${at(0.5)} ms  p95 ${at(0.95)} ms  max ${at(1)} ms`);
}

await timed('kind=tool, last 24 h', { kind: 'tool', since: now - DAY, limit: 50 });
await timed('kind=isolation (rare), last 7 days', { kind: 'isolation', since: now - 7 * DAY, limit: 50 });
await timed('kind=order, days 10..11 ago', {
  kind: 'order',
  since: now - 11 * DAY,
  until: now - 10 * DAY,
  limit: 50,
});
await timed('kind=tool, last 14 days, route=route_4', {
  kind: 'tool',
  since: now - 14 * DAY,
  route: 'route_4',
  limit: 50,
});
await timed('no kind, last hour', { since: now - 3_600_000, limit: 50 });
const page = await store.searchDivergences({ kind: 'tool', since: now - 7 * DAY, limit: 200 });
await timed('kind=tool, last 7 days, the page after 200', {
  kind: 'tool',
  since: now - 7 * DAY,
  limit: 50,
  ...(page.next === undefined ? {} : { cursor: page.next }),
});
await store.close();
await rm(dir, { recursive: true, force: true });
