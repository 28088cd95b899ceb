/**
 * A fixed latency histogram: log-spaced buckets, 40 per decade (each ~5.9% wide) from 0.5 ms to
 * ~63 s, plus an underflow bucket [0, 0.5 ms) and an overflow bucket. Recording is one index
 * computation and a counter bump; a quantile is read from the summed counts with linear
 * interpolation inside the bucket (as Prometheus's histogram_quantile does), so its error is at
 * most one bucket's width and usually far less.
 */
const PER_DECADE = 40;
const FIRST_EDGE_MS = 0.5;
const LAST_EDGE = Math.ceil(PER_DECADE * Math.log10(60_000 / FIRST_EDGE_MS));

/** EDGES[k] = 0.5 ms * 10^(k/40), k = 0..LAST_EDGE. */
const EDGES = Float64Array.from({ length: LAST_EDGE + 1 }, (_, k) => FIRST_EDGE_MS * 10 ** (k / PER_DECADE));

/** Bucket 0 is [0, EDGES[0]); bucket k is [EDGES[k-1], EDGES[k]); the last is [EDGES[LAST], ∞). */
export const LATENCY_BUCKET_COUNT = LAST_EDGE + 2;
const OVERFLOW = LATENCY_BUCKET_COUNT - 1;

/** The bucket a duration falls in; negative or NaN durations count as 0 ms. */
export function latencyBucketIndex(ms: number): number {
  if (!(ms >= FIRST_EDGE_MS)) return 0;
  let k = Math.floor(PER_DECADE * Math.log10(ms / FIRST_EDGE_MS)) + 1;
  if (k >= OVERFLOW) return ms >= EDGES[LAST_EDGE]! ? OVERFLOW : LAST_EDGE;
  // Correct a floating-point rounding at an edge, so that [lower, upper) holds exactly.
  if (ms < EDGES[k - 1]!) k -= 1;
  else if (ms >= EDGES[k]!) k += 1;
  return k;
}

/** The lower bound of a bucket, in ms. */
export function bucketLowerMs(k: number): number {
  return k <= 0 ? 0 : EDGES[Math.min(k, OVERFLOW) - 1]!;
}

/** The upper bound of a bucket, in ms (the overflow bucket has none: Infinity). */
export function bucketUpperMs(k: number): number {
  return k >= OVERFLOW ? Infinity : EDGES[Math.max(k, 0)]!;
}

/**
 * The q-quantile (0 < q <= 1) of a histogram's counts, or null when it is empty. A quantile in
 * the overflow bucket is reported as that bucket's lower bound (~63 s).
 */
export function histogramQuantile(counts: ArrayLike<number>, q: number): number | null {
  let total = 0;
  for (let k = 0; k < LATENCY_BUCKET_COUNT; k++) total += counts[k] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let below = 0;
  for (let k = 0; k < LATENCY_BUCKET_COUNT; k++) {
    const c = counts[k] ?? 0;
    if (c > 0 && below + c >= rank) {
      if (k === OVERFLOW) return bucketLowerMs(k);
      const lo = bucketLowerMs(k);
      return lo + ((rank - below) / c) * (bucketUpperMs(k) - lo);
    }
    below += c;
  }
  return bucketLowerMs(OVERFLOW);
}
