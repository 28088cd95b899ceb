/**
 * A `user_id` that the backend would trust instead of the token is refused when it names
 * someone else. Pure: the caller parses the query and body.
 */
export function queryUserIdMismatch(search: string, userId: string): boolean {
  if (search === '' || !search.includes('user_id')) return false;
  const values = new URLSearchParams(search).getAll('user_id');
  return values.some((v) => v !== userId);
}

export type BodyCheck = 'ok' | 'mismatch' | 'malformed';

export function bodyUserIdCheck(body: Buffer, contentType: string | undefined, userId: string): BodyCheck {
  if (body.length === 0) return 'ok';
  if (contentType !== undefined && !contentType.includes('json')) return 'ok';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return 'malformed';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'ok';
  const claimed = (parsed as Record<string, unknown>).user_id;
  if (claimed === undefined || claimed === null) return 'ok';
  return claimed === userId ? 'ok' : 'mismatch';
}
