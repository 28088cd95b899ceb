import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { load } from './load.js';
import { startProxyRig } from './proxy-rig.js';
import { benchTokens } from './tokens.js';

/**
 * `npm run bench:tracing`: HTTP throughput of Switchyard with tracing at a 1 % sample
 * (`parentbased_traceidratio`, 0.01, exporting to an OTLP/HTTP sink) against tracing off, for
 * scale at 100 %, and a second untraced proxy as a control (its ratio to the first is the noise
 * floor), in one run: BENCH_REPS paired repetitions in alternating order, ratios per
 * repetition, medians reported (issue 24: 1 % >= 0.97 of off). Proxies on core 0; load, sink
 * and upstream on core 1. Writes bench/results/tracing.json.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const here = new URL('.', import.meta.url).pathname;
const tokens = await benchTokens();
if (existsSync('/usr/bin/taskset')) execFileSync('/usr/bin/taskset', ['-pc', '1', String(process.pid)]);

/** The collector: counts what it is sent. */
let exports = 0;
let exportedBytes = 0;
const sink = createServer((req, res) => {
  req.on('data', (c: Buffer) => (exportedBytes += c.length));
  req.on('end', () => {
    exports++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;

const rig = await startProxyRig('tracing');
/**
 * A process's CPU seconds so far (user + system, /proc): CPU per request is steadier than
 * requests per second on a shared machine, where the proxy's core is not its own.
 */
const cpuSeconds = async (pid: number): Promise<number> => {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100)
};
const traced = (ratio: string) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
  OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
  OTEL_TRACES_SAMPLER_ARG: ratio,
});
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round3 = (x: number) => Math.round(x * 1000) / 1000;

try {
  const untraced = { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' };
  const variants = {
    off: await rig.start(untraced),
    /** A second untraced proxy: off over off is the noise floor of this machine's ratios. */
    control: await rig.start(untraced),
    sampled1: await rig.start(traced('0.01')),
    sampled100: await rig.start(traced('1')),
  };
  type Name = keyof typeof variants;
  const names = Object.keys(variants) as Name[];
  for (const name of names) await load(variants[name].url, CONNECTIONS, 2, tokens);
  const reps: Array<Record<Name, number>> = [];
  const cpuMicros: Array<Record<Name, number>> = [];
  for (let r = 0; r < REPS; r++) {
    const rep = {} as Record<Name, number>;
    const cpu = {} as Record<Name, number>;
    for (const name of r % 2 === 0 ? names : [...names].reverse()) {
      const before = await cpuSeconds(variants[name].pid);
      const result = await load(variants[name].url, CONNECTIONS, SECONDS, tokens);
      const used = (await cpuSeconds(variants[name].pid)) - before;
      cpu[name] = Math.round((used * 1e6) / (result.requestsPerSec * SECONDS));
      if (result.errors > 0 || result.non2xx > 0)
        throw new Error(`${name}: ${result.errors} errors, ${result.non2xx} non-2xx`);
      rep[name] = result.requestsPerSec;
    }
    reps.push(rep);
    cpuMicros.push(cpu);
    console.log(
      `rep ${r + 1}: req/s off ${rep.off.toFixed(0)} off(control) ${rep.control.toFixed(0)} 1% ${rep.sampled1.toFixed(0)} 100% ${rep.sampled100.toFixed(0)}` +
        ` | CPU µs/request off ${cpu.off} off(control) ${cpu.control} 1% ${cpu.sampled1} 100% ${cpu.sampled100}`,
    );
  }
  const ratios = {
    sampled1OverOff: round3(median(reps.map((r) => r.sampled1 / r.off))),
    sampled100OverOff: round3(median(reps.map((r) => r.sampled100 / r.off))),
    controlOverOff: round3(median(reps.map((r) => r.control / r.off))),
    /** Requests per CPU second, 1 % over off: the same ratio, measured without the other tenants' noise. */
    cpuSampled1OverOff: round3(median(cpuMicros.map((c) => c.off / c.sampled1))),
    cpuSampled100OverOff: round3(median(cpuMicros.map((c) => c.off / c.sampled100))),
    cpuControlOverOff: round3(median(cpuMicros.map((c) => c.off / c.control))),
  };
  console.log(
    `\nmedian of ${REPS} paired repetitions, ${SECONDS}s each, ${CONNECTIONS} connections; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const met = ratios.sampled1OverOff >= 0.97;
  console.log(`tracing 1% / off   ${ratios.sampled1OverOff}  target >= 0.97 ${met ? 'met' : 'NOT met'}`);
  console.log(`tracing 100% / off ${ratios.sampled100OverOff}  (for scale)`);
  console.log(
    `off / off (control) ${ratios.controlOverOff}  (the noise floor: a ratio this far from 1 means nothing)`,
  );
  console.log(
    `requests per CPU second: 1% / off ${ratios.cpuSampled1OverOff}, 100% / off ${ratios.cpuSampled100OverOff}, control / off ${ratios.cpuControlOverOff}`,
  );
  console.log(`sink: ${exports} exports, ${Math.round(exportedBytes / 1024)} KiB`);
  const out = join(here, '..', '..', 'bench', 'results');
  await mkdir(out, { recursive: true });
  const report = {
    at: new Date().toISOString(),
    seconds: SECONDS,
    connections: CONNECTIONS,
    reps,
    ratios,
    exports,
  };
  await writeFile(join(out, 'tracing.json'), `${JSON.stringify(report, null, 2)}\n`);
} finally {
  await rig.stop();
  sink.close();
}
