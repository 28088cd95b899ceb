import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';

/** Fails with the fix in the message when Debian's Prometheus is not installed. */
export function requireBinary(path: string): void {
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing: install it with scripts/system-deps.sh (Debian's prometheus package)`,
    );
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface RunningPrometheus {
  url: string;
  /** Prometheus's own output, for the failure message of a test. */
  output: string[];
  /** An instant query; rejects with Prometheus's error for an invalid one. */
  query(expr: string): Promise<Sample[]>;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** host:port of the proxy's ops listener. */
  target: string;
  ruleFiles: string[];
  jobName: string;
}

/**
 * Runs the real Prometheus on a free loopback port with a config of its own: one scrape job on
 * the proxy, scraped and evaluated every second, storage in a temp dir.
 */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  requireBinary(PROMETHEUS);
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-prometheus-'));
  const port = await freePort();
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    '  evaluation_interval: 1s',
    'rule_files:',
    ...options.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`),
    'scrape_configs:',
    `  - job_name: ${options.jobName}`,
    '    metrics_path: /metrics',
    '    static_configs:',
    `      - targets: [${JSON.stringify(options.target)}]`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'prometheus.yml'), config);
  const output: string[] = [];
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const keep = (chunk: Buffer): void => {
    output.push(chunk.toString('utf8'));
    if (output.length > 200) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitFor(
      async () => (await fetch(`${url}/-/ready`)).ok,
      20_000,
      () => `Prometheus not ready:\n${output.join('')}`,
    );
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    url,
    output,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: expr }),
      });
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data?: { resultType: string; result: unknown };
      };
      if (body.status !== 'success') throw new Error(`invalid query: ${body.error ?? res.status}\n${expr}`);
      const data = body.data!;
      if (data.resultType === 'scalar') return [{ metric: {}, value: data.result as [number, string] }];
      if (data.resultType !== 'vector') throw new Error(`unexpected ${data.resultType} result for\n${expr}`);
      return data.result as Sample[];
    },
    stop,
  };
}

/** Polls `check` until it is true; throws `message()` after `timeoutMs`. */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  message: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet: connection refused while starting, and the like
    }
    if (Date.now() > deadline) throw new Error(message());
    await new Promise((r) => setTimeout(r, 250));
  }
}
