import type { ServerOptions } from 'node:http';
import type { Config } from '../config/schema.js';

/**
 * Slow-client limits for a node:http listener (both the traffic and the ops listener): all the
 * headers within `headersTimeoutMs`, the whole request within `requestTimeoutMs` (else 408 and
 * the connection closed), an idle keep-alive connection closed after `idleTimeoutMs`. Node
 * checks the first two every `connectionsCheckingInterval` (30 s by default, far too coarse for
 * a 10 s header limit): here a quarter of the header limit, at most 1 s.
 */
export function listenerOptions(http: Config['http']): ServerOptions {
  return {
    headersTimeout: http.headersTimeoutMs,
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: http.idleTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(http.headersTimeoutMs / 4))),
  };
}
