import type { ServerResponse } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Engine } from '../routing/types.js';
import { engineAddress, type EngineCall } from '../tracing/engine-call.js';
import { DeadlineSweeper, type Deadline } from './deadline-sweeper.js';
import { clientResponseHeaders, engineHeaderList, responseMarks } from './engine-headers.js';
import type { RequestContext, RoutedRequest } from './request-context.js';
import { Client, Pool } from './undici.js';

export interface ForwarderOptions {
  engine: Engine;
  target: string;
  timeoutMs: number;
  /** Idle keep-alive sockets are dropped sooner than the engine drops them. */
  idleSocketMs: number;
  /** `retryable`: the request may be sent again, on a fresh connection (see `mayRetry`). */
  onError: (err: NodeJS.ErrnoException, req: RoutedRequest, res: ServerResponse, retryable: boolean) => void;
}

export interface Forwarder {
  readonly engine: Engine;
  /** `fresh`: a one-off connection instead of the pool's (the retry). */
  forward(req: RoutedRequest, res: ServerResponse, fresh?: boolean): void;
  /** Closes the pool's connections at once (at shutdown, after the listener has drained). */
  close(): Promise<void>;
}

/**
 * Forwarding to one engine through an undici connection pool: bodies streamed both ways,
 * x-forwarded-* set, engine timeouts and errors handed to `onError` (with whether the retry may
 * send it again). undici and not node:http's client: a bare proxy whose engine side is undici
 * forwards ~2x the requests/s of the same proxy on `http.request` (bench/results/PROFILE.md,
 * sixth pass); node:http's `ClientRequest`, its response `IncomingMessage` and the agent's
 * bookkeeping were most of a forwarded request's cost. The listener stays node:http.
 */
export function createForwarder(options: ForwarderOptions): Forwarder {
  const target = new URL(options.target);
  const pool = new Pool(target.origin, {
    connections: 1024,
    keepAliveTimeout: options.idleSocketMs,
    keepAliveMaxTimeout: options.idleSocketMs,
    // The deadline for the engine's answer is the sweeper's; a long stream has none.
    headersTimeout: 0,
    bodyTimeout: 0,
    allowH2: false,
  });
  const deadlines = new DeadlineSweeper(options.timeoutMs);
  const basePath = target.pathname === '/' ? '' : target.pathname.replace(/\/$/, '');
  const address = engineAddress(options.engine, options.target);
  const forward = (req: RoutedRequest, res: ServerResponse, fresh = false): void => {
    const ctx = req.switchyard;
    const read = ctx?.body ?? null;
    const call = ctx?.trace?.engineCall(address);
    const exchange = new EngineExchange(req, res, ctx, call, options.onError, deadlines);
    if (ctx !== undefined) ctx.engineRequest = exchange;
    deadlines.watch(exchange);
    let body: Dispatcher.DispatchOptions['body'] = read;
    if (read === null) {
      if (hasNoBody(req) && ctx?.bodySource === undefined) req.resume();
      else body = exchange.streamBody(ctx?.bodySource ?? req);
    }
    const request: Dispatcher.DispatchOptions = {
      method: req.method ?? 'GET',
      path: basePath + (req.url ?? '/'),
      headers: outgoingHeaders(req, read, target.host, call),
      body,
    };
    if (!fresh) return void pool.dispatch(request, exchange);
    const once = new Client(target.origin, { headersTimeout: 0, bodyTimeout: 0, allowH2: false });
    once.dispatch(request, exchange);
    void once.close(); // after this one request
  };
  return { engine: options.engine, forward, close: () => pool.destroy() };
}

/**
 * One forwarded request's answer, from undici's events to the client's response. One object per
 * request instead of a closure per event.
 */
class EngineExchange implements Dispatcher.DispatchHandler, Deadline {
  watchedSince = 0;
  private controller: Dispatcher.DispatchController | null = null;
  /** Why the proxy abandoned it before undici gave it a controller (still queued or connecting). */
  private abandoned: Error | null = null;
  /** Its failure has been handled: undici's later word on it is not. */
  private failed = false;
  private clientGone = false;
  private status = 0;
  private waitingForDrain = false;
  private streamed = false;

  constructor(
    private readonly req: RoutedRequest,
    private readonly res: ServerResponse,
    private readonly ctx: RequestContext | undefined,
    private readonly call: EngineCall | undefined,
    private readonly onError: ForwarderOptions['onError'],
    private readonly deadlines: DeadlineSweeper,
  ) {
    res.once('close', this.onClientClose);
  }

