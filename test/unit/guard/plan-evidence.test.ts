import { SampleWindow } from '../../../src/guard/gates/window.js';
import { NOW, T0, feedHttp, userHash } from './feed.js';

describe('the guard window figures the release plan reads', () => {
  it('counts the distinct users each engine served, HTTP and WebSocket, within the window only', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 300, users: 37 });
    feedHttp(w, 'legacy', { requests: 300, users: 200 });
    for (let i = 100; i < 110; i++) w.recordWsSession('user', T0 + 5000, false, userHash(i));
    expect(w.servedUsers('user', NOW)).toBe(47);
    expect(w.servedUsers('legacy', NOW)).toBe(200);
    expect(w.servedUsers('user', NOW + 120_000)).toBe(0);
  });

  it('counts no user twice however often it comes back', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 1000, users: 3 });
    expect(w.servedUsers('user', NOW)).toBe(3);
  });

  it("counts each engine's judged baseline comparisons apart from the cross-engine ones", () => {
    const w = new SampleWindow(60);
    for (let i = 0; i < 12; i++) w.recordComparison(T0, 'match', userHash(i), [], 'legacy');
    for (let i = 0; i < 7; i++)
      w.recordComparison(T0, i < 2 ? 'mismatch' : 'match', userHash(i), ['text'], 'user');
    w.recordComparison(T0, 'incomplete', userHash(1), [], 'user');
    for (let i = 0; i < 30; i++) w.recordComparison(T0, 'match', userHash(i));
    expect(w.floorSamples(NOW)).toEqual({ legacy: 12, user: 7 });
  });
});
