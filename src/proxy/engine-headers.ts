import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

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

/**
 * The engine's response headers for the client as one flat `[name, value, ...]` list, hop-by-hop
 * ones dropped, with the proxy's marks (`x-switchyard-engine`, `x-request-id`) added unless the
 * engine sent the same name (the engine's value wins). Built from `rawHeaders` and handed to
 * `writeHead` on a response with no header set before: node:http then writes it as it is, where
 * `upRes.headers` (built on first read), an object copy and `setHeader` per header before
 * `writeHead` cost ~8 µs per request (bench/results/PROFILE.md, fourth pass).
 */
export function clientResponseHeaders(raw: readonly string[], marks: readonly string[]): string[] {
  const out: string[] = [];
  let engineSent = 0; // bit i: the engine sent marks[2 * i]
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name)) continue;
    for (let m = 0; m < marks.length; m += 2) if (name === marks[m]) engineSent |= 1 << (m / 2);
    out.push(raw[i]!, raw[i + 1]!);
  }
  for (let m = 0; m < marks.length; m += 2) {
    if ((engineSent & (1 << (m / 2))) === 0) out.push(marks[m]!, marks[m + 1]!);
  }
  return out;
}

/** The proxy's marks on a response: which engine served it, and the request id. */
export function responseMarks(engine: string, requestId: string): string[] {
  return ['x-switchyard-engine', engine, 'x-request-id', requestId];
}

/** Sets the marks the usual way, on a response the proxy writes itself (errors, refusals). */
export function setResponseMarks(res: ServerResponse, engine: string, requestId: string): void {
  if (res.headersSent) return;
  res.setHeader('x-switchyard-engine', engine);
  res.setHeader('x-request-id', requestId);
}
