import { appendFile } from 'node:fs/promises';
import { constants, PerformanceObserver } from 'node:perf_hooks';

/**
 * Loaded into a proxy with `--import` by bench/gc-flags.ts: totals the process's garbage
 * collection pauses by kind and, on SIGUSR2, appends them as one JSON line to GC_REPORT_FILE,
 * then starts counting again.
 */
const file = process.env.GC_REPORT_FILE;
const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'markCompact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incrementalMarking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakCallbacks',
};
const totals: Record<string, { count: number; ms: number }> = {};
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = KINDS[(entry as { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other';
    const t = (totals[kind] ??= { count: 0, ms: 0 });
    t.count += 1;
    t.ms += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });
process.on('SIGUSR2', () => {
  const rounded = Object.fromEntries(
    Object.entries(totals).map(([k, t]) => [k, { count: t.count, ms: Math.round(t.ms) }]),
  );
  for (const t of Object.values(totals)) [t.count, t.ms] = [0, 0];
  if (file !== undefined) void appendFile(file, `${JSON.stringify(rounded)}\n`);
});
