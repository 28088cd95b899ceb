import type { PlanSample } from './plan.js';

/** One gate at one time: its value (null while insufficient) against its limit. */
export interface GatePoint {
  at: number;
  value: number | null;
  limit: number | null;
  verdict: string;
}

/** The drawing area inside an SVG's viewBox: its size and the margins kept for the labels. */
export interface Box {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface ChartModel {
  /** SVG path data, one subpath per run of known values (a gap where the value is null). */
  value: string;
  limit: string;
  /** Where a breach was judged. */
  breaches: { x: number; y: number }[];
  /** The top of the y axis (the bottom is 0). */
  yMax: number;
  from: number;
  to: number;
}

/**
 * Each gate's points over time, oldest first, from `since` on (the current step), gates in the
 * order they first appear.
 */
export function gateSeries(samples: readonly PlanSample[], since: number | null): Map<string, GatePoint[]> {
  const byGate = new Map<string, GatePoint[]>();
  const sorted = samples.filter((s) => since === null || s.at >= since).sort((a, b) => a.at - b.at);
  for (const s of sorted) {
    for (const g of s.gates) {
      const points = byGate.get(g.name) ?? [];
      points.push({ at: s.at, value: g.value, limit: g.limit, verdict: g.verdict });
      byGate.set(g.name, points);
    }
  }
  return byGate;
}

/** The smallest 1, 2 or 5 times a power of ten at or above `x` (1 for nothing to show). */
export function niceCeiling(x: number): number {
  if (!Number.isFinite(x) || x <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(x));
  const step = [1, 2, 5, 10].find((m) => m * power >= x * (1 - 1e-9)) ?? 10;
  return Number((step * power).toPrecision(12));
}

/** Scales the points into `box`: time left to right, 0 at the bottom, the limit always in view. */
export function chartModel(points: readonly GatePoint[], box: Box): ChartModel {
  const from = points[0]?.at ?? 0;
  const to = points.at(-1)?.at ?? from;
  const highest = Math.max(0, ...points.flatMap((p) => [p.value ?? 0, p.limit ?? 0]));
  const yMax = niceCeiling(highest * 1.1);
  const plotW = box.width - box.left - box.right;
  const plotH = box.height - box.top - box.bottom;
  const x = (at: number): number =>
    to === from ? box.left + plotW / 2 : box.left + ((at - from) / (to - from)) * plotW;
  const y = (v: number): number => box.top + plotH - (Math.min(v, yMax) / yMax) * plotH;
  // One moment only (the step's first sample): a level across the plot, so it can be seen.
  const xs = (at: number): number[] => (to === from ? [box.left, box.left + plotW] : [x(at)]);
  const line = (pick: (p: GatePoint) => number | null): string =>
    path(
      points.flatMap((p) => {
        const v = pick(p);
        return v === null ? [null] : xs(p.at).map((px): [number, number] => [px, y(v)]);
      }),
    );
  return {
    value: line((p) => p.value),
    limit: line((p) => p.limit),
    breaches: points
      .filter((p) => p.verdict === 'breach' && p.value !== null)
      .map((p) => ({ x: round(x(p.at)), y: round(y(p.value ?? 0)) })),
    yMax,
    from,
    to,
  };
}

/** `M x y L x y ...`, a new subpath after each gap; a lone point is a zero-length line (a dot with round caps). */
function path(coords: readonly ([number, number] | null)[]): string {
  const parts: string[] = [];
  let run: [number, number][] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    const [first, ...rest] = run;
    const tail = rest.length === 0 ? [first!] : rest;
    parts.push(
      `M${round(first![0])} ${round(first![1])}` + tail.map(([a, b]) => ` L${round(a)} ${round(b)}`).join(''),
    );
    run = [];
  };
  for (const c of coords) {
    if (c === null) flush();
    else run.push(c);
  }
  flush();
  return parts.join(' ');
}

const round = (n: number): number => Math.round(n * 10) / 10;
