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
  /** `host` for a client that sent none (the client library adds none to a list). */
  readonly engineHost: string;
  /**
   * The length of a body the proxy read and sends whole; null for no body or a streamed one
   * (which keeps the client's `content-length`, or goes chunked when it had none).
   */
  readonly readBodyLength: number | null;
  /** The trace context to send (`traceparent`, maybe `tracestate`): the client's is replaced. */
  readonly trace: Readonly<Record<string, string>> | null;
}

/**
 * The same policy as `engineHeaders`, as one flat `[name, value, ...]` list for the forwarder's
 * undici request, which takes a list as it is. `transfer-encoding` (hop-by-hop) and `expect` are
 * undici's own business: it frames a streamed body itself, and node:http has already answered a
 * client's `100-continue`.
 */
export function engineHeaderList(
  h: IncomingHttpHeaders,
  socket: ClientSocket,
  { engineHost, readBodyLength, trace }: EngineRequestHeaders,
): string[] {
  const out: string[] = [];
  for (const name in h) {
    const value = h[name];
    if (value === undefined || HOP_BY_HOP.has(name) || name === 'x-forwarded-for' || name === 'expect')
      continue;
    if (readBodyLength !== null && name === 'content-length') continue;
    if (trace !== null && (name === 'traceparent' || name === 'tracestate')) continue;
    if (typeof value === 'string') out.push(name, value);
    else for (const v of value) out.push(name, v);
  }
  out.push('x-forwarded-for', forwardedFor(h, socket));
  if (h['x-forwarded-port'] === undefined) out.push('x-forwarded-port', String(socket.localPort ?? ''));
  if (h['x-forwarded-proto'] === undefined) out.push('x-forwarded-proto', 'http');
  if (h['x-forwarded-host'] === undefined) out.push('x-forwarded-host', h.host ?? '');
  if (h.host === undefined) out.push('host', engineHost);
  if (readBodyLength !== null) out.push('content-length', String(readBodyLength));
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
 * engine sent the same name (the engine's value wins). Built from the headers undici has parsed
 * (names in lower case) and handed to `writeHead` on a response with no header set before:
 * node:http then writes the list as it is, where an object and `setHeader` per header cost
 * ~8 µs per request (bench/results/PROFILE.md, fourth pass).
 */
export function clientResponseHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  marks: readonly string[],
): string[] {
  const out: string[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    if (typeof value === 'string') out.push(name, value);
    else for (const v of value) out.push(name, v);
  }
  for (let m = 0; m < marks.length; m += 2) {
    if (headers[marks[m]!] === undefined) out.push(marks[m]!, marks[m + 1]!);
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
