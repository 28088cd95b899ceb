import { decide, isBaseline } from '../../src/routing/decide.js';
import type { FlagState } from '../../src/routing/types.js';

function flags(rollout: number, shadow: number, baseline: number | null): FlagState {
  return {
    rollout: { percent: rollout, groupId: 'switchyard-rollout' },
    shadow: { percent: shadow, groupId: 'switchyard-shadow' },
    ...(baseline !== null && { baseline: { percent: baseline, groupId: 'switchyard-baseline' } }),
    rollback: { engaged: false, trigger: null, reason: null, at: null },
    overrides: new Map(),
  };
}

const users = Array.from({ length: 2000 }, (_, i) => `user-${i}`);

describe('the noise baseline in the decision', () => {
  it('copies a baseline user to the engine that serves them, legacy or user', () => {
    expect(decide('u1', flags(0, 0, 100))).toEqual({
      serve: 'legacy',
      shadow: 'legacy',
      reason: 'not-in-rollout',
    });
    expect(decide('u1', flags(100, 0, 100))).toEqual({ serve: 'user', shadow: 'user', reason: 'rollout' });
  });

  it('puts a user in at most one of baseline and shadow, baseline first', () => {
    const f = flags(50, 30, 10);
    let baseline = 0;
    let cross = 0;
    for (const id of users) {
      const a = decide(id, f);
      if (a.shadow === 'none') continue;
      if (isBaseline(a)) baseline += 1;
      else cross += 1;
    }
    // ~10% baseline; the shadow flag's 30% then loses the users it shares with the baseline.
    expect(baseline / users.length).toBeGreaterThan(0.07);
    expect(baseline / users.length).toBeLessThan(0.13);
    expect(cross + baseline).toBeLessThan(users.length * 0.4);
    expect(cross).toBeGreaterThan(users.length * 0.2);
    // At 100% baseline nobody is shadowed across engines.
    expect(
      users.some((id) => {
        const a = decide(id, flags(50, 100, 100));
        return !isBaseline(a);
      }),
    ).toBe(false);
  });

  it('changes nothing without a baseline flag or at 0%', () => {
    for (const id of users.slice(0, 200)) {
      expect(decide(id, flags(50, 30, 0))).toEqual(decide(id, flags(50, 30, null)));
    }
  });

  it('uses its own group id: baseline and shadow buckets are independent', () => {
    const inBaseline = users.filter((id) => isBaseline(decide(id, flags(0, 0, 20))));
    const inShadow = users.filter((id) => decide(id, flags(0, 20, null)).shadow !== 'none');
    const both = inBaseline.filter((id) => inShadow.includes(id)).length;
    // Independent 20% draws share about 4% of users, not all of them (a shared group id would).
    expect(both).toBeGreaterThan(users.length * 0.02);
    expect(both).toBeLessThan(users.length * 0.07);
  });

  it('never baselines anonymous traffic or a rolled-back proxy', () => {
    expect(decide(null, flags(0, 0, 100)).shadow).toBe('none');
    const rolled = {
      ...flags(0, 0, 100),
      rollback: { engaged: true, trigger: 'manual', reason: null, at: null },
    } as const;
    expect(decide('u1', rolled).shadow).toBe('none');
  });
});
