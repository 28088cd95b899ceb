import { Slots } from '../../../src/shadow/slots.js';

describe('Slots', () => {
  it('gives out at most its capacity of places, and the gauge follows the places taken', () => {
    const seen: number[] = [];
    const slots = new Slots(2, { set: (v) => seen.push(v) });
    const a = slots.tryTake();
    const b = slots.tryTake();
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(slots.tryTake()).toBeNull();
    expect(slots.inUse).toBe(2);
    a!();
    expect(slots.inUse).toBe(1);
    expect(slots.tryTake()).not.toBeNull();
    expect(seen).toEqual([1, 2, 1, 2]);
  });

  it('frees one place only when a release is called twice', () => {
    const slots = new Slots(2);
    const a = slots.tryTake()!;
    slots.tryTake();
    a();
    a();
    expect(slots.inUse).toBe(1);
  });
});
