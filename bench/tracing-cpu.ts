import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { benchTokens } from './tokens.js';
import { load } from './load.js';
import { startProxyRig } from './proxy-rig.js';
import { cpuMillis } from './rss.js';

/**
 * `node dist/bench/tracing-cpu.js`: the proxy's CPU µs per HTTP request with tracing off, on at a
 * 0 % ratio (every request unsampled) and at 1 %, steadier than requests per second on a shared
 * machine. BENCH_OTHER_DIST=<another build's dist/bench> adds that build's 0 % and 1 % (before and
 * after), and a second untraced proxy is the control: off over it is this machine's noise floor.
 * BENCH_SECONDS (5), BENCH_CONNECTIONS (20), BENCH_REPS (5), BENCH_CPU_RATE (flat out).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const REPS = Number(process.env.BENCH_REPS ?? 5);
const RATE = process.env.BENCH_CPU_RATE === undefined ? undefined : Number(process.env.BENCH_CPU_RATE);
const here = new URL('.', import.meta.url).pathname;
const other = process.env.BENCH_OTHER_DIST;
const tokens = await benchTokens();
const sink = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
const rig = await startProxyRig('tracing-cpu');
const start = (distBench: string, env: Record<string, string>) =>
  rig.start(env, join(distBench, 'switchyard-process.js'));
const off = { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' };
const traced = (ratio: string) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
  OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
  OTEL_TRACES_SAMPLER_ARG: ratio,
});
const proxies = {
  off: await start(here, off),
  ratio0: await start(here, traced('0')),
  ratio1: await start(here, traced('0.01')),
  /** A second untraced proxy: its figure over off's is the noise floor of this machine. */
  control: await start(here, off),
  ...(other === undefined
    ? {}
    : { otherRatio0: await start(other, traced('0')), otherRatio1: await start(other, traced('0.01')) }),
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const perRequest: Record<string, number[]> = {};
try {
  const entries = Object.entries(proxies);
  for (const [, p] of entries) await load(p.url, CONNECTIONS, 2, tokens, RATE);
  for (let r = 0; r < REPS; r++) {
    for (const [name, p] of r % 2 === 0 ? entries : [...entries].reverse()) {
      const before = cpuMillis(p.pid);
      const result = await load(p.url, CONNECTIONS, SECONDS, tokens, RATE);
      const requests = result.requestsPerSec * SECONDS;
      (perRequest[name] ??= []).push(((cpuMillis(p.pid) - before) * 1000) / requests);
    }
    console.log(
      `rep ${r + 1}:`,
      Object.fromEntries(Object.entries(perRequest).map(([k, v]) => [k, Math.round(v.at(-1)! * 10) / 10])),
    );
  }
} finally {
  await rig.stop();
  sink.close();
}
const round = (x: number) => Math.round(x * 10) / 10;
const req = Object.fromEntries(Object.entries(perRequest).map(([k, v]) => [k, round(median(v))]));
console.log(
  `proxy CPU µs per HTTP request (median of ${REPS}, ${SECONDS}s, ${CONNECTIONS} connections):`,
  req,
);
const over = (name: string) => Math.round((req.off! / req[name]!) * 1000) / 1000;
console.log(
  `  requests per CPU second over off: 0% ${over('ratio0')}, 1% ${over('ratio1')}, untraced control ${over('control')} (the noise floor)`,
);
