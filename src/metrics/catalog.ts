import { Counter, Gauge, Histogram, collectDefaultMetrics, type Registry } from 'prom-client';
import { COMPARISON_RESULTS, DIVERGENCE_KINDS, MISMATCH_KINDS } from '../compare/judgement.js';
import { ENGINES, REASONS, ROLLBACK_TRIGGERS } from '../routing/types.js';

/**
 * Every metric Switchyard exports, in one place (docs/operations/metrics-and-alerts.md).
 * Every label takes its values from a fixed set, and the series are created at zero at start
 * (the request-duration histogram per route on first use, hot-path.ts), so that panels and
 * alerts have data before the first event. No user, run or thread id is ever a label.
 */
export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];
export const KINDS = ['http', 'ws'] as const;
export const UPSTREAM_ERRORS = ['refused', 'reset', 'timeout', 'other'] as const;
export type UpstreamErrorReason = (typeof UPSTREAM_ERRORS)[number];
export const AUTH_FAILURES = [
  'missing',
  'invalid',
  'expired',
  'no_subject',
  'user_id_mismatch',
  'bad_body',
  'bad_target',
] as const;
export type AuthFailure = (typeof AUTH_FAILURES)[number];
export const STAGES = ['legacy', 'shadow', 'canary', 'complete', 'rolled-back'] as const;
export const WS_DIRECTIONS = ['client_to_engine', 'engine_to_client', 'shadow_to_proxy'] as const;
export type WsDirection = (typeof WS_DIRECTIONS)[number];
export const CLOSE_CODES = ['1000', '1001', '1006', '1008', '1009', '1011', '1012', '1013', 'other'] as const;
export { COMPARISON_RESULTS, MISMATCH_KINDS };
export const VIOLATION_ACTIONS = ['block', 'report', 'refuse', 'shadow'] as const;
export const SHADOW_DROP_REASONS = [
  'capacity',
  'buffer_full',
  'no_credential',
  'connect_failed',
  'timeout',
  'body_too_large',
  'flood',
] as const;
export const GUARD_GATES = [
  'error_rate',
  'user_error_rate',
  'latency',
  'mismatch_rate',
  'isolation',
] as const;
export const GUARD_MODES = ['enforce', 'dry-run', 'off'] as const;
export const GUARD_SCOPES = ['fleet', 'local'] as const;

/** Seconds: sub-millisecond proxy hops up to minute-long agent runs. */
const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];
const RUN_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

