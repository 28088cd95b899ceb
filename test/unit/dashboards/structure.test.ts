import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dashboardQueries, metricNames } from '../../../scripts/dashboards/queries.js';
import { exportedMetricNames } from './exported-metrics.js';

const DIR = fileURLToPath(new URL('../../../dashboards/', import.meta.url));
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const load = (file: string): any => JSON.parse(readFileSync(`${DIR}${file}`, 'utf8'));

/** Panels, rows' nested panels included. */
function allPanels(d: any): any[] {
  return d.panels.flatMap((p: any) => [p, ...(p.panels ?? [])]);
}

const variable = (d: any, name: string) => d.templating.list.find((v: any) => v.name === name);

/** The metrics each dashboard must show, from the list. */
const REQUIRED: Record<string, string[]> = {
  'switchyard-migration-overview.json': [
    'switchyard_stage',
    'switchyard_rollout_percent',
    'switchyard_shadow_percent',
    'switchyard_rollback_engaged',
    'switchyard_rollback_trigger',
    'switchyard_requests_total',
    'switchyard_ws_connections',
    'switchyard_routing_decisions_total',
    'switchyard_rollbacks_total',
    'switchyard_guard_gate_value',
    'switchyard_guard_gate_breaching',
    'switchyard_guard_breaches_total',
  ],
  'switchyard-divergence.json': [
    'switchyard_shadow_comparisons_total',
    'switchyard_divergences_total',
    'switchyard_isolation_violations_total',
    'switchyard_shadow_dropped_total',
    'switchyard_time_to_first_event_seconds_bucket',
    'switchyard_run_duration_seconds_bucket',
  ],
  'switchyard-proxy-health.json': [
    'switchyard_requests_total',
    'switchyard_request_duration_seconds_bucket',
    'switchyard_upstream_errors_total',
    'switchyard_ws_connections',
    'switchyard_ws_close_codes_total',
    'switchyard_flag_source_up',
    'switchyard_flag_last_sync_timestamp_seconds',
    'switchyard_process_cpu_seconds_total',
    'switchyard_process_resident_memory_bytes',
    'switchyard_nodejs_eventloop_lag_p99_seconds',
    'switchyard_store_up',
    'switchyard_store_write_seconds_bucket',
    'switchyard_store_dropped_total',
  ],
};

