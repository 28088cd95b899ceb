import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientFeaturesResponse } from 'unleash-client';
import { BackupStorage } from '../../../src/flags/unleash/backup-storage.js';

let dir: string;
let problems: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-backup-'));
  problems = [];
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const flags = (n: number): ClientFeaturesResponse => ({
  version: 2,
  features: Array.from({ length: n }, (_, i) => ({ name: `flag-${i}`, enabled: true, strategies: [] })),
});

describe('the Unleash backup storage', () => {
  it('writes the backup whole, readable by the owner only, and reads it back', async () => {
    const storage = new BackupStorage(join(dir, 'new-folder'), (m) => problems.push(m));
    await storage.set('switchyard app', flags(3));
    expect((await storage.get('switchyard app'))?.features).toHaveLength(3);
    expect((await stat(storage.path('switchyard app'))).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'new-folder'))).toEqual(['unleash-backup-switchyard_app.json']);
    expect(problems).toEqual([]);
  });

  it('keeps one whole backup and no temporary file when writes overlap', async () => {
    const storage = new BackupStorage(dir, (m) => problems.push(m));
    await Promise.all(Array.from({ length: 20 }, (_, i) => storage.set('app', flags(i + 1))));
    const read = await storage.get('app');
    expect(read?.features.length).toBeGreaterThanOrEqual(1);
    expect(await readdir(dir)).toEqual(['unleash-backup-app.json']);
    expect(problems).toEqual([]);
  });

  it('has nothing, and says nothing, before the first backup', async () => {
    const storage = new BackupStorage(dir, (m) => problems.push(m));
    expect(await storage.get('app')).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it('ignores a file that is not a flag backup, saying so', async () => {
    const storage = new BackupStorage(dir, (m) => problems.push(m));
    await writeFile(storage.path('app'), '{"half":');
    expect(await storage.get('app')).toBeUndefined();
    expect(problems).toEqual([`the backup ${storage.path('app')} is not a flag backup; ignoring it`]);
  });

  it('reports a backup it cannot write instead of throwing, and leaves nothing behind', async () => {
    await writeFile(join(dir, 'a-file'), 'not a folder');
    const storage = new BackupStorage(join(dir, 'a-file', 'backups'), (m) => problems.push(m));
    await expect(storage.set('app', flags(1))).resolves.toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^cannot write the backup .*unleash-backup-app\.json: ENOTDIR$/);
    expect(await readdir(dir)).toEqual(['a-file']);
  });
});
