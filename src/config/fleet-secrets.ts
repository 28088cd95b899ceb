import type { Config } from './schema.js';

const NEEDED = [
  { name: 'ADMIN_TOKEN', set: (c: Config) => c.admin.token !== undefined },
  { name: 'TICKET_SECRET', set: (c: Config) => c.tickets.secret !== undefined },
  { name: 'ID_HASH_SECRET', set: (c: Config) => c.identity.idHashSecret !== undefined },
] as const;

/**
 * A fleet (a shared store, or the Unleash flag source) needs one admin token, ticket secret and
 * id-hash key for all replicas: a value generated per process breaks tickets across replicas,
 * makes id hashes disagree in the shared store, and the CLI's token work at one replica only.
 * Returns one problem per missing variable (main.ts refuses to start with exit 2).
 */
export function fleetSecretProblems(config: Config): string[] {
  const why = [
    config.store.url === undefined ? null : 'a shared store (STORE_URL)',
    config.flags.source === 'unleash' ? 'FLAG_SOURCE=unleash' : null,
  ].filter((w) => w !== null);
  if (why.length === 0) return [];
  return NEEDED.filter((n) => !n.set(config)).map(
    (n) => `${n.name}: required with ${why.join(' and ')}: every replica must share the same value`,
  );
}
