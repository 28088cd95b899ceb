import { isolationGate } from '../../../src/guard/gates/isolation.js';
import { SampleWindow } from '../../../src/guard/gates/window.js';
import { NOW, T0, limits, userHash } from './feed.js';

const gate = (w: SampleWindow, now = NOW) => isolationGate(w, limits(), now);
/** Session number `s`: hashes apart from the user hashes. */
const session = (s: number): number => userHash(100_000 + s);

describe('isolation gate', () => {
  it('breaches at once on a user-engine frame carrying another known user_id, with no other traffic', () => {
    const w = new SampleWindow(60);
    expect(w.recordIsolation('user', T0, 'user_id', session(1), userHash(1))).toBe(true);
    const r = gate(w);
    expect(r).toMatchObject({ name: 'isolation', verdict: 'breach', value: 1, limit: 0, users: 1 });
    expect(r.reason).toBe(
      "isolation: the user engine sent 1 frame carrying another user's user_id within 60 s (limit 0), 1 user, 1 session",
    );
  });

  it("never holds legacy's leaks against the user engine", () => {
    const w = new SampleWindow(60);
    for (let i = 0; i < 10; i++) {
      expect(w.recordIsolation('legacy', T0, 'user_id', session(i), userHash(i))).toBe(false);
    }
    expect(gate(w)).toMatchObject({ verdict: 'ok', value: 0, samples: { legacy: 10, user: 0 } });
  });

  it('needs minUsers distinct users and sessions before ownership-only violations breach', () => {
    const w = new SampleWindow(60);
    for (let s = 0; s < 4; s++) {
      for (let k = 0; k < 5; k++) {
        expect(w.recordIsolation('user', T0 + k, 'ownership', session(s), userHash(s))).toBe(false);
      }
    }
    expect(gate(w)).toMatchObject({ verdict: 'insufficient', value: 20, users: 4, reason: null });
    w.recordIsolation('user', T0, 'ownership', session(4), userHash(4));
    const r = gate(w);
    expect(r.verdict).toBe('breach');
    expect(r.reason).toBe(
      'isolation: 21 ownership violations by the user engine reaching 5 users, 5 sessions (>= 5 each) within 60 s',
    );
  });

  it('does not breach when one account with 205 sessions receives ownership violations', () => {
    const w = new SampleWindow(60);
    for (let s = 0; s < 205; s++) {
      for (let k = 0; k < 5; k++)
        w.recordIsolation('user', T0 + s * 100 + k, 'ownership', session(s), userHash(7));
    }
    expect(gate(w)).toMatchObject({ verdict: 'insufficient', value: 1025, users: 1 });
  });

  it('breaches when 20 distinct users, one session each, receive ownership violations', () => {
    const w = new SampleWindow(60);
    for (let u = 0; u < 20; u++)
      w.recordIsolation('user', T0 + u * 100, 'ownership', session(u), userHash(u));
    expect(gate(w)).toMatchObject({ verdict: 'breach', value: 20, users: 20 });
  });

  it('does not breach when many users share one session key (one leaking session)', () => {
    const w = new SampleWindow(60);
    for (let u = 0; u < 20; u++) w.recordIsolation('user', T0, 'ownership', session(0), userHash(u));
    expect(gate(w)).toMatchObject({ verdict: 'insufficient', users: 20 });
  });

  it("does not breach when one client keeps sending another user's thread id", () => {
    const w = new SampleWindow(60);
    for (let k = 0; k < 500; k++)
      w.recordIsolation('user', T0 + k * 50, 'ownership', session(42), userHash(42));
    expect(gate(w)).toMatchObject({ verdict: 'insufficient', users: 1 });
  });

  it('lets a user_id leak fall out of the window with time', () => {
    const w = new SampleWindow(60);
    w.recordIsolation('user', T0, 'user_id', session(1), userHash(1));
    expect(gate(w, T0 + 59_000).verdict).toBe('breach');
    expect(gate(w, T0 + 60_000).verdict).toBe('ok');
  });
});