export function createMetrics(registry: Registry) {
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'switchyard_' });

  const m = {
    requests: new Counter({
      name: 'switchyard_requests_total',
      help: 'Requests (kind=http) and WebSocket sessions (kind=ws) by serving engine, route and status class.',
      labelNames: ['engine', 'kind', 'route', 'status_class'] as const,
      registers,
    }),
    requestDuration: new Histogram({
      name: 'switchyard_request_duration_seconds',
      help: 'Time from request to the end of the response, through the proxy, by serving engine.',
      labelNames: ['engine', 'kind', 'route', 'status_class'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    decisions: new Counter({
      name: 'switchyard_routing_decisions_total',
      help: 'Routing decisions by engine and reason.',
      labelNames: ['engine', 'reason'] as const,
      registers,
    }),
    authFailures: new Counter({
      name: 'switchyard_auth_failures_total',
      help: 'Requests or sessions refused for identity, by kind and reason.',
      labelNames: ['kind', 'reason'] as const,
      registers,
    }),
    upstreamErrors: new Counter({
      name: 'switchyard_upstream_errors_total',
      help: 'Failures to reach an engine, by engine and reason.',
      labelNames: ['engine', 'reason'] as const,
      registers,
    }),
    rolloutPercent: new Gauge({
      name: 'switchyard_rollout_percent',
      help: 'Rollout flag percentage.',
      registers,
    }),
    shadowPercent: new Gauge({
      name: 'switchyard_shadow_percent',
      help: 'Shadow flag percentage.',
      registers,
    }),
    rollbackEngaged: new Gauge({
      name: 'switchyard_rollback_engaged',
      help: '1 while the rollback switch is engaged.',
      registers,
    }),
    rollbackTrigger: new Gauge({
      name: 'switchyard_rollback_trigger',
      help: '1 for the trigger of the engaged rollback switch, 0 otherwise.',
      labelNames: ['trigger'] as const,
      registers,
    }),
    rollbacks: new Counter({
      name: 'switchyard_rollbacks_total',
      help: 'Rollback switch engagements by trigger.',
      labelNames: ['trigger'] as const,
      registers,
    }),
    stage: new Gauge({
      name: 'switchyard_stage',
      help: '1 for the current migration stage, 0 for the others.',
      labelNames: ['stage'] as const,
      registers,
    }),
    planStep: new Gauge({
      name: 'switchyard_plan_step',
      help: "The release plan's current step, 1-based (0: no step yet); its percentage is switchyard_rollout_percent.",
      registers,
    }),
    planState: new Gauge({
      name: 'switchyard_plan_state',
      help: "1 for the release plan's current state, 0 for the others.",
      labelNames: ['state'] as const,
      registers,
    }),
    overrides: new Gauge({
      name: 'switchyard_overrides',
      help: 'Users with an override to an engine.',
      registers,
    }),
    flagSourceUp: new Gauge({
      name: 'switchyard_flag_source_up',
      help: '1 when the last read or poll of the flag source succeeded.',
      registers,
    }),
    flagLastSync: new Gauge({
      name: 'switchyard_flag_last_sync_timestamp_seconds',
      help: 'Unix time of the last successful flag read or poll; it does not move while the source is unreachable.',
      registers,
    }),
    wsConnections: new Gauge({
      name: 'switchyard_ws_connections',
      help: 'Open client WebSocket sessions by serving engine.',
      labelNames: ['engine'] as const,
      registers,
    }),
    wsFrames: new Counter({
      name: 'switchyard_ws_frames_total',
      help: 'WebSocket frames relayed, by engine and direction.',
      labelNames: ['engine', 'direction'] as const,
      registers,
    }),
    wsSessionDuration: new Histogram({
      name: 'switchyard_ws_session_duration_seconds',
      help: 'WebSocket session length by serving engine.',
      labelNames: ['engine'] as const,
      buckets: [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 14400],
      registers,
    }),
    wsCloseCodes: new Counter({
      name: 'switchyard_ws_close_codes_total',
      help: 'Engine-side close codes of WebSocket sessions, by engine.',
      labelNames: ['engine', 'code'] as const,
      registers,
    }),
    wsDrained: new Counter({
      name: 'switchyard_ws_drained_total',
      help: 'Sessions closed with 1012 by a rollback drain, by engine.',
      labelNames: ['engine'] as const,
      registers,
    }),
    isolationViolations: new Counter({
      name: 'switchyard_isolation_violations_total',
      help: 'Frames that would have reached another user, by the engine that sent them and the action taken (one per frame; shadow: sent to a shadow or baseline socket, which no client reads).',
      labelNames: ['engine', 'action'] as const,
      registers,
    }),
    comparisons: new Counter({
      name: 'switchyard_shadow_comparisons_total',
      help: 'Shadow comparisons by result.',
      labelNames: ['result'] as const,
      registers,
    }),
    divergences: new Counter({
      name: 'switchyard_divergences_total',
      help: 'Divergences (shadow comparisons that did not match) by kind: a mismatch kind, incomplete or isolation.',
      labelNames: ['kind'] as const,
      registers,
    }),
    baselineComparisons: new Counter({
      name: 'switchyard_baseline_comparisons_total',
      help: 'Noise baseline comparisons (an engine against a second session of itself) by engine and result.',
      labelNames: ['engine', 'result'] as const,
      registers,
    }),
    baselineDivergences: new Counter({
      name: 'switchyard_baseline_divergences_total',
      help: 'Divergences of noise baseline comparisons by engine and kind (a mismatch kind, incomplete or isolation).',
      labelNames: ['engine', 'kind'] as const,
      registers,
    }),
    shadowDropped: new Counter({
      name: 'switchyard_shadow_dropped_total',
      help: 'Shadow work not done, by reason.',
      labelNames: ['reason'] as const,
      registers,
    }),
    shadowInflight: new Gauge({
      name: 'switchyard_shadow_inflight',
      help: 'Shadow work in flight, by kind.',
      labelNames: ['kind'] as const,
      registers,
    }),
    timeToFirstEvent: new Histogram({
      name: 'switchyard_time_to_first_event_seconds',
      help: 'Time from the client frame that starts a run to its first agent event, by engine.',
      labelNames: ['engine'] as const,
      buckets: RUN_BUCKETS,
      registers,
    }),
    runDuration: new Histogram({
      name: 'switchyard_run_duration_seconds',
      help: 'Agent run duration, by engine.',
      labelNames: ['engine'] as const,
      buckets: RUN_BUCKETS,
      registers,
    }),
    guardBreaches: new Counter({
      name: 'switchyard_guard_breaches_total',
      help: 'Guard breach episodes by gate and mode.',
      labelNames: ['gate', 'mode'] as const,
      registers,
    }),
    guardGateValue: new Gauge({
      name: 'switchyard_guard_gate_value',
      help: "The guard's last computed value of each gate (NaN when insufficient).",
      labelNames: ['gate'] as const,
      registers,
    }),
    guardGateBreaching: new Gauge({
      name: 'switchyard_guard_gate_breaching',
      help: '1 while a gate is in breach.',
      labelNames: ['gate'] as const,
      registers,
    }),
    guardJudge: new Gauge({
      name: 'switchyard_guard_judge',
      help: "1 on the replica that judges the fleet's guard evidence (one instance alone: always).",
      registers,
    }),
    guardScope: new Gauge({
      name: 'switchyard_guard_scope',
      help: "1 for whose evidence the guard judges: fleet (the store's slices) or local (its own traffic).",
      labelNames: ['scope'] as const,
      registers,
    }),
    guardInstances: new Gauge({
      name: 'switchyard_guard_instances',
      help: "Replicas whose evidence this replica's guard verdicts rest on, itself included.",
      registers,
    }),
  };
  initialise(m);
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;

function initialise(m: Metrics): void {
  for (const engine of ENGINES) {
    for (const kind of KINDS)
      for (const sc of STATUS_CLASSES) m.requests.labels(engine, kind, 'other', sc).inc(0);
    for (const reason of REASONS) m.decisions.labels(engine, reason).inc(0);
    for (const reason of UPSTREAM_ERRORS) m.upstreamErrors.labels(engine, reason).inc(0);
    m.wsConnections.labels(engine).set(0);
    for (const d of WS_DIRECTIONS) m.wsFrames.labels(engine, d).inc(0);
    for (const c of CLOSE_CODES) m.wsCloseCodes.labels(engine, c).inc(0);
    m.wsDrained.labels(engine).inc(0);
    for (const a of VIOLATION_ACTIONS) m.isolationViolations.labels(engine, a).inc(0);
    // A histogram's `labels()` creates no series; `zero()` does.
    m.timeToFirstEvent.zero({ engine });
    m.runDuration.zero({ engine });
    m.wsSessionDuration.zero({ engine });
  }
  for (const kind of KINDS) for (const r of AUTH_FAILURES) m.authFailures.labels(kind, r).inc(0);
  for (const t of ROLLBACK_TRIGGERS) {
    m.rollbacks.labels(t).inc(0);
    m.rollbackTrigger.labels(t).set(0);
  }
  for (const s of STAGES) m.stage.labels(s).set(0);
  for (const r of COMPARISON_RESULTS) m.comparisons.labels(r).inc(0);
  for (const k of DIVERGENCE_KINDS) m.divergences.labels(k).inc(0);
  for (const engine of ENGINES) {
    for (const r of COMPARISON_RESULTS) m.baselineComparisons.labels(engine, r).inc(0);
    for (const k of DIVERGENCE_KINDS) m.baselineDivergences.labels(engine, k).inc(0);
  }
  for (const r of SHADOW_DROP_REASONS) m.shadowDropped.labels(r).inc(0);
  for (const k of KINDS) m.shadowInflight.labels(k).set(0);
  for (const g of GUARD_GATES) {
    for (const mode of GUARD_MODES) m.guardBreaches.labels(g, mode).inc(0);
    m.guardGateValue.labels(g).set(0);
    m.guardGateBreaching.labels(g).set(0);
  }
  for (const scope of GUARD_SCOPES) m.guardScope.labels(scope).set(scope === 'local' ? 1 : 0);
  m.guardJudge.set(1);
  m.guardInstances.set(1);
}

export function statusClass(status: number): StatusClass {
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  if (status >= 300) return '3xx';
  if (status >= 200) return '2xx';
  return '1xx';
}

export function closeCodeLabel(code: number): (typeof CLOSE_CODES)[number] {
  const s = String(code);
  return (CLOSE_CODES as readonly string[]).includes(s) ? (s as (typeof CLOSE_CODES)[number]) : 'other';
}

/** Creates the per-route request series at zero once the route catalogue is known. */
export function initRouteSeries(m: Metrics, routeNames: readonly string[]): void {
  for (const engine of ENGINES) {
    for (const route of routeNames)
      for (const sc of STATUS_CLASSES) m.requests.labels(engine, 'http', route, sc).inc(0);
  }
}
