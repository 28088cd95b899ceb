import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClientFeaturesResponse, UnleashConfig } from 'unleash-client';
import { writeFileAtomic } from '../atomic-write.js';

type StorageProvider = NonNullable<UnleashConfig['storageProvider']>;

/**
 * unleash-client's backup of the last flags it fetched, in a folder we choose (its default is the
 * OS temp dir), written whole or not at all (its own provider writes in place: a crash mid-write
 * leaves a file it cannot read at the next start). It never throws: a backup that cannot be read
 * or written is reported to `onProblem` and the client carries on without it.
 */
export class BackupStorage implements StorageProvider {
  constructor(
    private readonly dir: string,
    private readonly onProblem: (message: string) => void,
  ) {}

  path(key: string): string {
    return join(this.dir, `unleash-backup-${key.replace(/[^\w.-]/g, '_')}.json`);
  }

  async get(key: string): Promise<ClientFeaturesResponse | undefined> {
    const path = this.path(key);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.onProblem(`cannot read the backup ${path}: ${code(err)}`);
      return undefined;
    }
    try {
      const data = JSON.parse(text) as ClientFeaturesResponse;
      if (!Array.isArray(data.features)) throw new Error('no features');
      return data;
    } catch {
      this.onProblem(`the backup ${path} is not a flag backup; ignoring it`);
      return undefined;
    }
  }

  async set(key: string, data: ClientFeaturesResponse): Promise<void> {
    const path = this.path(key);
    try {
      await writeFileAtomic(path, JSON.stringify(data), 0o600);
    } catch (err) {
      this.onProblem(`cannot write the backup ${path}: ${code(err)}`);
    }
  }
}

function code(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}
