import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { buildConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createSwitchyard, type Switchyard } from '../../src/server.js';
import type { GuardClock } from '../../src/guard/rollback-guard.js';
import type { Store } from '../../src/store/types.js';
import type { Tracing } from '../../src/tracing/setup.js';
import { TEST_SECRET } from './tokens.js';

export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789abcdef';
export const READ_TOKEN = 'read-token-for-tests-0123456789abcdefgh';

export interface ProxyUnderTest {
  app: Switchyard;
  config: Config;
  url: string;
  opsUrl: string;
  dir: string;
  /** Every log line the proxy wrote, raw. */
  logs: string[];
  admin(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  legacyUrl: string;
  userUrl: string;
  /** Config file object merged over the defaults. */
  config?: Record<string, unknown>;
  /** Reuse a directory (restart tests). */
  dir?: string;
  /** The durable store (default: SQLite in `dir`). */
  store?: Store;
  /** The release plan's clock (default: the system's). */
  planClock?: GuardClock;
  /** Whether this proxy drives the release plan (default: it does). */
  isPlanDriver?: () => boolean;
  /** The guard's clock (default: the system's). */
  guardClock?: GuardClock;
  /** Tracing (default: off, whatever the environment says). */
  tracing?: Tracing | null;
}

export async function startProxy(options: HarnessOptions): Promise<ProxyUnderTest> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'switchyard-test-')));
  const config = buildConfig(
    {
      port: 0,
      host: '127.0.0.1',
      admin: { port: 0, token: ADMIN_TOKEN, readToken: READ_TOKEN, tokenFile: join(dir, 'admin-token') },
      engines: { legacy: { url: options.legacyUrl }, user: { url: options.userUrl }, timeoutMs: 2000 },
      jwt: { secret: TEST_SECRET },
      flags: { file: join(dir, 'flags.json') },
      store: { path: join(dir, 'store.db') },
      log: { level: 'info' },
      ...options.config,
    },
    {},
  );
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const log = pino({ level: 'info' }, sink);
  const app = createSwitchyard({
    config,
    log,
    adminToken: ADMIN_TOKEN,
    tracing: options.tracing ?? null,
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(options.planClock === undefined ? {} : { planClock: options.planClock }),
    ...(options.isPlanDriver === undefined ? {} : { isPlanDriver: options.isPlanDriver }),
    ...(options.guardClock === undefined ? {} : { guardClock: options.guardClock }),
  });
  const { trafficPort, opsPort } = await app.start();
  const opsUrl = `http://127.0.0.1:${opsPort}`;
  return {
    app,
    config,
    url: `http://127.0.0.1:${trafficPort}`,
    opsUrl,
    dir,
    logs,
    async admin(method, path, body, token = ADMIN_TOKEN) {
      const res = await fetch(`${opsUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'x-switchyard-actor': 'jest',
        },
        ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text === '' ? null : JSON.parse(text) };
    },
    async stop() {
      await app.stop(500);
      if (options.dir === undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}
