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
  out['x-forwarded-for'] = forwardedFor(h, socket);
  out['x-forwarded-port'] ??= String(socket.localPort ?? '');
  out['x-forwarded-proto'] ??= 'http';
  out['x-forwarded-host'] ??= h.host ?? '';
  return out;
}

/** What the caller of `engineHeaderList` decides about the request it sends. */
export interface EngineRequestHeaders {
  /** `host` for a client that sent none (node:http adds none to a list). */
  readonly engineHost: string;
  /**
   * A body the proxy read and sends whole (its length), a streamed one that keeps the client's
   * framing (`transfer-encoding` is hop-by-hop but goes with it), or no body framing to add.
   */
  readonly framing: { contentLength: number } | { transferEncoding: string } | null;
  /** The trace context to send (`traceparent`, maybe `tracestate`): the client's is replaced. */
  readonly trace: Readonly<Record<string, string>> | null;
}

/**
 * The same policy as `engineHeaders`, as one flat `[name, value, ...]` list for `request()`:
 * node:http writes such a list as it is, where an object costs a `setHeader` (a validation and an
 * entry) per header, ~15% of the proxy's allocation per forwarded request (PROFILE.md, fifth
 * pass).
 */
export function engineHeaderList(
  h: IncomingHttpHeaders,
  socket: ClientSocket,
  { engineHost, framing, trace }: EngineRequestHeaders,
): string[] {
  const out: string[] = [];
  const readBody = framing !== null && 'contentLength' in framing;
  for (const name in h) {
    const value = h[name];
    if (value === undefined || HOP_BY_HOP.has(name) || name === 'x-forwarded-for') continue;
    if (readBody && name === 'content-length') continue;
    if (trace !== null && (name === 'traceparent' || name === 'tracestate')) continue;
    if (typeof value === 'string') out.push(name, value);
    else for (const v of value) out.push(name, v);
  }
  out.push('x-forwarded-for', forwardedFor(h, socket));
  if (h['x-forwarded-port'] === undefined) out.push('x-forwarded-port', String(socket.localPort ?? ''));
  if (h['x-forwarded-proto'] === undefined) out.push('x-forwarded-proto', 'http');
  if (h['x-forwarded-host'] === undefined) out.push('x-forwarded-host', h.host ?? '');
  if (h.host === undefined) out.push('host', engineHost);
  if (framing !== null) {
    if ('contentLength' in framing) out.push('content-length', String(framing.contentLength));
    else out.push('transfer-encoding', framing.transferEncoding);
  }
  if (trace !== null) for (const name in trace) out.push(name, trace[name]!);
  return out;
}

/** `x-forwarded-for`: the client's list, if any, with the address the request came from. */
function forwardedFor(h: IncomingHttpHeaders, socket: ClientSocket): string {
  const addr = socket.remoteAddress ?? '';
  return h['x-forwarded-for'] === undefined ? addr : `${String(h['x-forwarded-for'])}, ${addr}`;
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
