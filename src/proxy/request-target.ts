/**
 * The request target as the backend (uvicorn + Starlette) will see it, so that route matching
 * and the `user_id` checks judge the same request the engine serves. Pure.
 *
 * The path is percent-decoded, dot segments resolved (RFC 3986 5.2.4) and repeated slashes
 * collapsed; absolute-form (`http://host/path`) is reduced to its path. The engine is sent the
 * canonical form (`forward`), so proxy and engine cannot disagree. An encoding that one side
 * might read differently from the other is refused: an encoded `/`, `\`, `%` or control
 * character, a malformed escape, invalid UTF-8, or a raw byte outside visible ASCII.
 * A trailing slash is kept in what is forwarded (Starlette redirects it to the route without
 * one, which comes back through the proxy) but ignored for matching.
 */
export type RequestTarget =
  | {
      readonly ok: true;
      /** Decoded, canonical, no trailing slash (but `/`): what routes are matched against. */
      readonly match: string;
      /** The canonical path, encoded, plus `?` and the raw query when there is one. */
      readonly forward: string;
      /** The raw query, without `?` (the engine decodes it; see user-id-check.ts). */
      readonly search: string;
    }
  | { readonly ok: false; readonly reason: string };

const ABSOLUTE_FORM = /^https?:\/\/[^/?#]*/i;
/** Anything that needs more than a split: escapes, dot segments, `//`, `\`, non-visible ASCII. */
const NEEDS_WORK = /%|\/\/|\/\.|\\|[^\x21-\x7e]/;
const REFUSED_BYTES = new Set([0x2f, 0x5c, 0x25]); // `/`, `\`, `%` when encoded
const VISIBLE_ASCII = /^[\x21-\x7e]*$/;
const HEX2 = /^[0-9a-f]{2}$/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseRequestTarget(rawUrl: string): RequestTarget {
  let url = rawUrl;
  if (!url.startsWith('/')) {
    const authority = ABSOLUTE_FORM.exec(url);
    if (authority === null) return { ok: false, reason: 'the request target is not a path' };
    url = url.slice(authority[0].length);
    if (!url.startsWith('/')) url = `/${url}`;
  }
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const search = q === -1 ? '' : url.slice(q + 1);
  if (search.includes('#') || rawPath.includes('#')) return { ok: false, reason: 'a fragment in the target' };
  if (!NEEDS_WORK.test(rawPath)) {
    const match = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
    return { ok: true, match, forward: url, search };
  }
  const segments: string[] = [];
  const parts = rawPath.split('/');
  for (let i = 1; i < parts.length; i++) {
    const segment = decodeSegment(parts[i] ?? '');
    if (segment === null) return { ok: false, reason: 'an ambiguous encoding in the path' };
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const last = parts[parts.length - 1];
  const trailing = segments.length > 0 && (last === '' || last === '.' || last === '..');
  const match = `/${segments.join('/')}`;
  const path = `/${segments.map(encodeURIComponent).join('/')}${trailing ? '/' : ''}`;
  return { ok: true, match, forward: q === -1 ? path : `${path}?${search}`, search };
}

/** Percent-decodes one segment as UTF-8; null when it is ambiguous (see above). */
function decodeSegment(raw: string): string | null {
  if (!raw.includes('%')) return VISIBLE_ASCII.test(raw) && !raw.includes('\\') ? raw : null;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25) {
      const hex = raw.slice(i + 1, i + 3);
      if (!HEX2.test(hex)) return null;
      const byte = Number.parseInt(hex, 16);
      if (byte < 0x20 || byte === 0x7f || REFUSED_BYTES.has(byte)) return null;
      bytes.push(byte);
      i += 2;
    } else if (c < 0x21 || c > 0x7e || c === 0x5c) {
      return null;
    } else {
      bytes.push(c);
    }
  }
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    return null;
  }
}
