import pg from 'pg';
import { PostgresStore } from '../../../src/store/postgres-store.js';
import { storeContract } from '../../integration/store/contract.js';
import { startPostgres, type Postgres } from '../unleash/postgres.js';

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
