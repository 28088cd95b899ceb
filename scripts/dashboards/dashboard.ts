import { DATASOURCE, type Panel, type PanelSpec } from './grafana.js';
import { INSTANCE } from './promql.js';

export interface Section {
  title: string;
  panels: PanelSpec[];
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  /** e.g. `now-6h` */
  from: string;
  refresh: string;
  /** Dashboards with per-route request panels get the `route` variable. */
  routeVariable: boolean;
  sections: Section[];
  /** Annotations of this dashboard only, after the shared ones. */
  annotations?: Array<Record<string, unknown>>;
}

const WIDTH = 24;

/** Ids in order, rows full width, panels left to right, wrapping at 24 columns. */
export function layout(sections: Section[]): Panel[] {
  const out: Panel[] = [];
  let id = 1;
  let y = 0;
  for (const section of sections) {
    out.push({ id: id++, type: 'row', title: section.title, collapsed: false, panels: [], gridPos: { x: 0, y, w: WIDTH, h: 1 } });
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const spec of section.panels) {
      const { w, h, ...panel } = spec;
      if (x + w > WIDTH) {
        x = 0;
        y += lineHeight;
        lineHeight = 0;
      }
      out.push({ id: id++, ...panel, gridPos: { x, y, w, h } });
      x += w;
      lineHeight = Math.max(lineHeight, h);
    }
    y += lineHeight;
  }
  return out;
}

function datasourceVariable() {
  return {
    name: 'datasource',
    label: 'Data source',
    type: 'datasource',
    query: 'prometheus',
    current: {},
    hide: 0,
    includeAll: false,
    multi: false,
    options: [],
    refresh: 1,
    regex: '',
    skipUrlSync: false,
  };
}

function queryVariable(name: string, label: string, query: string) {
  return {
    name,
    label,
    type: 'query',
    datasource: DATASOURCE,
    definition: query,
    query,
    multi: true,
    includeAll: true,
    allValue: '.*',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    options: [],
    hide: 0,
    refresh: 2,
    regex: '',
    sort: 1,
    skipUrlSync: false,
  };
}

/** Rollbacks (every trigger) and the guard's dry-run breaches, as annotations on every time panel. */
function annotations(extra: Array<Record<string, unknown>> = []) {
  return {
    list: [
      {
        builtIn: 1,
        datasource: { type: 'grafana', uid: '-- Grafana --' },
        enable: true,
        hide: true,
        iconColor: 'rgba(0, 211, 255, 1)',
        name: 'Annotations & Alerts',
        type: 'dashboard',
      },
      {
        name: 'Rollbacks',
        datasource: DATASOURCE,
        enable: true,
        hide: false,
        iconColor: 'red',
        expr: `sum by (trigger) (changes(switchyard_rollbacks_total{${INSTANCE}}[2m])) > 0`,
        step: '30s',
        titleFormat: 'Rollback switch engaged ({{trigger}})',
        textFormat: 'trigger: {{trigger}}. The reason is in `switchyard status` and the audit log.',
        tagKeys: 'trigger',
        useValueForTime: false,
      },
      {
        name: 'Guard breaches',
        datasource: DATASOURCE,
        enable: true,
        hide: false,
        iconColor: 'orange',
        expr: `sum by (gate, mode) (changes(switchyard_guard_breaches_total{${INSTANCE}}[2m])) > 0`,
        step: '30s',
        titleFormat: 'Guard breach: {{gate}} ({{mode}})',
        textFormat: 'The guard found the {{gate}} gate in breach, mode {{mode}}. `switchyard guard` has the figures.',
        tagKeys: 'gate,mode',
        useValueForTime: false,
      },
      ...extra,
    ],
  };
}

/** The dashboard JSON, classic (not wrapped in `{dashboard: ...}`), ready to import. */
export function dashboard(spec: DashboardSpec): Record<string, unknown> {
  const variables: Array<Record<string, unknown>> = [
    datasourceVariable(),
    queryVariable('instance', 'Instance', 'label_values(switchyard_rollout_percent, instance)'),
  ];
  if (spec.routeVariable) {
    variables.push(
      queryVariable('route', 'Route', `label_values(switchyard_requests_total{${INSTANCE}}, route)`),
    );
  }
  return {
    id: null,
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['switchyard'],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    fiscalYearStartMonth: 0,
    liveNow: false,
    schemaVersion: 39,
    version: 1,
    time: { from: spec.from, to: 'now' },
    timepicker: { refresh_intervals: ['10s', '30s', '1m', '5m', '15m'] },
    refresh: spec.refresh,
    links: [
      {
        title: 'Switchyard',
        type: 'dashboards',
        tags: ['switchyard'],
        asDropdown: true,
        includeVars: true,
        keepTime: true,
        icon: 'external link',
        targetBlank: false,
        tooltip: '',
        url: '',
      },
    ],
    templating: { list: variables },
    annotations: annotations(spec.annotations),
    panels: layout(spec.sections),
  };
}
