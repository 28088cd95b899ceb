import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig, maskSecrets } from '../../../src/config/load.js';
import { loadOrCreateIdHashSecret } from '../../../src/identity/id-hash-secret.js';
import { createIdHasher } from '../../../src/log/hash-id.js';

const SECRET = 'a-secret-of-at-least-32-characters-0123';

describe('createIdHasher', () => {
  it('is stable for one secret, differs between secrets, and is not the plain hash of the id', () => {
    const hash = createIdHasher(SECRET);
    expect(hash('alice')).toBe(createIdHasher(SECRET)('alice'));
    expect(hash('alice')).toMatch(/^[0-9a-f]{12}$/);
    expect(hash('alice')).not.toBe(hash('bob'));
    expect(hash('alice')).not.toBe(createIdHasher(`${SECRET}x`)('alice'));
    expect(hash('alice')).not.toBe(createHash('sha256').update('alice').digest('hex').slice(0, 12));
  });
});

describe('loadOrCreateIdHashSecret', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-idhash-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('generates a secret readable by its owner only, and finds the same one after a restart', async () => {
    const path = join(dir, '.switchyard', 'id-hash-secret');
    const first = await loadOrCreateIdHashSecret(path);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateIdHashSecret(path)).toBe(first);
    expect((await readFile(path, 'utf8')).trim()).toBe(first);
  });

  it('gives instances that start at once the same secret', async () => {
    const path = join(dir, 'id-hash-secret');
    const secrets = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateIdHashSecret(path)));
    expect(new Set(secrets).size).toBe(1);
  });
});

describe('ID_HASH_SECRET', () => {
  const base = { engines: { legacy: { url: 'http://127.0.0.1:1' }, user: { url: 'http://127.0.0.1:2' } } };

  it('sets identity.idHashSecret, which is never printed', () => {
    const config = buildConfig(base, { JWT_SECRET: SECRET, ID_HASH_SECRET: SECRET });
    expect(config.identity.idHashSecret).toBe(SECRET);
    expect(JSON.stringify(maskSecrets(config))).not.toContain(SECRET);
  });

  it('refuses a short one', () => {
    expect(() => buildConfig(base, { JWT_SECRET: SECRET, ID_HASH_SECRET: 'short' })).toThrow(
      /ID_HASH_SECRET: id hash secrets must be at least 32 characters/,
    );
  });
});
