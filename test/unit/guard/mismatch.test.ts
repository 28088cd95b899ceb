import { mismatchRateGate } from '../../../src/guard/gates/mismatch.js';
import { SampleWindow } from '../../../src/guard/gates/window.js';
import { NOW, T0, feedComparisons, limits, userHash } from './feed.js';

const gate = (w: SampleWindow, over = {}) => mismatchRateGate(w, limits(over), NOW);

describe('mismatch_rate gate', () => {
  it('needs minComparisons judged in the window, not counting incomplete ones', () => {
    const w = new SampleWindow(60);
    feedComparisons(w, 0, 49);
    for (let i = 0; i < 100; i++) w.recordComparison(T0, 'incomplete', userHash(i));
    expect(gate(w)).toMatchObject({ verdict: 'insufficient', value: 1, samples: { legacy: 49, user: 49 } });
    w.recordComparison(T0, 'mismatch', userHash(49));
    expect(gate(w).verdict).toBe('breach');
  });

  it('does not breach on 6 mismatches in 50 at a 5% limit: past it, but noise', () => {
    const w = new SampleWindow(60);
    feedComparisons(w, 44, 6);
    expect(gate(w)).toMatchObject({ verdict: 'ok', value: 0.12 });
  });

  it('breaches on 7 mismatches in 50 from many users', () => {
    const w = new SampleWindow(60);
    feedComparisons(w, 43, 7);
    const r = gate(w);
    expect(r).toMatchObject({
      name: 'mismatch_rate',
      verdict: 'breach',
      users: 7,
      limit: 0.05,
      channel: null,
    });
    expect(r.reason).toBe('mismatch_rate: 14.0% of 50 comparisons mismatched (> 5%) over 60 s, 7 users');
  });

  it('does not breach when one user causes every mismatch', () => {
    const w = new SampleWindow(60);
    feedComparisons(w, 100, 100, 1);
    expect(gate(w)).toMatchObject({ verdict: 'insufficient', users: 1, value: 0.5 });
  });

  it('has no value with no judged comparisons', () => {
    expect(gate(new SampleWindow(60))).toMatchObject({ verdict: 'insufficient', value: null });
  });
});
