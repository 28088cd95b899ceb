/**
 * Whether a handshake's raw query names a `user_id` other than the token's user, as the backend
 * reads it: each key and value percent-decoded once (`user%5Fid`, `%75ser_id` are `user_id`),
 * `+` as a space. A part that does not decode is ambiguous and counts as a mismatch. Pure.
 */
export function wsQueryUserIdMismatch(rawQuery: string, userId: string): boolean {
  const query = rawQuery.startsWith('?') ? rawQuery.slice(1) : rawQuery;
  if (query === '') return false;
  for (const part of query.split(/[&;]/)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    if (key === null) return true;
    if (key.trim().toLowerCase() !== 'user_id') continue;
    const value = eq < 0 ? '' : decode(part.slice(eq + 1));
    if (value !== userId) return true;
  }
  return false;
}

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}
