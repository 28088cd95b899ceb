import { dashboard } from './dashboard.js';
import { DATASOURCE, ENGINE_COLOURS, barGauge, stat, stateTimeline, timeseries, type PanelSpec } from './grafana.js';
import { INSTANCE, RATE, ROUTE, sel, sumIncrease, sumRate } from './promql.js';

const ON_OFF = [
  { value: '0', text: 'released', color: 'green' },
  { value: '1', text: 'ENGAGED', color: 'red' },
];
const GATE_STATE = [
  { value: '0', text: 'ok', color: 'green' },
  { value: '1', text: 'BREACH', color: 'red' },
];
const RED_ABOVE = (limit: number) => [
  { value: null, color: 'green' },
  { value: limit, color: 'red' },
];

function state(): PanelSpec[] {
  return [
    stat({
      title: 'Stage',
      description:
        'The migration stage, named from the flags: legacy (0%, no shadow), shadow, canary, complete (100%) or rolled-back. Two names at once mean the instances disagree.',
      targets: [{ expr: `max by (stage) (${sel('switchyard_stage')}) == 1`, legend: '{{stage}}', instant: true }],
      textMode: 'name',
      colorMode: 'background',
      thresholds: [{ value: null, color: 'blue' }],
      w: 4,
    }),
    stat({
      title: 'Rollout',
      description: 'The rollout flag: the share of users (sticky buckets) served by the user engine.',
      targets: [{ expr: `max(${sel('switchyard_rollout_percent')})`, legend: 'rollout', instant: true }],
      unit: 'percent',
      thresholds: [{ value: null, color: 'text' }],
      w: 3,
    }),
    stat({
      title: 'Shadow',
      description: 'The shadow flag: the share of users whose traffic is copied to the other engine and compared.',
      targets: [{ expr: `max(${sel('switchyard_shadow_percent')})`, legend: 'shadow', instant: true }],
      unit: 'percent',
      thresholds: [{ value: null, color: 'text' }],
      w: 3,
    }),
    stat({
      title: 'Rollback switch',
      description: 'ENGAGED: every new decision is legacy and nobody is shadowed. `switchyard resume` releases it.',
      targets: [{ expr: `max(${sel('switchyard_rollback_engaged')})`, legend: 'switch', instant: true }],
      mappings: ON_OFF,
      colorMode: 'background',
      thresholds: RED_ABOVE(1),
      w: 4,
    }),
    stat({
      title: 'Rollback trigger',
      description:
        'Who engaged the switch: manual (CLI, admin API, console), guard (automatic rollback) or external (learnt from the flag source).',
      targets: [{ expr: `max by (trigger) (${sel('switchyard_rollback_trigger')})`, legend: '{{trigger}}', instant: true }],
      mappings: [
        { value: '0', text: '–' },
        { value: '1', text: 'engaged', color: 'red' },
      ],
      textMode: 'value_and_name',
      thresholds: [
        { value: null, color: 'text' },
        { value: 1, color: 'red' },
      ],
      w: 6,
    }),
    stat({
      title: 'Pinned users',
      description: 'Users pinned to an engine by an override (staff first), reason `override`.',
      targets: [{ expr: `max(${sel('switchyard_overrides')})`, legend: 'overrides', instant: true }],
      thresholds: [{ value: null, color: 'text' }],
      w: 4,
    }),
    timeseries({
      title: 'Rollout and shadow percentages',
      description: 'The two flags over time, per instance. Every instance should show the same line.',
      targets: [
        { expr: `max by (instance) (${sel('switchyard_rollout_percent')})`, legend: 'rollout {{instance}}' },
        { expr: `max by (instance) (${sel('switchyard_shadow_percent')})`, legend: 'shadow {{instance}}' },
      ],
      unit: 'percent',
      min: 0,
      max: 100,
      fill: 0,
    }),
    stateTimeline({
      title: 'Rollback switch per instance',
      description: 'When the switch was engaged, per instance. An instance that lags the others has a stale flag source.',
      targets: [{ expr: `max by (instance) (${sel('switchyard_rollback_engaged')})`, legend: '{{instance}}' }],
      mappings: ON_OFF,
      thresholds: RED_ABOVE(1),
      h: 8,
    }),
  ];
}

