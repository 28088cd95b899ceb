import type { IncomingHttpHeaders } from 'node:http';

/** Hop-by-hop headers (RFC 9110 7.6.1) are the proxy's own business on each side. */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

/** The client's side of the connection a request came in on. */
export interface ClientSocket {
  remoteAddress?: string | undefined;
  localPort?: number | undefined;
}

/**
 * The one header policy for every request the proxy sends to an engine: the forwarded request,
 * the ticket request and the shadow copy. The client's headers (identity headers already
 * stripped) less the hop-by-hop ones, with `x-forwarded-for` appended to and the other
 * `x-forwarded-*` filled in when the client did not send them.
 */
export function engineHeaders(h: IncomingHttpHeaders, socket: ClientSocket): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const name in h) {
    const value = h[name];
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  const addr = socket.remoteAddress ?? '';
  out['x-forwarded-for'] =
    h['x-forwarded-for'] === undefined ? addr : `${String(h['x-forwarded-for'])}, ${addr}`;
  out['x-forwarded-port'] ??= String(socket.localPort ?? '');
  out['x-forwarded-proto'] ??= 'http';
  out['x-forwarded-host'] ??= h.host ?? '';
  return out;
}
