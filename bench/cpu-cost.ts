import { join } from 'node:path';
import { benchTokens } from './tokens.js';
import { load } from './load.js';
import { startProxyRig } from './proxy-rig.js';
import { cpuMillis } from './rss.js';
import { wsLoad } from './ws-load.js';

/**
 * `node dist/bench/cpu-cost.js`: CPU time each proxy spends per HTTP request (at a fixed,
 * unsaturated rate) and per relayed WebSocket frame, read from /proc. On a machine shared with
 * other jobs, throughput ratios swing by ±15% per pair; CPU time per unit of work is what the
 * proxy itself costs, and its inverse ratio is the throughput ratio of a CPU-bound proxy.
 * BENCH_OTHER_DIST=<another build's dist/bench> adds that build's Switchyard beside this one
 * (before/after). BENCH_CPU_RATE (1000/s), BENCH_CPU_SECONDS (5), BENCH_REPS (3);
 * BENCH_WS_FRAMES=0 measures HTTP only.
 */
const RATE = Number(process.env.BENCH_CPU_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_CPU_SECONDS ?? 5);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const FRAMES = Number(process.env.BENCH_WS_FRAMES ?? 100_000);
const here = new URL('.', import.meta.url).pathname;
const other = process.env.BENCH_OTHER_DIST;
const tokens = await benchTokens();
const rig = await startProxyRig('cpu');
const start = (script: string, env: Record<string, string> = {}) => rig.start(env, script);
const shadowed = { BENCH_ROLLOUT: '0', BENCH_SHADOW: '100', BENCH_SHADOW_MAX_FPS: '10000000' };
const http = {
  bare: await start(join(here, 'bare-proxy.js')),
  switchyard: await start(join(here, 'switchyard-process.js')),
  ...(other === undefined ? {} : { other: await start(join(other, 'switchyard-process.js')) }),
};
const ws = {
  relay: await start(join(here, 'minimal-ws-relay.js')),
  guarded: http.switchyard,
  shadowed: await start(join(here, 'switchyard-process.js'), shadowed),
  ...(other === undefined
    ? {}
    : { otherShadowed: await start(join(other, 'switchyard-process.js'), shadowed) }),
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const perRequest: Record<string, number[]> = {};
const perFrame: Record<string, number[]> = {};
try {
  for (const p of Object.values(http)) await load(p.url, 10, 2, tokens, RATE);
  for (let r = 0; r < REPS; r++) {
    for (const [name, p] of Object.entries(http)) {
      const before = cpuMillis(p.pid);
      const result = await load(p.url, 10, SECONDS, tokens, RATE);
      const requests = result.requestsPerSec * SECONDS;
      (perRequest[name] ??= []).push(((cpuMillis(p.pid) - before) * 1000) / requests);
    }
    for (const [name, p] of FRAMES === 0 ? [] : Object.entries(ws)) {
      const before = cpuMillis(p.pid);
      await wsLoad(`ws://127.0.0.1:${p.port}/ws`, tokens[0]!, 'bench-user-0', FRAMES, 0);
      (perFrame[name] ??= []).push(((cpuMillis(p.pid) - before) * 1000) / FRAMES);
    }
  }
} finally {
  await rig.stop();
}
const round = (x: number) => Math.round(x * 100) / 100;
const req = Object.fromEntries(Object.entries(perRequest).map(([k, v]) => [k, round(median(v))]));
const frame = Object.fromEntries(Object.entries(perFrame).map(([k, v]) => [k, round(median(v))]));
console.log(`proxy CPU µs per HTTP request at ${RATE}/s (median of ${REPS}):`, req);
console.log(`  bare / switchyard (a CPU-bound throughput ratio): ${round(req.bare! / req.switchyard!)}`);
if (req.other !== undefined) console.log(`  other build / this build: ${round(req.other / req.switchyard!)}`);
console.log(`proxy CPU µs per relayed WebSocket frame (median of ${REPS}):`, frame);
console.log(
  `  relay / guarded ${round(frame.relay! / frame.guarded!)}, relay / shadowed ${round(frame.relay! / frame.shadowed!)}`,
);
