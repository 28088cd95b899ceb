import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../../bench/free-port.js';

const STARTER = fileURLToPath(new URL('./start-unleash.ts', import.meta.url));
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
/** unleash-server 8 needs Node >= 22: jest started through npx runs the project's pinned Node 24. */
const NODE = NODE_MAJOR >= 22 ? process.execPath : join(process.cwd(), 'node_modules/.bin/node');

export interface UnleashServer {
  /** The API address as unleash-client takes it: `http://127.0.0.1:<port>/api`. */
  url: string;
  adminToken: string;
  clientToken: string;
  /** Milliseconds its last start took (the first one runs the migrations). */
  startMs: number;
  stop(): Promise<void>;
  /** Starts it again on the same port and database. */
  restart(): Promise<void>;
}

/** A real unleash-server, in a child process, on a free loopback port, on the given database. */
export async function startUnleash(databaseUrl: string, logDir: string): Promise<UnleashServer> {
  const port = await freePort();
  const adminToken = `*:*.${randomBytes(16).toString('hex')}`;
  const clientToken = `default:development.${randomBytes(16).toString('hex')}`;
  const log = createWriteStream(join(logDir, 'unleash.log'), { flags: 'a' });
  let child: ChildProcess | null = null;
  const server: UnleashServer = {
    url: `http://127.0.0.1:${port}/api`,
    adminToken,
    clientToken,
    startMs: 0,
    async stop() {
      if (child === null || child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      child = null;
    },
    async restart() {
      const started = Date.now();
      child = spawn(NODE, [STARTER], {
        env: {
          ...process.env,
          NODE_ENV: 'production',
          DATABASE_URL: databaseUrl,
          HTTP_PORT: String(port),
          INIT_ADMIN_API_TOKENS: adminToken,
          INIT_BACKEND_API_TOKENS: clientToken,
          CHECK_VERSION: 'false',
          SEND_TELEMETRY: 'false',
          LOG_LEVEL: 'warn',
          NODE_NO_WARNINGS: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stderr?.pipe(log, { end: false });
      await ready(child, log);
      server.startMs = Date.now() - started;
    },
  };
  await server.restart();
  return server;
}

/** Resolves on the starter's `{"ready":true}` line; rejects if it exits first. */
function ready(child: ChildProcess, log: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      buffered += chunk.toString('utf8');
      if (buffered.includes('"ready":true')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`unleash-server exited (${code}) before it was ready; see unleash.log`)),
    );
  });
}
