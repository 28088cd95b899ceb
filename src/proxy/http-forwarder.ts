import { Agent, request, type ClientRequest, type ServerResponse } from 'node:http';
import type { Engine } from '../routing/types.js';
import { engineAddress, type EngineCall } from '../tracing/engine-call.js';
import { DeadlineSweeper } from './deadline-sweeper.js';
import { clientResponseHeaders, engineHeaderList, responseMarks } from './engine-headers.js';
import type { RoutedRequest } from './request-context.js';

export interface ForwarderOptions {
  engine: Engine;
  target: string;
  timeoutMs: number;
  /** Idle keep-alive sockets are dropped sooner than the engine drops them (Node's default is 5 s). */
  idleSocketMs: number;
  /** `retryable`: the request may be sent again, on a fresh socket (see `mayRetry`). */
  onError: (
    err: NodeJS.ErrnoException,
    req: RoutedRequest,
    res: ServerResponse,
    proxyReq: ClientRequest | null,
    retryable: boolean,
  ) => void;
}

export interface Forwarder {
  readonly engine: Engine;
  readonly agent: Agent;
  /** `fresh`: a one-off connection instead of the pool's (the retry). */
  forward(req: RoutedRequest, res: ServerResponse, fresh?: boolean): void;
}

/**
 * node:http forwarding with a keep-alive agent: bodies streamed both ways, x-forwarded-* set,
 * engine timeouts and errors handed to `onError` with the engine request (for the retry).
 * It replaced http-proxy-middleware on the traffic path: measured in one `npm run bench` run
 * here, hpm alone forwards ~0.81 of a bare Node proxy's requests/s, which left Switchyard with
 * its features at ~0.53 of it; this forwarder brings Switchyard to ~0.70 (README, "Benchmark").
 */
export function createForwarder(options: ForwarderOptions): Forwarder {
  const target = new URL(options.target);
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 1024,
    maxFreeSockets: 256,
    timeout: options.idleSocketMs,
  });
  const deadlines = new DeadlineSweeper(options.timeoutMs);
  const basePath = target.pathname === '/' ? '' : target.pathname.replace(/\/$/, '');
  const address = engineAddress(options.engine, options.target);
  const forward = (req: RoutedRequest, res: ServerResponse, fresh = false): void => {
    const ctx = req.switchyard;
    const body = ctx?.body;
    const call = ctx?.trace?.engineCall(address);
    const headers = outgoingHeaders(req, body, target.host, call);
    const upstream = request({
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: basePath + (req.url ?? '/'),
      headers,
      agent: fresh ? false : agent,
    });
    if (ctx !== undefined) ctx.proxyReq = upstream;
    let clientGone = false;
    let bytesBefore = 0;
    upstream.once('socket', (socket) => (bytesBefore = socket.bytesWritten));
    const answered = deadlines.watch(upstream, () => {
      if (ctx !== undefined) ctx.timedOut = true;
      upstream.destroy(Object.assign(new Error('engine timeout'), { code: 'ETIMEDOUT' }));
    });
    upstream.on('response', (upRes) => {
      answered();
      call?.answered(upRes);
      if (ctx !== undefined) ctx.engineResponse = upRes;
      const marks = ctx === undefined ? NO_MARKS : responseMarks(ctx.engine, ctx.requestId);
      res.writeHead(
        upRes.statusCode ?? 502,
        upRes.statusMessage,
        clientResponseHeaders(upRes.rawHeaders, marks),
      );
      upRes.pipe(res);
      upRes.on('error', () => res.destroy());
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      answered();
      call?.failed(err.code ?? 'error');
      if (clientGone) return; // nobody to answer, and nothing to send again
      const wrote = (upstream.socket?.bytesWritten ?? 0) > bytesBefore;
      options.onError(err, req, res, upstream, mayRetry(err, upstream, req, wrote));
    });
    res.on('close', () => {
      if (res.writableFinished) return;
      clientGone = true;
      upstream.destroy();
    });
    if (body !== null && body !== undefined) {
      upstream.end(body); // its content-length is in the headers
    } else if (hasNoBody(req) && ctx?.bodySource === undefined) {
      // Sent at once: piping an empty body sends the engine request only once the client's
      // request has emitted 'end', a tick or more later (measured: p50 at one connection).
      req.resume();
      upstream.end();
    } else {
      (ctx?.bodySource ?? req).pipe(upstream);
    }
  };
  return { engine: options.engine, agent, forward };
}

/** RFC 9112 6.3: a request with neither Content-Length nor Transfer-Encoding has no body. */
function hasNoBody(req: RoutedRequest): boolean {
  const length = req.headers['content-length'];
  return (length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined;
}

const NO_MARKS: readonly string[] = [];
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/**
 * The reused-socket race, and only it: the engine closed an idle keep-alive socket as the proxy
 * sent on it, so nothing came back. Sent again only when that cannot run it twice: none of the
 * request reached the socket, or the method is idempotent (RFC 9110 9.2.2); and only when its
 * body can be sent again (read by the proxy, or none). The client is known to be connected
 * (a client that left never gets here).
 */
function mayRetry(
  err: NodeJS.ErrnoException,
  upstream: ClientRequest,
  req: RoutedRequest,
  wrote: boolean,
): boolean {
  const ctx = req.switchyard;
  if (ctx === undefined || ctx.timedOut || ctx.retried || !upstream.reusedSocket) return false;
  if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') return false;
  const replayable =
    ctx.body !== null ||
    (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined);
  return replayable && (!wrote || IDEMPOTENT.has(req.method ?? ''));
}

function outgoingHeaders(
  req: RoutedRequest,
  body: Buffer | null | undefined,
  engineHost: string,
  call: EngineCall | undefined,
): string[] {
  const te = req.headers['transfer-encoding'];
  let trace: Record<string, string> | null = null;
  if (call !== undefined) call.inject((trace = {}));
  return engineHeaderList(req.headers, req.socket, {
    engineHost,
    framing:
      body !== null && body !== undefined
        ? { contentLength: body.length }
        : te !== undefined
          ? { transferEncoding: te }
          : null,
    trace,
  });
}
