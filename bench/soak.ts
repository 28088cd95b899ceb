import { readFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTicketStore, DEMO_JWT_SECRET, startEngine } from '../engines/index.js';
import { SimulatedUsers } from '../demo/simulated-users.js';
import { startChild, stopChild } from './processes.js';
import { PROXY_NODE_ARGS } from './node-args.js';

/**
 * `npm run bench:soak`: Switchyard (its own process) in front of the reference engines, 50%
 * rollout, every user shadowed, simulated users over HTTP and WebSocket with runs, for
 * SOAK_MINUTES (default 10). Samples the proxy's RSS every 10 s; reports the drift from the
 * level after the first minute. Stops by itself.
 */
const minutes = Number(process.env.SOAK_MINUTES ?? 10);
const here = new URL('.', import.meta.url).pathname;
const tickets = createTicketStore();
const legacy = await startEngine({
  kind: 'legacy',
  jwtSecret: DEMO_JWT_SECRET,
  tickets,
  faults: { stepDelayMs: 5 },
});
const user = await startEngine({
  kind: 'user',
  jwtSecret: DEMO_JWT_SECRET,
  tickets,
  faults: { stepDelayMs: 5, divergence: { kind: 'tool', fraction: 0.1 } },
});
// The production start script's Node flags, as `npm run bench` uses them.
const proxyNodeArgs = PROXY_NODE_ARGS;
const dir = await mkdtemp(join(tmpdir(), 'switchyard-soak-'));
const proxy = await startChild(
  join(here, 'switchyard-process.js'),
  {
    TARGET: legacy.url,
    BENCH_USER_TARGET: user.url,
    BENCH_SECRET: DEMO_JWT_SECRET,
    FLAGS_FILE: join(dir, 'flags.json'),
    BENCH_SHADOW: '100',
  },
  0,
  proxyNodeArgs,
);
const rss = async (): Promise<number> => {
  const status = await readFile(`/proc/${proxy.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
};
/** The proxy's CPU seconds so far (user + system, from /proc: threads included). */
const cpuSeconds = async (): Promise<number> => {
  const fields = (await readFile(`/proc/${proxy.child.pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const users = new SimulatedUsers(`http://127.0.0.1:${proxy.port}`, DEMO_JWT_SECRET, 60);
await users.start();
const samples: Array<{ s: number; rssMiB: number }> = [];
const started = Date.now();
while (Date.now() - started < minutes * 60_000) {
  await new Promise((r) => setTimeout(r, 10_000));
  const sample = {
    s: Math.round((Date.now() - started) / 1000),
    rssMiB: Math.round((await rss()) * 10) / 10,
  };
  samples.push(sample);
  console.log(
    `t=${sample.s}s rss ${sample.rssMiB} MiB  http ${users.counters.http.legacy + users.counters.http.user} ws ${users.counters.wsSessions.token + users.counters.wsSessions.ticket}`,
  );
}
const cpu = await cpuSeconds();
users.stop();
await stopChild(proxy.child);
await Promise.all([legacy.close(), user.close()]);
const warm = samples.find((x) => x.s >= 60) ?? samples[0]!;
const last = samples.at(-1)!;
const driftPercent = Math.round(((last.rssMiB - warm.rssMiB) / warm.rssMiB) * 1000) / 10;
console.log(`RSS after warm-up ${warm.rssMiB} MiB, at the end ${last.rssMiB} MiB: drift ${driftPercent}%`);
const peak = Math.max(...samples.map((x) => x.rssMiB));
console.log(
  `RSS peak ${peak} MiB; proxy CPU ${cpu.toFixed(1)} s (${((cpu / last.s) * 100).toFixed(1)}% of a core)`,
);
const out = join(here, '..', '..', 'bench', 'results');
await mkdir(out, { recursive: true });
await writeFile(
  join(out, 'soak.json'),
  `${JSON.stringify({ minutes, nodeArgs: proxyNodeArgs, samples, warm, last, peak, driftPercent, cpuSeconds: cpu, counters: users.counters }, null, 2)}\n`,
);
