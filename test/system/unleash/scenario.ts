import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pgModule from 'pg';
import { runFlagsCommand } from '../../../src/cli/commands/flags.js';
import { startEchoUpstream, type EchoUpstream } from '../../support/echo-upstream.js';
import { FLAG_NAMES, REFRESH_MS, startMember, type Member, type MemberOptions } from './fleet.js';
import { startPostgres, type Postgres } from '../../../bench/local-postgres.js';
import { startUnleash, type UnleashServer } from './unleash-server.js';

/** One refresh plus Unleash's own publication delay (0-1 s) and some slack. */
export const BOUND_MS = REFRESH_MS + 1500;

export interface Scenario {
  dir: string;
  unleash: UnleashServer;
  /** A second database on Unleash's PostgreSQL, for Switchyard's store (as docs/fleet.md runs it). */
  storeUrl: string;
  /** Lines for the report printed at the end (the numbers the issue asks for). */
  measured: string[];
  /** Starts one more proxy on the same Unleash (stopped with the scenario). */
  member(name: string, more?: Partial<MemberOptions>): Promise<Member>;
  /** `switchyard flags ...` with the environment the proxies use. */
  flagsCommand(argv: string[]): Promise<{ code: number; out: string }>;
  /** Enables (`on`) or disables (`off`) the rollout flag through Unleash's own admin API. */
  toggleInUnleash(action: 'on' | 'off'): Promise<number>;
  stop(): Promise<void>;
}

/** PostgreSQL, a real unleash-server on it, `flags init`, and two echo engines. */
export async function startScenario(): Promise<Scenario> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-unleash-system-'));
  const members: Member[] = [];
  let pg: Postgres | undefined;
  let unleash: UnleashServer | undefined;
  let engines: EchoUpstream[] = [];
  let storeUrl = '';
  const stop = async (): Promise<void> => {
    await Promise.all(members.map((m) => m.stop()));
    await Promise.all(engines.map((e) => e.close()));
    await unleash?.stop();
    await pg?.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    pg = await startPostgres();
    unleash = await startUnleash(pg.url, dir);
    storeUrl = await createDatabase(pg.url, 'switchyard');
    engines = await Promise.all([startEchoUpstream('legacy'), startEchoUpstream('user')]);
  } catch (err) {
    await stop();
    throw err;
  }
  const server = unleash;
  const [legacy, user] = engines as [EchoUpstream, EchoUpstream];
  const scenario: Scenario = {
    dir,
    unleash: server,
    storeUrl,
    measured: [`unleash-server first start (migrations included): ${server.startMs} ms`],
    async member(name, more = {}) {
      const m = await startMember({
        name,
        dir,
        unleash: server,
        legacyUrl: legacy.url,
        userUrl: user.url,
        ...more,
      });
      members.push(m);
      return m;
    },
    async flagsCommand(argv) {
      let out = '';
      const env = { UNLEASH_URL: server.url, UNLEASH_ADMIN_TOKEN: server.adminToken };
      const code = await runFlagsCommand(argv, env, { stdout: (t) => (out += t), stderr: (t) => (out += t) });
      return { code, out };
    },
    async toggleInUnleash(action) {
      const path = `/admin/projects/default/features/${FLAG_NAMES.rollout}/environments/development/${action}`;
      const res = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: server.adminToken },
      });
      await res.arrayBuffer();
      return res.status;
    },
    stop,
  };
  const init = await scenario.flagsCommand(['init']);
  if (init.code !== 0) {
    await stop();
    throw new Error(`switchyard flags init failed: ${init.out}`);
  }
  return scenario;
}

/** Answers the new database's URL. */
async function createDatabase(url: string, name: string): Promise<string> {
  const client = new pgModule.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return url.replace(/\/postgres$/, `/${name}`);
}

export function printMeasurements(title: string, measured: readonly string[]): void {
  console.log(`${title} (UNLEASH_REFRESH_MS ${REFRESH_MS}):\n  ${measured.join('\n  ')}`);
}
