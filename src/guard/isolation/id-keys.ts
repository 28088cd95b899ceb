export type IdKind = 'user' | 'run' | 'thread';

const KINDS: ReadonlyMap<string, IdKind> = new Map([
  ['userid', 'user'],
  ['runid', 'run'],
  ['threadid', 'thread'],
]);
const MAX_KEY_LENGTH = 24;

/**
 * Which id a JSON key names, compared as the backend's many spellings require: case, `_` and `-`
 * ignored (`user_id`, `userId`, `userID`, `user-id`, `USER_ID`). The key is the decoded one, so
 * an escaped key (`user\u005fid`) is seen as what it is.
 */
export function idKind(key: string): IdKind | null {
  if (key.length < 5 || key.length > MAX_KEY_LENGTH) return null;
  return KINDS.get(key.replace(/[_-]/g, '').toLowerCase()) ?? null;
}

const BACKSLASH_U = Buffer.from('\\u');
const KEY_ENDS = ['d"', 'D"', 'd\\', 'D\\'].map((s) => Buffer.from(s));
const STEMS = ['user', 'run', 'thread'].map((s) => Buffer.from(s));
const UNDERSCORE = 0x5f;
const HYPHEN = 0x2d;

/**
 * Cheap raw pre-check: can this frame carry an id key at all? True when it holds an `id` key
 * ending after one of the stems (any case, `_`/`-` between), also inside a JSON string (`id\"`),
 * or any `\u` escape (a key may be escaped). Frames for which this is false are never parsed.
 */
export function mayNameIdKey(raw: Buffer): boolean {
  if (raw.includes(BACKSLASH_U)) return true;
  for (const end of KEY_ENDS) {
    for (let at = raw.indexOf(end); at >= 0; at = raw.indexOf(end, at + 2)) {
      if (at > 0 && (raw[at - 1]! | 0x20) === 0x69 /* i */ && stemBefore(raw, at - 1)) return true;
    }
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
