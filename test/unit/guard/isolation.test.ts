import { isolationGate } from '../../../src/guard/gates/isolation.js';
import { SampleWindow } from '../../../src/guard/gates/window.js';
import { NOW, T0, limits, userHash } from './feed.js';

const gate = (w: SampleWindow, now = NOW) => isolationGate(w, limits(), now);

describe('isolation gate', () => {
  it('breaches at once on a user-engine frame carrying another user_id, with no other traffic', () => {
    const w = new SampleWindow(60);
    expect(w.recordIsolation('user', T0, 'user_id', userHash(1))).toBe(true);
    const r = gate(w);
    expect(r).toMatchObject({ name: 'isolation', verdict: 'breach', value: 1, limit: 0, users: 1 });
    expect(r.reason).toBe(
      "isolation: the user engine sent 1 frame carrying another user's user_id within 60 s (limit 0), 1 session",
    );
  });

  it("never holds legacy's leaks against the user engine", () => {
    const w = new SampleWindow(60);
    for (let i = 0; i < 10; i++) expect(w.recordIsolation('legacy', T0, 'user_id', userHash(i))).toBe(false);
    expect(gate(w)).toMatchObject({ verdict: 'ok', value: 0, samples: { legacy: 10, user: 0 } });
  });

  it('needs minUsers distinct sessions before ownership-only violations breach', () => {
    const w = new SampleWindow(60);
    for (let s = 0; s < 4; s++) {
      for (let k = 0; k < 5; k++)
        expect(w.recordIsolation('user', T0 + k, 'ownership', userHash(s))).toBe(false);
    }
    expect(gate(w)).toMatchObject({ verdict: 'insufficient', value: 20, users: 4, reason: null });
    w.recordIsolation('user', T0, 'ownership', userHash(4));
    const r = gate(w);
    expect(r.verdict).toBe('breach');
    expect(r.reason).toBe(
      'isolation: 21 ownership violations by the user engine from 5 sessions (>= 5) within 60 s',
    );
  });

  it("does not breach when one client keeps sending another user's thread id", () => {
    const w = new SampleWindow(60);
    for (let k = 0; k < 500; k++) w.recordIsolation('user', T0 + k * 50, 'ownership', userHash(42));
    expect(gate(w)).toMatchObject({ verdict: 'insufficient', users: 1 });
  });

  it('lets a user_id leak fall out of the window with time', () => {
    const w = new SampleWindow(60);
    w.recordIsolation('user', T0, 'user_id', userHash(1));
    expect(gate(w, T0 + 59_000).verdict).toBe('breach');
    expect(gate(w, T0 + 60_000).verdict).toBe('ok');
  });
});
