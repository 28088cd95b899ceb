import type { UpstreamErrorReason } from '../metrics/catalog.js';

/**
 * Socket errors (node's, and undici's own codes for a closed connection and a connect timeout)
 * to the status a client should see (after http-proxy-middleware's status-code.ts).
 */
export function classifyUpstreamError(
  code: string | undefined,
  timedOut: boolean,
): {
  status: 502 | 504;
  reason: UpstreamErrorReason;
} {
  if (timedOut || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT')
    return { status: 504, reason: 'timeout' };
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH')
    return { status: 502, reason: 'refused' };
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET')
    return { status: 502, reason: 'reset' };
  return { status: 502, reason: 'other' };
}
