/** A FIFO queue of at most `capacity` items: a push onto a full queue evicts the oldest item. */
export class BoundedQueue<T> {
  private readonly items: T[] = [];

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be at least 1');
  }

  get size(): number {
    return this.items.length;
  }

  /** Adds `item`; returns the item evicted to make room, if any. */
  push(item: T): T | undefined {
    const evicted = this.items.length >= this.capacity ? this.items.shift() : undefined;
    this.items.push(item);
    return evicted;
  }

  shift(): T | undefined {
    return this.items.shift();
  }

  /** Empties the queue, returning what it held. */
  drain(): T[] {
    return this.items.splice(0);
  }
}
