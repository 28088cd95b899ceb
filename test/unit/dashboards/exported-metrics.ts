import { Registry } from 'prom-client';
import { createMetrics } from '../../../src/metrics/catalog.js';
import { createFanoutMetrics } from '../../../src/store/postgres-notify.js';
import { createStoreMetrics } from '../../../src/store/store-metrics.js';

/** Every series name the proxy exports, histograms as their `_bucket`, `_sum` and `_count`. */
export async function exportedMetricNames(): Promise<Set<string>> {
  const registry = new Registry();
  createMetrics(registry);
  createStoreMetrics(registry);
  createFanoutMetrics(registry);
  const names = new Set<string>();
  for (const m of await registry.getMetricsAsJSON()) {
    if (String(m.type) === 'histogram') {
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${m.name}${suffix}`);
    } else if (String(m.type) === 'summary') {
      for (const suffix of ['', '_sum', '_count']) names.add(`${m.name}${suffix}`);
    } else {
      names.add(m.name);
    }
  }
  return names;
}
