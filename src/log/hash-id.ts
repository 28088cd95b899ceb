import { createHash } from 'node:crypto';

/** A short, stable stand-in for a user id in logs and stored divergences: never the id itself. */
export function hashId(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 12);
}
