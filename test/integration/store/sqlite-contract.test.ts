import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { storeContract } from './contract.js';

storeContract('SQLite (node:sqlite, a file)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-store-'));
  const path = join(dir, '.switchyard', 'store.db');
  return {
    open: () => new SqliteStore(path),
    drop: () => rm(dir, { recursive: true, force: true }),
  };
});
