import { idKind, type IdKind } from './id-keys.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const MAX_KEY_BYTES = 24;

/** Whether the id of this kind in raw[start, end) is one of the session's own. */
export type OwnIdCheck = (kind: IdKind, raw: Buffer, start: number, end: number) => boolean;

/** The common spellings, matched on the bytes without making a string. */
const COMMON_KEYS: ReadonlyArray<readonly [Buffer, IdKind]> = (
  [
    ['run_id', 'run'],
    ['thread_id', 'thread'],
    ['user_id', 'user'],
    ['runId', 'run'],
    ['threadId', 'thread'],
    ['userId', 'user'],
  ] as const
).map(([key, kind]) => [Buffer.from(key), kind] as const);

/**
 * The hot path's shortcut: true only when a frame provably names no id but those `isOwn` accepts,
 * without parsing it. It must look like one JSON object or array and hold no backslash at all:
 * then every `"` delimits a string, a string followed by `:` is a key, and there can be no escaped
 * key and no JSON nested in a string. Every id key must hold a string (or null) that `isOwn`
 * accepts. Anything else (escapes, non-string id values, an id that is not this session's)
 * returns false and the frame takes the full check. One pass over the bytes; ids are handed to
 * `isOwn` as byte ranges, so a session can recognise its own without making strings.
 */
export function ownIdsOnly(raw: Buffer, isOwn: OwnIdCheck): boolean {
  const n = raw.length;
  if (!looksLikeJson(raw)) return false;
  let i = 0;
  while (i < n) {
    const b = raw[i];
    if (b === BACKSLASH) return false;
    if (b !== QUOTE) {
      i++;
      continue;
    }
    const end = closingQuote(raw, i + 1);
    if (end < 0) return false;
    let k = skipSpace(raw, end + 1);
    if (raw[k] !== COLON) {
      i = end + 1;
      continue;
    }
    const kind = keyKind(raw, i + 1, end);
    if (kind === null) {
      i = k + 1;
      continue;
    }
    k = skipSpace(raw, k + 1);
    if (raw[k] === QUOTE) {
      const valueEnd = closingQuote(raw, k + 1);
      if (valueEnd < 0 || !isOwn(kind, raw, k + 1, valueEnd)) return false;
      i = valueEnd + 1;
    } else if (raw[k] === 0x6e && raw[k + 1] === 0x75 && raw[k + 2] === 0x6c && raw[k + 3] === 0x6c) {
      i = k + 4; // null names no one
    } else return false;
  }
  return true;
}

/** A frame that starts and ends like a JSON object or array (whitespace aside). */
export function looksLikeJson(raw: Buffer): boolean {
  let i = 0;
  let j = raw.length - 1;
  while (i < j && isSpace(raw[i]!)) i++;
  while (j > i && isSpace(raw[j]!)) j--;
  return (raw[i] === 0x7b && raw[j] === 0x7d) || (raw[i] === 0x5b && raw[j] === 0x5d);
}

export function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** The index of the quote closing a string that starts at `from`, or -1 (also at a backslash). */
function closingQuote(raw: Buffer, from: number): number {
  for (let j = from; j < raw.length; j++) {
    const b = raw[j];
    if (b === QUOTE) return j;
    if (b === BACKSLASH) return -1;
  }
  return -1;
}

function skipSpace(raw: Buffer, from: number): number {
  let k = from;
  while (k < raw.length && isSpace(raw[k]!)) k++;
  return k;
}

/** The id kind of the key in raw[start, end), checked on the bytes before any string is made. */
function keyKind(raw: Buffer, start: number, end: number): IdKind | null {
  const len = end - start;
  if (len < 5 || len > MAX_KEY_BYTES) return null;
  if ((raw[end - 1]! | 0x20) !== 0x64 || (raw[end - 2]! | 0x20) !== 0x69) return null;
  for (const [key, kind] of COMMON_KEYS) if (sameBytes(raw, start, end, key)) return kind;
  return idKind(raw.toString('latin1', start, end));
}

/** raw[start, end) holds exactly the bytes of `other`. */
export function sameBytes(raw: Buffer, start: number, end: number, other: Buffer): boolean {
  if (end - start !== other.length) return false;
  for (let k = 0; k < other.length; k++) if (raw[start + k] !== other[k]) return false;
  return true;
}
