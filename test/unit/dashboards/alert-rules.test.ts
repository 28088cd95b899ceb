import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { metricNames } from '../../../scripts/dashboards/queries.js';
import { exportedMetricNames } from './exported-metrics.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string): string => readFileSync(`${ROOT}${path}`, 'utf8');
const DOC_PATH = 'docs/operations/metrics-and-alerts.md';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface AlertTest {
  alertname: string;
  exp_alerts: unknown[];
}

const rules: Rule[] = (parse(read('config/prometheus/rules/switchyard-alerts.yml')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap(
  (g) => g.rules,
);
const alerts = rules.filter((r) => r.alert !== undefined);
const promtoolTests = (parse(read('config/prometheus/tests/switchyard-alerts.test.yml')) as {
  tests: Array<{ alert_rule_test?: AlertTest[] }>;
}).tests.flatMap((t) => t.alert_rule_test ?? []);
const doc = read(DOC_PATH);

/** The alerts the issue asks for, by what they watch. */
const REQUIRED = [
  'SwitchyardUserEngineIsolationViolation',
  'SwitchyardShadowMismatchRateHigh',
  'SwitchyardUserEngineErrorRateAboveLegacy',
  'SwitchyardUserEngineLatencyAboveLegacy',
  'SwitchyardShadowWorkDropped',
  'SwitchyardFlagSourceStale',
  'SwitchyardRollbackEngaged',
  'SwitchyardGuardTripped',
  'SwitchyardGuardBreachingInDryRun',
];

describe('the alert rules', () => {
  it('hold every alert the issue asks for', () => {
    expect(alerts.map((a) => a.alert)).toEqual(expect.arrayContaining(REQUIRED));
  });

  it.each(alerts.map((a) => [a.alert!, a] as const))('%s has a severity, a summary, a description and a runbook section', (name, rule) => {
    expect(['page', 'warning']).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary).toEqual(expect.any(String));
    expect(rule.annotations?.description?.length).toBeGreaterThan(80);
    const anchor = name.toLowerCase();
    expect(rule.annotations?.runbook_url).toBe(`${DOC_PATH}#${anchor}`);
    expect(doc).toContain(`\n### ${name}\n`);
  });

  it.each(alerts.map((a) => [a.alert!] as const))('%s is unit-tested by promtool, firing and quiet', (name) => {
    const cases = promtoolTests.filter((t) => t.alertname === name);
    expect(cases.some((t) => t.exp_alerts.length > 0)).toBe(true);
    expect(cases.some((t) => t.exp_alerts.length === 0)).toBe(true);
  });

  it('name only metrics that createMetrics exports (and Prometheus’s own `up`)', async () => {
    const exported = await exportedMetricNames();
    for (const rule of rules) {
      const unknown = metricNames(rule.expr).filter((n) => !exported.has(n) && n !== 'up');
      expect({ rule: rule.alert ?? rule.record, unknown }).toEqual({ rule: rule.alert ?? rule.record, unknown: [] });
    }
  });

  it('page at once on an isolation violation by the user engine', () => {
    const rule = alerts.find((a) => a.alert === 'SwitchyardUserEngineIsolationViolation')!;
    expect(rule.for).toBeUndefined();
    expect(rule.labels?.severity).toBe('page');
    expect(rule.expr).toContain('engine="user"');
  });

  it('judge flag staleness only while the flag source is down, not by the age of a quiet file source', () => {
    const rule = alerts.find((a) => a.alert === 'SwitchyardFlagSourceStale')!;
    expect(rule.expr).toMatch(/switchyard_flag_source_up == 0/);
    expect(rule.expr).toMatch(/switchyard_flag_last_sync_timestamp_seconds/);
  });
});

describe(DOC_PATH, () => {
  it('documents every metric of the catalog', async () => {
    const exported = await exportedMetricNames();
    const own = [...exported]
      .filter((n) => !/^switchyard_(process|nodejs)_/.test(n))
      .map((n) => n.replace(/_(bucket|sum|count)$/, ''));
    const missing = [...new Set(own)].filter((n) => !doc.includes(`\`${n}\``));
    expect(missing).toEqual([]);
  });

  it('has a summary row for every alert', () => {
    for (const a of alerts) expect(doc).toContain(`| [${a.alert}](#${a.alert!.toLowerCase()}) |`);
  });
});
