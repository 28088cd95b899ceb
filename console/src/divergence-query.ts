/** The divergence search as the console holds it: each field as typed, '' for none. */
export interface DivergenceFilter {
  source: string;
  kind: string;
  engine: string;
  since: string;
  until: string;
  route: string;
}

/** The query string for a filter; the book always named (without it the API answers both). */
export function filterQuery(f: DivergenceFilter): string {
  const params: [string, string][] = [
    ['source', f.source],
    ['kind', f.kind],
    ['engine', f.engine],
    ['since', f.since],
    ['until', f.until],
    ['route', f.route],
  ];
  return params
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `&${k}=${encodeURIComponent(v)}`)
    .join('');
}
