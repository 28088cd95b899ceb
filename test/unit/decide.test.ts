import fc from 'fast-check';
import { decide } from '../../src/routing/decide.js';
import { bucket } from '../../src/routing/bucket.js';
import type { FlagState, Override } from '../../src/routing/types.js';

function flags(rollout: number, shadow = 0, extra: Partial<FlagState> = {}): FlagState {
  return {
    rollout: { percent: rollout, groupId: 'switchyard-rollout' },
    shadow: { percent: shadow, groupId: 'switchyard-shadow' },
    rollback: { engaged: false, trigger: null, reason: null, at: null },
    overrides: new Map<string, Override>(),
    ...extra,
  };
}

const ids = Array.from({ length: 10_000 }, (_, i) => `user-${i}-${(i * 7919) % 10007}`);

describe('decide', () => {
  it('keeps every user who was in at p% when ramping to any higher q%', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        for (const id of ids) {
          if (decide(id, flags(lo)).serve === 'user') expect(decide(id, flags(hi)).serve).toBe('user');
        }
      }),
      { numRuns: 25 },
    );
  });

  it.each([1, 10, 25, 50, 90])('puts %i%% of 10,000 ids on the user engine within 1.5 points', (p) => {
    const served = ids.filter((id) => decide(id, flags(p)).serve === 'user').length;
    expect(Math.abs((served / ids.length) * 100 - p)).toBeLessThanOrEqual(1.5);
  });

  it('gives the same user the same answer every time', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.integer({ min: 0, max: 100 }), (id, p) => {
        expect(decide(id, flags(p))).toEqual(decide(id, flags(p)));
      }),
    );
  });

  it('serves legacy with no shadow to everyone while the rollback switch is engaged', () => {
    const rolled = flags(100, 100, {
      rollback: { engaged: true, trigger: 'manual', reason: 'x', at: '2026-01-01T00:00:00Z' },
      overrides: new Map([['staff', { serve: 'user' }]]),
    });
    for (const id of ['staff', ...ids.slice(0, 100)]) {
      expect(decide(id, rolled)).toEqual({ serve: 'legacy', shadow: 'none', reason: 'rollback' });
    }
  });

  it('applies an override before the rollout flag', () => {
    const f = flags(0, 0, { overrides: new Map([['staff-1', { serve: 'user' }]]) });
    expect(decide('staff-1', f)).toEqual({ serve: 'user', shadow: 'none', reason: 'override' });
    expect(decide('someone', f)).toEqual({ serve: 'legacy', shadow: 'none', reason: 'not-in-rollout' });
  });

  it('shadows the engine that does not serve the user', () => {
    expect(decide('u', flags(0, 100))).toEqual({ serve: 'legacy', shadow: 'user', reason: 'not-in-rollout' });
    expect(decide('u', flags(100, 100))).toEqual({ serve: 'user', shadow: 'legacy', reason: 'rollout' });
  });

  it('sends anonymous traffic to legacy and never shadows it, and legacy when flags are unknown', () => {
    expect(decide(null, flags(100, 100))).toEqual({ serve: 'legacy', shadow: 'none', reason: 'anonymous' });
    expect(decide('u', null)).toEqual({ serve: 'legacy', shadow: 'none', reason: 'flags-unavailable' });
  });

  it('buckets into 1..100', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (g, u) => {
        const b = bucket(g, u);
        expect(b).toBeGreaterThanOrEqual(1);
        expect(b).toBeLessThanOrEqual(100);
      }),
    );
  });
});
