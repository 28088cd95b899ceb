import { load, type LoadResult } from './load.js';
import { stopChild } from './processes.js';
import { startProxyRig } from './proxy-rig.js';
import { benchTokens } from './tokens.js';

/**
 * `npm run build && node dist/bench/baseline.js`: the cost of the noise baseline (issue 21).
 * The same Switchyard (rollout 50%, no cross-engine shadow) with the baseline at 0% and at 10%,
 * in one run, saturated HTTP on a shadow-safe route. Proxy on core 0; load and upstream on core 1.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const tokens = await benchTokens();
const rig = await startProxyRig('baseline');

async function measure(baseline: string): Promise<LoadResult> {
  const p = await rig.start({ BENCH_SHADOW: '0', BENCH_BASELINE: baseline });
  try {
    await load(p.url, CONNECTIONS, 2, tokens);
    return await load(p.url, CONNECTIONS, SECONDS, tokens);
  } finally {
    await stopChild(p.child);
  }
}

try {
  const results: Record<string, LoadResult[]> = { '0': [], '10': [] };
  // Alternated, so that a neighbour's load on the machine falls on both variants alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const baseline of ['0', '10']) results[baseline]!.push(await measure(baseline));
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
  await rig.stop();
}
