import { once } from 'node:events';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { readFeatures } from '../../../src/flags/unleash/features.js';
import { flexibleRollout, notIn, pinStrategy, unleashNames } from '../../../src/flags/unleash/strategies.js';
import { decide } from '../../../src/routing/decide.js';

const names = unleashNames({ rollout: 'switchyard-rollout', shadow: 'switchyard-shadow' });
const ids = Array.from({ length: 10_000 }, (_, i) => `u-${i}-${(i * 2654435761) % 4294967296}`);

/** unleash-client offline, bootstrapped with the flags as Switchyard spells them in Unleash 8. */
async function offlineClient(features: unknown[]): Promise<Unleash> {
  const client = new Unleash({
    appName: 'switchyard-test',
    url: 'http://127.0.0.1:9/api',
    disableMetrics: true,
    refreshInterval: 0,
    skipInstanceCountWarning: true,
    storageProvider: new InMemStorageProvider(),
    bootstrap: { data: features as never[] },
  });
  await once(client, 'ready');
  return client;
}

describe('the Unleash spelling of the flags is evaluated by decide as unleash-client evaluates it', () => {
  it.each([1, 10, 50, 99])('agrees on 10,000 ids at %i%%, with overrides both ways', async (percent) => {
    const [legacy, user] = [ids.slice(0, 20), ids.slice(20, 40)];
    const features = [
      {
        name: names.rollout,
        enabled: true,
        strategies: [
          flexibleRollout(percent, names.rollout, notIn(legacy)),
          pinStrategy(names.rollout, user),
        ],
      },
      { name: names.shadow, enabled: true, strategies: [flexibleRollout(percent, names.shadow, [])] },
    ];
    const flags = readFeatures(features, names).state;
    const client = await offlineClient(features);
    try {
      let disagreements = 0;
      for (const id of ids) {
        const ours = decide(id, flags).serve === 'user';
        if (ours !== client.isEnabled(names.rollout, { userId: id })) disagreements++;
      }
      expect(disagreements).toBe(0);
      expect(legacy.every((id) => decide(id, flags).serve === 'legacy')).toBe(true);
      expect(user.every((id) => decide(id, flags).serve === 'user')).toBe(true);
    } finally {
      client.destroy();
    }
  });
});
