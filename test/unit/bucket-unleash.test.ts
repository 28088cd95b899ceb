import { once } from 'node:events';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { stateToDocument } from '../../src/flags/document.js';
import { decide } from '../../src/routing/decide.js';
import type { FlagState, Override } from '../../src/routing/types.js';

const names = { rollout: 'switchyard-rollout', shadow: 'switchyard-shadow' };
const ids = Array.from(
  { length: 10_000 },
  (_, i) => `user-${i.toString(36)}-${(i * 2654435761) % 4294967296}`,
);

function state(percent: number, overrides: Map<string, Override>): FlagState {
  return {
    rollout: { percent, groupId: names.rollout },
    shadow: { percent: 0, groupId: names.shadow },
    rollback: { engaged: false, trigger: null, reason: null, at: null },
    overrides,
  };
}

/** unleash-client offline: bootstrapped from the flag file's document, no server, no polling. */
async function offlineClient(doc: unknown): Promise<Unleash> {
  const client = new Unleash({
    appName: 'switchyard-test',
    url: 'http://127.0.0.1:9/api',
    disableMetrics: true,
    refreshInterval: 0,
    storageProvider: new InMemStorageProvider(),
    bootstrap: { data: (doc as { features: never[] }).features },
  });
  await once(client, 'ready');
  return client;
}

describe('the file source buckets users exactly as unleash-client does', () => {
  it.each([1, 10, 33, 50, 99])(
    'agrees with unleash-client on 10,000 ids at %i%%, overrides included',
    async (p) => {
      const overrides = new Map<string, Override>([
        [ids[0]!, { serve: 'user' }],
        [ids[1]!, { serve: 'legacy' }],
      ]);
      const flags = state(p, overrides);
      const client = await offlineClient(stateToDocument(flags, names));
      try {
        let disagreements = 0;
        for (const id of ids) {
          const ours = decide(id, flags).serve === 'user';
          if (ours !== client.isEnabled(names.rollout, { userId: id })) disagreements++;
        }
        expect(disagreements).toBe(0);
      } finally {
        client.destroy();
      }
    },
  );
});
