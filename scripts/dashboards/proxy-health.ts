import { dashboard } from './dashboard.js';
import { ENGINE_COLOURS, stat, timeseries, type PanelSpec } from './grafana.js';
import { storePanels } from './store.js';
import { QUANTILES, RATE, ROUTE, errorRatio, pct, quantile, sel, sumIncrease, sumRate } from './promql.js';
import { upStat } from './up-stat.js';

const HTTP = 'kind="http"';
/** Engine-side closes that mean the session failed: abnormal, engine error, try again later. */
const WS_FAILED = 'code=~"1006|1011|1013"';

function requests(): PanelSpec[] {
  return [
    timeseries({
      title: 'Requests by engine',
      description: 'HTTP requests per second through the proxy, by serving engine ($route).',
      targets: [{ expr: sumRate(['engine'], 'switchyard_requests_total', HTTP, ROUTE), legend: '{{engine}}' }],
      unit: 'reqps',
      stack: true,
      overrides: ENGINE_COLOURS,
      w: 8,
    }),
    timeseries({
      title: 'Requests by engine and status class',
      description: 'HTTP requests per second by serving engine and the status class the client got.',
      targets: [
        {
          expr: sumRate(['engine', 'status_class'], 'switchyard_requests_total', HTTP, ROUTE),
          legend: '{{engine}} {{status_class}}',
        },
      ],
      unit: 'reqps',
      w: 8,
    }),
    timeseries({
      title: 'Requests by route',
      description: 'HTTP requests per second by route of the route catalogue (`other` for unknown paths).',
      targets: [{ expr: sumRate(['route'], 'switchyard_requests_total', HTTP, ROUTE), legend: '{{route}}' }],
      unit: 'reqps',
      stack: true,
      w: 8,
    }),
  ];
}

function errors(): PanelSpec[] {
  const http = (engine: string) => errorRatio([], HTTP, `engine="${engine}"`, ROUTE);
  return [
    timeseries({
      title: 'Error rate by engine',
      description:
        'Per serving engine: the share of HTTP requests answered 5xx, and the share of WebSocket sessions the engine closed abnormally (1006, 1011, 1013), as the error-rate alert counts them.',
      targets: [
        { expr: errorRatio(['engine'], HTTP, ROUTE), legend: '{{engine}} http' },
        {
          expr: `${sumRate(['engine'], 'switchyard_ws_close_codes_total', WS_FAILED)}\n/\n${sumRate(['engine'], 'switchyard_requests_total', 'kind="ws"')}`,
          legend: '{{engine}} ws',
        },
      ],
      unit: 'percentunit',
      min: 0,
      fill: 0,
      overrides: ENGINE_COLOURS,
      w: 8,
    }),
    timeseries({
      title: 'Error-rate difference, user − legacy',
      description:
        'The user engine’s HTTP 5xx rate minus legacy’s, in percentage points. The alert and the guard’s default limit are +1 point (dashed).',
      targets: [{ expr: `100 * (\n${http('user')}\n-\n${http('legacy')}\n)`, legend: 'user − legacy' }],
      unit: 'none',
      decimals: 2,
      thresholds: [
        { value: null, color: 'green' },
        { value: 1, color: 'red' },
      ],
      showThresholds: true,
      fill: 0,
      w: 8,
    }),
    timeseries({
      title: 'Refused for identity',
      description:
        'Requests and sessions the proxy refused before routing, by kind and reason (missing, invalid, expired token, user_id mismatch, bad body).',
      targets: [{ expr: sumRate(['kind', 'reason'], 'switchyard_auth_failures_total'), legend: '{{kind}} {{reason}}' }],
      unit: 'ops',
      stack: true,
      w: 8,
    }),
    timeseries({
      title: 'Upstream errors by engine and reason',
      description:
        'Failures to reach an engine, per second: refused (engine down), reset, timeout, other. The client got a 502 or 504 naming the engine (or a WebSocket close 1011/1013).',
      targets: [
        { expr: sumRate(['engine', 'reason'], 'switchyard_upstream_errors_total'), legend: '{{engine}} {{reason}}' },
      ],
      unit: 'ops',
      stack: true,
      w: 24,
      h: 7,
    }),
  ];
}

