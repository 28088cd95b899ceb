import { announcingSource } from '../../../src/flags/announcing-source.js';
import { InMemoryFlagSource } from '../../../src/flags/in-memory-source.js';

const names = { rollout: 'switchyard-rollout', shadow: 'switchyard-shadow' };

describe('a flag source that announces its changes to the fleet', () => {
  it('announces a change once the source has taken it, and reads like the source', async () => {
    const inner = new InMemoryFlagSource(names);
    const announced: number[] = [];
    const source = announcingSource(inner, () => announced.push(inner.written.length));
    const next = await source.update((s) => ({ ...s, rollout: { ...s.rollout, percent: 30 } }));
    expect(next.rollout.percent).toBe(30);
    expect(announced).toEqual([1]); // after the write, not before
    expect(source.kind).toBe('memory');
    expect(source.current()).toBe(inner.current());
    expect(source.status()).toEqual(inner.status());
  });

  it('announces nothing when the source refuses the change', async () => {
    const inner = new InMemoryFlagSource(names, { persist: () => Promise.reject(new Error('disk full')) });
    let announced = 0;
    const source = announcingSource(inner, () => announced++);
    await expect(source.update((s) => ({ ...s, shadow: { ...s.shadow, percent: 10 } }))).rejects.toThrow(
      /could not be persisted/,
    );
    expect(announced).toBe(0);
    expect(source.current()?.shadow.percent).toBe(0);
  });
});

describe('what is announced', () => {
  it('is the percentages and the switch as the source took them, never the overrides', async () => {
    const inner = new InMemoryFlagSource(names);
    const announced: unknown[] = [];
    const source = announcingSource(inner, (a) => announced.push(a));
    await source.update((s) => ({
      ...s,
      rollout: { ...s.rollout, percent: 30 },
      overrides: new Map([['ann', { serve: 'user' as const }]]),
    }));
    expect(announced).toEqual([
      {
        rollout: { percent: 30, groupId: 'switchyard-rollout' },
        shadow: { percent: 0, groupId: 'switchyard-shadow' },
        rollback: { engaged: false, trigger: null, reason: null, at: null },
      },
    ]);
    expect(JSON.stringify(announced)).not.toContain('ann');
  });
});
