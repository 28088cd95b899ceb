/**
 * Plain builders for classic Grafana dashboard JSON (schemaVersion 39: Grafana 10.4 and later
 * import it as it is). Only the fields these dashboards use; Grafana fills in the rest.
 */

export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

export interface Target {
  /** PromQL; `$instance`, `$route`, `$__rate_interval` and `$__range` are Grafana's to fill in. */
  expr: string;
  legend?: string;
  /** An instant query (stat and bar gauge panels that show one figure per series). */
  instant?: boolean;
}

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** What a panel is, before and after layout. */
export interface PanelBody {
  type: string;
  title: string;
  description?: string;
  datasource?: typeof DATASOURCE;
  targets?: Array<Record<string, unknown>>;
  fieldConfig?: Record<string, unknown>;
  options?: Record<string, unknown>;
  collapsed?: boolean;
  panels?: Panel[];
}

export interface Panel extends PanelBody {
  id: number;
  gridPos: GridPos;
}

/** A panel before layout: the dashboard gives it its id and place. */
export interface PanelSpec extends PanelBody {
  w: number;
  h: number;
}

export interface Threshold {
  value: number | null;
  color: string;
}

export interface Mapping {
  value: string;
  text: string;
  color?: string;
}

interface Common {
  title: string;
  description: string;
  targets: Target[];
  unit?: string;
  w?: number;
  h?: number;
  min?: number;
  max?: number;
  decimals?: number;
  thresholds?: Threshold[];
  mappings?: Mapping[];
  overrides?: Array<Record<string, unknown>>;
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function targets(list: Target[]): Array<Record<string, unknown>> {
  return list.map((t, i) => ({
    refId: REF_IDS[i],
    datasource: DATASOURCE,
    editorMode: 'code',
    expr: t.expr,
    legendFormat: t.legend ?? '__auto',
    range: t.instant !== true,
    instant: t.instant === true,
  }));
}

function fieldConfig(c: Common, custom: Record<string, unknown>, colorMode: string) {
  const defaults: Record<string, unknown> = {
    color: { mode: colorMode },
    custom,
    unit: c.unit ?? 'short',
    thresholds: {
      mode: 'absolute',
      steps: c.thresholds ?? [{ value: null, color: 'green' }],
    },
    mappings: (c.mappings ?? []).map((m) => ({
      type: 'value',
      options: { [m.value]: { text: m.text, ...(m.color !== undefined && { color: m.color }), index: 0 } },
    })),
  };
  if (c.min !== undefined) defaults.min = c.min;
  if (c.max !== undefined) defaults.max = c.max;
  if (c.decimals !== undefined) defaults.decimals = c.decimals;
  return { defaults, overrides: c.overrides ?? [] };
}

function base(type: string, c: Common, w: number, h: number) {
  return { type, title: c.title, description: c.description, w: c.w ?? w, h: c.h ?? h, datasource: DATASOURCE, targets: targets(c.targets) };
}

export interface TimeseriesOptions extends Common {
  stack?: boolean;
  bars?: boolean;
  /** Draw the thresholds as dashed lines (a limit the reader compares against). */
  showThresholds?: boolean;
  fill?: number;
}

export function timeseries(c: TimeseriesOptions): PanelSpec {
  const custom = {
    drawStyle: c.bars === true ? 'bars' : 'line',
    lineWidth: 1,
    fillOpacity: c.fill ?? (c.stack === true || c.bars === true ? 60 : 10),
    pointSize: 4,
    showPoints: 'never',
    spanNulls: false,
    stacking: { mode: c.stack === true ? 'normal' : 'none', group: 'A' },
    axisSoftMin: 0,
    thresholdsStyle: { mode: c.showThresholds === true ? 'dashed' : 'off' },
  };
  return {
    ...base('timeseries', c, 12, 8),
    fieldConfig: fieldConfig(c, custom, 'palette-classic'),
    options: {
      legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  };
}

export interface StatOptions extends Common {
  /** `value`, `name`, `value_and_name`. */
  textMode?: string;
  colorMode?: 'value' | 'background' | 'none';
  sparkline?: boolean;
}

export function stat(c: StatOptions): PanelSpec {
  return {
    ...base('stat', c, 4, 4),
    fieldConfig: fieldConfig(c, {}, 'thresholds'),
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      orientation: 'auto',
      textMode: c.textMode ?? 'auto',
      colorMode: c.colorMode ?? 'value',
      graphMode: c.sparkline === true ? 'area' : 'none',
      justifyMode: 'auto',
    },
  };
}

export function stateTimeline(c: Common): PanelSpec {
  return {
    ...base('state-timeline', c, 12, 6),
    fieldConfig: fieldConfig(c, { lineWidth: 0, fillOpacity: 80 }, 'thresholds'),
    options: {
      mergeValues: true,
      showValue: 'never',
      alignValue: 'left',
      rowHeight: 0.8,
      legend: { displayMode: 'list', placement: 'bottom', showLegend: false },
      tooltip: { mode: 'single', sort: 'none' },
    },
  };
}

export function barGauge(c: Common): PanelSpec {
  return {
    ...base('bargauge', c, 6, 8),
    fieldConfig: fieldConfig(c, {}, 'thresholds'),
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      orientation: 'horizontal',
      displayMode: 'gradient',
      showUnfilled: true,
      minVizHeight: 10,
      minVizWidth: 0,
      valueMode: 'color',
    },
  };
}

/** A series colour fixed by a regular expression on its display name. */
export function colourBy(pattern: string, color: string): Record<string, unknown> {
  return {
    matcher: { id: 'byRegexp', options: pattern },
    properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: color } }],
  };
}

/** Legacy blue, user orange: the same in every panel of every dashboard. */
export const ENGINE_COLOURS = [colourBy('/^legacy.*/', 'blue'), colourBy('/^user.*/', 'orange')];
