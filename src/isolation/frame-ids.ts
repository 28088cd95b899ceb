import { isUtf8 } from 'node:buffer';
import { idKind, mayNameIdKey } from './id-keys.js';
import { isSpace, looksLikeJson } from './own-ids-only.js';

/** The ids a frame names, at any depth, in arrays, and in JSON nested in string fields. */
export interface FrameIds {
  /** The top-level `type`, when the frame is a JSON object. */
  type: string | null;
  userIds: string[];
  runIds: string[];
  threadIds: string[];
}

/**
 * What the guard can know of a frame's content:
 * - `clean`: it cannot name an id key (not parsed);
 * - `ids`: JSON (text, or binary that is UTF-8 JSON), parsed once, with the ids it names;
 * - `opaque`: not JSON; `idKey` when its bytes hold something like an id key.
 * A frame without an id key that starts and ends like a JSON object or array is taken as JSON
 * without parsing it (the hot path); anything else is opaque and scanned for known user ids.
 */
export type FrameScan =
  { kind: 'clean' } | { kind: 'ids'; ids: FrameIds } | { kind: 'opaque'; idKey: boolean };

/** JSON inside string fields is read this many levels deep. */
const MAX_NESTED_JSON = 3;
const CLEAN: FrameScan = { kind: 'clean' };

export function scanFrame(raw: Buffer, isBinary = false): FrameScan {
  if (isBinary && !isUtf8(raw)) return { kind: 'opaque', idKey: mayNameIdKey(raw) };
  if (!mayNameIdKey(raw)) return looksLikeJson(raw) ? CLEAN : { kind: 'opaque', idKey: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return { kind: 'opaque', idKey: true };
  }
  const top = isObject(parsed) && typeof parsed.type === 'string' ? parsed.type : null;
  const ids: FrameIds = { type: top, userIds: [], runIds: [], threadIds: [] };
  collect(parsed, ids, 0);
  return { kind: 'ids', ids };
}

/** The ids of a frame that may carry some, or null (used where only JSON matters: the shadow). */
export function frameIds(raw: Buffer): FrameIds | null {
  const scan = scanFrame(raw);
  return scan.kind === 'ids' ? scan.ids : null;
}

/** Walks the whole value without recursion (a hostile frame may nest deeply). */
function collect(root: unknown, ids: FrameIds, nesting: number): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string') {
      if (nesting < MAX_NESTED_JSON) nested(node, ids, nesting);
    } else if (Array.isArray(node)) {
      for (const item of node) if (typeof item === 'object' || typeof item === 'string') stack.push(item);
    } else if (isObject(node)) {
      for (const key in node) {
        const value = node[key];
        const kind = idKind(key);
        if (kind !== null) add(kind, value, ids);
        if (typeof value === 'object' || typeof value === 'string') stack.push(value);
      }
    }
  }
}

function nested(text: string, ids: FrameIds, nesting: number): void {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  const first = text.charCodeAt(i);
  if (first !== 0x7b && first !== 0x5b) return; // { [
  let inner: unknown;
  try {
    inner = JSON.parse(text);
  } catch {
    return;
  }
  collect(inner, ids, nesting + 1);
}

function add(kind: 'user' | 'run' | 'thread', value: unknown, ids: FrameIds): void {
  const id = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
  if (id === null || id === '') return;
  const list = kind === 'user' ? ids.userIds : kind === 'run' ? ids.runIds : ids.threadIds;
  if (!list.includes(id)) list.push(id);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
