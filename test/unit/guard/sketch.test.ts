import fc from 'fast-check';
import {
  DistinctCounter,
  USER_SKETCH_CAPACITY,
  UserSet,
  sketchKey,
} from '../../../src/guard/gates/sketch.js';
import { SlowestUsers } from '../../../src/guard/gates/slowest.js';

const hashes = fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 300 });
const distinct = (xs: readonly number[]): number => new Set(xs.map(sketchKey)).size;

describe('distinct-user sketches', () => {
  it('counts distinct hashes exactly up to the capacity, then stays there', () => {
    fc.assert(
      fc.property(hashes, (xs) => {
        const s = new UserSet();
        for (const x of xs) s.add(x);
        expect(s.size).toBe(Math.min(distinct(xs), USER_SKETCH_CAPACITY));
      }),
    );
  });

  it('counts a union of sets as at least the largest set and at most the true distinct count', () => {
    fc.assert(
      fc.property(fc.array(hashes, { maxLength: 8 }), (parts) => {
        const union = new DistinctCounter();
        let largest = 0;
        for (const xs of parts) {
          const s = new UserSet();
          for (const x of xs) s.add(x);
          s.addTo(union);
          largest = Math.max(largest, s.size);
        }
        expect(union.size).toBeGreaterThanOrEqual(largest);
        expect(union.size).toBeLessThanOrEqual(distinct(parts.flat()));
      }),
    );
  });

  it('empties a set on clear and can fill it again', () => {
    const s = new UserSet();
    for (let i = 0; i < 100; i++) s.add(i);
    s.clear();
    expect(s.size).toBe(0);
    s.add(7);
    s.add(7);
    expect(s.size).toBe(1);
  });

  it('counts at least min(true, capacity) users slower than any threshold, and never a fast one', () => {
    const samples = fc.array(
      fc.tuple(fc.integer({ min: 0, max: 300 }), fc.double({ min: 0, max: 1000, noNaN: true })),
      {
        maxLength: 600,
      },
    );
    fc.assert(
      fc.property(samples, fc.double({ min: 0, max: 1000, noNaN: true }), (xs, threshold) => {
        const slow = new SlowestUsers();
        for (const [who, ms] of xs) slow.add(who, ms);
        const union = new DistinctCounter();
        slow.addSlowerThan(threshold, union);
        const truth = distinct(xs.filter(([, ms]) => ms > threshold).map(([who]) => who));
        expect(union.size).toBeLessThanOrEqual(truth);
        expect(union.size).toBeGreaterThanOrEqual(Math.min(truth, USER_SKETCH_CAPACITY));
      }),
    );
  });
});
