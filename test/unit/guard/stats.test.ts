import fc from 'fast-check';
import {
  normalQuantile,
  oneProportionZ,
  significantlyAbove,
  significantlyHigher,
  twoProportionZ,
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

describe('two-proportion test', () => {
  it('finds 2 errors in 100 against 0 in 100 not significant at 0.99 (z = 1.42)', () => {
    expect(twoProportionZ(2, 100, 0, 100)).toBeCloseTo(1.4213, 4);
    expect(significantlyHigher(2, 100, 0, 100, 0.99)).toBe(false);
  });

  it('finds 30 errors in 200 against 2 in 200 significant at 0.99 (z = 5.16)', () => {
    expect(twoProportionZ(30, 200, 2, 200)).toBeCloseTo(5.1605, 4);
    expect(significantlyHigher(30, 200, 2, 200, 0.99)).toBe(true);
  });

  it('is one-sided: a lower rate is never significantly higher', () => {
    expect(significantlyHigher(2, 200, 30, 200, 0.99)).toBe(false);
  });

  it('gives 0 when nothing varies or a side is empty', () => {
    expect(twoProportionZ(0, 100, 0, 100)).toBe(0);
    expect(twoProportionZ(100, 100, 100, 100)).toBe(0);
    expect(twoProportionZ(3, 0, 0, 100)).toBe(0);
  });

  it('never calls equal rates significant', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 100 }), (n, pct) => {
        const x = Math.round((n * pct) / 100);
        expect(significantlyHigher(x, n, x, n, 0.99)).toBe(false);
      }),
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
