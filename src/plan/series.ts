import type { Evidence } from './evidence.js';

/** At most this many points per gate; a full series keeps every other point, so it spans the whole step. */
export const SERIES_CAP = 240;
export const SAMPLE_EVERY_MS = 5000;

export interface SeriesPoint {
  /** Epoch ms. */
  readonly at: number;
  readonly value: number | null;
  readonly limit: number;
  readonly verdict: string;
}

/** The current step's gates over time (`GET /admin/plan/history`), for the console's chart. */
export interface StepSeries {
  /** The step index and percentage the points belong to; null before the first step. */
  readonly step: number | null;
  readonly percent: number | null;
  /** Milliseconds between points (doubles each time the series is thinned). */
  readonly everyMs: number;
  readonly gates: ReadonlyArray<{ readonly name: string; readonly points: readonly SeriesPoint[] }>;
}

export const emptySeries = (step: number | null, percent: number | null): StepSeries => ({
  step,
  percent,
  everyMs: SAMPLE_EVERY_MS,
  gates: [],
});

/** Whether a sample is due: the series is for another step, or `everyMs` has passed since its last point. */
export function sampleDue(series: StepSeries, step: number | null, now: number): boolean {
  if (series.step !== step) return true;
  const last = series.gates[0]?.points.at(-1);
  return last === undefined || now - last.at >= series.everyMs;
}

/** The series with one more point per gate (a fresh series when the step changed). Pure. */
export function addSample(
  series: StepSeries,
  step: number | null,
  percent: number | null,
  evidence: Evidence,
): StepSeries {
  const base = series.step === step ? series : emptySeries(step, percent);
  const full = (base.gates[0]?.points.length ?? 0) >= SERIES_CAP;
  const everyMs = full ? base.everyMs * 2 : base.everyMs;
  const gates = evidence.gates.map((g) => {
    const old = base.gates.find((s) => s.name === g.name)?.points ?? [];
    const kept = full ? old.filter((_, i) => i % 2 === 1) : old;
    const value = g.value === null || Number.isFinite(g.value) ? g.value : null;
    return {
      name: g.name,
      points: [...kept, { at: evidence.at, value, limit: g.limit, verdict: g.verdict }],
    };
  });
  return { step, percent, everyMs, gates };
}
