import { mismatchRateGate } from '../../../src/guard/gates/mismatch.js';
import { DEFAULT_GUARD_LIMITS } from '../../../src/guard/gates/limits.js';
import { SampleWindow } from '../../../src/guard/gates/window.js';
import type { Engine } from '../../../src/routing/types.js';
import { T0, userHash } from './feed.js';
import { seeded } from '../../support/seeded-random.js';

/**
 * The relative mismatch gate judges a cross-engine rate against a floor that is itself a sample.
 * These cases draw both from known rates, at the sizes of the integration test that once rolled
 * back a healthy engine (688 cross-engine comparisons, floors of about 500).
 */

interface Book {
  readonly n: number;
  readonly mismatched: number;
}

/** A window holding these counts: a `tool` mismatch from a rotating user, or a match. */
function windowOf(cross: Book, floors: Record<Engine, Book>): SampleWindow {
  const w = new SampleWindow(DEFAULT_GUARD_LIMITS.windowSeconds);
  const fill = (book: Book, engine?: Engine) => {
    for (let i = 0; i < book.n; i++) {
      const mismatch = i < book.mismatched;
      w.recordComparison(
        T0,
        mismatch ? 'mismatch' : 'match',
        userHash(i % 200),
        mismatch ? ['tool'] : [],
        engine,
      );
    }
  };
  fill(cross);
  fill(floors.legacy, 'legacy');
  fill(floors.user, 'user');
  return w;
}

const verdict = (cross: Book, floors: Record<Engine, Book>) =>
  mismatchRateGate(windowOf(cross, floors), DEFAULT_GUARD_LIMITS, T0);

function draw(random: () => number, n: number, rate: number): Book {
  let mismatched = 0;
  for (let i = 0; i < n; i++) if (random() < rate) mismatched++;
  return { n, mismatched };
}

// Both engines take another tool in 8% of runs: any two runs differ in 2 x 8% x 92% of cases.
const NOISE = 2 * 0.08 * 0.92;
const DRAWS = 500;

describe('the relative mismatch gate against a sampled floor', () => {
  it('does not roll back on the evidence that once did: 18.0% of 688 against a floor of 12.9% of 504', () => {
    const floors = { legacy: { n: 504, mismatched: 61 }, user: { n: 504, mismatched: 65 } };
    const report = verdict({ n: 688, mismatched: 124 }, floors);
    // 5.1 points apart, but the floor alone is uncertain by about 3.5 points either way.
    expect(report).toMatchObject({ basis: 'baseline', verdict: 'ok' });
    expect(report.value).toBeCloseTo(0.18, 2);
    expect(report.floor).toBeCloseTo(0.129, 3);
  });

  it('rolls back when the same sizes put the cross rate 15 points above the floor', () => {
    const floors = { legacy: { n: 504, mismatched: 61 }, user: { n: 504, mismatched: 65 } };
    const report = verdict({ n: 688, mismatched: 193 }, floors);
    expect(report).toMatchObject({ basis: 'baseline', verdict: 'breach' });
    expect(report.reason).toMatch(
      /^mismatch_rate: 28\.1% of 688 comparisons mismatched \(> user floor 12\.9% of 504 \+ 5 points; at least \+\d+\.\d points at 99% confidence\)/,
    );
  });

  it(`never breaches in ${DRAWS} draws when both engines are equally noisy`, () => {
    const random = seeded(7);
    const breaches: string[] = [];
    for (let i = 0; i < DRAWS; i++) {
      const report = verdict(draw(random, 688, NOISE), {
        legacy: draw(random, 504, NOISE),
        user: draw(random, 504, NOISE),
      });
      expect(report.basis).toBe('baseline');
      if (report.verdict === 'breach') breaches.push(report.reason ?? '');
    }
    expect(breaches).toEqual([]);
  });

  // Judged against the larger of two sampled floors, at these sizes: about 95% (the guard judges
  // every second, so a regression that stays is caught within a few more).
  it(`breaches in at least 90% of ${DRAWS} draws when the cross rate is 15 points above the floor`, () => {
    const random = seeded(8);
    let breaches = 0;
    for (let i = 0; i < DRAWS; i++) {
      const report = verdict(draw(random, 688, NOISE + 0.15), {
        legacy: draw(random, 504, NOISE),
        user: draw(random, 504, NOISE),
      });
      if (report.verdict === 'breach') breaches++;
    }
    expect(breaches).toBeGreaterThanOrEqual(0.9 * DRAWS);
  });
});
