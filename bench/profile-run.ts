import { mkdtemp, readdir, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchTokens } from './tokens.js';
import { load } from './load.js';
import { startChild, stopChild } from './processes.js';
import { RssSampler } from './rss.js';
import { wsLoad } from './ws-load.js';

/** See bench/profile.sh: Switchyard under --cpu-prof, HTTP load then a WebSocket flood. */
const [label = 'profile', secondsArg = '8', mode = 'both'] = process.argv.slice(2);
const seconds = Number(secondsArg);
const here = new URL('.', import.meta.url).pathname;
const out = join(here, '..', '..', 'bench', 'results', 'profiles');
const secret = 'bench-secret-that-is-at-least-32-bytes';
const tokens = await benchTokens(1000, secret);
const upstream = await startChild(join(here, 'upstream.js'), {}, 1);
const profDir = await mkdtemp(join(tmpdir(), 'switchyard-prof-'));
const proxy = await startChild(
  // BENCH_PROFILE_SCRIPT=bare-proxy.js profiles the bare proxy the same way (side-by-side shares).
  join(here, process.env.BENCH_PROFILE_SCRIPT ?? 'switchyard-process.js'),
  {
    TARGET: `http://127.0.0.1:${upstream.port}`,
    BENCH_SECRET: secret,
    FLAGS_FILE: join(profDir, 'flags.json'),
  },
  0,
  [
    ...(process.env.BENCH_PROFILE === 'off' ? [] : ['--cpu-prof', `--cpu-prof-dir=${profDir}`]),
    ...(process.env.BENCH_PROXY_NODE_ARGS ?? '').split(' ').filter(Boolean),
  ],
);
const rss = new RssSampler(proxy.child.pid!);
const url = `http://127.0.0.1:${proxy.port}`;
if (mode !== 'ws') {
  // BENCH_PROFILE_RATE: a fixed rate (what a request costs unsaturated) instead of 50 connections flat out.
  const rate = process.env.BENCH_PROFILE_RATE;
  const r = await load(
    url,
    rate === undefined ? 50 : 10,
    seconds,
    tokens,
    rate === undefined ? undefined : Number(rate),
  );
  console.log(`http ${r.requestsPerSec.toFixed(0)} req/s`);
}
if (mode !== 'http') {
  const r = await wsLoad(`${url.replace('http', 'ws')}/ws`, tokens[0]!, 'bench-user-0', 200_000, 200);
  console.log(`ws ${r.framesPerSec} frames/s`);
}
console.log('rss', rss.stop());
await stopChild(proxy.child);
await stopChild(upstream.child);
for (const f of await readdir(profDir)) {
  if (f.endsWith('.cpuprofile')) await rename(join(profDir, f), join(out, `${label}-${mode}.cpuprofile`));
}
console.log(`written ${join(out, `${label}-${mode}.cpuprofile`)}`);
