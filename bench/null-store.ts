import type { Store } from '../src/store/types.js';

/** A store that keeps nothing and answers at once: "store off" in bench/fleet.ts. */
export class NullStore implements Store {
  readonly kind = 'sqlite' as const;
  migrate = () => Promise.resolve();
  addDivergences = () => Promise.resolve();
  searchDivergences = () => Promise.resolve({ items: [] });
  appendAudit = () => Promise.resolve();
  listAudit = () => Promise.resolve({ items: [] });
  heartbeat = () => Promise.resolve();
  listInstances = () => Promise.resolve([]);
  getState = () => Promise.resolve(null);
  putState = () => Promise.resolve(true);
  addSlices = () => Promise.resolve();
  readSlices = () => Promise.resolve([]);
  pruneSlices = () => Promise.resolve(0);
  tryJudge = () => Promise.resolve(true);
  resign = () => Promise.resolve();
  prune = () => Promise.resolve({ divergences: 0, audit: 0, instances: 0 });
  close = () => Promise.resolve();
}
