import { BoundedQueue } from '../../../src/notify/bounded-queue.js';

describe('BoundedQueue', () => {
  it('keeps order and evicts the oldest when full, returning it', () => {
    const q = new BoundedQueue<number>(3);
    expect([1, 2, 3].map((n) => q.push(n))).toEqual([undefined, undefined, undefined]);
    expect(q.push(4)).toBe(1);
    expect(q.push(5)).toBe(2);
    expect(q.size).toBe(3);
    expect([q.shift(), q.shift(), q.shift(), q.shift()]).toEqual([3, 4, 5, undefined]);
  });

  it('holds at most its capacity however much is pushed', () => {
    const q = new BoundedQueue<number>(100);
    let evicted = 0;
    for (let i = 0; i < 10_000; i++) if (q.push(i) !== undefined) evicted++;
    expect(q.size).toBe(100);
    expect(evicted).toBe(9_900);
    expect(q.drain()[0]).toBe(9_900);
    expect(q.size).toBe(0);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
  });
});