function latency(): PanelSpec[] {
  const p95 = (engine: string) =>
    quantile(0.95, [], 'switchyard_request_duration_seconds', HTTP, `engine="${engine}"`, ROUTE);
  return [
    timeseries({
      title: 'Latency by engine (HTTP)',
      description: 'Request to end of response, through the proxy: p50, p95 and p99 per serving engine.',
      targets: QUANTILES.map((q) => ({
        expr: quantile(q, ['engine'], 'switchyard_request_duration_seconds', HTTP, ROUTE),
        legend: `{{engine}} ${pct(q)}`,
      })),
      unit: 's',
      fill: 0,
      overrides: ENGINE_COLOURS,
    }),
    timeseries({
      title: 'p95 ratio, user / legacy',
      description:
        'The user engine’s HTTP p95 over legacy’s. The alert and the guard’s default limit are 1.1 (dashed), and only when the two p95s are also 25 ms apart.',
      targets: [{ expr: `${p95('user')}\n/\n${p95('legacy')}`, legend: 'user / legacy' }],
      unit: 'none',
      decimals: 2,
      thresholds: [
        { value: null, color: 'green' },
        { value: 1.1, color: 'red' },
      ],
      showThresholds: true,
      fill: 0,
    }),
    timeseries({
      title: 'p95 latency by route',
      description: 'HTTP p95 per route and serving engine.',
      targets: [
        {
          expr: quantile(0.95, ['engine', 'route'], 'switchyard_request_duration_seconds', HTTP, ROUTE),
          legend: '{{engine}} {{route}}',
        },
      ],
      unit: 's',
      fill: 0,
      w: 24,
    }),
  ];
}

function websocket(): PanelSpec[] {
  return [
    timeseries({
      title: 'Open WebSocket sessions',
      description: 'Client sessions open now, by serving engine.',
      targets: [{ expr: `sum by (engine) (${sel('switchyard_ws_connections')})`, legend: '{{engine}}' }],
      stack: true,
      overrides: ENGINE_COLOURS,
      w: 6,
    }),
    timeseries({
      title: 'WebSocket frames',
      description: 'Frames relayed per second, by engine and direction (client_to_engine, engine_to_client, shadow_to_proxy).',
      targets: [{ expr: sumRate(['engine', 'direction'], 'switchyard_ws_frames_total'), legend: '{{engine}} {{direction}}' }],
      unit: 'ops',
      w: 6,
    }),
    timeseries({
      title: 'Close codes by engine',
      description:
        'Engine-side close codes: 1000 normal, 1001 going away, 1006 abnormal, 1008 policy, 1009 too big, 1011 engine error, 1012 restart (drain), 1013 try again.',
      targets: [{ expr: sumIncrease(['engine', 'code'], RATE, 'switchyard_ws_close_codes_total'), legend: '{{engine}} {{code}}' }],
      bars: true,
      decimals: 0,
      w: 6,
    }),
    timeseries({
      title: 'Sessions drained after a rollback',
      description: 'Sessions closed with 1012 by a rollback drain, by engine; the web client reconnects to legacy.',
      targets: [{ expr: sumIncrease(['engine'], RATE, 'switchyard_ws_drained_total'), legend: '{{engine}}' }],
      bars: true,
      decimals: 0,
      overrides: ENGINE_COLOURS,
      w: 6,
    }),
    timeseries({
      title: 'New WebSocket sessions by engine',
      description: 'Sessions opened per second, by serving engine (a session is counted when it opens).',
      targets: [
        {
          expr: sumRate(['engine'], 'switchyard_requests_total', 'kind="ws"'),
          legend: '{{engine}}',
        },
      ],
      unit: 'ops',
    }),
    timeseries({
      title: 'WebSocket session length',
      description: 'p50 and p95 of session length, by serving engine.',
      targets: [0.5, 0.95].map((q) => ({
        expr: quantile(q, ['engine'], 'switchyard_ws_session_duration_seconds'),
        legend: `{{engine}} ${pct(q)}`,
      })),
      unit: 's',
      fill: 0,
      overrides: ENGINE_COLOURS,
    }),
  ];
}

