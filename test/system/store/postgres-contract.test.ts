import pg from 'pg';
import { PostgresStore } from '../../../src/store/postgres-store.js';
import { storeContract } from '../../integration/store/contract.js';
import { startPostgres, type Postgres } from '../../../bench/local-postgres.js';

/** The same contract as the embedded store's, against a real PostgreSQL 15 (a database per test). */
let server: Postgres;
let admin: pg.Client;
let databases = 0;

beforeAll(async () => {
  server = await startPostgres();
  admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
}, 120_000);

afterAll(async () => {
  await admin?.end();
  await server?.stop();
}, 60_000);

storeContract('PostgreSQL 15 (pg pool)', async () => {
  databases += 1;
  const name = `contract_${databases}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = server.url.replace(/\/postgres$/, `/${name}`);
  return {
    open: () => new PostgresStore({ url }),
    drop: () => admin.query(`DROP DATABASE ${name} WITH (FORCE)`).then(() => undefined),
  };
});

describe('the judge lock in PostgreSQL', () => {
  it("is freed when the judge's connection dies, and another instance takes it", async () => {
    await admin.query('CREATE DATABASE judge_lock');
    const url = server.url.replace(/\/postgres$/, '/judge_lock');
    const a = new PostgresStore({ url });
    const b = new PostgresStore({ url });
    try {
      expect(await a.tryJudge()).toBe(true);
      expect(await b.tryJudge()).toBe(false);
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid, 5000) FROM pg_locks
         WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = 'judge_lock')`,
      );
      expect(killed.rowCount).toBe(1);
      // Waited for (5 s at most): the backend has exited and its lock is gone, so the next try wins.
      expect(await b.tryJudge()).toBe(true);
      // The old judge finds out at its next check: its connection failed, or the lock is taken.
      expect(await a.tryJudge().catch(() => false)).toBe(false);
      expect(await a.tryJudge()).toBe(false);
      expect(await b.tryJudge()).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await admin.query('DROP DATABASE judge_lock WITH (FORCE)');
    }
  });
});