describe('the dashboards in dashboards/', () => {
  let exported: Set<string>;
  beforeAll(async () => {
    exported = await exportedMetricNames();
  });

  it('are the three the issue asks for', () => {
    expect(FILES.sort()).toEqual(Object.keys(REQUIRED).sort());
  });

  describe.each(Object.keys(REQUIRED))('%s', (file) => {
    const d = load(file);
    const panels = allPanels(d);
    const queries = dashboardQueries(d);

    it('is a classic dashboard, not wrapped, with a uid, title, schema version and time settings', () => {
      expect(d.dashboard).toBeUndefined();
      expect(d.uid).toMatch(/^[a-z0-9-]{1,40}$/);
      expect(typeof d.title).toBe('string');
      expect(d.schemaVersion).toBeGreaterThanOrEqual(36);
      expect(d.id).toBeNull();
      expect(d.time).toEqual({ from: expect.stringMatching(/^now-\d+[mhd]$/), to: 'now' });
      expect(d.refresh).toMatch(/^\d+[sm]$/);
      expect(Array.isArray(d.panels)).toBe(true);
    });

    it('gives every panel a unique id, a unique title and a place on the 24-column grid, without overlaps', () => {
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      const titles = panels.filter((p) => p.type !== 'row').map((p) => p.title);
      expect(new Set(titles).size).toBe(titles.length);
      for (const p of panels) {
        const { x, y, w, h } = p.gridPos;
        for (const n of [x, y, w, h]) expect(Number.isInteger(n)).toBe(true);
        expect(x >= 0 && w > 0 && h > 0 && x + w <= 24).toBe(true);
      }
      for (const a of panels)
        for (const b of panels) {
          if (a === b) continue;
          const A = a.gridPos;
          const B = b.gridPos;
          const overlap = A.x < B.x + B.w && B.x < A.x + A.w && A.y < B.y + B.h && B.y < A.y + A.h;
          if (overlap) throw new Error(`panels ${a.id} and ${b.id} overlap`);
        }
    });

    it('has a prometheus datasource variable that every panel and query uses', () => {
      const ds = variable(d, 'datasource');
      expect(ds).toMatchObject({ type: 'datasource', query: 'prometheus' });
      for (const p of panels.filter((x) => x.type !== 'row')) {
        expect({ panel: p.title, ds: p.datasource }).toEqual({
          panel: p.title,
          ds: { type: 'prometheus', uid: '${datasource}' },
        });
        expect(p.targets.length).toBeGreaterThan(0);
        for (const t of p.targets) expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      }
    });

    it('has a multi-value instance variable (and route where used) that every selector filters on', () => {
      expect(variable(d, 'instance')).toMatchObject({
        type: 'query',
        query: 'label_values(switchyard_rollout_percent, instance)',
        multi: true,
        includeAll: true,
        allValue: '.*',
        datasource: { type: 'prometheus', uid: '${datasource}' },
      });
      const usesRoute = queries.some((q) => q.expr.includes('$route'));
      const route = variable(d, 'route');
      expect(route !== undefined).toBe(usesRoute);
      if (route !== undefined) {
        expect(route).toMatchObject({ type: 'query', multi: true, includeAll: true, allValue: '.*' });
        expect(route.query).toMatch(/^label_values\(switchyard_requests_total(\{.*\})?, route\)$/);
        for (const q of queries) if (q.expr.includes('$route')) expect(q.expr).toContain('route=~"$route"');
      }
      for (const q of queries.filter((x) => x.where !== 'variable instance')) {
        const names = metricNames(q.expr);
        const selectors = [...q.expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)];
        for (const name of names) {
          const own = selectors.filter((s) => s[1] === name);
          const bare = [...q.expr.matchAll(new RegExp(`(?<![\\w:])${name}(?![\\w:])`, 'g'))].length;
          expect({ where: q.where, name, bare }).toEqual({ where: q.where, name, bare: own.length });
          for (const s of own) expect({ where: q.where, selector: s[0] }).toEqual({
            where: q.where,
            selector: expect.stringContaining('instance=~"$instance"'),
          });
        }
      }
    });

    it('names only metrics that createMetrics exports', () => {
      expect(queries.length).toBeGreaterThan(0);
      for (const q of queries) {
        const names = metricNames(q.expr);
        expect({ where: q.where, names: names.length > 0 }).toEqual({ where: q.where, names: true });
        const unknown = names.filter((n) => !exported.has(n));
        expect({ where: q.where, unknown }).toEqual({ where: q.where, unknown: [] });
      }
    });

    it('shows every metric the issue asks of it', () => {
      const used = new Set(queries.flatMap((q) => metricNames(q.expr)));
      const missing = (REQUIRED[file] ?? []).filter((n) => !used.has(n));
      expect(missing).toEqual([]);
    });

    it('draws rollbacks as annotations, from the dashboard datasource', () => {
      const rollbacks = d.annotations.list.find((a: any) => String(a.expr).includes('switchyard_rollbacks_total'));
      expect(rollbacks).toMatchObject({ enable: true, datasource: { type: 'prometheus', uid: '${datasource}' } });
      expect(rollbacks.titleFormat).toContain('{{trigger}}');
    });

    it('uses $__rate_interval for every rate, so the windows follow the scrape interval', () => {
      for (const q of queries) {
        for (const m of q.expr.matchAll(/\b(rate|increase|changes)\([^[]*\[([^\]]+)\]/g)) {
          expect({ where: q.where, window: m[2] }).toEqual({
            where: q.where,
            window: expect.stringMatching(/^(\$__rate_interval|\$__range|2m)$/),
          });
        }
      }
    });
  });
});
