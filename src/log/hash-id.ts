import { createHmac } from 'node:crypto';

/** A short, stable stand-in for an id (user, run, thread) in logs and stored divergences. */
export type IdHasher = (id: string) => string;

/**
 * Keyed (HMAC-SHA256, first 12 hex digits), so that nobody without the secret can test a guess:
 * a plain hash of a user id is reversed by hashing the candidate ids. The secret is
 * `ID_HASH_SECRET`, the same across a fleet so hashes agree between replicas (id-hash-secret.ts).
 */
export function createIdHasher(secret: string): IdHasher {
  return (id) => createHmac('sha256', secret).update(id).digest('hex').slice(0, 12);
}