  onDeadline(): void {
    if (this.ctx !== undefined) this.ctx.timedOut = true;
    this.abort(Object.assign(new Error('engine timeout'), { code: 'ETIMEDOUT' }));
  }

  /**
   * The body undici sends: a stream of its own, since undici destroys the stream it is given
   * when it is done with it (or gives up), and a client's request destroyed before its end
   * takes the client's connection with it.
   */
  streamBody(source: Readable): PassThrough {
    this.streamed = true;
    return source.pipe(new PassThrough());
  }

  /** Abandons the engine request; one still waiting for a connection is answered for now. */
  abort(err: Error): void {
    if (this.controller !== null) return this.controller.abort(err);
    this.abandoned = err;
    this.fail(err);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abandoned !== null) controller.abort(this.abandoned);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void {
    if (statusCode < 200) return; // 1xx interim answers (103 Early Hints): the final one follows
    this.deadlines.settle(this);
    this.status = statusCode;
    const ctx = this.ctx;
    const marks = ctx === undefined ? NO_MARKS : responseMarks(ctx.engine, ctx.requestId);
    if (ctx !== undefined) ctx.engineHeaders = headers;
    this.res.writeHead(statusCode, statusMessage || undefined, clientResponseHeaders(headers, marks));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.res.write(chunk) || this.waitingForDrain) return;
    this.waitingForDrain = true;
    controller.pause();
    this.res.once('drain', () => {
      this.waitingForDrain = false;
      controller.resume();
    });
  }

  onResponseEnd(): void {
    this.res.end();
    this.call?.finished(this.status);
    this.dropUnsentBody();
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, err: Error): void {
    if (this.status !== 0) {
      // Cut after its headers went out: the client sees a truncated answer, as from the engine.
      this.call?.finished(this.status);
      this.res.destroy();
      return;
    }
    this.fail(err);
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.deadlines.settle(this);
    const code = (err as NodeJS.ErrnoException).code;
    this.call?.failed(code ?? 'error');
    this.res.off('close', this.onClientClose); // a retry watches the client itself
    this.dropUnsentBody();
    if (this.clientGone) return; // nobody to answer, and nothing to send again
    this.onError(err, this.req, this.res, mayRetry(code, this.req));
  }

  /**
   * The rest of a streamed body the engine will not get (it answered early, or the request
   * failed) is read and dropped, so that the client's upload ends and its connection lives on.
   */
  private dropUnsentBody(): void {
    if (!this.streamed || this.req.complete) return;
    this.req.unpipe();
    this.req.resume();
  }

  private readonly onClientClose = (): void => {
    if (this.res.writableFinished) return;
    this.clientGone = true;
    this.abort(new Error('the client left'));
  };
}

/** RFC 9112 6.3: a request with neither Content-Length nor Transfer-Encoding has no body. */
function hasNoBody(req: RoutedRequest): boolean {
  const length = req.headers['content-length'];
  return (length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined;
}

const NO_MARKS: readonly string[] = [];
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
/** The connection closed under the request before any answer (undici's `other side closed`). */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/**
 * The reused-connection race: the engine closed an idle keep-alive connection as the proxy sent
 * on it, so nothing came back. Sent again, once, on a fresh connection, only when that cannot
 * run it twice in a way the client would not allow (RFC 9110 9.2.2: an idempotent method) and
 * its body can be sent again (read by the proxy, or none). undici itself resends a request it
 * had not yet written when the connection closed; one it had written may have reached the
 * engine, so a POST is never sent twice. The client is known to be connected.
 */
function mayRetry(code: string | undefined, req: RoutedRequest): boolean {
  const ctx = req.switchyard;
  if (ctx === undefined || ctx.timedOut || ctx.retried || code === undefined) return false;
  if (!CONNECTION_LOST.has(code) || !IDEMPOTENT.has(req.method ?? '')) return false;
  return ctx.body !== null || hasNoBody(req);
}

function outgoingHeaders(
  req: RoutedRequest,
  body: Buffer | null,
  engineHost: string,
  call: EngineCall | undefined,
): string[] {
  let trace: Record<string, string> | null = null;
  if (call !== undefined) call.inject((trace = {}));
  return engineHeaderList(req.headers, req.socket, {
    engineHost,
    readBodyLength: body === null ? null : body.length,
    trace,
  });
}
