import { evaluateGates } from '../../../src/guard/gates/evaluate.js';
import { sumFleet } from '../../../src/guard/gates/fleet-sum.js';
import { parseSlice, type GuardSlice } from '../../../src/guard/gates/slice.js';
import { SampleWindow } from '../../../src/guard/gates/window.js';
import { NOW, T0, limits, userHash } from './feed.js';

const S0 = T0 / 1000;
const NOW_S = NOW / 1000;

/** What a store gives back: the JSON of a slice, checked. */
const stored = (slices: GuardSlice[]): GuardSlice[] =>
  slices.map((s) => parseSlice(JSON.parse(JSON.stringify(s)))!);

/**
 * A mixed second-by-second workload over 30 s: HTTP with failures and spread latency, WebSocket
 * sessions, cross and baseline comparisons with kinds, isolation of both kinds. Sample i goes to
 * `record(i)`'s window, so the same samples can be fed to one window or spread over replicas.
 */
function workload(windowOf: (i: number) => SampleWindow): void {
  for (let i = 0; i < 3000; i++) {
    const w = windowOf(i);
    const at = T0 + (i % 30) * 1000 + (i % 7);
    const who = userHash(i % 97);
    w.recordHttp('legacy', at, 10 + (i % 40), i % 50 === 0, who);
    w.recordHttp('user', at, 12 + ((i * 7) % 300), i % 9 === 0, who);
    if (i % 3 === 0) w.recordWsSession(i % 2 === 0 ? 'user' : 'legacy', at, i % 11 === 0, who);
    if (i % 2 === 0) {
      const mismatch = i % 5 === 0;
      w.recordComparison(at, mismatch ? 'mismatch' : 'match', who, mismatch ? ['tool', 'order'] : []);
    }
    if (i % 13 === 0) w.recordComparison(at, i % 26 === 0 ? 'mismatch' : 'match', who, ['status'], 'user');
    if (i % 17 === 0) w.recordComparison(at, 'match', who, [], 'legacy');
    if (i % 29 === 0) w.recordComparison(at, 'incomplete', who);
    if (i % 211 === 0) w.recordIsolation('user', at, 'ownership', userHash(5000 + i), who);
  }
}

function totals(w: SampleWindow, now: number) {
  return {
    http: [w.http('legacy', now), w.http('user', now)],
    ws: [w.ws('legacy', now), w.ws('user', now)],
    p95: [w.latencyQuantile('legacy', now, 0.95), w.latencyQuantile('user', now, 0.95)],
    slowUsers: w.slowUsers(now, 100),
    comparisons: w.comparisons(now),
    books: w.noiseBooks(now),
    isolation: [w.isolation('legacy', now), w.isolation('user', now)],
    served: [w.servedUsers('legacy', now), w.servedUsers('user', now)],
    floors: w.floorSamples(now),
  };
}

describe('guard slices and the fleet sum', () => {
  it("sums three replicas' slices into exactly what one window fed every sample holds", () => {
    const whole = new SampleWindow(60);
    const replicas = [new SampleWindow(60), new SampleWindow(60), new SampleWindow(60)];
    workload(() => whole);
    workload((i) => replicas[i % 3]!);
    const remote = stored([
      ...replicas[1]!.slicesBetween(-Infinity, NOW_S),
      ...replicas[2]!.slicesBetween(-Infinity, NOW_S),
    ]);
    const fleet = sumFleet(new SampleWindow(60), replicas[0]!, remote, NOW);
    expect(totals(fleet, NOW)).toEqual(totals(whole, NOW));
    const strict = limits({ minRequests: 500, minComparisons: 150, maxMismatchRate: 0.05 });
    expect(evaluateGates(fleet, strict, NOW)).toEqual(evaluateGates(whole, strict, NOW));
    // The sum is not a trivial one: no replica alone has the fleet's evidence.
    const judged = (w: SampleWindow) => w.comparisons(NOW).match + w.comparisons(NOW).mismatch;
    expect([judged(replicas[0]!), judged(fleet)]).toEqual([500, 1500]);
    expect(evaluateGates(fleet, strict, NOW).find((r) => r.name === 'mismatch_rate')?.verdict).toBe('breach');
    expect(evaluateGates(replicas[0]!, strict, NOW).find((r) => r.name === 'mismatch_rate')?.verdict).toBe(
      'insufficient',
    );
  });

  it('counts a user seen by two replicas once, in the same second and across seconds', () => {
    const [a, b] = [new SampleWindow(60), new SampleWindow(60)];
    for (let u = 0; u < 4; u++) {
      a.recordComparison(T0, 'mismatch', userHash(u), ['tool']);
      b.recordComparison(T0, 'mismatch', userHash(u), ['tool']);
      b.recordComparison(T0 + 5000, 'mismatch', userHash(u), ['tool']);
      a.recordHttp('user', T0, 900, true, userHash(u));
      b.recordHttp('user', T0 + 1000, 900, true, userHash(u));
    }
    const fleet = sumFleet(new SampleWindow(60), a, stored(b.slicesBetween(-Infinity, NOW_S)), NOW);
    expect(fleet.comparisons(NOW)).toMatchObject({ mismatch: 12, mismatchUsers: 4 });
    expect(fleet.http('user', NOW)).toEqual({ requests: 8, failed: 8, failedUsers: 4 });
    expect(fleet.slowUsers(NOW, 500)).toBe(4);
    expect(fleet.servedUsers('user', NOW)).toBe(4);
  });

  it('leaves out slices outside the window, from the future, and from before the last resume', () => {
    const local = new SampleWindow(10);
    const other = new SampleWindow(60);
    for (const s of [-20, -5, 0, 5]) other.recordComparison(NOW + s * 1000, 'mismatch', userHash(s + 100));
    const remote = stored(other.slicesBetween(-Infinity, Infinity));
    expect(sumFleet(new SampleWindow(10), local, remote, NOW).comparisons(NOW).mismatch).toBe(2);
    expect(sumFleet(new SampleWindow(10), local, remote, NOW, NOW_S - 1).comparisons(NOW).mismatch).toBe(1);
  });

  it('refuses what is not a slice: wrong types, negative counts, indexes out of range, oversized sets', () => {
    const w = new SampleWindow(60);
    w.recordHttp('user', T0, 30, true, userHash(1));
    w.recordComparison(T0, 'mismatch', userHash(1), ['tool']);
    const [good] = stored(w.slicesBetween(-Infinity, Infinity));
    expect(good).toMatchObject({ second: S0, mismatch: 1 });
    const bad = (patch: (s: Record<string, any>) => void) => {
      const s = JSON.parse(JSON.stringify(good));
      patch(s);
      return parseSlice(s);
    };
    expect(bad(() => undefined)).not.toBeNull();
    expect(parseSlice(null)).toBeNull();
    expect(parseSlice('slice')).toBeNull();
    expect(bad((s) => (s.match = -1))).toBeNull();
    expect(bad((s) => (s.second = 'now'))).toBeNull();
    expect(bad((s) => delete s.user)).toBeNull();
    expect(bad((s) => (s.user.latency = [100_000, 1]))).toBeNull();
    expect(bad((s) => (s.crossKinds = [1, 2, 3]))).toBeNull();
    expect(bad((s) => (s.mismatchUsers = Array.from({ length: 65 }, (_, i) => i + 1)))).toBeNull();
    expect(bad((s) => (s.legacy.httpFailedUsers = [2 ** 33]))).toBeNull();
    expect(bad((s) => (s.floorKinds = null))).toBeNull();
  });
});
