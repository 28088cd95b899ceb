import { SecondBucket, type EngineSecond } from './bucket.js';
import { LATENCY_BUCKET_COUNT, histogramQuantile, latencyBucketIndex } from './histogram.js';
import { judgedIn, judgedMask, MASK_COUNT, newMaskCounts } from './kind-masks.js';
import type { NoiseBooks } from './noise.js';
import { mergeSlice, sliceOf, type GuardSlice } from './slice.js';
import { DistinctCounter } from './sketch.js';
import type {
  ChannelTotals,
  ComparisonResult,
  ComparisonTotals,
  Engine,
  IsolationEvidence,
  IsolationTotals,
} from './types.js';

/**
 * The guard's sliding window: a ring of `windowSeconds` per-second buckets, allocated once.
 * Recording finds the slot of `nowMs`'s second, clears it in place if it still holds an older
 * second, and bumps counters: O(1), no allocation. Reading sums the slots whose second lies in
 * (now - windowSeconds, now]; older samples fall out as the clock moves, without a sweep.
 * The caller passes the clock (`nowMs`); it should not run backwards (a sample whose slot
 * already holds a later second is dropped).
 */
export class SampleWindow {
  private readonly ring: readonly SecondBucket[];
  private readonly union = new DistinctCounter();
  private readonly summed = new Float64Array(LATENCY_BUCKET_COUNT);

  constructor(readonly windowSeconds = 60) {
    if (!Number.isInteger(windowSeconds) || windowSeconds < 1) {
      throw new RangeError(`windowSeconds must be a positive integer, got ${windowSeconds}`);
    }
    this.ring = Array.from({ length: windowSeconds }, () => new SecondBucket());
  }

  /**
   * One HTTP request served (or failed) by `engine`; `failed` per the guard's definition (5xx
   * from the engine, or the proxy's 502/504 on its behalf). Every request enters the latency
   * histogram, failed or not: a timeout is slow as well as failed. `userHash` is a 32-bit hash
   * of the user id (anonymous traffic: of anything stable per client, or a constant).
   */
  recordHttp(engine: Engine, nowMs: number, durationMs: number, failed: boolean, userHash: number): void {
    const b = this.slot(nowMs);
    if (b === null) return;
    const e = b[engine];
    e.httpRequests += 1;
    e.servedUsers.add(userHash);
    e.latency[latencyBucketIndex(durationMs)]! += 1;
    if (failed) {
      e.httpFailed += 1;
      e.httpFailedUsers.add(userHash);
    }
    if (engine === 'user') e.slowest.add(userHash, durationMs);
  }

  /**
   * One WebSocket session, counted apart from HTTP when it ends. Failed: the engine refused the
   * connect, or its socket closed with 1011 or dropped (1006); never 1000/1001, nor the
   * proxy's own 1012 drain.
   */
  recordWsSession(engine: Engine, nowMs: number, failed: boolean, userHash: number): void {
    const b = this.slot(nowMs);
    if (b === null) return;
    const e = b[engine];
    e.wsSessions += 1;
    e.servedUsers.add(userHash);
    if (failed) {
      e.wsFailed += 1;
      e.wsFailedUsers.add(userHash);
    }
  }

  /**
   * One shadow comparison as the comparer judged it, with its mismatch kinds. `baseline` names
   * the engine of a baseline comparison (an engine against itself): it goes only to that
   * engine's floor, never to the cross-engine book. `isolation` is counted for display only:
   * the violation itself must be reported through `recordIsolation`, with its engine and evidence.
   */
  recordComparison(
    nowMs: number,
    result: ComparisonResult,
    userHash: number,
    kinds: readonly string[] = [],
    baseline: Engine | null = null,
  ): void {
    const b = this.slot(nowMs);
    if (b === null) return;
    if (baseline !== null) {
      if (result !== 'match' && result !== 'mismatch') return;
      b.floorKinds[baseline][judgedMask(result, kinds)]! += 1;
      b.kindsUsed = true;
      return;
    }
    b[result] += 1;
    if (result === 'mismatch') b.mismatchUsers.add(userHash);
    if (result === 'match' || result === 'mismatch') {
      b.crossKinds[judgedMask(result, kinds)]! += 1;
      b.kindsUsed = true;
    }
  }

  /**
   * One isolation violation: `sessionHash` names the session that received the frame (unique per
   * session), `userHash` its user. Returns true when this event alone is a breach (the user
   * engine, `user_id` evidence): the caller should evaluate at once rather than wait for the timer.
   */
  recordIsolation(
    engine: Engine,
    nowMs: number,
    evidence: IsolationEvidence,
    sessionHash: number,
    userHash: number,
  ): boolean {
    const b = this.slot(nowMs);
    if (b !== null) {
      const e = b[engine];
      if (evidence === 'user_id') e.isolationUserId += 1;
      else e.isolationOwnership += 1;
      e.isolationSessions.add(sessionHash);
      e.isolationUsers.add(userHash);
    }
    return engine === 'user' && evidence === 'user_id';
  }

  /** Empties the window (after a resume the guard starts from nothing). */
  reset(): void {
    for (const b of this.ring) b.clear(-Infinity);
  }

