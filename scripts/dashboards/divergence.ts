import { dashboard } from './dashboard.js';
import { ENGINE_COLOURS, barGauge, colourBy, stat, timeseries, type PanelSpec } from './grafana.js';
import { QUANTILES, pct, quantile, sel, sumIncrease, sumRate } from './promql.js';

const RESULT_COLOURS = [
  colourBy('/^match$/', 'green'),
  colourBy('/^mismatch$/', 'red'),
  colourBy('/^incomplete$/', 'yellow'),
  colourBy('/^isolation$/', 'purple'),
];

function comparisons(): PanelSpec[] {
  const judged = sumRate([], 'switchyard_shadow_comparisons_total', 'result=~"match|mismatch"');
  return [
    timeseries({
      title: 'Shadow comparisons by result',
      description:
        'Compared runs (WebSocket) and responses (HTTP) per second: match, mismatch (see the kinds below), incomplete (one side timed out or closed) or isolation (a side leaked).',
      targets: [{ expr: sumRate(['result'], 'switchyard_shadow_comparisons_total'), legend: '{{result}}' }],
      unit: 'ops',
      stack: true,
      overrides: RESULT_COLOURS,
      w: 10,
    }),
    timeseries({
      title: 'Mismatch rate',
      description:
        'mismatch / (match + mismatch), as the guard’s mismatch-rate gate counts it, and the share of comparisons left incomplete. The dashed line is the default limit, 5%.',
      targets: [
        {
          expr: `${sumRate([], 'switchyard_shadow_comparisons_total', 'result="mismatch"')}\n/ ${judged}`,
          legend: 'mismatch rate',
        },
        {
          expr: `${sumRate([], 'switchyard_shadow_comparisons_total', 'result="incomplete"')}\n/ ${sumRate([], 'switchyard_shadow_comparisons_total')}`,
          legend: 'incomplete share',
        },
      ],
      unit: 'percentunit',
      min: 0,
      thresholds: [
        { value: null, color: 'green' },
        { value: 0.05, color: 'red' },
      ],
      showThresholds: true,
      fill: 0,
      w: 10,
    }),
    stat({
      title: 'Comparisons in the time range',
      description: 'How many comparisons of each result over the dashboard’s time range.',
      targets: [
        {
          expr: `round(${sumIncrease(['result'], '$__range', 'switchyard_shadow_comparisons_total')})`,
          legend: '{{result}}',
          instant: true,
        },
      ],
      textMode: 'value_and_name',
      thresholds: [{ value: null, color: 'text' }],
      overrides: RESULT_COLOURS,
      w: 4,
      h: 8,
    }),
  ];
}

function mismatches(): PanelSpec[] {
  return [
    timeseries({
      title: 'Mismatches by kind',
      description:
        'Kinds found in mismatched comparisons, per second: missing_event, extra_event, order, tool, status, error, field. `switchyard divergences --kind <kind>` lists the recent ones with both event streams.',
      targets: [{ expr: sumRate(['kind'], 'switchyard_divergences_total'), legend: '{{kind}}' }],
      unit: 'ops',
      stack: true,
      w: 16,
    }),
    barGauge({
      title: 'Mismatch kinds in the time range',
      description: 'Which kinds dominate over the dashboard’s time range: fix these first.',
      targets: [
        { expr: `round(${sumIncrease(['kind'], '$__range', 'switchyard_divergences_total')})`, legend: '{{kind}}', instant: true },
      ],
      thresholds: [{ value: null, color: 'orange' }],
      w: 8,
    }),
    noiseFloor(),
  ];
}

/** Per kind: the cross-engine rate next to each engine's own floor (noise baseline). */
function noiseFloor(): PanelSpec {
  const judged = 'result=~"match|mismatch"';
  return timeseries({
    title: 'Noise floor and cross-engine rate by kind',
    description:
      'Per mismatch kind, the share of cross-engine comparisons with it (solid) next to each engine’s own floor, the share of its noise-baseline comparisons with it (an engine against a second session of itself). The guard judges the cross rate against the larger floor plus GUARD_MAX_MISMATCH_DELTA; a floor above the dashed 20% (GUARD_NOISY_KIND_RATE) is noisy and left out of the gate.',
    targets: [
      {
        expr: `${sumRate(['kind'], 'switchyard_divergences_total')}\n/ ignoring (kind) group_left\n${sumRate([], 'switchyard_shadow_comparisons_total', judged)}`,
        legend: 'cross {{kind}}',
      },
      {
        expr: `${sumRate(['engine', 'kind'], 'switchyard_baseline_divergences_total')}\n/ on (engine) group_left\n${sumRate(['engine'], 'switchyard_baseline_comparisons_total', judged)}`,
        legend: 'floor {{engine}} {{kind}}',
      },
    ],
    unit: 'percentunit',
    min: 0,
    thresholds: [
      { value: null, color: 'green' },
      { value: 0.2, color: 'orange' },
    ],
    showThresholds: true,
    fill: 0,
    w: 24,
  });
}

