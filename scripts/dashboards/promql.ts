/** Small PromQL helpers, so that every query filters by the dashboard's variables the same way. */

export const INSTANCE = 'instance=~"$instance"';
export const ROUTE = 'route=~"$route"';
export const RATE = '$__rate_interval';

/** `metric{instance=~"$instance", ...matchers}` */
export function sel(metric: string, ...matchers: string[]): string {
  return `${metric}{${[INSTANCE, ...matchers].join(', ')}}`;
}

/** `rate(metric{...}[$__rate_interval])` */
export function rate(metric: string, ...matchers: string[]): string {
  return `rate(${sel(metric, ...matchers)}[${RATE}])`;
}

/** `sum by (labels) (rate(...))`, or `sum(rate(...))` with no labels. */
export function sumRate(by: string[], metric: string, ...matchers: string[]): string {
  return `${sumBy(by)}(${rate(metric, ...matchers)})`;
}

/** `sum by (labels) (increase(metric{...}[window]))` */
export function sumIncrease(by: string[], window: string, metric: string, ...matchers: string[]): string {
  return `${sumBy(by)}(increase(${sel(metric, ...matchers)}[${window}]))`;
}

/** `sum` or `sum by (labels) `, ready for the opening parenthesis. */
export function sumBy(by: string[]): string {
  return by.length === 0 ? 'sum' : `sum by (${by.join(', ')}) `;
}

/** The q-quantile of a histogram (`name` without `_bucket`), per the given labels. */
export function quantile(q: number, by: string[], histogram: string, ...matchers: string[]): string {
  return `histogram_quantile(${q}, ${sumRate([...by, 'le'], `${histogram}_bucket`, ...matchers)})`;
}

/** The 5xx share of requests, per the given labels (NaN where there was no traffic). */
export function errorRatio(by: string[], ...matchers: string[]): string {
  const errors = sumRate(by, 'switchyard_requests_total', ...matchers, 'status_class="5xx"');
  const all = sumRate(by, 'switchyard_requests_total', ...matchers);
  return `${errors}\n/\n${all}`;
}

export const QUANTILES = [0.5, 0.95, 0.99] as const;

export function pct(q: number): string {
  return `p${Math.round(q * 100)}`;
}
