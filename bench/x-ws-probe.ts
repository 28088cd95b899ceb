import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { startChild, stopChild } from './processes.js';
import { wsLoad } from './ws-load.js';

const here = new URL('.', import.meta.url).pathname;
const secret = 'bench-secret-that-is-at-least-32-bytes';
const token = await new SignJWT({})
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject('bench-user-0')
  .setExpirationTime('1h')
  .sign(new TextEncoder().encode(secret));
const cpu = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const upstream = await startChild(join(here, 'upstream.js'), {}, 1);
const dir = await mkdtemp(join(tmpdir(), 'probe-'));
const proxy = await startChild(
  join(here, 'switchyard-process.js'),
  {
    TARGET: `http://127.0.0.1:${upstream.port}`,
    BENCH_SECRET: secret,
    FLAGS_FILE: join(dir, 'f.json'),
    BENCH_ROLLOUT: '0',
    BENCH_SHADOW: process.env.SH ?? '100',
    BENCH_SHADOW_MAX_FPS: process.env.FPS ?? '10000000',
  },
  0,
  ['--max-semi-space-size=8'],
);
for (let i = 0; i < 3; i++) {
  const c0 = [cpu(proxy.child.pid!), cpu(upstream.child.pid!), process.cpuUsage()];
  const t0 = performance.now();
  const r = await wsLoad(`ws://127.0.0.1:${proxy.port}/ws`, token, 'bench-user-0', 100_000, 200);
  const pu = process.cpuUsage(c0[2] as NodeJS.CpuUsage);
  console.log(
    `${r.framesPerSec} f/s wall ${(performance.now() - t0).toFixed(0)} ms proxy cpu ${cpu(proxy.child.pid!) - (c0[0] as number)} ms upstream cpu ${cpu(upstream.child.pid!) - (c0[1] as number)} ms client cpu ${((pu.user + pu.system) / 1000).toFixed(0)} ms`,
  );
}
await stopChild(proxy.child);
await stopChild(upstream.child);
