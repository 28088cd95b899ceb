import { once } from 'node:events';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { decide } from '../../../src/routing/decide.js';
import type { FlagState } from '../../../src/routing/types.js';
import type { Member } from './fleet.js';
import type { UnleashServer } from './unleash-server.js';

export const IDS = Array.from(
  { length: 10_000 },
  (_, i) => `user-${i.toString(36)}-${(i * 2654435761) % 4294967296}`,
);

/** Ids on which some member decides differently from the reference state (serve and shadow). */
export function disagreements(members: readonly Member[], reference: FlagState): string[] {
  const out: string[] = [];
  for (const id of IDS) {
    const want = decide(id, reference);
    for (const m of members) {
      const got = m.app.switchboard.decide(id);
      if (got.serve !== want.serve || got.shadow !== want.shadow) out.push(`${m.name}:${id}`);
    }
  }
  return out;
}

/** An independent unleash-client on the real server: Unleash's own evaluation of the flags. */
export async function unleashClient(server: UnleashServer): Promise<Unleash> {
  const client = new Unleash({
    url: server.url,
    appName: 'switchyard-system-test',
    instanceId: 'reference-client',
    customHeaders: { Authorization: server.clientToken },
    refreshInterval: 200,
    disableMetrics: true,
    skipInstanceCountWarning: true,
    storageProvider: new InMemStorageProvider(),
  });
  client.on('error', () => undefined); // it stays quiet through the outage test
  client.on('warn', () => undefined);
  await once(client, 'synchronized');
  return client;
}

/** Ids on which unleash-client's rollout flag and the reference state disagree. */
export function clientDisagreements(client: Unleash, flag: string, reference: FlagState): string[] {
  return IDS.filter(
    (id) => client.isEnabled(flag, { userId: id }) !== (decide(id, reference).serve === 'user'),
  );
}
