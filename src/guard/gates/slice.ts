import type { EngineSecond, SecondBucket } from './bucket.js';
import { LATENCY_BUCKET_COUNT } from './histogram.js';
import { MASK_COUNT } from './kind-masks.js';
import { USER_SKETCH_CAPACITY } from './sketch.js';

/**
 * One engine's samples of one second as plain JSON, for the fleet's store. Sets hold the 32-bit
 * user (or session) hashes the window already keeps, never an id; `latency` and the kind books
 * are sparse pairs `[index, count, …]`, `slowest` pairs `[userHash, maxMs, …]`.
 */
export interface EngineSlice {
  readonly httpRequests: number;
  readonly httpFailed: number;
  readonly latency: readonly number[];
  readonly httpFailedUsers: readonly number[];
  readonly slowest: readonly number[];
  readonly wsSessions: number;
  readonly wsFailed: number;
  readonly wsFailedUsers: readonly number[];
  readonly isolationUserId: number;
  readonly isolationOwnership: number;
  readonly isolationSessions: readonly number[];
  readonly isolationUsers: readonly number[];
  /** Absent in slices of versions before the release plan (read as empty). */
  readonly servedUsers?: readonly number[];
}

/** One replica's guard evidence of one wall-clock second (`second`: epoch seconds). */
export interface GuardSlice {
  readonly second: number;
  readonly legacy: EngineSlice;
  readonly user: EngineSlice;
  readonly match: number;
  readonly mismatch: number;
  readonly incomplete: number;
  readonly isolation: number;
  readonly mismatchUsers: readonly number[];
  readonly crossKinds: readonly number[];
  readonly floorKinds: { readonly legacy: readonly number[]; readonly user: readonly number[] };
}

const sparse = (counts: ArrayLike<number>): number[] => {
  const out: number[] = [];
  for (let i = 0; i < counts.length; i++) if (counts[i]! > 0) out.push(i, counts[i]!);
  return out;
};

function engineSlice(e: EngineSecond): EngineSlice {
  return {
    httpRequests: e.httpRequests,
    httpFailed: e.httpFailed,
    latency: e.httpRequests > 0 ? sparse(e.latency) : [],
    httpFailedUsers: e.httpFailedUsers.keys(),
    slowest: e.slowest.pairs(),
    wsSessions: e.wsSessions,
    wsFailed: e.wsFailed,
    wsFailedUsers: e.wsFailedUsers.keys(),
    isolationUserId: e.isolationUserId,
    isolationOwnership: e.isolationOwnership,
    isolationSessions: e.isolationSessions.keys(),
    isolationUsers: e.isolationUsers.keys(),
    servedUsers: e.servedUsers.keys(),
  };
}

/** The slice of one slot of the window (its `second` must be set). */
export function sliceOf(b: SecondBucket): GuardSlice {
  return {
    second: b.second,
    legacy: engineSlice(b.legacy),
    user: engineSlice(b.user),
    match: b.match,
    mismatch: b.mismatch,
    incomplete: b.incomplete,
    isolation: b.isolation,
    mismatchUsers: b.mismatchUsers.keys(),
    crossKinds: b.kindsUsed ? sparse(b.crossKinds) : [],
    floorKinds: {
      legacy: b.kindsUsed ? sparse(b.floorKinds.legacy) : [],
      user: b.kindsUsed ? sparse(b.floorKinds.user) : [],
    },
  };
}

const addPairs = (into: Uint32Array, pairs: readonly number[]): void => {
  for (let i = 0; i + 1 < pairs.length; i += 2) into[pairs[i]!]! += pairs[i + 1]!;
};

