import fc from 'fast-check';
import { errorRateGate } from '../../../src/guard/gates/error-rate.js';
import { SampleWindow } from '../../../src/guard/gates/window.js';
import { NOW, feedHttp, feedWs, limits } from './feed.js';

const gate = (w: SampleWindow, over = {}) => errorRateGate(w, limits(over), NOW);

describe('error_rate gate', () => {
  it('is insufficient while either side has fewer than minRequests requests', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 99, failed: 50 });
    feedHttp(w, 'legacy', { requests: 500 });
    const r = gate(w);
    expect(r.verdict).toBe('insufficient');
    expect(r.samples).toEqual({ legacy: 500, user: 99 });
    expect(r.value).toBeCloseTo(50.505, 2);
    expect(r.reason).toBeNull();
  });

  it('does not breach on 2 errors in 100 against 0 in 100: past the limit, but noise', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 100, failed: 2 });
    feedHttp(w, 'legacy', { requests: 100 });
    const r = gate(w, { minUsers: 1 });
    expect(r.value).toBeCloseTo(2, 9);
    expect(r.verdict).toBe('ok');
  });

  it('breaches on 30 errors in 200 against 2 in 200 coming from many users', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 200, failed: 30, failUsers: 10 });
    feedHttp(w, 'legacy', { requests: 200, failed: 2 });
    const r = gate(w);
    expect(r).toMatchObject({ name: 'error_rate', verdict: 'breach', users: 10, channel: 'http', limit: 1 });
    expect(r.value).toBeCloseTo(14, 9);
    expect(r.reason).toBe(
      'error_rate: user 15.0% vs legacy 1.0% (+14.0 pts > 1; at least +7.6 at 99% confidence) over 60 s, 200/200 requests, 10 users',
    );
  });

  it('does not breach when the same failures all come from one user', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 200, failed: 30, failUsers: 1 });
    feedHttp(w, 'legacy', { requests: 200, failed: 2 });
    const r = gate(w);
    expect(r.users).toBe(1);
    expect(r.verdict).toBe('insufficient');
  });

  it('does not breach on a significant difference under the limit', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 10_000, failed: 100 });
    feedHttp(w, 'legacy', { requests: 10_000, failed: 10 });
    expect(gate(w).verdict).toBe('ok');
  });

  it('writes a trip reason naming the gate and its figures', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 812, failed: 101, failUsers: 23 });
    feedHttp(w, 'legacy', { requests: 790, failed: 2 });
    expect(gate(w).reason).toBe(
      'error_rate: user 12.4% vs legacy 0.3% (+12.2 pts > 1; at least +9.4 at 99% confidence) over 60 s, 812/790 requests, 23 users',
    );
  });

  it('judges WebSocket sessions apart, so plentiful healthy HTTP cannot hide their failures', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 5000 });
    feedHttp(w, 'legacy', { requests: 5000 });
    feedWs(w, 'user', 150, 20, 8);
    feedWs(w, 'legacy', 150, 0);
    const r = gate(w);
    expect(r).toMatchObject({
      verdict: 'breach',
      channel: 'ws',
      samples: { legacy: 150, user: 150 },
      users: 8,
    });
    expect(r.reason).toContain('150/150 WebSocket sessions, 8 users');
  });

  it('reports HTTP as ok while too few WebSocket sessions have ended to judge them', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 300 });
    feedHttp(w, 'legacy', { requests: 300 });
    feedWs(w, 'user', 10, 10);
    expect(gate(w)).toMatchObject({ verdict: 'ok', channel: 'http' });
  });

  it('never breaches when the user engine fails no more often than legacy', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 600 }),
        fc.integer({ min: 100, max: 600 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (nUser, nLegacy, rLegacy, shrink) => {
          const fLegacy = Math.floor(nLegacy * rLegacy);
          const fUser = Math.floor(nUser * (fLegacy / nLegacy) * shrink);
          const w = new SampleWindow(60);
          feedHttp(w, 'user', { requests: nUser, failed: fUser });
          feedHttp(w, 'legacy', { requests: nLegacy, failed: fLegacy });
          expect(gate(w).verdict).not.toBe('breach');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never breaches on failures from fewer than minUsers distinct users, however many', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 20, max: 300 }), (failUsers, failed) => {
        const w = new SampleWindow(60);
        feedHttp(w, 'user', { requests: 300, failed, failUsers });
        feedHttp(w, 'legacy', { requests: 300 });
        expect(gate(w).verdict).toBe('insufficient');
      }),
      { numRuns: 40 },
    );
  });
});
