import { MISMATCH_KINDS } from '../../compare/index.js';
import { judgedIn, maskOf, withKind } from './kind-masks.js';
import type { Engine } from './types.js';
import { wilsonInterval } from './stats.js';

/** The comparisons of the window split into the cross-engine book and each engine's floor. */
export interface NoiseBooks {
  readonly cross: Uint32Array;
  readonly floors: Readonly<Record<Engine, Uint32Array>>;
}

export interface KindRate {
  readonly count: number;
  readonly judged: number;
  readonly rate: number | null;
}

export interface FloorRate extends KindRate {
  /** Wilson interval at the guard's confidence; null without samples. */
  readonly ci: readonly [number, number] | null;
}

export interface KindNoise {
  readonly kind: string;
  readonly cross: KindRate;
  readonly legacy: FloorRate;
  readonly user: FloorRate;
  /** An engine's own floor for this kind is above GUARD_NOISY_KIND_RATE (with enough samples). */
  readonly noisy: boolean;
}

/**
 * Per mismatch kind: the cross-engine rate next to each engine's floor (with its confidence
 * interval and sample count), and whether the kind is noisy. A floor judges a kind noisy only
 * once it holds `minComparisons` judged comparisons. Pure.
 */
export function kindNoise(
  books: NoiseBooks,
  limits: { noisyKindRate: number; minComparisons: number; confidence: number },
): KindNoise[] {
  const rate = (counts: Uint32Array, kind: string): KindRate => {
    const judged = judgedIn(counts);
    const count = withKind(counts, kind);
    return { count, judged, rate: judged === 0 ? null : count / judged };
  };
  const floor = (counts: Uint32Array, kind: string): FloorRate => {
    const r = rate(counts, kind);
    return { ...r, ci: r.judged === 0 ? null : wilsonInterval(r.count, r.judged, limits.confidence) };
  };
  return MISMATCH_KINDS.map((kind) => {
    const legacy = floor(books.floors.legacy, kind);
    const user = floor(books.floors.user, kind);
    const noisy = [legacy, user].some(
      (f) => f.judged >= limits.minComparisons && f.rate !== null && f.rate > limits.noisyKindRate,
    );
    return { kind, cross: rate(books.cross, kind), legacy, user, noisy };
  });
}

/** The bit mask of the noisy kinds. */
export function noisyMask(noise: readonly KindNoise[]): number {
  return maskOf(noise.filter((k) => k.noisy).map((k) => k.kind));
}
