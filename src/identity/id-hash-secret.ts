import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The secret that keys id hashes (log/hash-id.ts) on an instance given no `ID_HASH_SECRET`: read
 * from `path`, or generated there (mode 0600, beside the admin token file) on the first start,
 * so that hashes stay the same across restarts. Created with link(2) from a private temporary
 * file, so two instances starting at once end up with the same secret, never a half-written one.
 */
export async function loadOrCreateIdHashSecret(path: string): Promise<string> {
  const existing = await readSecret(path);
  if (existing !== null) return existing;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(temporary, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(temporary);
  }
  const secret = await readSecret(path);
  if (secret === null) throw new Error(`${path}: the id hash secret file is empty`);
  return secret;
}

async function readSecret(path: string): Promise<string | null> {
  try {
    return (await readFile(path, 'utf8')).trim() || null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