  http(engine: Engine, nowMs: number): ChannelTotals {
    let requests = 0;
    let failed = 0;
    this.union.reset();
    this.each(nowMs, (b) => {
      const e = b[engine];
      requests += e.httpRequests;
      failed += e.httpFailed;
      e.httpFailedUsers.addTo(this.union);
    });
    return { requests, failed, failedUsers: this.union.size };
  }

  ws(engine: Engine, nowMs: number): ChannelTotals {
    let requests = 0;
    let failed = 0;
    this.union.reset();
    this.each(nowMs, (b) => {
      const e = b[engine];
      requests += e.wsSessions;
      failed += e.wsFailed;
      e.wsFailedUsers.addTo(this.union);
    });
    return { requests, failed, failedUsers: this.union.size };
  }

  /** The q-quantile of `engine`'s HTTP latency over the window, in ms; null with no requests. */
  latencyQuantile(engine: Engine, nowMs: number, q: number): number | null {
    const summed = this.summed.fill(0);
    this.each(nowMs, (b) => {
      const e: EngineSecond = b[engine];
      if (e.httpRequests === 0) return;
      for (let k = 0; k < LATENCY_BUCKET_COUNT; k++) summed[k]! += e.latency[k]!;
    });
    return histogramQuantile(summed, q);
  }

  /** Distinct users with a user-engine HTTP request slower than `thresholdMs` (lower bound). */
  slowUsers(nowMs: number, thresholdMs: number): number {
    this.union.reset();
    this.each(nowMs, (b) => b.user.slowest.addSlowerThan(thresholdMs, this.union));
    return this.union.size;
  }

  comparisons(nowMs: number): ComparisonTotals {
    const t = { match: 0, mismatch: 0, incomplete: 0, isolation: 0 };
    this.union.reset();
    this.each(nowMs, (b) => {
      t.match += b.match;
      t.mismatch += b.mismatch;
      t.incomplete += b.incomplete;
      t.isolation += b.isolation;
      b.mismatchUsers.addTo(this.union);
    });
    return { ...t, mismatchUsers: this.union.size };
  }

  /** Judged comparisons by kind mask over the window: the cross-engine book and each floor. */
  noiseBooks(nowMs: number): NoiseBooks {
    const books = {
      cross: newMaskCounts(),
      floors: { legacy: newMaskCounts(), user: newMaskCounts() },
    };
    this.each(nowMs, (b) => {
      if (!b.kindsUsed) return;
      for (let m = 0; m < MASK_COUNT; m++) {
        books.cross[m]! += b.crossKinds[m]!;
        books.floors.legacy[m]! += b.floorKinds.legacy[m]!;
        books.floors.user[m]! += b.floorKinds.user[m]!;
      }
    });
    return books;
  }

  isolation(engine: Engine, nowMs: number): IsolationTotals {
    let userId = 0;
    let ownership = 0;
    this.union.reset();
    this.each(nowMs, (b) => {
      const e = b[engine];
      userId += e.isolationUserId;
      ownership += e.isolationOwnership;
      e.isolationSessions.addTo(this.union);
    });
    const sessions = this.union.size;
    this.union.reset();
    this.each(nowMs, (b) => b[engine].isolationUsers.addTo(this.union));
    return { userId, ownership, sessions, users: this.union.size };
  }

  /** Adds a slice (this replica's or another's) to the slot of its second. */
  addSlice(slice: GuardSlice): void {
    const b = this.slot(slice.second * 1000);
    if (b !== null) mergeSlice(b, slice);
  }

  /** Slices of the seconds held that lie in (afterSecond, beforeSecond), oldest first. */
  slicesBetween(afterSecond: number, beforeSecond: number): GuardSlice[] {
    return this.ring
      .filter((b) => b.second > afterSecond && b.second < beforeSecond)
      .sort((a, b) => a.second - b.second)
      .map(sliceOf);
  }

  /** Distinct users `engine` served over the window (HTTP or WebSocket; a lower bound, capped at 1024). */
  servedUsers(engine: Engine, nowMs: number): number {
    this.union.reset();
    this.each(nowMs, (b) => b[engine].servedUsers.addTo(this.union));
    return this.union.size;
  }

  /** Judged baseline comparisons per engine over the window (each engine's floor sample). */
  floorSamples(nowMs: number): { legacy: number; user: number } {
    const books = this.noiseBooks(nowMs);
    return { legacy: judgedIn(books.floors.legacy), user: judgedIn(books.floors.user) };
  }

  /** The ring's slots, for structural tests (the same objects for the window's whole life). */
  get slots(): readonly SecondBucket[] {
    return this.ring;
  }

  private slot(nowMs: number): SecondBucket | null {
    if (!Number.isFinite(nowMs)) return null;
    const second = Math.floor(nowMs / 1000);
    const w = this.windowSeconds;
    const b = this.ring[((second % w) + w) % w]!;
    if (b.second === second) return b;
    if (b.second > second) return null;
    b.clear(second);
    return b;
  }

  private each(nowMs: number, visit: (b: SecondBucket) => void): void {
    const now = Math.floor(nowMs / 1000);
    for (const b of this.ring) {
      if (b.second > now - this.windowSeconds && b.second <= now) visit(b);
    }
  }
}
