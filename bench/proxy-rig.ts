import type { ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROXY_NODE_ARGS } from './node-args.js';
import { startChild, stopChild } from './processes.js';
import { BENCH_SECRET } from './tokens.js';

/** One Switchyard process of a bench: where to send the load, and its pid for /proc readings. */
export interface BenchProxy {
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
}

/** A bench's upstream and the Switchyard processes in front of it. */
export interface ProxyRig {
  /** The upstream's URL (the legacy and user engines both). */
  target: string;
  /**
   * One more Switchyard (bench/switchyard-process.ts) with these BENCH_* and OTEL_* variables, or
   * another proxy script that reads the same ones (another build's, bench/bare-proxy.ts), run with
   * these Node flags (default: the production ones).
   */
  start(env?: Record<string, string>, script?: string, nodeArgs?: string[]): Promise<BenchProxy>;
  /** Stops every process still running, the newest first. */
  stop(): Promise<void>;
}

/**
 * Starts the upstream (bench/upstream.ts) pinned to core 1; each proxy then runs pinned to core 0
 * with the production Node flags (bench/node-args.ts), a flag file of its own and the bench secret.
 */
export async function startProxyRig(name: string): Promise<ProxyRig> {
  const here = new URL('.', import.meta.url).pathname;
  const dir = await mkdtemp(join(tmpdir(), `switchyard-bench-${name}-`));
  const upstream = await startChild(join(here, 'upstream.js'), {}, 1);
  const target = `http://127.0.0.1:${upstream.port}`;
  const children = [upstream.child];
  let flagFiles = 0;
  return {
    target,
    async start(env = {}, script = join(here, 'switchyard-process.js'), nodeArgs = PROXY_NODE_ARGS) {
      const p = await startChild(
        script,
        { TARGET: target, BENCH_SECRET, FLAGS_FILE: join(dir, `flags-${flagFiles++}.json`), ...env },
        0,
        nodeArgs,
      );
      children.push(p.child);
      return { url: `http://127.0.0.1:${p.port}`, port: p.port, pid: p.child.pid!, child: p.child };
    },
    async stop() {
      for (const child of children.reverse()) await stopChild(child);
    },
  };
}
