import type { IncomingHttpHeaders } from 'node:http';

/**
 * Header names that carry an identity some layer might trust instead of the token: a user, an
 * e-mail, a remote user, an impersonation, an auth-request or authenticated principal
 * (`x-remote-user`, `x-auth-request-email`, `x-forwarded-email`, `x-userid`,
 * `impersonate-user`, `x-ms-client-principal`, ...), and any name containing `test` or `e2e`
 * (PROTOCOL.md: outside production these switch on a bypass that reads `sub` unverified).
 * One precompiled test per header name (test/unit/identity/header-hygiene.test.ts measures it).
 */
const IDENTITY_NAME = /user|e-?mail|impersonat|auth-request|principal|authenticated|test|e2e/;
const KEPT = 'user-agent';
/** The proxy's own mark on its shadow traffic: never taken from a client. */
const ALWAYS = ['x-switchyard-shadow'];

/** Removes identity headers (see IDENTITY_NAME) and the configured list. Returns how many. */
export function createHeaderStripper(
  configured: readonly string[],
): (headers: IncomingHttpHeaders) => number {
  const exact = new Set([...configured, ...ALWAYS].map((h) => h.toLowerCase()));
  return (headers) => {
    let removed = 0;
    for (const name in headers) {
      if (exact.has(name) || (IDENTITY_NAME.test(name) && name !== KEPT)) {
        delete headers[name];
        removed++;
      }
    }
    return removed;
  };
}
