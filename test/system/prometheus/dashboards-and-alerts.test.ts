import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import {
  createTicketStore,
  DEMO_JWT_SECRET,
  startEngine,
  type RunningEngine,
} from '../../../engines/index.js';
import { dashboardQueries, metricNames, substituteVariables } from '../../../scripts/dashboards/queries.js';
import { ADMIN_TOKEN, READ_TOKEN, startProxy, type ProxyUnderTest } from '../../support/proxy-harness.js';
import { startPrometheus, waitFor, type RunningPrometheus, type Sample } from './prometheus-server.js';
import { startSlowLink, type SlowLink } from './slow-link.js';
import { httpSession, usersAt, wsConcurrentRuns, wsRun, type HttpTally } from './traffic.js';

/**
 * The dashboards and alert rules against a real Prometheus scraping a real proxy in front of the
 * reference engines. The user engine sits behind a link that adds 300 ms to every answer, and
 * fails every API request; everyone is shadowed, with a small cap on HTTP shadows. The guard is
 * first in dry-run, so that the traffic's conditions (errors, latency, mismatches) hold while
 * their alerts are awaited: a guard that rolled back mid-burst would move the rest of it to
 * legacy. Then the proxy is restarted on the same ports with the guard in enforce mode, and the
 * same failures trip the rollback. Then the engine is healed, the switch released and pulled
 * again by hand, and at last the proxy stopped.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RULES = `${ROOT}config/prometheus/rules/switchyard-alerts.yml`;
const DASHBOARDS = `${ROOT}dashboards/`;
const JOB = 'switchyard';
/**
 * Far above what a busy machine adds to legacy's answers: the p95s are read from histogram
 * buckets (0.1, 0.25, 0.5 s), and two p95s in one bucket read too close for the latency alert.
 */
const SLOW_MS = 300;
/** Above 100, the alerts' minimum, so that the guard trips only once Prometheus has enough too. */
const GUARD_MIN_REQUESTS = 120;
const VARIABLES = { rateInterval: '1m', range: '5m' };

let legacy: RunningEngine;
let user: RunningEngine;
let slow: SlowLink;
let proxy: ProxyUnderTest;
let prom: RunningPrometheus;
let proxyStopped = false;
/** The flag file's folder, kept across the restart. */
let dir: string;

/** The proxy in front of legacy and the slow user link; on the given ports when restarted. */
function startSwitchyard(mode: 'dry-run' | 'enforce', ports?: { traffic: number; ops: number }) {
  return startProxy({
    legacyUrl: legacy.url,
    userUrl: slow.url,
    dir,
    config: {
      jwt: { secret: DEMO_JWT_SECRET },
      log: { level: 'warn', requests: false },
      // The shadowed thread reads mismatch (a thread lives on the engine that created it): the
      // mismatch gate must not trip before the error-rate gate has seen enough requests.
      guard: { mode, minRequests: GUARD_MIN_REQUESTS, minComparisons: 1_000_000 },
      // Fewer HTTP shadows in flight than the burst sends: some of the shadow work is dropped.
      shadow: { maxInflightHttp: 20 },
      ...(ports !== undefined && {
        port: ports.traffic,
        admin: {
          port: ports.ops,
          token: ADMIN_TOKEN,
          readToken: READ_TOKEN,
          tokenFile: join(dir, 'admin-token'),
        },
      }),
    },
  });
}

/** One HTTP session per user on each side, the user engine failing every request. */
async function failingBurst(prefix: string): Promise<HttpTally> {
  const tally: HttpTally = { byEngineStatus: new Map() };
  const reads = 5;
  const onUser = usersAt(50, true, 30, `${prefix}-in`);
  const onLegacy = usersAt(50, false, 30, `${prefix}-out`);
  await Promise.all(
    [...onUser, ...onLegacy].map((u) => httpSession(proxy.url, DEMO_JWT_SECRET, u, reads, tally)),
  );
  return tally;
}

beforeAll(async () => {
  const tickets = createTicketStore();
  legacy = await startEngine({ kind: 'legacy', jwtSecret: DEMO_JWT_SECRET, tickets });
  user = await startEngine({ kind: 'user', jwtSecret: DEMO_JWT_SECRET, tickets });
  slow = await startSlowLink(user.url, SLOW_MS);
  dir = await mkdtemp(join(tmpdir(), 'switchyard-alerts-'));
  proxy = await startSwitchyard('dry-run');
  prom = await startPrometheus({ target: new URL(proxy.opsUrl).host, ruleFiles: [RULES], jobName: JOB });
}, 60_000);

afterAll(async () => {
  await prom?.stop();
  if (!proxyStopped) await proxy?.stop();
  await slow?.close();
  await Promise.all([legacy?.close(), user?.close()]);
  await rm(dir, { recursive: true, force: true });
});

async function alerts(selector: string): Promise<Sample[]> {
  return prom.query(`ALERTS{${selector}}`);
}

