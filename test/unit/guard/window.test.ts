import { SampleWindow } from '../../../src/guard/gates/window.js';
import { NOW, T0, feedHttp, feedWs, userHash } from './feed.js';

describe('SampleWindow', () => {
  it('counts HTTP requests and WebSocket sessions apart, per engine', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 10, failed: 3, users: 10 });
    feedHttp(w, 'legacy', { requests: 7, failed: 1 });
    feedWs(w, 'user', 4, 2);
    expect(w.http('user', NOW)).toEqual({ requests: 10, failed: 3, failedUsers: 3 });
    expect(w.http('legacy', NOW)).toEqual({ requests: 7, failed: 1, failedUsers: 1 });
    expect(w.ws('user', NOW)).toEqual({ requests: 4, failed: 2, failedUsers: 2 });
    expect(w.ws('legacy', NOW)).toEqual({ requests: 0, failed: 0, failedUsers: 0 });
  });

  it('lets samples older than the window fall out as the clock moves', () => {
    const w = new SampleWindow(60);
    w.recordHttp('user', T0, 5, true, userHash(1));
    w.recordHttp('user', T0 + 30_500, 5, false, userHash(2));
    expect(w.http('user', T0 + 59_999).requests).toBe(2);
    expect(w.http('user', T0 + 60_000).requests).toBe(1);
    expect(w.http('user', T0 + 89_999).requests).toBe(1);
    expect(w.http('user', T0 + 90_000).requests).toBe(0);
  });

  it('reuses a slot for a new second, dropping what it held', () => {
    const w = new SampleWindow(10);
    w.recordHttp('user', T0, 5, true, userHash(1));
    w.recordHttp('user', T0 + 10_000, 5, false, userHash(2));
    expect(w.http('user', T0 + 10_000)).toEqual({ requests: 1, failed: 0, failedUsers: 0 });
  });

  it('drops a sample whose slot already holds a later second', () => {
    const w = new SampleWindow(10);
    w.recordHttp('user', T0 + 10_000, 5, false, userHash(1));
    w.recordHttp('user', T0, 5, true, userHash(2));
    expect(w.http('user', T0 + 10_000)).toEqual({ requests: 1, failed: 0, failedUsers: 0 });
  });

  it('ignores samples from the future of the evaluation time', () => {
    const w = new SampleWindow(60);
    w.recordHttp('user', T0 + 5_000, 5, false, userHash(1));
    expect(w.http('user', T0 + 4_999).requests).toBe(0);
  });

  it('empties the window on reset', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 200, failed: 20, ms: 300 });
    w.recordComparison(T0, 'mismatch', userHash(1));
    w.recordIsolation('user', T0, 'user_id', userHash(2), userHash(1));
    w.reset();
    expect(w.http('user', NOW)).toEqual({ requests: 0, failed: 0, failedUsers: 0 });
    expect(w.latencyQuantile('user', NOW, 0.95)).toBeNull();
    expect(w.slowUsers(NOW, 0)).toBe(0);
    expect(w.comparisons(NOW)).toEqual({
      match: 0,
      mismatch: 0,
      incomplete: 0,
      isolation: 0,
      mismatchUsers: 0,
    });
    expect(w.isolation('user', NOW)).toEqual({ userId: 0, ownership: 0, sessions: 0, users: 0 });
  });

  it('records allocation-free in steady state: the same ring, slots and arrays after many windows', () => {
    const w = new SampleWindow(5);
    const slots = w.slots;
    const before = slots.map((b) => [b, b.legacy, b.user, b.user.latency, b.legacy.latency] as const);
    for (let i = 0; i < 50_000; i++) {
      const t = T0 + i * 7; // 350 s: seventy times round a 5 s ring
      w.recordHttp(i % 2 ? 'user' : 'legacy', t, i % 400, i % 13 === 0, userHash(i % 500));
      if (i % 10 === 0) w.recordWsSession('user', t, i % 20 === 0, userHash(i));
      if (i % 10 === 0) w.recordComparison(t, i % 30 === 0 ? 'mismatch' : 'match', userHash(i));
    }
    expect(w.slots).toBe(slots);
    w.slots.forEach((b, i) => {
      const [slot, legacy, user, userLatency, legacyLatency] = before[i]!;
      expect(b).toBe(slot);
      expect(b.legacy).toBe(legacy);
      expect(b.user).toBe(user);
      expect(b.user.latency).toBe(userLatency);
      expect(b.legacy.latency).toBe(legacyLatency);
    });
    expect(w.http('user', T0 + 50_000 * 7).requests).toBeGreaterThan(0);
  });

  it('reads p95 from the summed histograms of the window', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'legacy', { requests: 1000, ms: (i) => (i < 950 ? 10 : 500) });
    const p95 = w.latencyQuantile('legacy', NOW, 0.95)!;
    expect(p95).toBeGreaterThan(9.4);
    expect(p95).toBeLessThan(10.6);
    expect(w.latencyQuantile('legacy', NOW, 0.99)!).toBeGreaterThan(470);
  });

  it('refuses a window that is not a whole positive number of seconds', () => {
    expect(() => new SampleWindow(0)).toThrow(RangeError);
    expect(() => new SampleWindow(1.5)).toThrow(RangeError);
  });
});
