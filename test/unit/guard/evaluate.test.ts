import { evaluateGates } from '../../../src/guard/gates/evaluate.js';
import { DEFAULT_GUARD_LIMITS, checkGuardLimits } from '../../../src/guard/gates/limits.js';
import { BreachTracker } from '../../../src/guard/gates/tracker.js';
import { SampleWindow } from '../../../src/guard/gates/window.js';
import { NOW, T0, feedHttp, limits, userHash } from './feed.js';

describe('evaluateGates', () => {
  it('reports the five gates in order, all insufficient or ok on an empty window', () => {
    const reports = evaluateGates(new SampleWindow(60), DEFAULT_GUARD_LIMITS, NOW);
    expect(reports.map((r) => [r.name, r.verdict])).toEqual([
      ['error_rate', 'insufficient'],
      ['user_error_rate', 'insufficient'],
      ['latency', 'insufficient'],
      ['mismatch_rate', 'insufficient'],
      ['isolation', 'ok'],
    ]);
    expect(reports.every((r) => r.reason === null)).toBe(true);
  });

  it('reports everything ok on healthy, equal traffic', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'legacy', { requests: 1000, failed: 5, ms: (i) => 20 + (i % 40) });
    feedHttp(w, 'user', { requests: 1000, failed: 6, ms: (i) => 21 + (i % 40) });
    for (let i = 0; i < 100; i++) w.recordComparison(T0, i < 2 ? 'mismatch' : 'match', userHash(i));
    expect(evaluateGates(w, limits(), NOW).map((r) => r.verdict)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  });

  it('goes from samples to a trip: a fleet-wide error burst trips the guard once', () => {
    const w = new SampleWindow(60);
    const tracker = new BreachTracker('enforce');
    feedHttp(w, 'legacy', { requests: 400, failed: 1 });
    feedHttp(w, 'user', { requests: 400, failed: 60, failUsers: 30 });
    const step = tracker.observe(evaluateGates(w, limits(), NOW), NOW);
    expect(step.started.map((r) => r.name)).toEqual(['error_rate']);
    expect(step.trip?.reason).toMatch(
      /^error_rate: user 15\.0% vs legacy 0\.3% \(\+14\.8 pts > 1; at least \+10\.4 at 99% confidence\) over 60 s/,
    );
  });
});

describe('checkGuardLimits', () => {
  it('accepts the defaults', () => {
    expect(checkGuardLimits(DEFAULT_GUARD_LIMITS)).toEqual([]);
  });

  it('reports every problem at once, including a minUsers the sketch could never reach', () => {
    const problems = checkGuardLimits(limits({ windowSeconds: 0, minUsers: 65, confidence: 1 }));
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/GUARD_MIN_USERS/);
  });
});