/** Waits until the alert is pending or firing; returns its series. */
async function raised(alertname: string, extra = ''): Promise<Sample[]> {
  const selector = `alertname="${alertname}"${extra}`;
  let found: Sample[] = [];
  try {
    await waitFor(
      async () => (found = await alerts(selector)).length > 0,
      30_000,
      () => 'timeout',
    );
  } catch {
    const now = (await alerts('')).map((a) => `${a.metric.alertname} ${a.metric.alertstate}`);
    throw new Error(`${alertname}${extra} neither pending nor firing after 30 s; raised: ${now.join(', ')}`);
  }
  return found;
}

async function value(expr: string): Promise<number> {
  const result = await prom.query(expr);
  return result.length === 0 ? Number.NaN : Number(result[0]!.value[1]);
}

describe('dashboards and alerts against a real Prometheus', () => {
  it('scrapes the proxy every second', async () => {
    await waitFor(
      async () =>
        (await value(`up{job="${JOB}"}`)) === 1 && (await value('switchyard_rollout_percent')) === 0,
      20_000,
      () => `the proxy was not scraped:\n${prom.output.join('')}`,
    );
  }, 30_000);

  it('drives WebSocket runs to both engines, shadowed, and HTTP traffic with the user engine failing', async () => {
    expect((await proxy.admin('PUT', '/admin/rollout', { percent: 50 })).status).toBe(200);
    expect((await proxy.admin('PUT', '/admin/shadow', { percent: 100 })).status).toBe(200);

    // One at a time: legacy's runs of the same agent started in the same millisecond cross.
    for (const u of [...usersAt(50, true, 3, 'ws-in'), ...usersAt(50, false, 3, 'ws-out')]) {
      expect((await wsRun(proxy.url, DEMO_JWT_SECRET, u)).events).toContain('agent_completed');
    }
    // And then crossing on purpose: legacy leaks, the proxy blocks, and no user-engine alert follows.
    legacy.faults.leak = true;
    await wsConcurrentRuns(proxy.url, DEMO_JWT_SECRET, usersAt(50, false, 2, 'leak'), 1000);
    legacy.faults.leak = false;
    expect(await counted('switchyard_isolation_violations_total', { engine: 'legacy' })).toBeGreaterThan(0);

    user.faults.httpFailRate = 1;
    const tally: HttpTally = { byEngineStatus: new Map() };
    // The request-duration histogram's series are born at their first observation (they are not
    // created at zero), and rate() cannot see what a series already held when first scraped: so
    // one request per engine and route first, and the burst once Prometheus has those series.
    await httpSession(proxy.url, DEMO_JWT_SECRET, usersAt(50, true, 1, 'warm-in')[0]!, 1, tally);
    await httpSession(proxy.url, DEMO_JWT_SECRET, usersAt(50, false, 1, 'warm-out')[0]!, 1, tally);
    await waitFor(
      async () => (await prom.query('switchyard_request_duration_seconds_count{kind="http"}')).length >= 4,
      10_000,
      () => 'Prometheus has not scraped the request-duration series',
    );
    const burst = await failingBurst('http');
    // The guard in dry-run moved no one: every request of the users inside went to the user engine.
    expect(burst.byEngineStatus.get('user 200')).toBeUndefined();
    for (const [key, n] of burst.byEngineStatus) tally.byEngineStatus.set(key, n);
    expect(tally.byEngineStatus.get('user 500')).toBeGreaterThanOrEqual(GUARD_MIN_REQUESTS);
    expect(tally.byEngineStatus.get('legacy 200')).toBeGreaterThanOrEqual(GUARD_MIN_REQUESTS);
  }, 120_000);

  it('raises the error-rate, latency, mismatch and dropped-shadow alerts, and the dry-run guard says it would roll back', async () => {
    const errorRate = await raised('SwitchyardUserEngineErrorRateAboveLegacy', ', kind="http"');
    expect(errorRate[0]!.metric).toMatchObject({ severity: 'page', job: JOB });
    await raised('SwitchyardUserEngineLatencyAboveLegacy');
    await raised('SwitchyardShadowMismatchRateHigh');
    await raised('SwitchyardShadowWorkDropped');
    await raised('SwitchyardGuardBreachingInDryRun', ', gate="error_rate"');
    expect(await value('switchyard_rollback_engaged')).toBe(0);
  }, 60_000);

  it('in enforce mode, after a restart on the same ports, trips the rollback on the same failures', async () => {
    const ports = { traffic: Number(new URL(proxy.url).port), ops: Number(new URL(proxy.opsUrl).port) };
    await proxy.stop();
    proxy = await startSwitchyard('enforce', ports);
    // The new process's counters start again: its first scrape shows next to no requests.
    await waitFor(
      async () =>
        (await value(`up{job="${JOB}"}`)) === 1 &&
        !((await value('sum(switchyard_requests_total{kind="http"})')) >= 100),
      20_000,
      () => 'Prometheus has not scraped the restarted proxy',
    );
    await failingBurst('again');
    const tripped = await raised('SwitchyardGuardTripped');
    expect(tripped[0]!.metric.alertstate).toBe('firing');
    await raised('SwitchyardRollbackEngaged');
    expect(await value(`switchyard_rollbacks_total{trigger="guard"}`)).toBe(1);
  }, 60_000);

  it('raises the rollback alert again after a resume and a POST /admin/rollback', async () => {
    user.faults.httpFailRate = 0;
    expect((await proxy.admin('POST', '/admin/resume')).status).toBe(200);
    await waitFor(
      async () => (await alerts('alertname="SwitchyardRollbackEngaged"')).length === 0,
      20_000,
      () => 'SwitchyardRollbackEngaged still raised after the resume',
    );
    expect((await proxy.admin('POST', '/admin/rollback', { reason: 'system test' })).status).toBe(200);
    await raised('SwitchyardRollbackEngaged');
    expect(await value(`switchyard_rollbacks_total{trigger="manual"}`)).toBe(1);
  }, 60_000);

  it('raises none of the alerts that this traffic gives no cause for', async () => {
    const quiet = [
      'SwitchyardUserEngineIsolationViolation',
      'SwitchyardIsolationViolationNotBlocked',
      // A file flag source that is up: its last sync is old, and that is no alert.
      'SwitchyardFlagSourceStale',
      'SwitchyardMetricsMissing',
    ];
    expect(await value(`time() - switchyard_flag_last_sync_timestamp_seconds`)).toBeGreaterThan(0);
    // Counted by the first proxy process, before the restart.
    expect(
      await value(`sum(max_over_time(switchyard_isolation_violations_total{engine="legacy"}[15m]))`),
    ).toBeGreaterThan(0);
    const raisedNow = await alerts(`alertname=~"${quiet.join('|')}"`);
    expect(raisedNow.map((s) => s.metric.alertname)).toEqual([]);
  });

  it('answers every query of every dashboard panel with data, naming only metrics the proxy exports', async () => {
    const exported = new Set(await labelValues('__name__', '{__name__=~"switchyard_.+"}'));
    const problems: string[] = [];
    let panels = 0;
    for (const file of readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'))) {
      const dashboard = JSON.parse(readFileSync(`${DASHBOARDS}${file}`, 'utf8'));
      for (const q of dashboardQueries(dashboard)) {
        const expr = substituteVariables(q.expr, VARIABLES);
        const where = `${file} ${q.where}`;
        for (const name of metricNames(expr)) {
          if (!exported.has(name)) problems.push(`${where}: ${name} is not exported by the proxy`);
        }
        let result: Sample[];
        try {
          result = await prom.query(expr);
        } catch (err) {
          problems.push(`${where}: ${(err as Error).message}`);
          continue;
        }
        // Annotations mark events: only the rollbacks, which this test made, must show.
        const mustHaveData =
          q.where.startsWith('panel') || q.where.startsWith('variable') || q.where.includes('Rollbacks');
        if (q.where.startsWith('panel')) panels += 1;
        if (mustHaveData && result.length === 0)
          problems.push(`${where}: no data\n    ${expr.replaceAll('\n', ' ')}`);
      }
    }
    expect(problems).toEqual([]);
    expect(panels).toBeGreaterThan(60);
  }, 60_000);

  it('evaluates every alert expression, naming only metrics that exist', async () => {
    const exported = new Set(await labelValues('__name__'));
    const rules = parse(readFileSync(RULES, 'utf8')) as {
      groups: Array<{ rules: Array<{ alert?: string; expr: string }> }>;
    };
    const problems: string[] = [];
    const all = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined);
    for (const rule of all) {
      for (const name of metricNames(rule.expr)) {
        if (!exported.has(name)) problems.push(`${rule.alert}: ${name} does not exist in Prometheus`);
      }
      await prom.query(rule.expr).catch((err: Error) => problems.push(`${rule.alert}: ${err.message}`));
    }
    expect(problems).toEqual([]);
    expect(all.length).toBeGreaterThanOrEqual(10);
  });

  it('raises the missing-metrics alert once the proxy is gone', async () => {
    proxyStopped = true;
    await proxy.stop();
    await raised('SwitchyardMetricsMissing', `, job="${JOB}"`);
  }, 60_000);
});

/** A metric's sum over the series whose labels match, read from the proxy's own registry. */
async function counted(name: string, labels: Record<string, string>): Promise<number> {
  const metric = await proxy.app.registry.getSingleMetric(name)!.get();
  return metric.values
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((sum, v) => sum + v.value, 0);
}

/** The values of a label in Prometheus, of the series that `match` selects (all by default). */
async function labelValues(label: string, match = '{__name__=~".+"}'): Promise<string[]> {
  const res = await fetch(
    `${prom.url}/api/v1/label/${label}/values?${new URLSearchParams({ 'match[]': match })}`,
  );
  return ((await res.json()) as { data: string[] }).data;
}
