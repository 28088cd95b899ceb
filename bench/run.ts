import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { load, type LoadResult } from './load.js';
import { startChild, stopChild } from './processes.js';
import { wsLoad, type WsResult } from './ws-load.js';

/**
 * `npm run bench`: one run, the same upstream reached directly, through a bare Node proxy and
 * through Switchyard variants. Proxies on core 0; load generator and upstream on core 1.
 * Prints ratios and writes bench/results/bench.json. Not part of CI.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const here = new URL('.', import.meta.url).pathname;
const secret = 'bench-secret-that-is-at-least-32-bytes';
const sign = (sub: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
const tokens = await Promise.all(Array.from({ length: 1000 }, (_, i) => sign(`bench-user-${i}`)));
const dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-'));

const upstream = await startChild(join(here, 'upstream.js'), {}, 1);
const target = `http://127.0.0.1:${upstream.port}`;

async function withSwitchyard<T>(
  variant: Record<string, string>,
  fn: (url: string) => Promise<T>,
): Promise<T> {
  const flags = join(dir, `flags-${Object.values(variant).join('-') || 'default'}.json`);
  const p = await startChild(
    join(here, 'switchyard-process.js'),
    { TARGET: target, BENCH_SECRET: secret, FLAGS_FILE: flags, ...variant },
    0,
  );
  try {
    return await fn(`http://127.0.0.1:${p.port}`);
  } finally {
    await stopChild(p.child);
  }
}

async function http(url: string): Promise<{ throughput: LoadResult; oneConnection: LoadResult }> {
  await load(url, CONNECTIONS, 2, tokens);
  const throughput = await load(url, CONNECTIONS, SECONDS, tokens);
  const oneConnection = await load(url, 1, Math.max(3, SECONDS / 2), tokens);
  return { throughput, oneConnection };
}

/** Primary latency at a fixed, unsaturated rate: what shadowing adds, not CPU queueing at saturation. */
const SHADOW_RATE = Number(process.env.BENCH_SHADOW_RATE ?? 2000);
async function paced(url: string): Promise<{ throughput: LoadResult; oneConnection: LoadResult }> {
  await load(url, 20, 2, tokens, SHADOW_RATE);
  const throughput = await load(url, 20, SECONDS, tokens, SHADOW_RATE);
  const oneConnection = await load(url, 1, Math.max(3, SECONDS / 2), tokens);
  return { throughput, oneConnection };
}

async function ws(url: string): Promise<WsResult> {
  const wsUrl = `${url.replace('http', 'ws')}/ws`;
  await wsLoad(wsUrl, tokens[0]!, 'bench-user-0', 20_000, 200);
  return wsLoad(wsUrl, tokens[0]!, 'bench-user-0', 100_000, 2000);
}

