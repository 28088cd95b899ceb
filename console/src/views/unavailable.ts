import { ApiError } from '../api.js';
import { explain } from '../messages.js';

/** What a panel says when its part of the admin API failed: 404 is "not on this proxy (yet)". */
export function unavailable(err: unknown, what: string): string {
  if (err instanceof ApiError && err.status === 404) return `${what}: not available on this proxy.`;
  return explain(err, `read the ${what.toLowerCase()}`);
}
