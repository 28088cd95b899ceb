/** Small text helpers shared by the formatters. Pure. */

/** Columns padded to the widest cell; the last column is not padded. */
export function table(rows: ReadonlyArray<readonly string[]>, gap = '  '): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join(gap)
        .trimEnd(),
    )
    .join('\n');
}

/** `2025-01-01T10:00:00.000Z` -> `2025-01-01T10:00:00.000Z (3 min ago)`; null -> `never`. */
export function when(iso: string | null | undefined, now: number): string {
  if (iso === null || iso === undefined) return 'never';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : `${iso} (${ago(now - t)})`;
}

export function ago(ms: number): string {
  if (ms < 0) return 'in the future';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}

/** part / whole as `12.5%`; `-` when whole is 0. */
export function share(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '-';
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function quoted(text: string | null | undefined): string {
  return text === null || text === undefined || text === '' ? '(no reason given)' : JSON.stringify(text);
}
