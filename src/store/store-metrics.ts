import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What the write queue sheds: one label value per queue. */
export const STORE_KINDS = ['divergence', 'audit', 'slice'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/** The store's metrics (docs/fleet.md): the series exist at zero from the start. */
export function createStoreMetrics(registry: Registry) {
  const registers = [registry];
  const m = {
    dropped: new Counter({
      name: 'switchyard_store_dropped_total',
      help: 'Records not written to the store (queue full, or the store failed the write), by kind',
      labelNames: ['kind'] as const,
      registers,
    }),
    up: new Gauge({
      name: 'switchyard_store_up',
      help: '1 while the last store operation succeeded, 0 after a failure',
      registers,
    }),
    writeSeconds: new Histogram({
      name: 'switchyard_store_write_seconds',
      help: 'Time to write one batch to the store',
      labelNames: ['kind'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
  };
  for (const kind of STORE_KINDS) m.dropped.labels(kind).inc(0);
  m.up.set(0);
  return m;
}

export type StoreMetrics = ReturnType<typeof createStoreMetrics>;
