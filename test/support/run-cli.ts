import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = `${ROOT}bin/switchyard.js`;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** The proxy's ops address, e.g. `http://127.0.0.1:9901`; sets ADMIN_HOST/ADMIN_PORT. */
  opsUrl?: string;
  /** Extra environment; ADMIN_TOKEN and friends are never inherited from the test's own. */
  env?: Record<string, string>;
  cwd?: string;
  /** Which node runs the bin; default the one running the tests. */
  node?: string;
}

/** Runs `node bin/switchyard.js ...` the way ops would, and collects what it printed. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' };
  if (options.opsUrl !== undefined) {
    const url = new URL(options.opsUrl);
    env['ADMIN_HOST'] = url.hostname;
    env['ADMIN_PORT'] = url.port;
  }
  Object.assign(env, options.env);
  return new Promise((resolve) => {
    execFile(
      options.node ?? process.execPath,
      [BIN, ...args],
      { env, cwd: options.cwd ?? ROOT, timeout: 20_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The tests run the compiled CLI: `npm run build` (or `npx tsc -p tsconfig.build.json`) first. */
export function assertBuilt(): void {
  if (!existsSync(`${ROOT}dist/src/cli/main.js`))
    throw new Error('the CLI is not built: run `npm run build` before these tests');
}

/** A system Node 20 (the CLI must start on it), or null on a machine without one. */
export function findNode20(): string | null {
  for (const candidate of ['/usr/bin/node', '/bin/node', '/usr/local/bin/node']) {
    try {
      if (execFileSync(candidate, ['--version'], { encoding: 'utf8' }).startsWith('v20.')) return candidate;
    } catch {
      // not there
    }
  }
  return null;
}

/** The default actor as the audit line records it (the admin API keeps `[\w@.:-]`, 64 chars). */
export function defaultActor(): string {
  return `${userInfo().username}@${hostname()}`.replace(/[^\w@.:-]/g, '').slice(0, 64);
}

/** The audit records the proxy logged, oldest first. */
export function auditLines(
  logs: readonly string[],
): Array<{ action: string; actor: string | null; role: string; reason?: string }> {
  return logs
    .flatMap((chunk) => chunk.split('\n').filter((line) => line.trim() !== ''))
    .map(
      (line) =>
        JSON.parse(line) as {
          audit?: { action: string; actor: string | null; role: string; reason?: string };
        },
    )
    .flatMap((entry) => (entry.audit === undefined ? [] : [entry.audit]));
}