function mergeEngine(e: EngineSecond, s: EngineSlice): void {
  e.httpRequests += s.httpRequests;
  e.httpFailed += s.httpFailed;
  addPairs(e.latency, s.latency);
  for (const k of s.httpFailedUsers) e.httpFailedUsers.add(k);
  for (let i = 0; i + 1 < s.slowest.length; i += 2) e.slowest.add(s.slowest[i]!, s.slowest[i + 1]!);
  e.wsSessions += s.wsSessions;
  e.wsFailed += s.wsFailed;
  for (const k of s.wsFailedUsers) e.wsFailedUsers.add(k);
  e.isolationUserId += s.isolationUserId;
  e.isolationOwnership += s.isolationOwnership;
  for (const k of s.isolationSessions) e.isolationSessions.add(k);
  for (const k of s.isolationUsers) e.isolationUsers.add(k);
  for (const k of s.servedUsers ?? []) e.servedUsers.add(k);
}

/**
 * Adds a slice to a slot holding the same second: counts add up, hashed-user sets are united,
 * so a user seen by two replicas in one second is counted once.
 */
export function mergeSlice(b: SecondBucket, s: GuardSlice): void {
  mergeEngine(b.legacy, s.legacy);
  mergeEngine(b.user, s.user);
  b.match += s.match;
  b.mismatch += s.mismatch;
  b.incomplete += s.incomplete;
  b.isolation += s.isolation;
  for (const k of s.mismatchUsers) b.mismatchUsers.add(k);
  if (s.crossKinds.length + s.floorKinds.legacy.length + s.floorKinds.user.length > 0) {
    addPairs(b.crossKinds, s.crossKinds);
    addPairs(b.floorKinds.legacy, s.floorKinds.legacy);
    addPairs(b.floorKinds.user, s.floorKinds.user);
    b.kindsUsed = true;
  }
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isHashes = (v: unknown): boolean =>
  Array.isArray(v) && v.length <= USER_SKETCH_CAPACITY && v.every((k) => isCount(k) && k <= 0xffff_ffff);
const isPairs = (v: unknown, size: number): boolean =>
  Array.isArray(v) &&
  v.length % 2 === 0 &&
  v.length <= 2 * size &&
  v.every((x, i) => isCount(x) && (i % 2 === 1 || x < size));
const isSlowest = (v: unknown): boolean =>
  Array.isArray(v) &&
  v.length % 2 === 0 &&
  v.length <= 2 * USER_SKETCH_CAPACITY &&
  v.every((x, i) => (i % 2 === 0 ? isCount(x) && x <= 0xffff_ffff : Number.isFinite(x)));

function isEngineSlice(v: unknown): v is EngineSlice {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    ['httpRequests', 'httpFailed', 'wsSessions', 'wsFailed', 'isolationUserId', 'isolationOwnership'].every(
      (k) => isCount(e[k]),
    ) &&
    isPairs(e['latency'], LATENCY_BUCKET_COUNT) &&
    ['httpFailedUsers', 'wsFailedUsers', 'isolationSessions', 'isolationUsers'].every((k) =>
      isHashes(e[k]),
    ) &&
    (e['servedUsers'] === undefined || isHashes(e['servedUsers'])) &&
    isSlowest(e['slowest'])
  );
}

/**
 * A slice read back from the shared store, checked field by field (another replica, or another
 * version, wrote it): the slice, or null when it is not one.
 */
export function parseSlice(v: unknown): GuardSlice | null {
  if (typeof v !== 'object' || v === null) return null;
  const s = v as Record<string, unknown>;
  const floors = s['floorKinds'] as Record<string, unknown> | null | undefined;
  const ok =
    ['second', 'match', 'mismatch', 'incomplete', 'isolation'].every((k) => isCount(s[k])) &&
    isEngineSlice(s['legacy']) &&
    isEngineSlice(s['user']) &&
    isHashes(s['mismatchUsers']) &&
    isPairs(s['crossKinds'], MASK_COUNT) &&
    typeof floors === 'object' &&
    floors !== null &&
    isPairs(floors['legacy'], MASK_COUNT) &&
    isPairs(floors['user'], MASK_COUNT);
  return ok ? (v as GuardSlice) : null;
}
