/**
 * Distinct-user counting in bounded memory. The caller hashes each user id (or session id) to
 * 32 bits; no id is ever seen here in clear. A gate only needs to know whether a breach comes
 * from at least GUARD_MIN_USERS users, so a per-second set that saturates at 64 entries is
 * enough: exact below 64, and the union over the window is a lower bound that is at least
 * min(true count, 64). Collisions can only merge users, never invent them: the count errs on the
 * side of not acting. (A HyperLogLog would be cheaper for large counts but is inexact exactly
 * where it matters here, at 5.)
 */
export const USER_SKETCH_CAPACITY = 64;
const SET_SLOTS = 128; // a power of two, at most half full
const SET_SHIFT = 32 - Math.log2(SET_SLOTS);

/** 0 marks an empty slot, so a hash of 0 is stored as 1. */
function keyOf(hash: number): number {
  const k = hash >>> 0;
  return k === 0 ? 1 : k;
}

/** Fibonacci hashing: spreads keys over the slots even if the caller's hash is weak. */
function home(key: number, shift: number): number {
  return Math.imul(key, 0x9e3779b1) >>> shift;
}

/** A fixed-size open-addressing set of hashes that stops growing at USER_SKETCH_CAPACITY. */
export class UserSet {
  private readonly slots = new Uint32Array(SET_SLOTS);
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(hash: number): void {
    if (this.count >= USER_SKETCH_CAPACITY) return;
    const key = keyOf(hash);
    for (let i = home(key, SET_SHIFT); ; i = (i + 1) & (SET_SLOTS - 1)) {
      const s = this.slots[i]!;
      if (s === key) return;
      if (s === 0) {
        this.slots[i] = key;
        this.count += 1;
        return;
      }
    }
  }

  /** Adds every member to a window-wide union. */
  addTo(union: DistinctCounter): void {
    if (this.count === 0) return;
    for (let i = 0; i < SET_SLOTS; i++) {
      const s = this.slots[i]!;
      if (s !== 0) union.addKey(s);
    }
  }

  /** The stored keys (non-zero), for a guard slice; `add` takes them back unchanged. */
  keys(): number[] {
    const out: number[] = [];
    if (this.count === 0) return out;
    for (const s of this.slots) if (s !== 0) out.push(s);
    return out;
  }

  clear(): void {
    if (this.count === 0) return;
    this.slots.fill(0);
    this.count = 0;
  }
}

/**
 * A scratch set for the union of the per-second sets at evaluation time; reused, so an
 * evaluation allocates nothing here either. Saturates at `cap` (reported as a lower bound).
 */
export class DistinctCounter {
  private readonly slots: Uint32Array;
  private readonly shift: number;
  private count = 0;

  constructor(readonly cap = 1024) {
    const slots = 2 ** Math.ceil(Math.log2(cap * 2));
    this.slots = new Uint32Array(slots);
    this.shift = 32 - Math.log2(slots);
  }

  get size(): number {
    return this.count;
  }

  add(hash: number): void {
    this.addKey(keyOf(hash));
  }

  /** Adds a key already in stored form (non-zero). */
  addKey(key: number): void {
    if (this.count >= this.cap) return;
    const mask = this.slots.length - 1;
    for (let i = home(key, this.shift); ; i = (i + 1) & mask) {
      const s = this.slots[i]!;
      if (s === key) return;
      if (s === 0) {
        this.slots[i] = key;
        this.count += 1;
        return;
      }
    }
  }

  reset(): void {
    if (this.count === 0) return;
    this.slots.fill(0);
    this.count = 0;
  }
}

export { keyOf as sketchKey };
