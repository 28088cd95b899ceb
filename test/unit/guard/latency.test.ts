import { latencyGate } from '../../../src/guard/gates/latency.js';
import { SampleWindow } from '../../../src/guard/gates/window.js';
import { NOW, feedHttp, limits } from './feed.js';

const gate = (w: SampleWindow, over = {}) => latencyGate(w, limits(over), NOW);

describe('latency gate', () => {
  it('does not breach on millisecond jitter under the floor, whatever the ratio', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'legacy', { requests: 500, ms: 1 });
    feedHttp(w, 'user', { requests: 500, ms: 3 });
    const r = gate(w);
    expect(r.value!).toBeGreaterThan(2.5);
    expect(r.verdict).toBe('ok');
  });

  it('breaches when the user p95 is past the ratio and the floor, from many users', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'legacy', { requests: 200, ms: 100 });
    feedHttp(w, 'user', { requests: 200, ms: 200, users: 20 });
    const r = gate(w);
    expect(r).toMatchObject({ name: 'latency', verdict: 'breach', users: 20, channel: 'http', limit: 1.1 });
    expect(r.value!).toBeGreaterThan(1.88);
    expect(r.value!).toBeLessThan(2.12);
    expect(r.reason).toMatch(
      /^latency: user p95 \d+ ms vs legacy \d+ ms \(x\d\.\d\d > 1\.1, \+\d+ ms > 25\) over 60 s, 200\/200 requests, 20 users$/,
    );
  });

  it('does not breach when the slow requests all come from one user', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'legacy', { requests: 200, ms: 100 });
    feedHttp(w, 'user', {
      requests: 200,
      ms: (i) => (i % 10 === 0 ? 1000 : 100),
      user: (i) => (i % 10 === 0 ? 999 : i % 20),
    });
    const r = gate(w);
    expect(r.value!).toBeGreaterThan(5);
    expect(r.users).toBe(1);
    expect(r.verdict).toBe('insufficient');
  });

  it('does not breach on a ratio under the limit, however many ms apart', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'legacy', { requests: 300, ms: 1000 });
    feedHttp(w, 'user', { requests: 300, ms: 1070 });
    expect(gate(w).verdict).toBe('ok');
  });

  it('is insufficient below minRequests on a side, and without requests has no value', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'legacy', { requests: 300, ms: 10 });
    expect(gate(w)).toMatchObject({
      verdict: 'insufficient',
      value: null,
      samples: { legacy: 300, user: 0 },
    });
    feedHttp(w, 'user', { requests: 99, ms: 900 });
    expect(gate(w)).toMatchObject({ verdict: 'insufficient', samples: { legacy: 300, user: 99 } });
  });

  it('counts as slow only the users slower than legacy p95 plus the floor', () => {
    const w = new SampleWindow(60);
    feedHttp(w, 'legacy', { requests: 200, ms: 100 });
    // Users 0-5 at 120 ms (within the floor), users 6-11 at 400 ms.
    feedHttp(w, 'user', { requests: 240, ms: (i) => (i % 12 < 6 ? 120 : 400), user: (i) => i % 12 });
    expect(gate(w).users).toBe(6);
  });
});
