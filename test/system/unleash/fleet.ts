import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { buildConfig } from '../../../src/config/load.js';
import { UnleashFlagSource } from '../../../src/flags/unleash/source.js';
import { createSwitchyard, type Switchyard } from '../../../src/server.js';
import { signToken, TEST_SECRET } from '../../support/tokens.js';
import type { UnleashServer } from './unleash-server.js';

export const ADMIN_TOKEN = 'admin-token-for-unleash-tests-0123456789';
export const FLAG_NAMES = { rollout: 'switchyard-rollout', shadow: 'switchyard-shadow' };
export const REFRESH_MS = 2000;

export interface Member {
  name: string;
  app: Switchyard;
  source: UnleashFlagSource;
  url: string;
  opsUrl: string;
  logs: string[];
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** The engine that served `userId` for a real request through the traffic port. */
  served(userId: string): Promise<string>;
  stop(): Promise<void>;
}

export interface MemberOptions {
  name: string;
  dir: string;
  unleash: UnleashServer;
  legacyUrl: string;
  userUrl: string;
  /** Give it the Unleash admin token (default true). */
  writes?: boolean;
  /** A shared PostgreSQL store (and with it the LISTEN/NOTIFY fan-out); default: SQLite in `dir`. */
  storeUrl?: string;
  /** UNLEASH_REFRESH_MS; default REFRESH_MS. */
  refreshMs?: number;
}

/** One proxy of the fleet, in this process, with an Unleash flag source of its own. */
export async function startMember(o: MemberOptions): Promise<Member> {
  const config = buildConfig(
    {
      port: 0,
      host: '127.0.0.1',
      admin: { port: 0, token: ADMIN_TOKEN, tokenFile: join(o.dir, `${o.name}-admin-token`) },
      engines: { legacy: { url: o.legacyUrl }, user: { url: o.userUrl }, timeoutMs: 2000 },
      jwt: { secret: TEST_SECRET },
      log: { level: 'info', requests: false },
      store: {
        path: join(o.dir, `${o.name}-store.db`),
        ...(o.storeUrl !== undefined && { url: o.storeUrl }),
      },
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
  const source = new UnleashFlagSource({
    url: o.unleash.url,
    apiToken: o.unleash.clientToken,
    adminToken: o.writes === false ? undefined : o.unleash.adminToken,
    refreshMs: o.refreshMs ?? REFRESH_MS,
    backupPath: join(o.dir, `${o.name}-backup`),
    project: 'default',
    environment: 'development',
    appName: 'switchyard',
    instanceId: o.name,
    names: FLAG_NAMES,
    log: log.child({ part: 'flags' }),
  });
  const app = createSwitchyard({ config, log, adminToken: ADMIN_TOKEN, flagSource: source });
  const { trafficPort, opsPort } = await app.start();
  const url = `http://127.0.0.1:${trafficPort}`;
  const opsUrl = `http://127.0.0.1:${opsPort}`;
  return {
    name: o.name,
    app,
    source,
    url,
    opsUrl,
    logs,
    async admin(method, path, body) {
      const res = await fetch(`${opsUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text === '' ? null : JSON.parse(text) };
    },
    async served(userId) {
      const res = await fetch(`${url}/api/health-check`, {
        headers: { authorization: `Bearer ${await signToken(userId)}` },
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${o.name}: ${userId} got ${res.status}`);
      return res.headers.get('x-engine') ?? 'none';
    },
    stop: () => app.stop(500),
  };
}

/** Polls `check` on every member until each says yes; answers each member's delay (ms) from `since`. */
export async function seenByAll(
  members: readonly Member[],
  check: (m: Member) => boolean,
  since: number,
  timeoutMs: number,
): Promise<Record<string, number>> {
  const seen: Record<string, number> = {};
  while (Object.keys(seen).length < members.length) {
    for (const m of members) if (seen[m.name] === undefined && check(m)) seen[m.name] = Date.now() - since;
    if (Date.now() - since > timeoutMs) {
      throw new Error(
        `not seen within ${timeoutMs} ms by ${members
          .filter((m) => seen[m.name] === undefined)
          .map((m) => m.name)
          .join(', ')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return seen;
}
