import { MISMATCH_KINDS } from '../../compare/index.js';

/**
 * Judged comparisons counted by the set of mismatch kinds they had, as a bit mask over
 * MISMATCH_KINDS (0 = match; one more bit for a mismatch of no known kind). Keeping the sets, not per-kind sums, lets a gate leave noisy kinds
 * out exactly: a run whose only kinds are noisy counts as a match. 128 counters, allocated once.
 */
/** A mismatch reported without a known kind: it still counts, and is never noisy. */
const UNKNOWN_BIT = 1 << MISMATCH_KINDS.length;
export const MASK_COUNT = UNKNOWN_BIT << 1;

const BIT: ReadonlyMap<string, number> = new Map(MISMATCH_KINDS.map((k, i) => [k, 1 << i]));

/** The mask of a judgement's kinds; kinds outside MISMATCH_KINDS are ignored. */
export function kindMask(kinds: readonly string[]): number {
  let mask = 0;
  for (const kind of kinds) mask |= BIT.get(kind) ?? 0;
  return mask;
}

/** The counter of one judged comparison: 0 for a match, never 0 for a mismatch. */
export function judgedMask(result: 'match' | 'mismatch', kinds: readonly string[]): number {
  if (result === 'match') return 0;
  return kindMask(kinds) || UNKNOWN_BIT;
}

/** The mask of a set of kind names. */
export function maskOf(kinds: Iterable<string>): number {
  return kindMask([...kinds]);
}

export function newMaskCounts(): Uint32Array {
  return new Uint32Array(MASK_COUNT);
}

/** Judged (match + mismatch) in a set of counts. */
export function judgedIn(counts: Uint32Array): number {
  let n = 0;
  for (const c of counts) n += c;
  return n;
}

/** Mismatches that keep a kind outside `ignored` (a mismatch of noisy kinds only is not one). */
export function mismatchedIn(counts: Uint32Array, ignored = 0): number {
  let n = 0;
  for (let m = 1; m < MASK_COUNT; m++) if ((m & ~ignored) !== 0) n += counts[m]!;
  return n;
}

/** Judged comparisons that had `kind` among their kinds. */
export function withKind(counts: Uint32Array, kind: string): number {
  const bit = BIT.get(kind) ?? 0;
  let n = 0;
  for (let m = 1; m < MASK_COUNT; m++) if ((m & bit) !== 0) n += counts[m]!;
  return n;
}