const report: Record<string, unknown> = {
  at: new Date().toISOString(),
  seconds: SECONDS,
  connections: CONNECTIONS,
};
try {
  const bare = await startChild(join(here, 'bare-proxy.js'), { TARGET: target }, 0);
  const direct = await http(target);
  const bareHttp = await http(`http://127.0.0.1:${bare.port}`);
  await stopChild(bare.child);
  const hpm = await startChild(join(here, 'hpm-proxy.js'), { TARGET: target }, 0);
  const hpmHttp = await http(`http://127.0.0.1:${hpm.port}`);
  await stopChild(hpm.child);
  const full = await withSwitchyard({}, http);
  const guardOff = await withSwitchyard({ BENCH_GUARD: 'off' }, http);
  const shadowSaturated = await withSwitchyard({ BENCH_ROLLOUT: '0', BENCH_SHADOW: '100' }, http);
  const line = (name: string, r: { throughput: LoadResult; oneConnection: LoadResult }) =>
    console.log(
      `${name.padEnd(30)} ${r.throughput.requestsPerSec.toFixed(0).padStart(7)} req/s  p50 ${r.throughput.p50Ms} ms  p99 ${r.throughput.p99Ms} ms  | 1 conn ${(r.oneConnection.meanMs * 1000).toFixed(0)} µs/request`,
    );
  line('http direct', direct);
  line('http bare node proxy', bareHttp);
  line('http hpm alone', hpmHttp);
  line('http switchyard', full);
  line('http switchyard guard off', guardOff);
  line('http switchyard shadow 100%', shadowSaturated);

  const hanging = await startChild(join(here, 'hanging-upstream.js'), {}, 1);
  const legacyOnly = { BENCH_ROLLOUT: '0' };
  const shadowOff = await withSwitchyard({ ...legacyOnly, BENCH_SHADOW: '0' }, paced);
  const shadowOn = await withSwitchyard({ ...legacyOnly, BENCH_SHADOW: '100' }, paced);
  const shadowHanging = await withSwitchyard(
    { ...legacyOnly, BENCH_SHADOW: '100', BENCH_USER_TARGET: `http://127.0.0.1:${hanging.port}` },
    paced,
  );
  await stopChild(hanging.child);
  line(`http shadow off @${SHADOW_RATE}/s`, shadowOff);
  line(`http shadow on @${SHADOW_RATE}/s`, shadowOn);
  line(`http shadow hanging @${SHADOW_RATE}/s`, shadowHanging);

  const wsDirect = await ws(target);
  const wsGuarded = await withSwitchyard({}, ws);
  const wsUnguarded = await withSwitchyard({ BENCH_ISOLATION: 'off' }, ws);
  for (const [name, r] of [
    ['ws direct', wsDirect],
    ['ws switchyard (guard)', wsGuarded],
    ['ws switchyard (no guard)', wsUnguarded],
  ] as const) {
    console.log(
      `${name.padEnd(24)} ${String(r.framesPerSec).padStart(8)} frames/s  echo ${r.echoMeanMicros} µs`,
    );
  }

  const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
  const ratios = {
    httpSwitchyardOverBare: ratio(full.throughput.requestsPerSec, bareHttp.throughput.requestsPerSec),
    httpHpmOverBare: ratio(hpmHttp.throughput.requestsPerSec, bareHttp.throughput.requestsPerSec),
    httpBareOverDirect: ratio(bareHttp.throughput.requestsPerSec, direct.throughput.requestsPerSec),
    httpAddedMeanMicrosOneConnection: Math.round(
      (full.oneConnection.meanMs - direct.oneConnection.meanMs) * 1000,
    ),
    httpShadowAllOverNone: ratio(shadowSaturated.throughput.requestsPerSec, full.throughput.requestsPerSec),
    httpGuardOnOverOff: ratio(full.throughput.requestsPerSec, guardOff.throughput.requestsPerSec),
    shadowOnOverOffP99: ratio(shadowOn.throughput.p99Ms, shadowOff.throughput.p99Ms),
    shadowHangingOverOffP99: ratio(shadowHanging.throughput.p99Ms, shadowOff.throughput.p99Ms),
    shadowOnOverOffP50: ratio(shadowOn.throughput.p50Ms, shadowOff.throughput.p50Ms),
    wsGuardedOverDirect: ratio(wsGuarded.framesPerSec, wsDirect.framesPerSec),
    wsUnguardedOverDirect: ratio(wsUnguarded.framesPerSec, wsDirect.framesPerSec),
    wsAddedEchoMicros: wsGuarded.echoMeanMicros - wsDirect.echoMeanMicros,
  };
  console.log('ratios', ratios);
  Object.assign(report, {
    http: {
      direct,
      bare: bareHttp,
      switchyard: full,
      switchyardGuardOff: guardOff,
      switchyardShadowAll: shadowSaturated,
      shadowOff,
      shadowOn,
      shadowHanging,
    },
    ws: { direct: wsDirect, guarded: wsGuarded, unguarded: wsUnguarded },
    ratios,
  });
} finally {
  await stopChild(upstream.child);
}
const out = join(here, '..', '..', 'bench', 'results');
await mkdir(out, { recursive: true });
await writeFile(join(out, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
