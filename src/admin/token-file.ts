import { randomBytes } from 'node:crypto';
import { chmod, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../flags/atomic-write.js';

/** A fresh admin token written to a file only its owner can read, for the CLI to find. */
export async function generateTokenFile(path: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, `${token}\n`, 0o600);
  await chmod(path, 0o600);
  return token;
}
