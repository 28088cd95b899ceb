import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { load, type LoadResult } from './load.js';
import { startChild, stopChild } from './processes.js';

/**
 * `npm run bench`: the same upstream reached directly, through a bare Node proxy and through
 * Switchyard with every feature on, in one run. The proxies get core 0; the load generator and
 * the upstream share core 1. Prints and writes bench/results/http.json.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const here = new URL('.', import.meta.url).pathname;
const secret = 'bench-secret-that-is-at-least-32-bytes';

const tokens = await Promise.all(
  Array.from({ length: 1000 }, (_, i) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(`bench-user-${i}`)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret)),
  ),
);
const dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-'));
const upstream = await startChild(join(here, 'upstream.js'), {}, 1);
const target = `http://127.0.0.1:${upstream.port}`;
const bare = await startChild(join(here, 'bare-proxy.js'), { TARGET: target }, 0);
const proxy = await startChild(
  join(here, 'switchyard-process.js'),
  { TARGET: target, BENCH_SECRET: secret, FLAGS_FILE: join(dir, 'flags.json') },
  0,
);

const targets = {
  direct: target,
  bare: `http://127.0.0.1:${bare.port}`,
  switchyard: `http://127.0.0.1:${proxy.port}`,
};
const results: Record<string, { throughput: LoadResult; oneConnection: LoadResult }> = {};
try {
  for (const [name, url] of Object.entries(targets)) {
    await load(url, CONNECTIONS, 2, tokens); // warm-up: JIT, keep-alive pools, token cache
    const throughput = await load(url, CONNECTIONS, SECONDS, tokens);
    const oneConnection = await load(url, 1, Math.max(3, SECONDS / 2), tokens);
    results[name] = { throughput, oneConnection };
    console.log(
      `${name.padEnd(11)} ${throughput.requestsPerSec.toFixed(0).padStart(7)} req/s  p50 ${throughput.p50Ms} ms  p99 ${throughput.p99Ms} ms` +
        `  | 1 conn p50 ${oneConnection.p50Ms} ms p99 ${oneConnection.p99Ms} ms  errors ${throughput.errors + throughput.non2xx}`,
    );
  }
} finally {
  await Promise.all([stopChild(proxy.child), stopChild(bare.child), stopChild(upstream.child)]);
}

const r = (n: number, d: number) => Math.round((n / d) * 1000) / 1000;
const ratios = {
  switchyardOverBare: r(
    results.switchyard!.throughput.requestsPerSec,
    results.bare!.throughput.requestsPerSec,
  ),
  switchyardOverDirect: r(
    results.switchyard!.throughput.requestsPerSec,
    results.direct!.throughput.requestsPerSec,
  ),
  bareOverDirect: r(results.bare!.throughput.requestsPerSec, results.direct!.throughput.requestsPerSec),
  addedP50MsOneConnection:
    Math.round((results.switchyard!.oneConnection.p50Ms - results.direct!.oneConnection.p50Ms) * 1000) / 1000,
  addedMeanMicrosOneConnection: Math.round(
    (results.switchyard!.oneConnection.meanMs - results.direct!.oneConnection.meanMs) * 1000,
  ),
};
console.log('ratios', ratios);
await mkdir(join(here, '..', '..', 'bench', 'results'), { recursive: true });
await writeFile(
  join(here, '..', '..', 'bench', 'results', 'http.json'),
  JSON.stringify(
    { at: new Date().toISOString(), seconds: SECONDS, connections: CONNECTIONS, results, ratios },
    null,
    2,
  ),
);
