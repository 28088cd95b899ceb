import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

/*
 * A throwaway PostgreSQL 15 server (the Debian packages' binaries) for the system tests and
 * `npm run bench:fleet`. It lives in bench/ because the bench is compiled in the image build,
 * which has no test/ folder.
 */

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

export interface Postgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  /** Stops the server, keeping its data (an outage); `resume` starts it again on the same port. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL 15 (Debian's) on a free loopback port, with its data and socket in a temp
 * folder owned by `postgres`: it refuses to run as root. Durability is off, it is a test database.
 */
export async function startPostgres(placement: { core?: number } = {}): Promise<Postgres> {
  if (!existsSync(`${BIN}/initdb`))
    throw new Error(`PostgreSQL not found in ${BIN} (scripts/system-deps.sh installs it)`);
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-pg-'));
  const { uid, gid } = await ids('postgres');
  await chown(dir, uid, gid);
  const data = join(dir, 'data');
  // With `core`, the server and every backend it forks run on that core only (affinity is inherited),
  // so a benchmark can keep the database off the core of the process it measures.
  const pin =
    placement.core !== undefined && existsSync('/usr/bin/taskset') ? ['-c', String(placement.core)] : null;
  const asPostgres = (cmd: string, args: string[]) =>
    pin === null
      ? run('runuser', ['-u', 'postgres', '--', `${BIN}/${cmd}`, ...args])
      : run('/usr/bin/taskset', [...pin, 'runuser', '-u', 'postgres', '--', `${BIN}/${cmd}`, ...args]);
  await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = () =>
    asPostgres('pg_ctl', ['-D', data, '-l', join(dir, 'postgres.log'), '-w', '-o', options, 'start']);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async pause() {
      // fast, not immediate: with synchronous_commit off an immediate stop may lose the last commits.
      await asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    async resume() {
      await start();
    },
    async stop() {
      await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function ids(user: string): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    run('id', ['-u', user]),
    run('id', ['-g', user]),
  ]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}
