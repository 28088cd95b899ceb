import { isUserIdKey } from './user-id-key.js';
import { UserIdScanner, type BodyCheck } from './user-id-scanner.js';

export type { BodyCheck } from './user-id-scanner.js';

/** A query that may hold a user id key: a plain `user` or any escape (`%75ser_id`). */
const MAY_NAME_A_USER = /user|%/i;
/** Key spellings isUserIdKey accepts, as they may appear raw in a JSON text. */
const USER_ID_KEY_TEXT = /user[-_]?id/gi;
const BOM = 0xfeff;

/**
 * True when the query holds a user id (any key spelling, keys and values percent-decoded and
 * `+` read as a space, as Starlette decodes them; `;` taken as a separator too, as older Python
 * did) that is not the token's user. Every occurrence counts. Pure; also used for the WebSocket
 * handshake's query.
 */
export function queryUserIdMismatch(search: string, userId: string): boolean {
  if (search === '' || !MAY_NAME_A_USER.test(search)) return false;
  const params = new URLSearchParams(search.includes(';') ? search.replaceAll(';', '&') : search);
  for (const [key, value] of params) {
    if (isUserIdKey(key) && value !== userId) return true;
  }
  return false;
}

/**
 * Judges a whole body on a route whose body may carry a user id, whatever its declared content
 * type (the backend may parse it as JSON anyway): every top-level user id must be the token's
 * (null is no claim), and a body that is not JSON is `malformed`. JSON.parse keeps only the last
 * of duplicate keys (as Python does), so a body where a key may hide (an escape, or more
 * user-id-like keys in the text than the parsed top level has) is read again by the scanner,
 * which sees every occurrence.
 */
export function bodyUserIdCheck(body: Buffer, userId: string): BodyCheck {
  if (body.length === 0) return 'ok';
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === BOM) text = text.slice(1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'malformed';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'ok';
  let keys = 0;
  for (const [key, value] of Object.entries(parsed)) {
    if (!isUserIdKey(key)) continue;
    if (value !== null && value !== userId) return 'mismatch';
    keys++;
  }
  const inText = text.match(USER_ID_KEY_TEXT)?.length ?? 0;
  if (inText <= keys && !text.includes('\\u')) return 'ok';
  const scanner = new UserIdScanner(userId);
  scanner.write(body);
  return scanner.end();
}
