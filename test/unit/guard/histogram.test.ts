import fc from 'fast-check';
import {
  LATENCY_BUCKET_COUNT,
  bucketLowerMs,
  bucketUpperMs,
  histogramQuantile,
  latencyBucketIndex,
} from '../../../src/guard/gates/histogram.js';

describe('latency histogram', () => {
  it('puts every duration inside the bounds of its bucket', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), (ms) => {
        const k = latencyBucketIndex(ms);
        expect(k).toBeGreaterThanOrEqual(0);
        expect(k).toBeLessThan(LATENCY_BUCKET_COUNT);
        expect(ms).toBeGreaterThanOrEqual(bucketLowerMs(k));
        expect(ms).toBeLessThan(bucketUpperMs(k));
      }),
    );
  });

  it('puts each bucket edge in the bucket it opens', () => {
    for (let k = 1; k < LATENCY_BUCKET_COUNT; k++) expect(latencyBucketIndex(bucketLowerMs(k))).toBe(k);
  });

  it('spans 0.5 ms to 60 s with buckets at most 6% wide', () => {
    expect(bucketLowerMs(1)).toBe(0.5);
    expect(bucketUpperMs(LATENCY_BUCKET_COUNT - 2)).toBeGreaterThanOrEqual(60_000);
    for (let k = 1; k < LATENCY_BUCKET_COUNT - 1; k++) {
      expect(bucketUpperMs(k) / bucketLowerMs(k)).toBeLessThan(1.06);
    }
  });

  it('counts negative and NaN durations as 0 ms', () => {
    expect(latencyBucketIndex(-5)).toBe(0);
    expect(latencyBucketIndex(Number.NaN)).toBe(0);
  });

  it('reads a p95 inside the bucket of the exact (nearest-rank) p95', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 100_000, noNaN: true }), { minLength: 1, maxLength: 400 }),
        (xs) => {
          const counts = new Uint32Array(LATENCY_BUCKET_COUNT);
          for (const x of xs) counts[latencyBucketIndex(x)]! += 1;
          const sorted = [...xs].sort((a, b) => a - b);
          const exact = sorted[Math.ceil(0.95 * xs.length) - 1]!;
          const k = latencyBucketIndex(exact);
          const p95 = histogramQuantile(counts, 0.95)!;
          expect(p95).toBeGreaterThanOrEqual(bucketLowerMs(k));
          expect(p95).toBeLessThanOrEqual(
            Math.min(bucketUpperMs(k), bucketLowerMs(LATENCY_BUCKET_COUNT - 1)),
          );
        },
      ),
    );
  });

  it('has no quantile when empty', () => {
    expect(histogramQuantile(new Uint32Array(LATENCY_BUCKET_COUNT), 0.95)).toBeNull();
  });
});
