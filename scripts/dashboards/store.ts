import { timeseries, type PanelSpec } from './grafana.js';
import { quantile, sel, sumRate } from './promql.js';
import { upStat } from './up-stat.js';

/** The durable store (docs/fleet.md): is it up, how long a batch takes, what is shed. */
export function storePanels(): PanelSpec[] {
  return [
    upStat(
      'Store up',
      'Per instance: the last store operation (a batch written, a heartbeat, the migration) succeeded. Traffic never waits on the store: while it is down, divergences and audit entries are shed and counted.',
      'switchyard_store_up',
    ),
    timeseries({
      title: 'Store batch write time',
      description: 'p50 and p99 of the time to write one batch (up to 500 records) to the store, by kind.',
      targets: [0.5, 0.99].map((q) => ({
        expr: quantile(q, ['kind'], 'switchyard_store_write_seconds'),
        legend: `{{kind}} p${Math.round(q * 100)}`,
      })),
      unit: 's',
      fill: 0,
      w: 9,
      h: 7,
    }),
    timeseries({
      title: 'Store records dropped',
      description:
        'Divergences and audit entries not written, per second, by kind: the write queue was full (the store is slow) or the store failed the write (it is down). The alert fires when it goes on for 10 minutes.',
      targets: [{ expr: sumRate(['kind'], 'switchyard_store_dropped_total'), legend: '{{kind}}' }],
      unit: 'ops',
      stack: true,
      w: 9,
      h: 7,
    }),
    timeseries({
      title: 'Guard judge and scope',
      description:
        "Per instance: 1 on the fleet's judge (it judges the pooled guard slices of every replica; exactly one replica of a fleet on PostgreSQL should show it), and 1 where the guard judges only its own traffic (an embedded store, or a fleet replica that cannot read the store: SwitchyardStoreDown says why).",
      targets: [
        { expr: sel('switchyard_guard_judge'), legend: '{{instance}} judge' },
        { expr: sel('switchyard_guard_scope', 'scope="local"'), legend: '{{instance}} judging alone' },
      ],
      fill: 0,
      w: 24,
      h: 6,
    }),
  ];
}