function traffic(): PanelSpec[] {
  return [
    timeseries({
      title: 'HTTP requests by serving engine',
      description: 'HTTP requests per second through the proxy, by the engine that served them ($route).',
      targets: [{ expr: sumRate(['engine'], 'switchyard_requests_total', 'kind="http"', ROUTE), legend: '{{engine}}' }],
      unit: 'reqps',
      stack: true,
      overrides: ENGINE_COLOURS,
      w: 8,
    }),
    timeseries({
      title: 'Share served by the user engine',
      description:
        'The user engine’s share of HTTP requests and of new WebSocket sessions, against the rollout flag. A share well off the flag means overrides, a rollback, or users with unequal traffic.',
      targets: [
        {
          expr: `100 * ${sumRate([], 'switchyard_requests_total', 'kind="http"', 'engine="user"', ROUTE)}\n/ ${sumRate([], 'switchyard_requests_total', 'kind="http"', ROUTE)}`,
          legend: 'HTTP requests',
        },
        {
          expr: `100 * ${sumRate([], 'switchyard_requests_total', 'kind="ws"', 'engine="user"')}\n/ ${sumRate([], 'switchyard_requests_total', 'kind="ws"')}`,
          legend: 'WebSocket sessions',
        },
        { expr: `max(${sel('switchyard_rollout_percent')})`, legend: 'rollout flag' },
      ],
      unit: 'percent',
      min: 0,
      max: 100,
      fill: 0,
      w: 8,
    }),
    timeseries({
      title: 'Open WebSocket sessions by serving engine',
      description: 'Client WebSocket sessions open now, by the engine that serves them.',
      targets: [{ expr: `sum by (engine) (${sel('switchyard_ws_connections')})`, legend: '{{engine}}' }],
      stack: true,
      overrides: ENGINE_COLOURS,
      w: 8,
    }),
    timeseries({
      title: 'New WebSocket sessions by serving engine',
      description: 'WebSocket sessions started per second, by serving engine.',
      targets: [{ expr: sumRate(['engine'], 'switchyard_requests_total', 'kind="ws"'), legend: '{{engine}}' }],
      unit: 'ops',
      stack: true,
      overrides: ENGINE_COLOURS,
      w: 8,
    }),
    timeseries({
      title: 'Routing decisions by reason',
      description:
        'Decisions per second (one per HTTP request or WebSocket session) by engine and reason: rollout, not-in-rollout, override, rollback, anonymous, flags-unavailable, fallback.',
      targets: [
        { expr: sumRate(['engine', 'reason'], 'switchyard_routing_decisions_total'), legend: '{{engine}} · {{reason}}' },
      ],
      unit: 'ops',
      stack: true,
      w: 8,
    }),
    barGauge({
      title: 'Decisions in the time range by reason',
      description: 'How many decisions each reason produced over the dashboard’s time range.',
      targets: [
        {
          expr: `round(${sumIncrease(['reason'], '$__range', 'switchyard_routing_decisions_total')})`,
          legend: '{{reason}}',
          instant: true,
        },
      ],
      thresholds: [{ value: null, color: 'blue' }],
      w: 8,
    }),
  ];
}

const GATES = [
  { gate: 'error_rate', title: 'Error-rate gate: user − legacy, points', unit: 'none', limit: 1 },
  { gate: 'latency', title: 'Latency gate: p95 user / legacy', unit: 'none', limit: 1.1 },
  { gate: 'mismatch_rate', title: 'Mismatch-rate gate', unit: 'percentunit', limit: 0.05 },
  { gate: 'isolation', title: 'Isolation gate: user-engine violations', unit: 'none', limit: 1 },
] as const;

