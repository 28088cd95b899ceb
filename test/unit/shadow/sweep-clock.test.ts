import { jest } from '@jest/globals';
import { SweepClock } from '../../../src/shadow/sweep-clock.js';

describe('SweepClock', () => {
  it('runs one timer only while something is registered, and sweeps on it', () => {
    jest.useFakeTimers();
    try {
      const clock = new SweepClock(50, undefined, () => Date.now());
      const swept: string[] = [];
      const a = { sweep: () => swept.push('a') };
      const b = { sweep: () => swept.push('b') };
      clock.add(a);
      clock.add(b);
      expect(jest.getTimerCount()).toBe(1);
      jest.advanceTimersByTime(100);
      expect(swept).toEqual(['a', 'b', 'a', 'b']);
      clock.delete(a);
      expect(jest.getTimerCount()).toBe(1);
      clock.delete(b);
      expect(jest.getTimerCount()).toBe(0);
      expect(clock.size).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('sweeps every member with the same time, and one that throws stops no other', () => {
    const errors: unknown[] = [];
    const clock = new SweepClock(
      1000,
      (e) => errors.push(e),
      () => 1234,
    );
    const seen: number[] = [];
    clock.add({
      sweep: () => {
        throw new Error('boom');
      },
    });
    clock.add({ sweep: (now) => seen.push(now) });
    clock.tick();
    expect(seen).toEqual([1234]);
    expect(errors).toHaveLength(1);
    clock.stop();
  });

  it('lets a member leave while it is being swept', () => {
    const clock = new SweepClock(1000);
    const seen: string[] = [];
    const a = { sweep: () => (seen.push('a'), clock.delete(b)) };
    const b = { sweep: () => seen.push('b') };
    clock.add(a);
    clock.add(b);
    clock.tick();
    expect(seen).toEqual(['a', 'b']);
    clock.tick();
    expect(seen).toEqual(['a', 'b', 'a']);
    clock.stop();
  });
});
