import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { load, type LoadResult } from './load.js';
import { startChild, stopChild } from './processes.js';

/**
 * `npm run build && node dist/bench/baseline.js`: the cost of the noise baseline (issue 21).
 * The same Switchyard (rollout 50%, no cross-engine shadow) with the baseline at 0% and at 10%,
 * in one run, saturated HTTP on a shadow-safe route. Proxy on core 0; load and upstream on core 1.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const here = new URL('.', import.meta.url).pathname;
const secret = 'bench-secret-that-is-at-least-32-bytes';
const sign = (sub: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
const tokens = await Promise.all(Array.from({ length: 1000 }, (_, i) => sign(`bench-user-${i}`)));
const dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-baseline-'));
const upstream = await startChild(join(here, 'upstream.js'), {}, 1);
const target = `http://127.0.0.1:${upstream.port}`;

async function measure(baseline: string, round: number): Promise<LoadResult> {
  const p = await startChild(
    join(here, 'switchyard-process.js'),
    {
      TARGET: target,
      BENCH_SECRET: secret,
      FLAGS_FILE: join(dir, `flags-${baseline}-${round}.json`),
      BENCH_SHADOW: '0',
      BENCH_BASELINE: baseline,
    },
    0,
  );
  try {
    const url = `http://127.0.0.1:${p.port}`;
    await load(url, CONNECTIONS, 2, tokens);
    return await load(url, CONNECTIONS, SECONDS, tokens);
  } finally {
    await stopChild(p.child);
  }
}

try {
  const results: Record<string, LoadResult[]> = { '0': [], '10': [] };
  // Alternated, so that a neighbour's load on the machine falls on both variants alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const baseline of ['0', '10']) results[baseline]!.push(await measure(baseline, round));
  }
  const mean = (rs: LoadResult[], pick: (r: LoadResult) => number) =>
    rs.reduce((sum, r) => sum + pick(r), 0) / rs.length;
  for (const [baseline, rs] of Object.entries(results)) {
    console.log(
      `baseline ${baseline.padStart(2)}%  ${mean(rs, (r) => r.requestsPerSec).toFixed(0)} req/s  p50 ${mean(rs, (r) => r.p50Ms).toFixed(2)} ms  p99 ${mean(rs, (r) => r.p99Ms).toFixed(2)} ms`,
    );
  }
  const ratio = mean(results['10']!, (r) => r.requestsPerSec) / mean(results['0']!, (r) => r.requestsPerSec);
  console.log(`throughput ratio baseline 10% / 0%: ${ratio.toFixed(3)}`);
} finally {
  await stopChild(upstream.child);
}
