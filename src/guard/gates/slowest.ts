import { USER_SKETCH_CAPACITY, sketchKey, type DistinctCounter } from './sketch.js';

/**
 * The users behind the slowest user-engine requests of one second, for the latency gate's
 * distinct-user rule ("requests slower than legacy's p95 plus the floor").
 *
 * Legacy's p95 is only known at evaluation time, so the threshold cannot be applied when a
 * request is recorded. Choice: keep, per second, the USER_SKETCH_CAPACITY (64) users with the
 * highest latency seen, each with that maximum, and apply the threshold when evaluating. It is
 * exact against the threshold of the very evaluation (no lag), for a cost of a scan of at most
 * 64 entries per user-engine request, and none at all in the common case of a full table and a
 * request no slower than its slowest 64 users (the early exit below).
 * Why it is enough: for any threshold T, either every user slower than T in that second is kept
 * (with a maximum above T), or all 64 kept entries are above T; the table's minimum only rises
 * once full. Either way the count is at least min(true count, 64), and it never counts a user
 * who was not slower than T. The alternative, counting users above the previous evaluation's
 * legacy p95 fed back through a setter, is cheaper per request but judges each second against a
 * stale threshold and needs a warm-up evaluation before the first verdict.
 */
export class SlowestUsers {
  private readonly keys = new Uint32Array(USER_SKETCH_CAPACITY);
  private readonly maxMs = new Float64Array(USER_SKETCH_CAPACITY);
  private count = 0;
  /** When full: the index of the entry with the smallest maximum. */
  private minAt = 0;

  get size(): number {
    return this.count;
  }

  add(hash: number, ms: number): void {
    const full = this.count === USER_SKETCH_CAPACITY;
    // Full and no slower than the 64th slowest user: it can neither enter nor raise an entry.
    if (full && !(ms > this.maxMs[this.minAt]!)) return;
    const key = sketchKey(hash);
    for (let i = 0; i < this.count; i++) {
      if (this.keys[i] !== key) continue;
      if (ms > this.maxMs[i]!) {
        this.maxMs[i] = ms;
        if (full && i === this.minAt) this.findMin();
      }
      return;
    }
    if (!full) {
      this.keys[this.count] = key;
      this.maxMs[this.count] = ms;
      this.count += 1;
      if (this.count === USER_SKETCH_CAPACITY) this.findMin();
      return;
    }
    this.keys[this.minAt] = key;
    this.maxMs[this.minAt] = ms;
    this.findMin();
  }

  /** Adds to `union` every kept user whose slowest request took more than `thresholdMs`. */
  addSlowerThan(thresholdMs: number, union: DistinctCounter): void {
    for (let i = 0; i < this.count; i++) {
      if (this.maxMs[i]! > thresholdMs) union.addKey(this.keys[i]!);
    }
  }

  /** Kept users as flat pairs `[key, maxMs, …]`, for a guard slice; `add` takes them back. */
  pairs(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.keys[i]!, this.maxMs[i]!);
    return out;
  }

  clear(): void {
    this.count = 0;
    this.minAt = 0;
  }

  private findMin(): void {
    let at = 0;
    for (let i = 1; i < this.count; i++) if (this.maxMs[i]! < this.maxMs[at]!) at = i;
    this.minAt = at;
  }
}
