import { PROXY_NODE_ARGS } from './node-args.js';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchTokens } from './tokens.js';
import pg from 'pg';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { Divergence } from '../src/compare/index.js';
import { FleetStore } from '../src/store/fleet-store.js';
import { PostgresStore } from '../src/store/postgres-store.js';
import { createStoreMetrics, type StoreMetrics } from '../src/store/store-metrics.js';
import type { Store } from '../src/store/types.js';
import { startPostgres } from './local-postgres.js';
import { profileShare } from './profile-share.js';
import { cpuBoundRatio, cpuBoundRatioAtRate, cpuPairs } from './cpu-pairs.js';
import { load, type LoadResult } from './load.js';
import { startChild, stopChild } from './processes.js';

/**
 * `npm run bench:fleet` (issue 22, "Performance and scale"): one PostgreSQL 15 absorbing the
 * divergences and audit entries of BENCH_FLEET_REPLICAS (10) simulated replicas, each a real
 * FleetStore with its write queues and its own pool, at BENCH_FLEET_RATE (1,000) divergences/s in
 * all for BENCH_FLEET_SECONDS (60); meanwhile a real proxy's HTTP throughput with the store on
 * (PostgreSQL, shadowing into mismatches that it records) and off (a store that writes nothing),
 * in BENCH_REPS paired repetitions; before that, from the start of the fleet's load, the same two
 * proxies' CPU time per request at a fixed BENCH_CPU_RATE (1,000/s) in BENCH_CPU_REPS (5) paired
 * repetitions of BENCH_CPU_SECONDS (5), both loaded at once (BENCH_CPU_PAIRING=apart: one after the
 * other, the order alternating): the steadier measure of the store's cost, where
 * throughput ratios swing by ±20% per pair on a shared machine. Writes bench/results/fleet.json.
 * Not part of CI.
 * The proxies' guard runs in dry-run: every shadowed request is a mismatch, so an enforcing guard
 * would roll back at its first mismatch-gate evaluation (~90 comparisons, one pass over the
 * tokens) and neither proxy would shadow, or store, anything for the rest of the run.
 */
const REPLICAS = Number(process.env.BENCH_FLEET_REPLICAS ?? 10);
const RATE = Number(process.env.BENCH_FLEET_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_FLEET_SECONDS ?? 60);
const AUDIT_PER_REPLICA_PER_SECOND = 1;
const HTTP_SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const REPS = Number(process.env.BENCH_REPS ?? 3);
/** Of the proxy's requests, the share shadowed (each a mismatch, so a divergence to store). */
const SHADOW_PERCENT = Number(process.env.BENCH_FLEET_SHADOW ?? 10);
const CPU = {
  rate: Number(process.env.BENCH_CPU_RATE ?? 1000),
  seconds: Number(process.env.BENCH_CPU_SECONDS ?? 5),
  reps: Number(process.env.BENCH_CPU_REPS ?? 5),
  connections: 10,
  settleMs: 1000,
  idleMs: 2000,
  // Both proxies loaded at once on the same core by default: one after the other, pairs on a quiet
  // machine swung from 0.53 to 1.17 (the first minute of each proxy, the fleet's load starting and
  // stopping); loaded together they see the same moment and ranged 0.94-1.02.
  together: process.env.BENCH_CPU_PAIRING !== 'apart',
};
const EVENTS_PER_SIDE = 12;
/** A directory: both proxies run under `--cpu-prof` and leave their profiles there (on, then off). */
const PROFILE_DIR = process.env.BENCH_FLEET_PROFILE;

const here = new URL('.', import.meta.url).pathname;
const secret = 'bench-secret-that-is-at-least-32-bytes';
const tokens = await benchTokens(1000, secret);
if (existsSync('/usr/bin/taskset')) execFileSync('/usr/bin/taskset', ['-pc', '1', String(process.pid)]);

