import type { SampleWindow } from '../src/guard/gates/index.js';
import { judgedIn, mismatchedIn } from '../src/guard/gates/kind-masks.js';

export interface Book {
  /** Judged comparisons (match + mismatch) in the window. */
  n: number;
  mismatched: number;
  rate: number | null;
}

export interface NoiseReadout {
  cross: Book;
  legacy: Book;
  user: Book;
}

const book = (counts: Uint32Array): Book => {
  const n = judgedIn(counts);
  const mismatched = mismatchedIn(counts);
  return { n, mismatched, rate: n === 0 ? null : mismatched / n };
};

/** The cross-engine mismatch rate and each engine's floor over the guard's window ending at `nowMs`. */
export function readNoise(window: SampleWindow, nowMs: number): NoiseReadout {
  const books = window.noiseBooks(nowMs);
  return { cross: book(books.cross), legacy: book(books.floors.legacy), user: book(books.floors.user) };
}

const pct = (b: Book): string => (b.rate === null ? '-' : `${(b.rate * 100).toFixed(1)}%`);

/** `cross 27.1% (n=812)  floors legacy 14.2% (n=401) user 13.9% (n=388)` */
export function formatNoise(r: NoiseReadout): string {
  return (
    `cross ${pct(r.cross)} (n=${r.cross.n})  floors legacy ${pct(r.legacy)} (n=${r.legacy.n}) ` +
    `user ${pct(r.user)} (n=${r.user.n})`
  );
}
