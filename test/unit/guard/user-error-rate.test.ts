import { errorRateGate } from '../../../src/guard/gates/error-rate.js';
import { userErrorRateGate } from '../../../src/guard/gates/user-error-rate.js';
import { SampleWindow } from '../../../src/guard/gates/window.js';
import { NOW, feedHttp, feedWs, limits } from './feed.js';

const gate = (w: SampleWindow, over = {}) => userErrorRateGate(w, limits(over), NOW);

describe('user_error_rate gate (the user engine alone)', () => {
  it('breaches at 100% rollout when the user engine fails for many users, where error_rate cannot judge', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 300, failed: 300, failUsers: 40 });
    expect(errorRateGate(w, limits(), NOW).verdict).toBe('insufficient');
    const r = gate(w);
    expect(r).toMatchObject({
      name: 'user_error_rate',
      verdict: 'breach',
      value: 1,
      limit: 0.05,
      users: 40,
      channel: 'http',
      samples: { legacy: 0, user: 300 },
    });
    expect(r.reason).toBe(
      'user_error_rate: user 100.0% of 300 requests failed (> 5%) over 60 s with 0 on legacy to compare, 40 users',
    );
  });

  it('is ok at 100% rollout on a healthy user engine with a few failures', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 1000, failed: 40, failUsers: 40 });
    expect(gate(w)).toMatchObject({ verdict: 'ok', value: 0.04 });
  });

  it('does not breach on a rate past the limit that is noise: 8 failures in 100', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 100, failed: 8, failUsers: 8 });
    expect(gate(w).verdict).toBe('ok');
  });

  it('does not breach when every failure comes from one user', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 300, failed: 100, failUsers: 1 });
    expect(gate(w)).toMatchObject({ verdict: 'insufficient', users: 1 });
  });

  it('is insufficient below minRequests on the user engine', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 99, failed: 99 });
    expect(gate(w)).toMatchObject({ verdict: 'insufficient', value: 1 });
  });

  it('stands aside while legacy has enough samples: the comparative gate judges', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 300, failed: 60, failUsers: 30 });
    feedHttp(w, 'legacy', { requests: 300, failed: 60, failUsers: 30 });
    expect(gate(w).verdict).toBe('insufficient');
    expect(errorRateGate(w, limits(), NOW).verdict).toBe('ok');
  });

  it('judges when legacy has some traffic but too little to compare with', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 300, failed: 150, failUsers: 30 });
    feedHttp(w, 'legacy', { requests: 99 });
    expect(gate(w)).toMatchObject({ verdict: 'breach', samples: { legacy: 99, user: 300 } });
  });

  it('judges WebSocket sessions apart from HTTP', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 5000 });
    feedWs(w, 'user', 150, 150, 20);
    const r = gate(w);
    expect(r).toMatchObject({ verdict: 'breach', channel: 'ws', users: 20 });
    expect(r.reason).toContain('of 150 WebSocket sessions failed');
  });

  it('follows GUARD_MAX_ERROR_RATE', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'user', { requests: 1000, failed: 200, failUsers: 50 });
    expect(gate(w, { maxErrorRate: 0.05 }).verdict).toBe('breach');
    expect(gate(w, { maxErrorRate: 0.25 }).verdict).toBe('ok');
  });
});