/** Batch write times (ms) by kind, measured around the store itself. */
const writeMs: Record<'divergence' | 'audit', number[]> = { divergence: [], audit: [] };
function timed(store: Store): Store {
  const time =
    <A extends unknown[]>(kind: 'divergence' | 'audit', f: (...a: A) => Promise<void>) =>
    async (...a: A) => {
      const t = performance.now();
      await f(...a);
      writeMs[kind].push(performance.now() - t);
    };
  return Object.assign(Object.create(store) as Store, {
    addDivergences: time('divergence', store.addDivergences.bind(store)),
    appendAudit: time('audit', store.appendAudit.bind(store)),
  });
}

const event = (i: number, type: string) => ({
  type,
  runId: 'a1b2c3d4e5f6',
  threadId: '0f1e2d3c4b5a',
  userId: '9a8b7c6d5e4f',
  status: null,
  tool: type === 'tool_call' ? `search_${i % 3}` : null,
  error: null,
});
const TYPES = [
  'agent_started',
  'agent_thinking',
  'tool_call',
  'tool_result',
  'agent_response',
  'agent_completed',
];
const stream = (n: number) => Array.from({ length: n }, (_, i) => event(i, TYPES[i % TYPES.length]!));
const [control, candidate] = [stream(EVENTS_PER_SIDE), stream(EVENTS_PER_SIDE - 1)];
let made = 0;
const divergence = (): Divergence =>
  ({
    id: String(made++),
    at: new Date().toISOString(),
    source: 'cross',
    result: 'mismatch',
    kinds: made % 3 === 0 ? ['tool', 'order'] : ['missing_event'],
    session: `9a8b7c6d5e4f.${made % 50}`,
    runIndex: made % 20,
    control: { engine: 'legacy', events: control, omittedEvents: 0 },
    candidate: { engine: 'user', events: candidate, omittedEvents: 0 },
  }) as unknown as Divergence;

