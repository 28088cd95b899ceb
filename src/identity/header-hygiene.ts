import type { IncomingHttpHeaders } from 'node:http';

/**
 * Removes inbound headers that the backend would take as identity or as an auth bypass:
 * any name containing `test` or `e2e` (PROTOCOL.md: outside production these switch on a bypass
 * that reads `sub` unverified) and the configured list. Returns how many were removed.
 */
export function createHeaderStripper(
  configured: readonly string[],
): (headers: IncomingHttpHeaders) => number {
  const exact = new Set(configured.map((h) => h.toLowerCase()));
  return (headers) => {
    let removed = 0;
    for (const name in headers) {
      if (exact.has(name) || name.includes('test') || name.includes('e2e')) {
        delete headers[name];
        removed++;
      }
    }
    return removed;
  };
}
