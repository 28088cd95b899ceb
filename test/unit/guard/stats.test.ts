import fc from 'fast-check';
import {
  differenceLowerBound,
  normalQuantile,
  oneProportionZ,
  significantlyAbove,
} from '../../../src/guard/gates/stats.js';

describe('normalQuantile', () => {
  it.each([
    [0.5, 0],
    [0.9, 1.2815515655446004],
    [0.95, 1.6448536269514722],
    [0.975, 1.959963984540054],
    [0.99, 2.3263478740408408],
    [0.999, 3.090232306167813],
    [0.01, -2.3263478740408408],
    [1e-6, -4.753424308822899],
  ])('gives the standard normal quantile of %f as %f to 1e-8', (p, z) => {
    expect(Math.abs(normalQuantile(p) - z)).toBeLessThan(1e-8);
  });

  it('is antisymmetric around one half and never decreasing', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-9, max: 0.5, noNaN: true }),
        fc.double({ min: 1e-9, max: 0.5, noNaN: true }),
        (p, q) => {
          expect(normalQuantile(p) + normalQuantile(1 - p)).toBeCloseTo(0, 6);
          if (p < q) expect(normalQuantile(p)).toBeLessThanOrEqual(normalQuantile(q));
        },
      ),
    );
  });

  it('maps 0 and 1 to the infinities and refuses anything outside', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
    expect(() => normalQuantile(Number.NaN)).toThrow(RangeError);
  });
});

describe('the lower confidence bound of a difference of two rates', () => {
  it('does not show 2 errors in 100 against 0 in 100 to be even 0 points worse at 0.99', () => {
    expect(differenceLowerBound(2, 100, 0, 100, 0.99)).toBeCloseTo(-0.025444, 5);
  });

  it('shows 30 errors in 200 against 2 in 200 to be at least 7.6 points worse at 0.99', () => {
    expect(differenceLowerBound(30, 200, 2, 200, 0.99)).toBeCloseTo(0.076384, 5);
  });

  it('does not show 18.0% of 688 against 12.9% of 504 to be 5 points worse: the floor is a sample too', () => {
    expect(differenceLowerBound(124, 688, 65, 504, 0.99)).toBeLessThan(0.05);
    expect(differenceLowerBound(124, 688, 65, 504, 0.99)).toBeGreaterThan(0);
  });

  it('is finite at 0% and 100% (one success and one failure added to each side)', () => {
    expect(differenceLowerBound(0, 100, 0, 100, 0.99)).toBeCloseTo(-0.032096, 5);
    expect(differenceLowerBound(100, 100, 0, 100, 0.99)).toBeCloseTo(0.948296, 5);
  });

  it('is -1 with an empty side', () => {
    expect(differenceLowerBound(3, 0, 0, 100, 0.99)).toBe(-1);
    expect(differenceLowerBound(3, 100, 0, 0, 0.99)).toBe(-1);
  });

  it('never puts equal rates apart, and rises with the first rate and with confidence falling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 0, max: 100 }),
        (n1, n2, pct) => {
          const x1 = Math.round((n1 * pct) / 100);
          const x2 = Math.round((n2 * pct) / 100);
          expect(differenceLowerBound(x1, n1, x2, n2, 0.99)).toBeLessThan(0.5 / Math.min(n1, n2) + 0.01);
          if (x1 < n1) {
            expect(differenceLowerBound(x1 + 1, n1, x2, n2, 0.99)).toBeGreaterThan(
              differenceLowerBound(x1, n1, x2, n2, 0.99),
            );
          }
          expect(differenceLowerBound(x1, n1, x2, n2, 0.9)).toBeGreaterThan(
            differenceLowerBound(x1, n1, x2, n2, 0.99),
          );
        },
      ),
    );
  });
});

describe('one-proportion test', () => {
  it('finds 6 mismatches in 50 not significantly above 5%, and 7 in 50 significantly so', () => {
    expect(oneProportionZ(6, 50, 0.05)).toBeCloseTo(2.2711, 4);
    expect(significantlyAbove(6, 50, 0.05, 0.99)).toBe(false);
    expect(significantlyAbove(7, 50, 0.05, 0.99)).toBe(true);
  });

  it('treats any success as significant against a limit of 0, and none as not', () => {
    expect(significantlyAbove(1, 1000, 0, 0.99)).toBe(true);
    expect(significantlyAbove(0, 1000, 0, 0.99)).toBe(false);
  });
});
