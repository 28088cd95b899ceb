import { SERIES_CAP, addSample, emptySeries, sampleDue } from '../../../src/plan/series.js';
import { T0, healthy } from './fixtures.js';

describe('release plan gate series', () => {
  it('keeps each gate value against its limit, per step, bounded, spanning the whole step', () => {
    let s = emptySeries(null, null);
    for (let i = 0; i < SERIES_CAP * 3; i++) {
      const at = T0 + i * 5000;
      if (sampleDue(s, 2, at)) s = addSample(s, 2, 25, healthy({ at }));
    }
    expect(s.step).toBe(2);
    expect(s.percent).toBe(25);
    expect(s.gates.map((g) => g.name)).toEqual([
      'error_rate',
      'user_error_rate',
      'latency',
      'mismatch_rate',
      'isolation',
    ]);
    for (const g of s.gates) {
      expect(g.points.length).toBeLessThanOrEqual(SERIES_CAP);
      expect(g.points[0]!.at).toBeLessThan(T0 + SERIES_CAP * 5000);
      expect(g.points.at(-1)!.at).toBeGreaterThan(T0 + SERIES_CAP * 2 * 5000);
    }
    expect(s.gates[0]!.points[0]).toMatchObject({ value: 0.01, limit: 0.05, verdict: 'ok' });
    expect(s.everyMs).toBeGreaterThan(5000);
  });

  it('starts afresh at a new step', () => {
    const s = addSample(emptySeries(null, null), 0, 1, healthy());
    expect(sampleDue(s, 0, T0 + 1000)).toBe(false);
    expect(sampleDue(s, 1, T0 + 1000)).toBe(true);
    const next = addSample(s, 1, 5, healthy({ at: T0 + 1000 }));
    expect(next.gates[0]!.points).toHaveLength(1);
  });
});
