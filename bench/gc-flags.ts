import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchTokens } from './tokens.js';
import { load } from './load.js';
import { PROXY_NODE_ARGS } from './node-args.js';
import { stopChild } from './processes.js';
import { startProxyRig } from './proxy-rig.js';
import { RssSampler } from './rss.js';
import { wsLoad } from './ws-load.js';

/**
 * `npm run build && node dist/bench/gc-flags.js`: what the Node flags cost and save. For each flag
 * set (BENCH_GC_FLAGS, sets separated by `;`, `-` for none; default: the production flags, the
 * previous ones, the semi-space flag alone), in BENCH_REPS rounds with the order rotating, one Switchyard
 * (every feature on, its own process on core 0) serves: HTTP flat out (50 connections,
 * BENCH_SECONDS, default 30), a WebSocket flood of 100,000 engine frames, then HTTP again. Per
 * phase: requests/s, the process's garbage collection pauses by kind (bench/gc-report.ts) and
 * its RSS. Writes bench/results/gc-flags.json.
 */
/** The production flags before 7 Dec (semi-spaces of 8 MiB, old space grown to 1.5x). */
const PREVIOUS_FLAGS = '--max-semi-space-size=8 --heap-growing-percent=50';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const REPS = Number(process.env.BENCH_REPS ?? 2);
const SETS = (
  process.env.BENCH_GC_FLAGS ?? `${PROXY_NODE_ARGS.join(' ')};${PREVIOUS_FLAGS};--max-semi-space-size=16`
)
  .split(';')
  .map((s) => s.trim())
  .map((s) => (s === '-' ? [] : s.split(' ').filter(Boolean)));
const here = new URL('.', import.meta.url).pathname;
const tokens = await benchTokens();
const reports = await mkdtemp(join(tmpdir(), 'switchyard-gc-flags-'));
if (existsSync('/usr/bin/taskset')) execFileSync('/usr/bin/taskset', ['-pc', '1', String(process.pid)]);
const rig = await startProxyRig('gc-flags');

const rssMiB = async (pid: number) =>
  Math.round(Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 102.4) /
  10;

interface Phase {
  phase: string;
  perSecond: number;
  gc: Record<string, { count: number; ms: number }>;
  rssMiB: number;
}

async function measure(flags: string[], round: number): Promise<{ phases: Phase[]; peakMiB: number }> {
  const report = join(reports, `gc-${round}-${flags.join('_') || 'none'}.jsonl`);
  const proxy = await rig.start({ GC_REPORT_FILE: report }, undefined, [
    ...flags,
    '--import',
    join(here, 'gc-report.js'),
  ]);
  const { url } = proxy;
  const rss = new RssSampler(proxy.pid, 200);
  const phases: Phase[] = [];
  let reads = 0;
  const phaseEnd = async (phase: string, perSecond: number) => {
    proxy.child.kill('SIGUSR2');
    // The report line is appended asynchronously by the proxy: wait for it.
    let lines: string[] = [];
    while (lines.length <= reads) {
      await sleep(50);
      lines = (await readFile(report, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    }
    const gc = JSON.parse(lines[reads++]!) as Phase['gc'];
    phases.push({ phase, perSecond: Math.round(perSecond), gc, rssMiB: await rssMiB(proxy.pid) });
  };
  await load(url, 50, 3, tokens);
  await phaseEnd('warm-up', 0);
  await phaseEnd('http', (await load(url, 50, SECONDS, tokens)).requestsPerSec);
  const ws = await wsLoad(`${url.replace('http', 'ws')}/ws`, tokens[0]!, 'bench-user-0', 100_000, 200);
  await phaseEnd('ws flood', ws.framesPerSec);
  await phaseEnd('http again', (await load(url, 50, SECONDS, tokens)).requestsPerSec);
  const { peakMiB } = rss.stop();
  await stopChild(proxy.child);
  return { phases: phases.slice(1), peakMiB };
}

const results: Array<{ flags: string; round: number; phases: Phase[]; peakMiB: number }> = [];
try {
  for (let round = 0; round < REPS; round++) {
    for (let i = 0; i < SETS.length; i++) {
      const flags = SETS[(i + round) % SETS.length]!;
      const r = await measure(flags, round);
      const name = flags.join(' ') || '(none)';
      results.push({ flags: name, round, ...r });
      const gcMs = (p: Phase) => Object.values(p.gc).reduce((a, t) => a + t.ms, 0);
      console.log(
        `${name.padEnd(52)} ${r.phases
          .map(
            (p) =>
              `${p.phase} ${p.perSecond}/s gc ${gcMs(p)} ms (${p.gc['markCompact']?.count ?? 0} mark-compacts) rss ${p.rssMiB}`,
          )
          .join(' | ')} | peak ${r.peakMiB} MiB`,
      );
    }
  }
} finally {
  await rig.stop();
}
const out = join(here, '..', '..', 'bench', 'results');
await mkdir(out, { recursive: true });
await writeFile(
  join(out, 'gc-flags.json'),
  `${JSON.stringify({ at: new Date().toISOString(), seconds: SECONDS, loadAverage: loadavg(), results }, null, 2)}\n`,
);