function flagSource(): PanelSpec[] {
  const age = `time() - ${sel('switchyard_flag_last_sync_timestamp_seconds')}`;
  return [
    upStat(
      'Flag source up',
      'Per instance: the last read (file) or poll (Unleash) of the flag source succeeded.',
      'switchyard_flag_source_up',
    ),
    timeseries({
      title: 'Flag state age',
      description:
        'Seconds since the last successful flag read or poll, per instance. With Unleash it stays within a refresh (UNLEASH_REFRESH_MS) while the source is up; the file source has nothing to poll, so its age grows between changes and only matters while the source is down.',
      targets: [{ expr: age, legend: '{{instance}}' }],
      unit: 's',
      thresholds: [
        { value: null, color: 'green' },
        { value: 60, color: 'red' },
      ],
      showThresholds: true,
      fill: 0,
      w: 12,
      h: 7,
    }),
    stat({
      title: 'Instances with the flag source down',
      description:
        'How many instances failed their last flag read or poll. They keep their last known flags: a rollback made through Unleash does not reach them.',
      targets: [{ expr: `sum(1 - ${sel('switchyard_flag_source_up')})`, legend: 'down', instant: true }],
      colorMode: 'background',
      thresholds: [
        { value: null, color: 'green' },
        { value: 1, color: 'red' },
      ],
      w: 6,
      h: 7,
    }),
  ];
}

function processPanels(): PanelSpec[] {
  const perInstance = (title: string, description: string, unit: string, series: Array<[string, string]>) =>
    timeseries({
      title,
      description,
      unit,
      fill: 0,
      targets: series.map(([expr, legend]) => ({ expr, legend })),
      w: 6,
    });
  return [
    perInstance('CPU', 'Process CPU, user + system, as a share of one core (one proxy process uses one core).', 'percentunit', [
      [`rate(${sel('switchyard_process_cpu_seconds_total')}[${RATE}])`, '{{instance}}'],
    ]),
    perInstance('Memory', 'Resident set size and V8 heap used, per instance. Both should stay flat under steady traffic.', 'bytes', [
      [sel('switchyard_process_resident_memory_bytes'), 'rss {{instance}}'],
      [sel('switchyard_nodejs_heap_size_used_bytes'), 'heap {{instance}}'],
    ]),
    perInstance('Event-loop lag', 'Event-loop delay p50 and p99, per instance: time a ready callback waits.', 's', [
      [sel('switchyard_nodejs_eventloop_lag_p50_seconds'), 'p50 {{instance}}'],
      [sel('switchyard_nodejs_eventloop_lag_p99_seconds'), 'p99 {{instance}}'],
    ]),
    perInstance('Open file descriptors', 'Sockets and files open, per instance: a steady climb is a connection leak.', 'short', [
      [sel('switchyard_process_open_fds'), '{{instance}}'],
    ]),
  ];
}

export function proxyHealth(): Record<string, unknown> {
  return dashboard({
    uid: 'switchyard-proxy-health',
    title: 'Switchyard / Proxy health',
    description:
      'The proxy itself: throughput, errors and latency per engine, upstream errors, WebSocket sessions, flag-source health, the durable store, and the process.',
    from: 'now-1h',
    refresh: '30s',
    routeVariable: true,
    sections: [
      { title: 'Requests', panels: requests() },
      { title: 'Errors', panels: errors() },
      { title: 'Latency', panels: latency() },
      { title: 'WebSocket', panels: websocket() },
      { title: 'Flag source', panels: flagSource() },
      { title: 'Store', panels: storePanels() },
      { title: 'Process', panels: processPanels() },
    ],
  });
}