function guard(): PanelSpec[] {
  return [
    timeseries({
      title: 'Rollbacks by trigger',
      description: 'Rollback switch engagements, by trigger (also drawn as annotations on every panel).',
      targets: [{ expr: sumIncrease(['trigger'], RATE, 'switchyard_rollbacks_total'), legend: '{{trigger}}' }],
      bars: true,
      decimals: 0,
      w: 8,
    }),
    stat({
      title: 'Rollbacks and guard trips in the time range',
      description:
        'Rollbacks by trigger over the time range, and the breach episodes the guard reported in dry-run (each would have rolled back in enforce mode).',
      targets: [
        { expr: `round(${sumIncrease(['trigger'], '$__range', 'switchyard_rollbacks_total')})`, legend: '{{trigger}}', instant: true },
        {
          expr: `round(${sumIncrease([], '$__range', 'switchyard_guard_breaches_total', 'mode="dry-run"')})`,
          legend: 'dry-run breaches',
          instant: true,
        },
      ],
      textMode: 'value_and_name',
      thresholds: [
        { value: null, color: 'green' },
        { value: 1, color: 'orange' },
      ],
      w: 4,
      h: 8,
    }),
    stateTimeline({
      title: 'Guard gates in breach',
      description:
        'Each gate of the automatic-rollback guard, per instance: BREACH while its last evaluation was in breach (with enough samples and distinct users).',
      targets: [{ expr: `max by (gate) (${sel('switchyard_guard_gate_breaching')})`, legend: '{{gate}}' }],
      mappings: GATE_STATE,
      thresholds: RED_ABOVE(1),
      h: 8,
    }),
    ...GATES.map((g) =>
      timeseries({
        title: g.title,
        description: `The guard's last computed value of the ${g.gate} gate, per instance; a gap means too few samples to judge. The dashed line is the default limit (GUARD_* settings may differ).`,
        targets: [{ expr: `max by (instance) (${sel('switchyard_guard_gate_value', `gate="${g.gate}"`)})`, legend: '{{instance}}' }],
        unit: g.unit,
        thresholds: RED_ABOVE(g.limit),
        showThresholds: true,
        fill: 0,
        w: 6,
        h: 7,
      }),
    ),
    timeseries({
      title: 'Guard breach episodes by gate and mode',
      description: 'Breach episodes begun, by gate and guard mode (enforce trips the rollback; dry-run only reports).',
      targets: [{ expr: sumIncrease(['gate', 'mode'], RATE, 'switchyard_guard_breaches_total'), legend: '{{gate}} ({{mode}})' }],
      bars: true,
      decimals: 0,
      w: 24,
      h: 7,
    }),
  ];
}

export function migrationOverview(): Record<string, unknown> {
  return dashboard({
    uid: 'switchyard-migration',
    title: 'Switchyard / Migration overview',
    description:
      'Where the legacy → user engine migration stands: stage, flags, rollback switch, traffic split, decisions, rollbacks and the automatic-rollback guard.',
    from: 'now-6h',
    refresh: '30s',
    routeVariable: true,
    annotations: [
      {
        name: 'Plan steps',
        datasource: DATASOURCE,
        enable: true,
        hide: false,
        iconColor: 'blue',
        expr: `max(changes(switchyard_plan_step{${INSTANCE}}[2m])) > 0`,
        step: '30s',
        titleFormat: 'Release plan step changed',
        textFormat: '`switchyard plan show` has the step, its percentage and the evidence it left with.',
        useValueForTime: false,
      },
    ],
    sections: [
      { title: 'Where the migration stands', panels: state() },
      { title: 'Traffic split by engine', panels: traffic() },
      { title: 'Rollbacks and the guard', panels: guard() },
    ],
  });
}
