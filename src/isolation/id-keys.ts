export type IdKind = 'user' | 'run' | 'thread';

const KINDS: ReadonlyMap<string, IdKind> = new Map([
  ['userid', 'user'],
  ['runid', 'run'],
  ['threadid', 'thread'],
  // The common spellings, looked up as they are.
  ['user_id', 'user'],
  ['run_id', 'run'],
  ['thread_id', 'thread'],
  ['userId', 'user'],
  ['runId', 'run'],
  ['threadId', 'thread'],
]);
const MAX_KEY_LENGTH = 24;

/**
 * Which id a JSON key names, compared as the backend's many spellings require: case, `_` and `-`
 * ignored (`user_id`, `userId`, `userID`, `user-id`, `USER_ID`). The key is the decoded one, so
 * an escaped key (`user\u005fid`) is seen as what it is.
 */
export function idKind(key: string): IdKind | null {
  const n = key.length;
  if (n < 5 || n > MAX_KEY_LENGTH) return null;
  // Most keys end in neither `id` nor `ID`: rejected without building a string.
  if ((key.charCodeAt(n - 1) | 0x20) !== 0x64 || (key.charCodeAt(n - 2) | 0x20) !== 0x69) return null;
  return KINDS.get(key) ?? KINDS.get(key.replace(/[_-]/g, '').toLowerCase()) ?? null;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LOWER_U = 0x75;
const STEMS = ['user', 'run', 'thread'].map((s) => Buffer.from(s));
const UNDERSCORE = 0x5f;
const HYPHEN = 0x2d;

/**
 * Cheap raw pre-check: can this frame carry an id key at all? True when it holds an `id` key
 * ending after one of the stems (any case, `_`/`-` between), also inside a JSON string (`id\"`),
 * or any `\u` escape (a key may be escaped). One pass over the bytes; frames for which this is
 * false are never parsed.
 */
export function mayNameIdKey(raw: Buffer): boolean {
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (b !== QUOTE && b !== BACKSLASH) continue;
    if (b === BACKSLASH && raw[i + 1] === LOWER_U) return true;
    if (i >= 2 && (raw[i - 1]! | 0x20) === 0x64 && (raw[i - 2]! | 0x20) === 0x69 && stemBefore(raw, i - 2))
      return true;
  }
  return false;
}

/** A stem (user, run, thread; any case) ends before `i`, with `_`/`-` between. */
function stemBefore(raw: Buffer, i: number): boolean {
  let end = i;
  while (end > 0 && (raw[end - 1] === UNDERSCORE || raw[end - 1] === HYPHEN)) end--;
  for (const stem of STEMS) {
    const start = end - stem.length;
    if (start < 0) continue;
    let same = true;
    for (let k = 0; k < stem.length && same; k++) same = (raw[start + k]! | 0x20) === stem[k];
    if (same) return true;
  }
  return false;
}