const sum = async (m: StoreMetrics['dropped']) => (await m.get()).values.reduce((a, v) => a + v.value, 0);
const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 100) / 100;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// PostgreSQL on core 1 with the load generator, the upstreams and the simulated fleet: a replica's
// database runs on another machine; on core 0 it would take turns with the proxy measured there.
const postgres = await startPostgres({ core: 1 });
const children: Array<Awaited<ReturnType<typeof startChild>>> = [];
const report: Record<string, unknown> = {
  at: new Date().toISOString(),
  replicas: REPLICAS,
  divergencesPerSecond: RATE,
  seconds: SECONDS,
  loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
};
try {
  const log = pino({ level: 'warn' });
  const fleet = Array.from({ length: REPLICAS }, (_, i) => {
    const metrics = createStoreMetrics(new Registry());
    const store = new FleetStore({
      store: timed(new PostgresStore({ url: postgres.url })),
      metrics,
      log,
      instance: `bench-replica-${i}`,
      version: 'bench',
      retentionDays: 14,
      heartbeatMs: 5000,
      queueCapacity: 10_000,
      queueMaxBytes: 16 * 1024 * 1024,
      describe: () => ({ flagSource: { kind: 'unleash', up: true }, liveSessions: 0, guardMode: 'enforce' }),
    });
    store.start();
    return { store, metrics };
  });

  // The proxy measured: shadowing a share of its requests to an engine that answers differently.
  const legacy = await startChild(join(here, 'upstream.js'), {}, 1);
  const user = await startChild(join(here, 'upstream.js'), { BENCH_BODY_PAD: 'y' }, 1);
  children.push(legacy, user);
  const proxy = async (name: 'on' | 'off', store: Record<string, string>) => {
    const p = await startChild(
      join(here, 'switchyard-process.js'),
      {
        TARGET: `http://127.0.0.1:${legacy.port}`,
        BENCH_USER_TARGET: `http://127.0.0.1:${user.port}`,
        BENCH_SECRET: secret,
        FLAGS_FILE: join(await mkdtemp(join(tmpdir(), 'switchyard-fleet-bench-')), 'flags.json'),
        BENCH_ROLLOUT: '0',
        BENCH_SHADOW: String(SHADOW_PERCENT),
        BENCH_GUARD: 'dry-run',
        ...store,
      },
      0,
      PROFILE_DIR === undefined
        ? PROXY_NODE_ARGS
        : [
            ...PROXY_NODE_ARGS,
            '--cpu-prof',
            `--cpu-prof-dir=${PROFILE_DIR}`,
            `--cpu-prof-name=${name}.cpuprofile`,
          ],
    );
    children.push(p);
    return p;
  };
  // BENCH_FLEET_AA=1: both proxies store nothing, to see how far two identical processes differ.
  const on = await proxy(
    'on',
    process.env.BENCH_FLEET_AA === '1' ? { BENCH_STORE: 'off' } : { BENCH_STORE_URL: postgres.url },
  );
  const off = await proxy('off', { BENCH_STORE: 'off' });
  const url = (p: { port: number }) => `http://127.0.0.1:${p.port}`;

  // The fleet's writes: RATE divergences/s round robin over the replicas, on schedule.
  const started = performance.now();
  let sent = 0;
  let audits = 0;
  const feeder = setInterval(() => {
    const elapsed = (performance.now() - started) / 1000;
    const due = Math.min(Math.floor(elapsed * RATE), RATE * SECONDS);
    for (; sent < due; sent++) fleet[sent % REPLICAS]!.store.recordDivergence(divergence());
    const auditsDue = Math.min(Math.floor(elapsed * AUDIT_PER_REPLICA_PER_SECOND), SECONDS) * REPLICAS;
    for (; audits < auditsDue; audits++) {
      fleet[audits % REPLICAS]!.store.recordAudit({
        action: 'rollout',
        role: 'admin',
        actor: 'bench',
        address: '127.0.0.1',
        before: { percent: 10 },
        after: { percent: 20 },
        reason: null,
        failed: null,
      });
    }
  }, 20);
  let fedSeconds = NaN;
  const fed = new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (sent >= RATE * SECONDS && audits >= SECONDS * REPLICAS) {
        clearInterval(check);
        fedSeconds = (performance.now() - started) / 1000;
        resolve();
      }
    }, 100);
  });

  // Meanwhile: the proxy's CPU per request at a fixed rate, then its throughput, store on and off.
  for (const p of [on, off]) await load(url(p), CONNECTIONS, 2, tokens);
  const cpuReps = await cpuPairs(
    { on: { url: url(on), pid: on.child.pid! }, off: { url: url(off), pid: off.child.pid! } },
    tokens,
    CPU,
    (rep, r) =>
      console.log(
        `cpu rep ${r + 1}: µs per request at ${CPU.rate}/s store on ${rep.on.micros} off ${rep.off.micros}` +
          ` (off / on ${(rep.off.micros / rep.on.micros).toFixed(3)}; marginal ${rep.on.marginalMicros} / ${rep.off.marginalMicros},` +
          ` idle ${rep.on.idle} / ${rep.off.idle} core, CPU-bound on / off ${cpuBoundRatio(rep.on, rep.off).toFixed(3)};` +
          ` requests ${rep.on.requests} / ${rep.off.requests},` +
          ` busy ${rep.on.busy} / ${rep.off.busy}, errors ${rep.on.errors + rep.off.errors}, non-2xx ${rep.on.non2xx + rep.off.non2xx})`,
      ),
  );
  const cpuDoneAt = (performance.now() - started) / 1000;
  const reps: Array<{ on: LoadResult; off: LoadResult }> = [];
  for (let r = 0; r < REPS; r++) {
    const rep = {} as { on: LoadResult; off: LoadResult };
    for (const name of r % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
      rep[name] = await load(url(name === 'on' ? on : off), CONNECTIONS, HTTP_SECONDS, tokens);
    }
    reps.push(rep);
    console.log(
      `rep ${r + 1}: http req/s store on ${rep.on.requestsPerSec.toFixed(0)} off ${rep.off.requestsPerSec.toFixed(0)}` +
        ` (errors ${rep.on.errors + rep.off.errors}, non-2xx ${rep.on.non2xx + rep.off.non2xx})`,
    );
  }
  const httpDoneAt = (performance.now() - started) / 1000;
  await fed;
  clearInterval(feeder);
  await Promise.all(fleet.map((f) => f.store.settle(30_000)));

  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  const count = async (sql: string) => Number((await client.query<{ n: string }>(sql)).rows[0]!.n);
  const stored = {
    divergences: await count("SELECT count(*) AS n FROM divergences WHERE instance LIKE 'bench-replica-%'"),
    audit: await count("SELECT count(*) AS n FROM audit WHERE instance LIKE 'bench-replica-%'"),
    proxyDivergences: await count(
      "SELECT count(*) AS n FROM divergences WHERE instance NOT LIKE 'bench-replica-%'",
    ),
    instances: await count('SELECT count(*) AS n FROM instances'),
  };
  await client.end();
  const onMetrics = await (await fetch(`http://127.0.0.1:${on.opsPort}/metrics`)).text();
  const shadowed = [
    ...onMetrics.matchAll(
      /^switchyard_shadow_(comparisons|dropped)_total\{(?:result|reason)="(\w+)"\} ([1-9]\d*)/gm,
    ),
  ].map(([, what, label, n]) => `${what} ${label} ${n}`);
  const rolledBack = /^switchyard_rollback_engaged 1$/m.test(onMetrics);
  const proxyDropped = [...onMetrics.matchAll(/^switchyard_store_dropped_total\{kind="(\w+)"\} (\d+)/gm)].map(
    ([, kind, n]) => `${kind} ${n}`,
  );
  let dropped = 0;
  for (const f of fleet) dropped += await sum(f.metrics.dropped);
  await Promise.all(fleet.map((f) => f.store.stop()));

  const ratio = median(reps.map((r) => r.on.requestsPerSec / r.off.requestsPerSec));
  const cpuRatio = median(cpuReps.map((r) => r.off.micros / r.on.micros));
  const cpuBound = median(cpuReps.map((r) => cpuBoundRatio(r.on, r.off)));
  // The scenario: the fleet's 1,000 divergences/s shared by its replicas, whatever one
  // replica's request rate (the plain CPU-bound ratio lets the stored share grow with it).
  const perReplica = RATE / REPLICAS;
  const cpuBoundFleetShare = median(
    cpuReps.map((r) => cpuBoundRatioAtRate(r.on, r.off, SHADOW_PERCENT / 100, perReplica)),
  );
  const results = {
    fleet: {
      divergencesSent: sent,
      auditSent: audits,
      fedSeconds: Math.round(fedSeconds * 10) / 10,
      stored,
      dropped,
      divergenceBatches: writeMs.divergence.length,
      divergenceBatchMs: {
        p50: pct(writeMs.divergence, 0.5),
        p99: pct(writeMs.divergence, 0.99),
        max: pct(writeMs.divergence, 1),
      },
      auditBatchMs: {
        p50: pct(writeMs.audit, 0.5),
        p99: pct(writeMs.audit, 0.99),
        max: pct(writeMs.audit, 1),
      },
    },
    cpu: {
      ...CPU,
      shadowPercent: SHADOW_PERCENT,
      reps: cpuReps,
      microsPerRequest: {
        on: median(cpuReps.map((r) => r.on.micros)),
        off: median(cpuReps.map((r) => r.off.micros)),
      },
      marginalMicrosPerRequest: {
        on: median(cpuReps.map((r) => r.on.marginalMicros)),
        off: median(cpuReps.map((r) => r.off.marginalMicros)),
      },
      idleCore: { on: median(cpuReps.map((r) => r.on.idle)), off: median(cpuReps.map((r) => r.off.idle)) },
      /** Median of the pairs' CPU per request off / on, at the rate the load reached. */
      storeOffOverOn: Math.round(cpuRatio * 1000) / 1000,
      /** Median of the pairs' throughput on / off were both CPU-bound (target >= 0.97). */
      storeOnOverOffCpuBound: Math.round(cpuBound * 1000) / 1000,
      /** The same with the replica storing its share of the fleet's divergences (target >= 0.97). */
      divergencesPerReplicaSecond: perReplica,
      storeOnOverOffCpuBoundFleetShare: Math.round(cpuBoundFleetShare * 1000) / 1000,
      doneAtSecond: Math.round(cpuDoneAt),
    },
    http: {
      connections: CONNECTIONS,
      seconds: HTTP_SECONDS,
      shadowPercent: SHADOW_PERCENT,
      reps,
      storeOnOverOff: Math.round(ratio * 1000) / 1000,
      doneAtSecond: Math.round(httpDoneAt),
      proxyDropped,
      shadowed,
      rolledBack,
    },
  };
  console.log(
    `\n${REPLICAS} replicas, ${RATE} divergences/s for ${SECONDS} s (fed in ${results.fleet.fedSeconds} s): ` +
      `sent ${sent} divergences and ${audits} audit entries; stored ${stored.divergences} and ${stored.audit}; dropped ${dropped}`,
  );
  console.log(
    `divergence batches ${writeMs.divergence.length}: p50 ${results.fleet.divergenceBatchMs.p50} ms, p99 ${results.fleet.divergenceBatchMs.p99} ms, max ${results.fleet.divergenceBatchMs.max} ms; ` +
      `audit batches p99 ${results.fleet.auditBatchMs.p99} ms`,
  );
  console.log(
    `proxy CPU per request at ${CPU.rate}/s, store on ${results.cpu.microsPerRequest.on} µs, off ${results.cpu.microsPerRequest.off} µs: ` +
      `off / on ${results.cpu.storeOffOverOn}; CPU-bound throughput on / off ${results.cpu.storeOnOverOffCpuBound} ` +
      `with ${SHADOW_PERCENT}% of requests stored, ${results.cpu.storeOnOverOffCpuBoundFleetShare} storing the fleet's ` +
      `${perReplica}/s per replica (median of ${CPU.reps} pairs, ${CPU.together ? 'loaded together' : 'one after the other'}, ` +
      `done at ${results.cpu.doneAtSecond} s; target >= 0.97 ${cpuBoundFleetShare >= 0.97 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `proxy throughput with the store on / off: ${results.http.storeOnOverOff} (median of ${REPS}; target >= 0.97 ${ratio >= 0.97 ? 'met' : 'NOT met'}); ` +
      `it stored ${stored.proxyDivergences} divergences, dropped: ${proxyDropped.join(', ')}; shadow: ${shadowed.join(', ')}` +
      (rolledBack ? ' (ROLLED BACK: shadowing stopped)' : ''),
  );
  Object.assign(report, results, { loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) });
} finally {
  for (const p of children.reverse()) await stopChild(p.child);
  await postgres.stop();
}
if (PROFILE_DIR !== undefined) {
  // The store's own code, its driver (pg, pg-pool, pg-protocol) and the pooled guard's store side.
  const store = (url: string) => /\/src\/store\/|\/node_modules\/pg|\/src\/guard\/guard-pool/.test(url);
  const shares = Object.fromEntries(
    (['on', 'off'] as const).map((name) => [
      name,
      profileShare(join(PROFILE_DIR, `${name}.cpuprofile`), store),
    ]),
  );
  for (const [name, s] of Object.entries(shares))
    console.log(
      `profile, store ${name}: ${(s.share * 100).toFixed(2)}% of ${s.busyMs} ms busy CPU under the store's code and driver`,
    );
  report['profileStoreShare'] = shares;
}
const out = join(here, '..', '..', 'bench', 'results');
await mkdir(out, { recursive: true });
await writeFile(join(out, 'fleet.json'), `${JSON.stringify(report, null, 2)}\n`);
