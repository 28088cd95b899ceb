/**
 * Reads the PromQL back out of dashboard JSON, for the tests: every query of every panel,
 * annotation and variable, and the metric names a query selects.
 */

export interface DashboardQuery {
  /** Where it comes from: `panel 12 "Title" A`, `annotation "Rollbacks"`, `variable instance`. */
  where: string;
  expr: string;
}

interface PanelLike {
  id?: number;
  title?: string;
  targets?: Array<{ refId?: string; expr?: string }>;
  panels?: PanelLike[];
}

interface DashboardLike {
  panels?: PanelLike[];
  annotations?: { list?: Array<{ name?: string; expr?: string }> };
  templating?: { list?: Array<{ name?: string; type?: string; query?: unknown }> };
}

export function dashboardQueries(dashboard: DashboardLike): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  const walk = (panels: PanelLike[] | undefined): void => {
    for (const p of panels ?? []) {
      for (const t of p.targets ?? []) {
        if (typeof t.expr === 'string') out.push({ where: `panel ${p.id} "${p.title}" ${t.refId}`, expr: t.expr });
      }
      walk(p.panels);
    }
  };
  walk(dashboard.panels);
  for (const a of dashboard.annotations?.list ?? []) {
    if (typeof a.expr === 'string') out.push({ where: `annotation "${a.name}"`, expr: a.expr });
  }
  for (const v of dashboard.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const q = typeof v.query === 'string' ? v.query : (v.query as { query?: string } | undefined)?.query;
    const inner = q === undefined ? null : /^label_values\((.*),\s*\w+\)$/.exec(q);
    if (inner?.[1] !== undefined) out.push({ where: `variable ${v.name}`, expr: inner[1] });
  }
  return out;
}

const KEYWORDS = new Set([
  'and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right',
  'offset', 'bool', 'inf', 'nan', 'atan2',
]);

/**
 * The metric names a PromQL expression selects: identifiers that are not functions, keywords,
 * label names (inside `{}` or a `by`/`on` list), durations or strings. Enough for the queries
 * written here; not a PromQL parser.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = m[0];
    const after = stripped.slice(m.index + word.length).trimStart();
    const before = stripped.slice(0, m.index);
    if (after.startsWith('(')) continue;
    if (KEYWORDS.has(word.toLowerCase())) continue;
    if (/[0-9.]$/.test(before) || /\$$/.test(before)) continue;
    names.add(word);
  }
  return [...names];
}

/** Grafana's variables, replaced as a query for Prometheus's HTTP API needs them. */
export function substituteVariables(expr: string, values: { rateInterval: string; range: string }): string {
  return expr
    .replaceAll('$__rate_interval', values.rateInterval)
    .replaceAll('$__interval', values.rateInterval)
    .replaceAll('$__range', values.range)
    .replaceAll('$instance', '.*')
    .replaceAll('$route', '.*');
}
