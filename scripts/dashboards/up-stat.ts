import { stat, type PanelSpec } from './grafana.js';
import { sel } from './promql.js';

/**
 * A stat panel of a 0/1 health gauge (`switchyard_*_up`), one figure per instance: "up" on green,
 * "DOWN" on red.
 */
export function upStat(title: string, description: string, metric: string): PanelSpec {
  return stat({
    title,
    description,
    targets: [{ expr: sel(metric), legend: '{{instance}}', instant: true }],
    mappings: [
      { value: '1', text: 'up', color: 'green' },
      { value: '0', text: 'DOWN', color: 'red' },
    ],
    colorMode: 'background',
    thresholds: [
      { value: null, color: 'red' },
      { value: 1, color: 'green' },
    ],
    w: 6,
    h: 7,
  });
}