function isolation(): PanelSpec[] {
  const inRange = (engine: string) =>
    `round(${sumIncrease([], '$__range', 'switchyard_isolation_violations_total', `engine="${engine}"`)})`;
  const redAtOne = [
    { value: null, color: 'green' },
    { value: 1, color: 'red' },
  ];
  return [
    timeseries({
      title: 'Isolation violations by engine',
      description:
        'Frames that would have reached another user, per second, by the engine that sent them (one per frame). Legacy’s are its known shared-state leak, blocked by the proxy; any from the user engine is grounds for rollback.',
      targets: [{ expr: sumRate(['engine'], 'switchyard_isolation_violations_total'), legend: '{{engine}}' }],
      unit: 'ops',
      overrides: ENGINE_COLOURS,
      w: 12,
    }),
    stat({
      title: 'User engine violations',
      description: 'Isolation violations by the user engine over the time range. Anything above 0 pages.',
      targets: [{ expr: inRange('user'), legend: 'user', instant: true }],
      colorMode: 'background',
      thresholds: redAtOne,
      w: 4,
      h: 8,
    }),
    stat({
      title: 'Legacy engine violations',
      description: 'Isolation violations by the legacy engine over the time range (its known leak).',
      targets: [{ expr: inRange('legacy'), legend: 'legacy', instant: true }],
      thresholds: [{ value: null, color: 'blue' }],
      w: 4,
      h: 8,
    }),
    stat({
      title: 'Violations by action',
      description:
        'block: the frame was dropped; report: it was delivered (report-only mode); refuse: a client frame naming another user was refused.',
      targets: [
        {
          expr: `round(${sumIncrease(['engine', 'action'], '$__range', 'switchyard_isolation_violations_total')})`,
          legend: '{{engine}} {{action}}',
          instant: true,
        },
      ],
      textMode: 'value_and_name',
      thresholds: [{ value: null, color: 'text' }],
      w: 4,
      h: 8,
    }),
  ];
}

function shadowCapacity(): PanelSpec[] {
  return [
    timeseries({
      title: 'Shadow work dropped by reason',
      description:
        'Shadow work not done, per second: capacity, buffer_full, no_credential, connect_failed, timeout, body_too_large, flood. Dropped work is missing from the comparisons above, and usually not at random.',
      targets: [{ expr: sumRate(['reason'], 'switchyard_shadow_dropped_total'), legend: '{{reason}}' }],
      unit: 'ops',
      stack: true,
      w: 12,
    }),
    timeseries({
      title: 'Shadow work in flight',
      description: 'Shadow requests (http) and shadow sessions (ws) in flight now, against the configured caps.',
      targets: [{ expr: `sum by (kind) (${sel('switchyard_shadow_inflight')})`, legend: '{{kind}}' }],
      w: 12,
    }),
  ];
}

function timing(): PanelSpec[] {
  const panel = (title: string, histogram: string, description: string) =>
    timeseries({
      title,
      description,
      targets: QUANTILES.map((q) => ({
        expr: quantile(q, ['engine'], histogram),
        legend: `{{engine}} ${pct(q)}`,
      })),
      unit: 's',
      fill: 0,
      overrides: ENGINE_COLOURS,
    });
  return [
    panel(
      'Time to first event, legacy vs user',
      'switchyard_time_to_first_event_seconds',
      'From the client frame that starts a run to its first agent event: p50, p95 and p99 per engine (the shadowed engine included).',
    ),
    panel('Run duration, legacy vs user', 'switchyard_run_duration_seconds', 'Agent run duration: p50, p95 and p99 per engine.'),
  ];
}

export function divergenceDashboard(): Record<string, unknown> {
  return dashboard({
    uid: 'switchyard-divergence',
    title: 'Switchyard / Divergence',
    description:
      'What shadowing measures: comparisons and mismatch kinds, isolation violations by engine, shadow work dropped, and run timing of the two engines side by side.',
    from: 'now-3h',
    refresh: '30s',
    routeVariable: false,
    sections: [
      { title: 'Shadow comparisons', panels: comparisons() },
      { title: 'Mismatches', panels: mismatches() },
      { title: 'Isolation', panels: isolation() },
      { title: 'Shadow capacity', panels: shadowCapacity() },
      { title: 'Run timing', panels: timing() },
    ],
  });
}

